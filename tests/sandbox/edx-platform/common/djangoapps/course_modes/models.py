"""Course modes (table course_modes_coursemode)."""
from django.conf import settings
from django.db import models
from opaque_keys.edx.django.models import CourseKeyField


class CourseMode(models.Model):
    """We would like to offer a course in a variety of modes."""

    class Meta:
        app_label = "course_modes"
        unique_together = ("course_id", "mode_slug", "currency")

    course_id = CourseKeyField(max_length=255, db_index=True, verbose_name="Course")
    mode_slug = models.CharField(max_length=100, verbose_name="Mode")
    mode_display_name = models.CharField(max_length=255, verbose_name="Display Name")
    min_price = models.IntegerField(default=0, verbose_name="Price")
    currency = models.CharField(default="usd", max_length=8)
    expiration_datetime = models.DateTimeField(default=None, null=True, blank=True)
    expiration_date = models.DateField(default=None, null=True, blank=True)
    suggested_prices = models.CharField(max_length=255, blank=True, default="")
    description = models.TextField(null=True, blank=True)
    sku = models.CharField(max_length=255, null=True, blank=True)
    bulk_sku = models.CharField(max_length=255, null=True, blank=True, default=None)

    HONOR = "honor"
    PROFESSIONAL = "professional"
    VERIFIED = "verified"
    AUDIT = "audit"
    NO_ID_PROFESSIONAL_MODE = "no-id-professional"
    CREDIT_MODE = "credit"
    MASTERS = "masters"
    EXECUTIVE_EDUCATION = "executive-education"

    DEFAULT_MODE_SLUG = AUDIT

    @classmethod
    def mode_for_course(cls, course_id, mode_slug):
        return cls.objects.filter(course_id=course_id, mode_slug=mode_slug).first()

    @classmethod
    def is_eligible_for_certificate(cls, mode_slug, status=None):
        """
        Returns whether or not the given mode_slug is eligible for a
        certificate. Currently all modes other than 'audit' grant a
        certificate (and 'honor' when DISABLE_HONOR_CERTIFICATES is on).
        """
        ineligible_modes = [cls.AUDIT]
        if settings.FEATURES.get("DISABLE_HONOR_CERTIFICATES", False):
            if not (mode_slug == cls.HONOR and status == "downloadable"):
                ineligible_modes.append(cls.HONOR)
        return mode_slug not in ineligible_modes

    def __str__(self):
        return "{} : {}, min={}".format(self.course_id, self.mode_slug, self.min_price)
