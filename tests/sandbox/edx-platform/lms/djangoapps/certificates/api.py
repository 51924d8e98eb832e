"""
Certificate generation, following edx-platform's rules.

Hawthorn / Lilac (certificates/queue.py XQueueCertInterface.add_cert and
api.generate_user_certificates), what this module reproduces:

* only learners whose current status is one of ADD_CERT_VALID_STATUSES are
  touched;
* enrollment mode ``verified`` (or credit / masters) without an approved ID
  verification: if the course offers an ``honor`` mode the certificate is
  made in honor mode, otherwise the status becomes ``unverified``;
* AUDIT MODE: ``CourseMode.is_eligible_for_certificate('audit')`` is False,
  but the real code only acts on that when AUDIT_CERT_CUTOFF_DATE is set and
  the certificate row was created on or after the cutoff
  (``cutoff and cert.created_date >= cutoff``): then the status is
  ``audit_passing`` / ``audit_notpassing``.  With no cutoff, or a cutoff
  later than the row's creation, audit learners are treated like honor
  learners: passing -> ``downloadable`` (mode audit), failing -> ``notpassing``;
* failing -> ``notpassing``; passing -> ``downloadable`` with a fresh
  verify_uuid (uuid4 hex) and an empty download_url when HTML certificates
  are enabled (FEATURES['CERTIFICATES_HTML_VIEW'] and the course's
  cert_html_view_enabled);
* when HTML certificates are NOT enabled the real platform takes the PDF
  path and sends a task to XQueue.  The sandbox has no XQueue: like a real
  host whose XQueue is unreachable, the row ends with status ``error`` and
  the XQueue error in error_reason.

Maple (generation_handler.py, "V2" certificates, driven by cert_generation
and a Celery task): the audit cutoff is gone; audit learners are not
eligible and nothing is written for them; verified-track learners without
an approved ID verification get ``unverified``; failing learners get
``notpassing``; passing learners in an eligible mode get a task that makes
the certificate ``downloadable``; learners who already have a downloadable
certificate are skipped; courses without HTML certificates get nothing.
"""
import datetime
import logging
from uuid import uuid4

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from common.djangoapps.course_modes.models import CourseMode
from common.djangoapps.student.models import CourseEnrollment, UserProfile
from lms.djangoapps.grades.models import PersistentCourseGrade, read_course_grade, CourseGrade
from lms.djangoapps.verify_student.models import IDVerificationService
from openedx.core.djangoapps.content.course_overviews.models import CourseOverview
from openedx.core.release import honours_audit_cutoff

from .models import CertificateStatuses as status
from .models import GeneratedCertificate, certificate_status_for_student

LOGGER = logging.getLogger(__name__)
User = get_user_model()

ADD_CERT_VALID_STATUSES = [
    status.generating, status.unavailable, status.deleted, status.error, status.notpassing,
    status.downloadable, status.auditing, status.audit_passing, status.audit_notpassing,
    status.unverified,
]

XQUEUE_UNREACHABLE = "Unable to send queue message to XQueue: (1, 'cannot connect to server')"


def has_html_certificates_enabled(course):
    """course: a CourseOverview (or None for an unknown course)."""
    if not settings.FEATURES.get("CERTIFICATES_HTML_VIEW", False):
        return False
    return bool(course is not None and course.cert_html_view_enabled)


def audit_cutoff():
    """settings.AUDIT_CERT_CUTOFF_DATE as an aware datetime (None when unset or removed)."""
    if not honours_audit_cutoff():
        return None
    cutoff = getattr(settings, "AUDIT_CERT_CUTOFF_DATE", None)
    if cutoff is None:
        return None
    if isinstance(cutoff, datetime.date) and not isinstance(cutoff, datetime.datetime):
        cutoff = datetime.datetime(cutoff.year, cutoff.month, cutoff.day)
    if timezone.is_naive(cutoff):
        cutoff = cutoff.replace(tzinfo=datetime.timezone.utc)
    return cutoff


