"""
Sandbox-only tables (not part of edx-platform):

- SandboxTask: stands in for the Celery broker: one row per published task
  (``apply_async`` / ``delay`` of a task object of sandbox/tasks.py, which
  the certificate generation calls as edx-platform calls Celery's), run by
  sandbox_worker.py once its ``eta`` (``countdown``) has passed.  Like a
  broker queue it takes the same task twice when it is published twice.
- CourseCertificateSet: stands in for the modulestore's course certificate
  configurations (made by course teams in Studio, with signatories); the
  LMS reads them through xmodule/modulestore/django.py, as the real one does.
"""
import json

from django.db import models
from django.utils import timezone
from opaque_keys.edx.django.models import CourseKeyField


class SandboxTask(models.Model):
    PENDING, DONE, FAILED = "pending", "done", "failed"

    name = models.CharField(max_length=255)
    kwargs = models.TextField(default="{}")
    status = models.CharField(max_length=16, default=PENDING, db_index=True)
    result = models.TextField(blank=True, default="")
    created = models.DateTimeField(default=timezone.now)
    # Not before this time (Celery's countdown / eta); null: at once.
    eta = models.DateTimeField(null=True, blank=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    def get_kwargs(self):
        return json.loads(self.kwargs)


class CourseCertificateSet(models.Model):
    course_id = CourseKeyField(max_length=255, unique=True)
    certificates = models.TextField(default="[]", help_text="JSON list of certificate configurations")

    def get_certificates(self):
        return json.loads(self.certificates)

    @classmethod
    def for_course(cls, course_id):
        row = cls.objects.filter(course_id=course_id).first()
        return row.get_certificates() if row else []
