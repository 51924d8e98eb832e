"""Persistent course grades (table grades_persistentcoursegrade)."""
from django.db import models
from django.utils import timezone
from opaque_keys.edx.django.models import CourseKeyField


class PersistentCourseGrade(models.Model):
    """A django model tracking persistent course grades."""

    class Meta:
        app_label = "grades"
        unique_together = [("course_id", "user_id")]

    id = models.BigAutoField(primary_key=True)
    created = models.DateTimeField(default=timezone.now, editable=False)
    modified = models.DateTimeField(auto_now=True)
    user_id = models.IntegerField(blank=False, db_index=True)
    course_id = CourseKeyField(blank=False, max_length=255)
    course_edited_timestamp = models.DateTimeField("Last content edit timestamp", blank=True, null=True)
    course_version = models.CharField("Course content version identifier", blank=True, max_length=255)
    grading_policy_hash = models.CharField("Hash of grading policy", blank=False, max_length=255)
    percent_grade = models.FloatField(blank=False)
    letter_grade = models.CharField("Letter grade for course", blank=False, max_length=255)
    passed_timestamp = models.DateTimeField("Date learner earned a passing grade", blank=True, null=True)

    @property
    def passed(self):
        return self.passed_timestamp is not None


class CourseGrade:
    """What CourseGradeFactory().read() returns, reduced to what certificates use."""

    def __init__(self, percent=0.0, letter_grade=None, passed=False):
        self.percent = percent
        self.letter_grade = letter_grade
        self.passed = passed


def _send_course_grade_signal(sender, instance, **kwargs):
    """The grades app sends COURSE_GRADE_NOW_PASSED / _FAILED when it updates a
    learner's course grade (the sandbox: when the row is saved; bulk_create,
    as load_demo_data uses, sends nothing, as Django's post_save does not)."""
    from django.contrib.auth import get_user_model
    from openedx.core.djangoapps.signals.signals import COURSE_GRADE_NOW_FAILED, COURSE_GRADE_NOW_PASSED
    from openedx.core.release import has_auto_generation_policy
    if not has_auto_generation_policy():
        return
    user = get_user_model().objects.filter(id=instance.user_id).first()
    if user is None:
        return
    if instance.passed:
        COURSE_GRADE_NOW_PASSED.send(sender=PersistentCourseGrade, user=user, course_id=instance.course_id)
    else:
        grade = CourseGrade(instance.percent_grade, instance.letter_grade or None, False)
        COURSE_GRADE_NOW_FAILED.send(sender=PersistentCourseGrade, user=user, course_id=instance.course_id,
                                     grade=grade)


models.signals.post_save.connect(_send_course_grade_signal, sender=PersistentCourseGrade,
                                 dispatch_uid="sandbox_course_grade_signal")


def read_course_grade(user_id, course_id):
    row = PersistentCourseGrade.objects.filter(user_id=user_id, course_id=course_id).first()
    if row is None:
        return CourseGrade()
    return CourseGrade(row.percent_grade, row.letter_grade or None, row.passed)
