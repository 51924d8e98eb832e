"""
Course modes (table course_modes_coursemode).

After edx-platform's common/djangoapps/course_modes/models.py as
openedx/openedx-platform@6913dfd7 has it (a 2026 copy; no release-branch
copy could be read, docs/research/release-ulmo-verawood.md 3), reduced to what
the certificate rules and a toolkit writing rows through the ORM meet.
Written from that file, not copied:

- ``course`` is a ForeignKey to CourseOverview (db_constraint=False,
  db_index, related_name ``modes``, DO_NOTHING): its column and attname are
  ``course_id``, so ``CourseMode(course_id=key)`` and
  ``filter(course_id=key)`` work, and ``course`` is the overview (or
  DoesNotExist when there is no overview: no constraint);
  ``unique_together = (course, mode_slug, currency)``;
- ``_expiration_datetime`` (column ``expiration_datetime``) behind the
  ``expiration_datetime`` property, whose setter also sets
  ``expiration_datetime_is_explicit`` when given a date; so
  ``filter(expiration_datetime=...)`` is a FieldError as there (the ORM name
  is ``_expiration_datetime``), and ``CourseMode(expiration_datetime=...)``
  goes through the property;
- ``suggested_prices`` validated as a comma-separated integer list (by
  full_clean, not save), ``android_sku``, ``ios_sku``, ``sku``, ``bulk_sku``,
  ``description``, ``expiration_date`` (deprecated);
- ``save()`` runs ``clean()`` and lower-cases ``currency``: a professional /
  no-id-professional mode with an expiration date, or a price under
  COURSE_ENROLLMENT_MODES[slug]['min_price'] (verified and professional: 1),
  is a ValidationError before anything is written. Verawood only here
  (openedx.core.release.validates_course_mode_on_save): the copy read is of
  2026 and the older lines' save() was not read;
- ``DEFAULT_MODE`` (the ``Mode`` namedtuple) and ``DEFAULT_MODE_SLUG`` from
  settings.COURSE_MODE_DEFAULTS (lms/envs/common.py: slug ``audit``);
  ``modes_for_course`` (non-expired, no credit modes; none -> [DEFAULT_MODE])
  and ``mode_for_course`` (a ``Mode`` or None) as there;
- the slug constants and lists, NON_VERIFIED_MODES = honor, audit,
  no-id-professional; ``is_eligible_for_certificate``: audit never; honor
  not with DISABLE_HONOR_CERTIFICATES unless the certificate is already
  downloadable.

Not emulated: ``history = HistoricalRecords()`` (the real model keeps a
course_modes_historicalcoursemode table; no toolkit rule reads it), the
request cache of modes_for_course, the price and upgrade helpers.
"""
from collections import namedtuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_comma_separated_integer_list
from django.db import models
from django.db.models import Q
from django.utils.timezone import now

from openedx.core.djangoapps.content.course_overviews.models import CourseOverview
from openedx.core.release import validates_course_mode_on_save

Mode = namedtuple("Mode", ["slug", "name", "min_price", "suggested_prices", "currency", "expiration_datetime",
                           "description", "sku", "android_sku", "ios_sku", "bulk_sku"])