class CourseContext:
    """Per-course facts, loaded once (the real command loads the course once too)."""

    def __init__(self, course_key, user_ids=None):
        self.course_key = course_key
        self.course = CourseOverview.get_from_id(course_key)
        self.has_honor_mode = CourseMode.mode_for_course(course_key, CourseMode.HONOR) is not None
        self.html_enabled = has_html_certificates_enabled(self.course)
        self._grades = None
        self._verified = None
        self._profiles = None
        if user_ids is not None:
            self.preload(user_ids)

    def preload(self, user_ids):
        user_ids = list(user_ids)
        self._grades = {}
        for row in PersistentCourseGrade.objects.filter(course_id=self.course_key):
            self._grades[row.user_id] = CourseGrade(row.percent_grade, row.letter_grade or None, row.passed)
        self._verified = set()
        self._profiles = {}
        for start in range(0, len(user_ids), 500):
            chunk = user_ids[start:start + 500]
            self._verified |= IDVerificationService.verified_user_ids(chunk)
            self._profiles.update(UserProfile.objects.filter(user_id__in=chunk).values_list("user_id", "name"))

    def grade(self, user):
        if self._grades is not None:
            return self._grades.get(user.id, CourseGrade())
        return read_course_grade(user.id, self.course_key)

    def is_verified(self, user):
        if self._verified is not None:
            return user.id in self._verified
        return IDVerificationService.user_is_verified(user)

    def profile_name(self, user):
        if self._profiles is not None and user.id in self._profiles:
            return self._profiles[user.id]
        profile = UserProfile.objects.filter(user=user).first()
        return profile.name if profile else ""


def add_cert(student, course_key, ctx=None, enrollment_mode=None, insecure=False, cert_status=None):
    """Hawthorn/Lilac XQueueCertInterface.add_cert, with HTML or (unreachable) PDF generation."""
    ctx = ctx or CourseContext(course_key)
    if cert_status is None:
        cert_status = certificate_status_for_student(student, course_key)["status"]
    if cert_status not in ADD_CERT_VALID_STATUSES:
        LOGGER.warning("Cannot create certificate generation task for user %s in the course '%s'; "
                       "the certificate status '%s' is not one of %s.",
                       student.id, course_key, cert_status, ADD_CERT_VALID_STATUSES)
        return None

    generate_pdf = not ctx.html_enabled
    course_grade = ctx.grade(student)
    if enrollment_mode is None:
        enrollment_mode, __ = CourseEnrollment.enrollment_mode_for_user(student, course_key)
    mode_is_verified = enrollment_mode in GeneratedCertificate.VERIFIED_CERTS_MODES
    user_is_verified = ctx.is_verified(student)
    cert_mode = enrollment_mode
    is_eligible_for_certificate = CourseMode.is_eligible_for_certificate(enrollment_mode, cert_status)

    unverified = False
    if cert_mode in (CourseMode.CREDIT_MODE, CourseMode.MASTERS):
        cert_mode = CourseMode.VERIFIED
    if mode_is_verified and not user_is_verified:
        if ctx.has_honor_mode:
            cert_mode = GeneratedCertificate.MODES.honor
        else:
            unverified = True

    cert, __ = GeneratedCertificate.objects.get_or_create(user=student, course_id=course_key)
    cert.mode = cert_mode
    cert.grade = "%s" % course_grade.percent if course_grade.percent else "0.0"
    cert.grade = cert.grade[:5]
    cert.name = ctx.profile_name(student)
    cert.download_url = ""
    passing = bool(course_grade.letter_grade) and course_grade.passed

    cutoff = audit_cutoff()
    if (cutoff and cert.created_date >= cutoff) and not is_eligible_for_certificate:
        cert.status = status.audit_passing if passing else status.audit_notpassing
        cert.save()
        LOGGER.info("Student %s with enrollment mode %s is not eligible for a certificate.",
                    student.id, enrollment_mode)
        return cert
    elif not passing:
        cert.status = status.notpassing
        cert.save()
        return cert

    if unverified:
        cert.status = status.unverified
        cert.save()
        return cert

    cert.key = uuid4().hex
    if generate_pdf:
        # The real platform sets 'generating' and posts to XQueue; the sandbox
        # has no XQueue, so the post fails as on a host whose XQueue is down.
        cert.status = status.error
        cert.error_reason = XQUEUE_UNREACHABLE
        LOGGER.critical("Could not add certificate task to XQueue (insecure=%s). The course was '%s' and the "
                        "student was '%s'.", insecure, course_key, student.id)
    else:
        cert.status = status.downloadable
        cert.verify_uuid = uuid4().hex
        cert.error_reason = ""
    cert.save()
    return cert


