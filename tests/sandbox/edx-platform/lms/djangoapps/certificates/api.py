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

Hawthorn/Lilac also: ``ungenerated_certs`` goes through
``api.generate_user_certificates``, which cancels the generation (no row) for
a beta tester of the course (``list_with_level(course, 'beta')``, seen in a
Python 2 era copy of edx-platform's certificates/api.py).  The certificate
whitelist of those releases (CertificateWhitelist) and invalidations are not
read by the legacy path here.

Maple: lms/djangoapps/certificates/generation_handler.py, tasks.py and
generation.py of edx-platform master of late November 2021 (commit
bb28fc6cbf65edfe7dbf3f6f288decd761b9937d, the state that the Maple backport
of MICROBA-1594, PR #29477, cherry-picked; before the openedx-filters hooks
of February 2022), reproduced by ``generate_certificate_task`` below:

* an allowlisted learner (CertificateAllowlist, allowlist=True) takes the
  allowlist path: no grade requirement and no beta-tester check;
* otherwise: no certificate for a CCX course or a beta tester
  (student.CourseAccessRole, role beta_testers), nor without a passing grade;
* both paths: no certificate with an active CertificateInvalidation, without
  an enrollment (active or not), in a mode that is not eligible (audit; honor
  with DISABLE_HONOR_CERTIFICATES), without an approved ID verification
  unless the mode is honor / audit / no-id-professional, when the learner
  already has a downloadable certificate (unless its mode was not eligible
  and the enrollment's now is), without a course overview, or without HTML
  certificates (the flag and the course's cert_html_view_enabled);
* when one can be generated: ``generate_certificate.apply_async(countdown=2,
  kwargs={student, course_key, enrollment_mode, course_grade})``, True;
* when not, a status may still be set or confirmed, and the function returns
  True although nothing was published, except in the second case:
  an active invalidation and a row -> ``unavailable`` (``invalidate()``, or
  nothing when it already is); no ID verification and passing or
  allowlisted -> ``unverified`` (no row: a task is PUBLISHED with
  status=unverified; a row: ``mark_unverified``); regular path, ID verified,
  failing, with a row -> ``notpassing`` (``mark_notpassing``).  A failing
  learner without a row gets NO row; the audit cutoff is gone.
  The ID verification requirement is ``not is_integrity_signature_enabled(course)
  and not user_is_verified``: the integrity signature (course waffle flag
  agreements.enable_integrity_signature, off by default) is not emulated;
  FEATURES['ENABLE_CERTIFICATES_IDV_REQUIREMENT'] (off by default) came only
  in April 2022 (Nutmeg/Olive) and does nothing here;
* Redwood (docs/research/release-redwood.md 2.2-2.3, section 10; the
  2023 master and 2025/26 copies of generation_handler.py, tasks.py and
  generation.py agree, no Redwood-branch copy was read): the same functions
  and order, with one difference the sandbox shows: the ID verification
  check (``_id_verification_enforced_and_missing``) applies only when
  FEATURES['ENABLE_CERTIFICATES_IDV_REQUIREMENT'] is on (off by default), so
  by default a verified learner without ID verification gets a
  ``downloadable`` certificate and nobody gets ``unverified``.  HTML
  certificates off: nothing is written, False (as Maple).  The openedx-filter
  ``CertificateCreationRequested`` runs before the task is published; the
  sandbox has no filter pipeline configured, which on a real host is the
  default (pass-through).  The paid executive-education / bootcamp modes are
  not added to ``GeneratedCertificate.MODES`` (choices only);
* the task (``generate_course_certificate``) writes the row with the
  status it was given (default downloadable), the enrollment mode, the
  grade it was given, the profile name, and keeps an existing verify_uuid
  (a new uuid4 hex otherwise); an ``unverified`` one is then also
  ``mark_unverified`` (a second save).
"""
import datetime
import logging
from uuid import uuid4

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from common.djangoapps.course_modes.models import CourseMode
from common.djangoapps.student.models import CourseAccessRole, CourseEnrollment, UserProfile, is_beta_tester
from lms.djangoapps.grades.models import PersistentCourseGrade, read_course_grade, CourseGrade
from lms.djangoapps.verify_student.services import IDVerificationService
from openedx.core.djangoapps.content.course_overviews.models import CourseOverview
from openedx.core.release import honours_audit_cutoff, idv_requirement_is_a_feature

from .models import CertificateStatuses as status
# The display rule is page_rules.py's; importable from here as from lms/djangoapps/certificates/api.py,
# where it lives from Nutmeg on (before: openedx/core/djangoapps/certificates/api.py, not emulated as a path).
from .page_rules import certificates_viewable_for_course  # noqa: F401,E402
from .models import CertificateAllowlist, CertificateInvalidation, GeneratedCertificate, certificate_status_for_student

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


def get_active_web_certificate(course, is_preview_mode=None):
    """The course's active certificate configuration, or None (certificates/api.py, the same in every
    release the sandbox emulates: the first configuration with is_active, or the first at all in preview;
    ``course`` is the modulestore's course, whose ``certificates`` Studio writes)."""
    configurations = getattr(course, "certificates", {}).get("certificates", [])
    for configuration in configurations:
        if configuration.get("is_active") or is_preview_mode:
            return configuration
    return None


def auto_certificate_generation_enabled():
    """api.py: the waffle switch certificates.auto_certificate_generation (config.py), off by default."""
    from .config import AUTO_CERTIFICATE_GENERATION
    return AUTO_CERTIFICATE_GENERATION.is_enabled()


def has_self_generated_certificates_enabled(course_key):
    """api.py: self-generated certificates need both switches, the current
    CertificateGenerationConfiguration row enabled AND the course's
    CertificateGenerationCourseSetting.self_generation_enabled."""
    from .models import CertificateGenerationConfiguration, CertificateGenerationCourseSetting
    return (CertificateGenerationConfiguration.current().enabled and
            CertificateGenerationCourseSetting.is_self_generation_enabled_for_course(course_key))


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
        self._beta = None
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
        self._beta = set(CourseAccessRole.objects.filter(role="beta_testers", course_id=self.course_key,
                                                         org=self.course_key.org).values_list("user_id", flat=True))

    def grade(self, user):
        if self._grades is not None:
            return self._grades.get(user.id, CourseGrade())
        return read_course_grade(user.id, self.course_key)

    def is_verified(self, user):
        if self._verified is not None:
            return user.id in self._verified
        return IDVerificationService.user_is_verified(user)

    def is_beta_tester(self, user):
        if self._beta is not None:
            return user.id in self._beta
        return is_beta_tester(user, self.course_key)

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


def generate_user_certificates(student, course_key, ctx=None, insecure=False, generation_mode="batch",
                               enrollment_mode=None, cert_status=None):
    """api.generate_user_certificates (Hawthorn/Lilac): returns the new status or None."""
    ctx = ctx or CourseContext(course_key)
    if ctx.is_beta_tester(student):
        LOGGER.info("Cancelling course certificate generation for user [%s] against course [%s], user is a "
                    "Beta Tester.", student.username, course_key)
        return None
    cert = add_cert(student, course_key, ctx=ctx, enrollment_mode=enrollment_mode, insecure=insecure,
                    cert_status=cert_status)
    return cert.status if cert is not None else None


# ---------------------------------------------------------------- maple (V2)
# generation_handler.py, tasks.py and generation.py of edx-platform (see the
# module docstring), function by function.

from openedx.core.djangoapps.sandbox.tasks import SandboxCeleryTask  # noqa: E402

# CourseMode.NON_VERIFIED_MODES: "Modes that allow a student to pursue a non-verified certificate".
NON_VERIFIED_MODES = [CourseMode.HONOR, CourseMode.AUDIT, CourseMode.NO_ID_PROFESSIONAL_MODE]

# tasks.py: "Certificate generation is delayed in case the caller is still
# completing their changes".
CERTIFICATE_DELAY_SECONDS = 2

# The Celery task lms.djangoapps.certificates.tasks.generate_certificate; the
# handler below publishes it with generate_certificate.apply_async(...).
generate_certificate = SandboxCeleryTask("lms.djangoapps.certificates.tasks.generate_certificate",
                                         "lms.djangoapps.certificates.api:run_generate_certificate_task")


def generate_certificate_task(user, course_key, generation_mode=None, delay_seconds=CERTIFICATE_DELAY_SECONDS):
    """
    Create a task to generate a certificate for this user in this course run, if the user is eligible and a
    certificate can be generated.  True when a task was published OR a status was set or confirmed in-process.
    """
    if is_on_certificate_allowlist(user, course_key):
        LOGGER.info("User %s is on the allowlist for %s. Attempt will be made to generate an allowlist "
                    "certificate.", user.id, course_key)
        return generate_allowlist_certificate_task(user, course_key, generation_mode=generation_mode,
                                                   delay_seconds=delay_seconds)
    LOGGER.info("Attempt will be made to generate course certificate for user %s : %s", user.id, course_key)
    return _generate_regular_certificate_task(user, course_key, generation_mode=generation_mode,
                                              delay_seconds=delay_seconds)


def generate_allowlist_certificate_task(user, course_key, generation_mode=None,
                                        delay_seconds=CERTIFICATE_DELAY_SECONDS):
    enrollment_mode = _get_enrollment_mode(user, course_key)
    course_grade = _get_course_grade(user, course_key)
    if _can_generate_allowlist_certificate(user, course_key, enrollment_mode):
        return _generate_certificate_task(user=user, course_key=course_key, enrollment_mode=enrollment_mode,
                                          course_grade=course_grade, generation_mode=generation_mode,
                                          delay_seconds=delay_seconds)
    state = _set_allowlist_cert_status(user, course_key, enrollment_mode, course_grade)
    if state is not None:
        return True
    return False


def _generate_regular_certificate_task(user, course_key, generation_mode=None,
                                       delay_seconds=CERTIFICATE_DELAY_SECONDS):
    enrollment_mode = _get_enrollment_mode(user, course_key)
    course_grade = _get_course_grade(user, course_key)
    if _can_generate_regular_certificate(user, course_key, enrollment_mode, course_grade):
        return _generate_certificate_task(user=user, course_key=course_key, enrollment_mode=enrollment_mode,
                                          course_grade=course_grade, generation_mode=generation_mode,
                                          delay_seconds=delay_seconds)
    state = _set_regular_cert_status(user, course_key, enrollment_mode, course_grade)
    if state is not None:
        return True
    return False


def _generate_certificate_task(user, course_key, enrollment_mode, course_grade, status=None, generation_mode=None,
                               delay_seconds=CERTIFICATE_DELAY_SECONDS):
    LOGGER.info("About to create a regular certificate task for %s : %s", user.id, course_key)
    kwargs = {
        "student": str(user.id),
        "course_key": str(course_key),
        "enrollment_mode": str(enrollment_mode),
        "course_grade": str(_get_grade_value(course_grade)),
    }
    if status is not None:
        kwargs["status"] = status
    if generation_mode is not None:
        kwargs["generation_mode"] = generation_mode
    generate_certificate.apply_async(countdown=delay_seconds, kwargs=kwargs)
    return True


def _can_generate_allowlist_certificate(user, course_key, enrollment_mode):
    if not is_on_certificate_allowlist(user, course_key):
        return False
    if not _can_generate_certificate_common(user, course_key, enrollment_mode):
        LOGGER.info("One of the common checks failed. Allowlist certificate cannot be generated for %s : %s.",
                    user.id, course_key)
        return False
    return True


def _can_generate_regular_certificate(user, course_key, enrollment_mode, course_grade):
    if _is_ccx_course(course_key):
        return False
    if is_beta_tester(user, course_key):
        LOGGER.info("%s is a beta tester in %s. Certificate cannot be generated.", user.id, course_key)
        return False
    if not _is_passing_grade(course_grade):
        LOGGER.info("%s does not have a passing grade in %s. Certificate cannot be generated.", user.id, course_key)
        return False
    if not _can_generate_certificate_common(user, course_key, enrollment_mode):
        LOGGER.info("One of the common checks failed. Certificate cannot be generated for %s : %s.",
                    user.id, course_key)
        return False
    return True


def _can_generate_certificate_common(user, course_key, enrollment_mode):
    if CertificateInvalidation.has_certificate_invalidation(user, course_key):
        LOGGER.info("%s : %s is on the certificate invalidation list. Certificate cannot be generated.",
                    user.id, course_key)
        return False
    if enrollment_mode is None:
        return False
    is_eligible_for_cert = CourseMode.is_eligible_for_certificate(enrollment_mode)
    if not is_eligible_for_cert:
        return False
    if _required_verification_missing(course_key, user):
        # Honor courses can be eligible for certificates and don't require a valid approved IDV
        if is_eligible_for_cert and enrollment_mode in NON_VERIFIED_MODES:
            LOGGER.info("%s : %s is eligible for a certificate without requiring a verified id. Skipping result "
                        "of the ID verification check.", user.id, course_key)
        else:
            LOGGER.info("%s does not have a verified id. Certificate cannot be generated for %s.",
                        user.id, course_key)
            return False
    if not _can_generate_certificate_for_status(user, course_key, enrollment_mode):
        return False
    course_overview = CourseOverview.get_from_id(course_key)
    if not course_overview:
        return False
    if not has_html_certificates_enabled(course_overview):
        LOGGER.info("%s does not have HTML certificates enabled. Certificate cannot be generated for %s.",
                    course_key, user.id)
        return False
    return True


def _set_allowlist_cert_status(user, course_key, enrollment_mode, course_grade):
    if not _can_set_allowlist_cert_status(user, course_key, enrollment_mode):
        return None
    cert = GeneratedCertificate.certificate_for_student(user, course_key)
    return _get_cert_status_common(user, course_key, enrollment_mode, course_grade, cert)


def _set_regular_cert_status(user, course_key, enrollment_mode, course_grade):
    if not _can_set_regular_cert_status(user, course_key, enrollment_mode):
        return None
    cert = GeneratedCertificate.certificate_for_student(user, course_key)
    state = _get_cert_status_common(user, course_key, enrollment_mode, course_grade, cert)
    if state is not None:
        return state
    if not _required_verification_missing(course_key, user) and not _is_passing_grade(course_grade) \
            and cert is not None:
        if cert.status != status.notpassing:
            cert.mark_notpassing(mode=enrollment_mode, grade=_get_grade_value(course_grade),
                                 source="certificate_generation")
        return status.notpassing
    return None


def _get_cert_status_common(user, course_key, enrollment_mode, course_grade, cert):
    if CertificateInvalidation.has_certificate_invalidation(user, course_key) and cert is not None:
        if cert.status != status.unavailable:
            cert.invalidate(mode=enrollment_mode, source="certificate_generation")
        return status.unavailable
    if _required_verification_missing(course_key, user) and \
            _has_passing_grade_or_is_allowlisted(user, course_key, course_grade):
        if cert is None:
            _generate_certificate_task(user=user, course_key=course_key, enrollment_mode=enrollment_mode,
                                       course_grade=course_grade, status=status.unverified,
                                       generation_mode="batch")
        elif cert.status != status.unverified:
            cert.mark_unverified(mode=enrollment_mode, source="certificate_generation")
        return status.unverified
    return None


def _can_set_allowlist_cert_status(user, course_key, enrollment_mode):
    if not is_on_certificate_allowlist(user, course_key):
        return False
    return _can_set_cert_status_common(user, course_key, enrollment_mode)


def _can_set_regular_cert_status(user, course_key, enrollment_mode):
    if _is_ccx_course(course_key):
        return False
    if is_beta_tester(user, course_key):
        return False
    return _can_set_cert_status_common(user, course_key, enrollment_mode)


def _can_set_cert_status_common(user, course_key, enrollment_mode):
    if _is_cert_downloadable(user, course_key):
        return False
    if enrollment_mode is None:
        return False
    if not CourseMode.is_eligible_for_certificate(enrollment_mode):
        return False
    course_overview = CourseOverview.get_from_id(course_key)
    if not course_overview:
        return False
    if not has_html_certificates_enabled(course_overview):
        return False
    return True


def is_on_certificate_allowlist(user, course_key):
    return CertificateAllowlist.objects.filter(user=user, course_id=course_key, allowlist=True).exists()


def _can_generate_certificate_for_status(user, course_key, enrollment_mode):
    cert = GeneratedCertificate.certificate_for_student(user, course_key)
    if cert is None:
        return True
    if cert.status == status.downloadable:
        if not _is_mode_now_eligible(enrollment_mode, cert):
            LOGGER.info("Certificate with status %s already exists for %s : %s, and is not eligible for "
                        "generation.", cert.status, user.id, course_key)
            return False
    return True


def _is_ccx_course(course_key):
    return hasattr(course_key, "ccx")


def _has_passing_grade_or_is_allowlisted(user, course_key, course_grade):
    if is_on_certificate_allowlist(user, course_key):
        return True
    return _is_passing_grade(course_grade)


def _is_passing_grade(course_grade):
    if course_grade:
        return course_grade.passed
    return False


def _get_grade_value(course_grade):
    if course_grade:
        return course_grade.percent
    return ""


def _get_course_grade(user, course_key):
    return read_course_grade(user.id, course_key)


def _get_enrollment_mode(user, course_key):
    enrollment_mode, __ = CourseEnrollment.enrollment_mode_for_user(user, course_key)
    return enrollment_mode


def _is_cert_downloadable(user, course_key):
    cert = GeneratedCertificate.certificate_for_student(user, course_key)
    if cert is None:
        return False
    if cert.status != status.downloadable:
        return False
    if CertificateInvalidation.has_certificate_invalidation(user, course_key):
        return False
    return True


def _is_mode_now_eligible(enrollment_mode, cert):
    return bool(CourseMode.is_eligible_for_certificate(enrollment_mode)
                and not CourseMode.is_eligible_for_certificate(cert.mode))


def _required_verification_missing(course_key, user):
    if idv_requirement_is_a_feature():
        # Redwood, generation_handler.py _id_verification_enforced_and_missing: the check applies only when
        # FEATURES['ENABLE_CERTIFICATES_IDV_REQUIREMENT'] is on (off by default).
        return bool(settings.FEATURES.get("ENABLE_CERTIFICATES_IDV_REQUIREMENT")) and \
            not IDVerificationService.user_is_verified(user)
    # Maple: not is_integrity_signature_enabled(course_key) and not IDVerificationService.user_is_verified(user);
    # the integrity signature flag (off by default) is not emulated.
    return not IDVerificationService.user_is_verified(user)


# ---------------------------------------------------------------- the task (tasks.py, generation.py)

def run_generate_certificate_task(**kwargs):
    """tasks.generate_certificate's body."""
    from opaque_keys.edx.keys import CourseKey
    student = User.objects.get(id=kwargs.pop("student"))
    course_key = CourseKey.from_string(kwargs.pop("course_key"))
    cert_status = kwargs.pop("status", status.downloadable)
    enrollment_mode = kwargs.pop("enrollment_mode")
    course_grade = kwargs.pop("course_grade", "")
    generation_mode = kwargs.pop("generation_mode", "batch")
    cert = generate_course_certificate(user=student, course_key=course_key, status=cert_status,
                                       enrollment_mode=enrollment_mode, course_grade=course_grade,
                                       generation_mode=generation_mode)
    return cert.status


def generate_course_certificate(user, course_key, status, enrollment_mode, course_grade, generation_mode):
    cert = _generate_certificate(user=user, course_key=course_key, status=status, enrollment_mode=enrollment_mode,
                                 course_grade=course_grade)
    if cert.status == CertStatus.unverified:
        cert.mark_unverified(mode=enrollment_mode, source="certificate_generation")
    return cert


def _generate_certificate(user, course_key, status, enrollment_mode, course_grade):
    existing_certificate = GeneratedCertificate.certificate_for_student(user, course_key)
    profile_name = UserProfile.objects.filter(user=user).values_list("name", flat=True).first() or ""
    # Retain the verify_uuid from an existing certificate if possible, this will make it possible for the
    # learner to keep the existing URL to their certificate
    if existing_certificate and existing_certificate.verify_uuid:
        uuid = existing_certificate.verify_uuid
    else:
        uuid = uuid4().hex
    with transaction.atomic():
        cert, created = GeneratedCertificate.objects.update_or_create(
            user=user, course_id=course_key,
            defaults={"mode": enrollment_mode, "name": profile_name, "status": status, "grade": course_grade,
                      "download_url": "", "key": "", "verify_uuid": uuid, "error_reason": ""})
    LOGGER.info("Generated certificate with status %s, mode %s and grade %s for %s : %s. %s", cert.status,
                cert.mode, cert.grade, user.id, course_key,
                "Certificate was created." if created else "Certificate already existed and was updated.")
    return cert


CertStatus = status
