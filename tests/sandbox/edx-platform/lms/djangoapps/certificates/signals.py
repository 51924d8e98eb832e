"""
Signal receivers of the certificates app, as edx-platform's
lms/djangoapps/certificates/signals.py of Redwood
(docs/research/release-redwood.md 2.4 and section 10: "likely"; read in the
2025/26 openedx-platform copy, with the Redwood trigger for ID verification
dated by PRs #35470 and #35580, both after Redwood):

- COURSE_GRADE_NOW_PASSED: only with the waffle switch
  certificates.auto_certificate_generation on, and only if the learner has
  no certificate with a passing status yet -> generate_certificate_task.
- COURSE_GRADE_NOW_FAILED: no switch check; unless the learner is on the
  allowlist, a certificate with a passing status becomes ``notpassing``
  (source ``notpassing_signal``).
- post_save of CertificateAllowlist: only with the switch on and when the
  row is an active allowlist entry -> generate_certificate_task (which takes
  the allowlist path).
- LEARNER_NOW_VERIFIED: only with the switch on -> generate_certificate_task
  for every ACTIVE enrollment of the user (CourseEnrollment.enrollments_for_user
  filters is_active=1 in every student/models.py read).

Not emulated: ENROLLMENT_TRACK_UPDATED (the sandbox has no mode change
path), COURSE_PACING_CHANGED (no course publishing), EXAM_ATTEMPT_REJECTED.

Release lines: Redwood only (openedx.core.release.has_auto_generation_policy).
The switch itself dates from 2017, so Maple had one too, but no Maple copy
of signals.py was read for the receivers, so the sandbox's Maple keeps
generating only through cert_generation, as before.
"""
import logging

from django.db.models.signals import post_save
from django.dispatch import receiver

from openedx.core.djangoapps.signals.signals import (
    COURSE_GRADE_NOW_FAILED,
    COURSE_GRADE_NOW_PASSED,
    LEARNER_NOW_VERIFIED,
)
from openedx.core.release import has_auto_generation_policy

from .models import CertificateAllowlist, CertificateStatuses, GeneratedCertificate

log = logging.getLogger(__name__)


@receiver(post_save, sender=CertificateAllowlist, dispatch_uid="append_certificate_allowlist")
def _listen_for_certificate_allowlist_append(sender, instance, **kwargs):
    from . import api
    if not has_auto_generation_policy() or not api.auto_certificate_generation_enabled():
        return None
    if api.is_on_certificate_allowlist(instance.user, instance.course_id):
        log.info("User %s is now on the allowlist for course %s. Attempt will be made to generate an allowlist "
                 "certificate.", instance.user.id, instance.course_id)
        return api.generate_certificate_task(instance.user, instance.course_id)
    return None


@receiver(COURSE_GRADE_NOW_PASSED, dispatch_uid="new_passing_learner")
def listen_for_passing_grade(sender, user, course_id, **kwargs):
    from . import api
    if not has_auto_generation_policy() or not api.auto_certificate_generation_enabled():
        return None
    cert = GeneratedCertificate.certificate_for_student(user, course_id)
    if cert is not None and CertificateStatuses.is_passing_status(cert.status):
        return None
    log.info("Attempt will be made to generate a course certificate for %s as a passing grade was received in "
             "%s.", user.id, course_id)
    return api.generate_certificate_task(user, course_id)


@receiver(COURSE_GRADE_NOW_FAILED, dispatch_uid="new_failing_learner")
def _listen_for_failing_grade(sender, user, course_id, grade, **kwargs):
    from . import api
    if not has_auto_generation_policy():
        return
    if api.is_on_certificate_allowlist(user, course_id):
        return
    cert = GeneratedCertificate.certificate_for_student(user, course_id)
    if cert is not None and CertificateStatuses.is_passing_status(cert.status):
        cert.mark_notpassing(mode=cert.mode, grade=grade.percent, source="notpassing_signal")
        log.info("Certificate marked not passing for %s in %s via failing grade", user.id, course_id)


@receiver(LEARNER_NOW_VERIFIED, dispatch_uid="learner_track_changed")
def _listen_for_id_verification_status_changed(sender, user, **kwargs):
    from common.djangoapps.student.models import CourseEnrollment
    from . import api
    if not has_auto_generation_policy() or not api.auto_certificate_generation_enabled():
        return
    for enrollment in CourseEnrollment.enrollments_for_user(user=user):
        log.info("Attempt will be made to generate a course certificate for %s : %s. Id verification status "
                 "changed.", user.id, enrollment.course_id)
        api.generate_certificate_task(user, enrollment.course_id)
