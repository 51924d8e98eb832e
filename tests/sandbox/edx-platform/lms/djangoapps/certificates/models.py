"""
Certificates models, with the names, app label and tables of edx-platform's
lms/djangoapps/certificates/models.py (reduced to what the sandbox needs).
"""
import json
import logging

from config_models.models import ConfigurationModel
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from opaque_keys.edx.django.models import CourseKeyField

LOGGER = logging.getLogger(__name__)


class CertificateStatuses:
    """Enum for certificate statuses"""
    deleted = "deleted"
    deleting = "deleting"
    downloadable = "downloadable"
    error = "error"
    generating = "generating"
    notpassing = "notpassing"
    restricted = "restricted"
    unavailable = "unavailable"
    auditing = "auditing"
    audit_passing = "audit_passing"
    audit_notpassing = "audit_notpassing"
    honor_passing = "honor_passing"
    unverified = "unverified"
    invalidated = "invalidated"
    requesting = "requesting"

    ALL = (deleted, deleting, downloadable, error, generating, notpassing, restricted,
           unavailable, auditing, audit_passing, audit_notpassing, honor_passing,
           unverified, invalidated, requesting)

    PASSED_STATUSES = (downloadable, generating, honor_passing, audit_passing)
    NON_REFUNDABLE_STATUSES = (downloadable, generating, unavailable)

    @classmethod
    def is_passing_status(cls, status):
        return status in cls.PASSED_STATUSES


class _Modes:
    def __init__(self, *modes):
        self.choices = [(m, m) for m in modes]
        for mode in modes:
            setattr(self, mode.replace("-", "_"), mode)


class GeneratedCertificate(models.Model):
    """Base model for generated course certificates"""

    MODES = _Modes("verified", "honor", "audit", "professional", "no-id-professional",
                   "masters", "executive-education")

    VERIFIED_CERTS_MODES = ["verified", "credit", "masters", "executive-education"]

    class Meta:
        unique_together = (("user", "course_id"),)
        app_label = "certificates"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    course_id = CourseKeyField(max_length=255, blank=True, default=None)
    verify_uuid = models.CharField(max_length=32, blank=True, default="", db_index=True)
    download_uuid = models.CharField(max_length=32, blank=True, default="")
    download_url = models.CharField(max_length=128, blank=True, default="")
    grade = models.CharField(max_length=5, blank=True, default="")
    key = models.CharField(max_length=32, blank=True, default="")
    distinction = models.BooleanField(default=False)
    status = models.CharField(max_length=32, default="unavailable")
    mode = models.CharField(max_length=32, choices=MODES.choices, default=MODES.honor)
    name = models.CharField(blank=True, max_length=255)
    created_date = models.DateTimeField(default=timezone.now, editable=False)
    modified_date = models.DateTimeField(auto_now=True)
    error_reason = models.CharField(max_length=512, blank=True, default="")

    @classmethod
    def certificate_for_student(cls, student, course_id):
        return cls.objects.filter(user=student, course_id=course_id).first()

    def __str__(self):
        return "GeneratedCertificate(user=%s, course=%s, status=%s)" % (self.user_id, self.course_id, self.status)


def certificate_status_for_student(student, course_id):
    """The certificate status of a learner in a course ('unavailable' without a row)."""
    cert = GeneratedCertificate.certificate_for_student(student, course_id)
    if cert is None:
        return {"status": CertificateStatuses.unavailable, "mode": None, "uuid": None,
                "download_url": None}
    return {"status": cert.status, "mode": cert.mode, "uuid": cert.verify_uuid,
            "download_url": cert.download_url or None, "grade": cert.grade}


class CertificateHtmlViewConfiguration(ConfigurationModel):
    """
    Static values for certificate HTML view context parameters.
    Default values will be applied across all certificate types (course modes)
    Matching 'mode' overrides will be used instead of defaults.
    """

    class Meta(ConfigurationModel.Meta):
        app_label = "certificates"

    configuration = models.TextField(
        help_text="Certificate HTML View Parameters (JSON)"
    )

    def clean(self):
        """Ensures configuration field contains valid JSON."""
        try:
            json.loads(self.configuration)
        except ValueError:
            raise ValidationError("Must be valid JSON string.")

    @classmethod
    def get_config(cls):
        """Retrieves the configuration field value from the database."""
        instance = cls.current()
        json_data = json.loads(instance.configuration) if instance.enabled else {}
        return json_data


class CertificateGenerationCourseSetting(models.Model):
    """Per-course certificate settings (added by migration 0003)."""

    class Meta:
        app_label = "certificates"
        get_latest_by = "created"

    created = models.DateTimeField(default=timezone.now, editable=False)
    modified = models.DateTimeField(auto_now=True)
    course_key = CourseKeyField(max_length=255, db_index=True)
    self_generation_enabled = models.BooleanField(default=False)
    include_hours_of_effort = models.BooleanField(default=None, null=True)
    language_specific_templates_enabled = models.BooleanField(default=False)
