"""
The platform's own Django signals that the certificates app listens to, with
the names and arguments of edx-platform's
openedx/core/djangoapps/signals/signals.py:

- COURSE_GRADE_NOW_PASSED (user, course_id) and COURSE_GRADE_NOW_FAILED
  (user, course_id, grade): sent by the grades app when a learner's course
  grade is updated. The sandbox stores grades as rows
  (lms/djangoapps/grades/models.py), so saving a PersistentCourseGrade row
  is what sends them there (passed_timestamp set: passed).
- LEARNER_NOW_VERIFIED (user): sent by verify_student when an ID
  verification is approved (Redwood's trigger; the openedx-event
  IDV_ATTEMPT_APPROVED came after Redwood, docs/research/release-redwood.md
  2.4).

The sandbox sends them only on the release lines whose certificates app
listens (openedx.core.release.has_auto_generation_policy).
"""
from django.dispatch import Signal

COURSE_GRADE_NOW_PASSED = Signal()
COURSE_GRADE_NOW_FAILED = Signal()
LEARNER_NOW_VERIFIED = Signal()