class CourseMode(models.Model):
    """We would like to offer a course in a variety of modes."""

    course = models.ForeignKey(CourseOverview, db_constraint=False, db_index=True, related_name="modes",
                               on_delete=models.DO_NOTHING)
    mode_slug = models.CharField(max_length=100, verbose_name="Mode")
    mode_display_name = models.CharField(max_length=255, verbose_name="Display Name")
    min_price = models.IntegerField(default=0, verbose_name="Price")
    currency = models.CharField(default="usd", max_length=8)
    _expiration_datetime = models.DateTimeField(default=None, null=True, blank=True,
                                                verbose_name="Upgrade Deadline", db_column="expiration_datetime")
    expiration_datetime_is_explicit = models.BooleanField(default=False, verbose_name="Lock upgrade deadline date")
    expiration_date = models.DateField(default=None, null=True, blank=True)
    suggested_prices = models.CharField(max_length=255, blank=True, default="",
                                        validators=[validate_comma_separated_integer_list])
    description = models.TextField(null=True, blank=True)
    sku = models.CharField(max_length=255, null=True, blank=True, verbose_name="SKU")
    android_sku = models.CharField(max_length=255, null=True, blank=True, verbose_name="Android SKU")
    ios_sku = models.CharField(max_length=255, null=True, blank=True, verbose_name="iOS SKU")
    bulk_sku = models.CharField(max_length=255, null=True, blank=True, default=None, verbose_name="Bulk SKU")

    HONOR = "honor"
    PROFESSIONAL = "professional"
    VERIFIED = "verified"
    AUDIT = "audit"
    NO_ID_PROFESSIONAL_MODE = "no-id-professional"
    CREDIT_MODE = "credit"
    MASTERS = "masters"
    EXECUTIVE_EDUCATION = "executive-education"
    PAID_EXECUTIVE_EDUCATION = "paid-executive-education"
    UNPAID_EXECUTIVE_EDUCATION = "unpaid-executive-education"
    PAID_BOOTCAMP = "paid-bootcamp"
    UNPAID_BOOTCAMP = "unpaid-bootcamp"

    DEFAULT_MODE = Mode(*(settings.COURSE_MODE_DEFAULTS[k] for k in (
        "slug", "name", "min_price", "suggested_prices", "currency", "expiration_datetime", "description",
        "sku", "android_sku", "ios_sku", "bulk_sku")))
    DEFAULT_MODE_SLUG = settings.COURSE_MODE_DEFAULTS["slug"]

    ALL_MODES = [AUDIT, CREDIT_MODE, HONOR, NO_ID_PROFESSIONAL_MODE, PROFESSIONAL, VERIFIED, MASTERS,
                 EXECUTIVE_EDUCATION, PAID_EXECUTIVE_EDUCATION, UNPAID_EXECUTIVE_EDUCATION, PAID_BOOTCAMP,
                 UNPAID_BOOTCAMP]
    AUDIT_MODES = [AUDIT, HONOR, UNPAID_EXECUTIVE_EDUCATION, UNPAID_BOOTCAMP]
    VERIFIED_MODES = [VERIFIED, PROFESSIONAL, MASTERS, EXECUTIVE_EDUCATION, PAID_EXECUTIVE_EDUCATION, PAID_BOOTCAMP]
    NON_VERIFIED_MODES = [HONOR, AUDIT, NO_ID_PROFESSIONAL_MODE]
    CREDIT_MODES = [CREDIT_MODE]
    CREDIT_ELIGIBLE_MODES = [VERIFIED, PROFESSIONAL, NO_ID_PROFESSIONAL_MODE, EXECUTIVE_EDUCATION,
                             PAID_EXECUTIVE_EDUCATION, PAID_BOOTCAMP]

    class Meta:
        app_label = "course_modes"
        unique_together = ("course", "mode_slug", "currency")

    def clean(self):
        """Professional modes take no expiration date; no price under the mode's minimum."""
        if self.is_professional_slug(self.mode_slug) and self.expiration_datetime is not None:
            raise ValidationError("Professional education modes are not allowed to have expiration_datetime set.")
        mode_config = settings.COURSE_ENROLLMENT_MODES.get(self.mode_slug, {})
        minimum = mode_config.get("min_price", 0)
        if int(self.min_price) < minimum:
            raise ValidationError(
                "The {mode} course mode has a minimum price of {price}. You must set a price greater than or "
                "equal to {price}.".format(mode=mode_config.get("display_name", self.mode_slug), price=minimum))

    def save(self, *args, **kwargs):
        if validates_course_mode_on_save():
            self.clean()
            self.currency = self.currency.lower()
        super().save(*args, **kwargs)

    @property
    def slug(self):
        return self.mode_slug

    @property
    def expiration_datetime(self):
        return self._expiration_datetime

    @expiration_datetime.setter
    def expiration_datetime(self, new_datetime):
        # A date given by hand locks it (the platform would otherwise move it).
        if new_datetime is not None:
            self.expiration_datetime_is_explicit = True
        self._expiration_datetime = new_datetime

    @classmethod
    def is_professional_slug(cls, slug):
        return slug in (cls.PROFESSIONAL, cls.NO_ID_PROFESSIONAL_MODE)

    @classmethod
    def modes_for_course(cls, course_id=None, include_expired=False, only_selectable=True):
        """The course's Mode tuples (non-expired unless asked; credit left out
        when only selectable ones are wanted); none -> [DEFAULT_MODE]."""
        if course_id is None:
            raise ValueError("One of course_id or course must not be None.")
        found = cls.objects.filter(course_id=course_id)
        if not include_expired:
            found = found.filter(Q(_expiration_datetime__isnull=True) | Q(_expiration_datetime__gte=now()))
        if only_selectable:
            found = found.exclude(mode_slug__in=cls.CREDIT_MODES)
        return [mode.to_tuple() for mode in found] or [cls.DEFAULT_MODE]

    @classmethod
    def mode_for_course(cls, course_id, mode_slug, modes=None, include_expired=False):
        """The course's Mode with that slug, or None."""
        if modes is None:
            modes = cls.modes_for_course(course_id, include_expired=include_expired)
        return next((mode for mode in modes if mode.slug == mode_slug), None)

    @classmethod
    def is_eligible_for_certificate(cls, mode_slug, status=None):
        """
        Whether the mode_slug grants a certificate: every mode but audit, and
        honor not with DISABLE_HONOR_CERTIFICATES unless the learner's
        certificate is already downloadable (so it can be regenerated).
        """
        ineligible_modes = [cls.AUDIT]
        if settings.FEATURES.get("DISABLE_HONOR_CERTIFICATES", False):
            if mode_slug == cls.HONOR and status != "downloadable":
                ineligible_modes.append(cls.HONOR)
        return mode_slug not in ineligible_modes

    def to_tuple(self):
        return Mode(self.mode_slug, self.mode_display_name, self.min_price, self.suggested_prices, self.currency,
                    self.expiration_datetime, self.description, self.sku, self.android_sku, self.ios_sku,
                    self.bulk_sku)

    def __str__(self):
        return "{} : {}, min={}".format(self.course_id, self.mode_slug, self.min_price)