def generate_user_certificates(student, course_key, course=None, insecure=False, generation_mode="batch"):
    """api.generate_user_certificates (Hawthorn/Lilac): returns the new status or None."""
    cert = add_cert(student, course_key, insecure=insecure)
    return cert.status if cert is not None else None


# ---------------------------------------------------------------- maple (V2)

def _is_eligible_mode(mode):
    return mode is not None and CourseMode.is_eligible_for_certificate(mode)


def generate_certificate_task(user, course_key, generation_mode="batch"):
    """
    Maple generation_handler.generate_certificate_task: decide, then queue a
    task (a SandboxTask row, consumed by sandbox_worker) or set a status.
    Returns True when a generation task was queued.
    """
    from openedx.core.djangoapps.sandbox.tasks import enqueue

    ctx = CourseContext(course_key)
    enrollment_mode, __ = CourseEnrollment.enrollment_mode_for_user(user, course_key)
    if enrollment_mode is None or not ctx.html_enabled or not _is_eligible_mode(enrollment_mode):
        LOGGER.info("Cannot generate or set a certificate for %s in %s (mode %s)", user.id, course_key,
                    enrollment_mode)
        return False
    cert = GeneratedCertificate.certificate_for_student(user, course_key)
    if cert is not None and cert.status == status.downloadable:
        LOGGER.info("%s already has a downloadable certificate in %s", user.id, course_key)
        return False
    course_grade = ctx.grade(user)
    needs_idv = enrollment_mode in GeneratedCertificate.VERIFIED_CERTS_MODES
    if needs_idv and not ctx.is_verified(user):
        _set_status(user, course_key, ctx, enrollment_mode, course_grade, status.unverified)
        return False
    if not course_grade.passed:
        _set_status(user, course_key, ctx, enrollment_mode, course_grade, status.notpassing)
        return False
    enqueue("lms.djangoapps.certificates.generate_certificate", {
        "student": user.id, "course_key": str(course_key), "enrollment_mode": enrollment_mode,
        "course_grade": "%s" % course_grade.percent, "generation_mode": generation_mode,
    })
    return True


def _set_status(user, course_key, ctx, mode, course_grade, new_status):
    cert, __ = GeneratedCertificate.objects.get_or_create(user=user, course_id=course_key)
    if cert.status != new_status:
        cert.status = new_status
        cert.mode = mode
        cert.grade = ("%s" % course_grade.percent)[:5]
        cert.name = ctx.profile_name(user)
        cert.save()


def generate_certificate(student, course_key, enrollment_mode, course_grade="", generation_mode="batch"):
    """The body of the maple Celery task lms.djangoapps.certificates.generate_certificate."""
    from opaque_keys.edx.keys import CourseKey
    user = User.objects.get(id=student)
    course_key = CourseKey.from_string(course_key)
    name = UserProfile.objects.filter(user=user).values_list("name", flat=True).first() or ""
    with transaction.atomic():
        cert, __ = GeneratedCertificate.objects.get_or_create(user=user, course_id=course_key)
        cert.mode = enrollment_mode
        cert.grade = course_grade[:5]
        cert.name = name
        cert.download_url = ""
        cert.error_reason = ""
        cert.status = status.downloadable
        if not cert.verify_uuid:
            cert.verify_uuid = uuid4().hex
        cert.save()
    return cert.status
