"""
Certificates models, with the names, app label and tables of edx-platform's
lms/djangoapps/certificates/models.py (reduced to what the sandbox needs).

Read against the Maple-era copies of edx-platform (master of autumn 2021,
before the openedx-filters hooks of Nutmeg): ``CertificateAllowlist``
(table certificates_certificateallowlist, edx-platform migration 0026),
``CertificateInvalidation`` (0007), ``CertificateGenerationCommandConfiguration``
(0023, read by ``cert_generation --args-from-database``) and the history of
``GeneratedCertificate`` (django-simple-history's HistoricalRecords, table
certificates_historicalgeneratedcertificate, edx-platform migration 0016 of
December 2019: Juniper and later, so the sandbox writes no history rows on
Hawthorn).  ``GeneratedCertificate.MODES`` is the Maple list: the paid
executive education / bootcamp modes came in February 2022 (migration
0033_paid_unpaid_modes, Nutmeg).
"""
import json
import logging

from config_models.models import ConfigurationModel
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from opaque_keys.edx.django.models import CourseKeyField
from simple_history.models import HistoricalRecords

from openedx.core.release import release_line

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

    PASSED_STATUSES = (downloadable, generating)

    @classmethod
    def is_passing_status(cls, status):
        return status in cls.PASSED_STATUSES


class _Modes:
    def __init__(self, *modes):
        self.choices = [(m, m) for m in modes]
        for mode in modes:
            setattr(self, mode.replace("-", "_"), mode)


class _ReleaseHistoricalRecords(HistoricalRecords):
    """HistoricalRecords that writes nothing on Hawthorn (the history table came with Juniper)."""

    def post_save(self, instance, created, using=None, **kwargs):
        if release_line() == "hawthorn":
            return
        super().post_save(instance, created, using=using, **kwargs)

    def post_delete(self, instance, using=None, **kwargs):
        if release_line() == "hawthorn":
            return
        super().post_delete(instance, using=using, **kwargs)


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

    # As edx-platform: Studio does not install the certificates app but imports
    # this module; simple-history would fail to register the history model there.
    if "certificates" in apps.app_configs:
        history = _ReleaseHistoricalRecords()

    @classmethod
    def certificate_for_student(cls, student, course_id):
        return cls.objects.filter(user=student, course_id=course_id).first()

    # Maple's GeneratedCertificate.invalidate / mark_notpassing / mark_unverified,
    # all through _revoke_certificate (error_reason, download_uuid, download_url
    # cleared, grade, status, mode and name set, saved; verify_uuid untouched).
    def invalidate(self, mode=None, source=None):
        if not mode:
            mode = self.mode
        LOGGER.info("Marking certificate as unavailable for %s : %s with mode %s from source %s",
                    self.user_id, self.course_id, mode, source)
        self._revoke_certificate(status=CertificateStatuses.unavailable, mode=mode, source=source)

    def mark_notpassing(self, mode, grade, source=None):
        LOGGER.info("Marking certificate as notpassing for %s : %s with mode %s from source %s",
                    self.user_id, self.course_id, mode, source)
        self._revoke_certificate(status=CertificateStatuses.notpassing, mode=mode, grade=grade, source=source)

    def mark_unverified(self, mode, source=None):
        LOGGER.info("Marking certificate as unverified for %s : %s with mode %s from source %s",
                    self.user_id, self.course_id, mode, source)
        self._revoke_certificate(status=CertificateStatuses.unverified, mode=mode, source=source)

    def _revoke_certificate(self, status, mode=None, grade=None, source=None):
        from common.djangoapps.student.models import UserProfile
        self.error_reason = ""
        self.download_uuid = ""
        self.download_url = ""
        self.grade = "" if not grade else "%s" % grade
        self.status = status
        self.mode = mode or self.mode
        self.name = UserProfile.objects.filter(user_id=self.user_id).values_list("name", flat=True).first() or ""
        self.save()

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


class CertificateAllowlist(models.Model):
    """Learners on a course run's certificate allowlist (exempt from the grade requirement)."""

    class Meta:
        app_label = "certificates"
        unique_together = [["course_id", "user"]]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    course_id = CourseKeyField(max_length=255, blank=True, default=None)
    allowlist = models.BooleanField(default=0)
    notes = models.TextField(default=None, null=True)
    created = models.DateTimeField(default=timezone.now, editable=False)
    modified = models.DateTimeField(auto_now=True)


class CertificateInvalidation(models.Model):
    """An invalidated certificate: no certificate can be generated for that learner and course."""

    class Meta:
        app_label = "certificates"

    generated_certificate = models.ForeignKey(GeneratedCertificate, on_delete=models.CASCADE)
    invalidated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    notes = models.TextField(default=None, null=True)
    active = models.BooleanField(default=True)
    created = models.DateTimeField(default=timezone.now, editable=False)
    modified = models.DateTimeField(auto_now=True)

    @classmethod
    def has_certificate_invalidation(cls, student, course_key):
        return cls.objects.filter(generated_certificate__course_id=course_key, active=True,
                                  generated_certificate__user=student).exists()


class CertificateGenerationCommandConfiguration(ConfigurationModel):
    """Manages configuration for a run of the cert_generation management command."""

    class Meta(ConfigurationModel.Meta):
        app_label = "certificates"
        verbose_name = "cert_generation argument"

    arguments = models.TextField(
        blank=True,
        help_text="Arguments for the 'cert_generation' management command. Specify like "
                  "'-u <user_id> -c <course_run_key>'",
        default="",
    )

    def __str__(self):
        return str(self.arguments)


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


class CertificateGenerationConfiguration(ConfigurationModel):
    """
    Configure certificate generation: the site-wide switch of self-generated
    certificates (the progress page's button), a ConfigurationModel with no
    field of its own (id, change_date, changed_by_id, enabled; table
    certificates_certificategenerationconfiguration), as edx-platform's
    models.py (docs/research/release-redwood.md 2.1: read in the 2025/26 copy
    and the 2023 reference). The sandbox adds it with its migration 0005;
    when edx-platform added its table the research does not say, and only
    Redwood's api reads it in the sandbox.
    """

    class Meta(ConfigurationModel.Meta):
        app_label = "certificates"


class CertificateGenerationCourseSetting(models.Model):
    """Per-course certificate settings (added by migration 0003): self_generation_enabled is the course half
    of self-generated certificates (api.has_self_generated_certificates_enabled)."""

    class Meta:
        app_label = "certificates"
        get_latest_by = "created"

    created = models.DateTimeField(default=timezone.now, editable=False)
    modified = models.DateTimeField(auto_now=True)
    course_key = CourseKeyField(max_length=255, db_index=True)
    self_generation_enabled = models.BooleanField(default=False)
    include_hours_of_effort = models.BooleanField(default=None, null=True)
    language_specific_templates_enabled = models.BooleanField(default=False)

    @classmethod
    def get(cls, course_key):
        """The latest row of the course (the real models.py: filter by course_key, latest created), or None."""
        try:
            return cls.objects.filter(course_key=course_key).latest()
        except cls.DoesNotExist:
            return None

    @classmethod
    def is_self_generation_enabled_for_course(cls, course_key):
        setting = cls.get(course_key)
        return bool(setting and setting.self_generation_enabled)
