"""
The sandbox's stand-in for Celery: tasks are rows of SandboxTask.
With settings.CELERY_ALWAYS_EAGER (config key, as on the real platform) a
task runs inline in the process that queues it.
"""
import json
import logging
import traceback

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import SandboxTask

LOGGER = logging.getLogger(__name__)


def _registry():
    from lms.djangoapps.certificates.api import generate_certificate
    return {"lms.djangoapps.certificates.generate_certificate": generate_certificate}


def enqueue(name, kwargs):
    task = SandboxTask.objects.create(name=name, kwargs=json.dumps(kwargs, sort_keys=True))
    if getattr(settings, "CELERY_ALWAYS_EAGER", False):
        run_task(task)
    return task


def run_task(task):
    func = _registry().get(task.name)
    try:
        if func is None:
            raise LookupError("unknown task %s" % task.name)
        result = func(**task.get_kwargs())
        task.status, task.result = SandboxTask.DONE, "%s" % (result,)
    except Exception:  # pylint: disable=broad-except
        LOGGER.exception("Task %s failed", task.name)
        task.status, task.result = SandboxTask.FAILED, traceback.format_exc()[-2000:]
    task.finished = timezone.now()
    task.save()
    return task


def run_pending(limit=None):
    """Run pending tasks, oldest first; returns how many ran."""
    count = 0
    while limit is None or count < limit:
        with transaction.atomic():
            task = SandboxTask.objects.filter(status=SandboxTask.PENDING).order_by("id").first()
            if task is None:
                break
            # claim it
            claimed = SandboxTask.objects.filter(id=task.id, status=SandboxTask.PENDING).update(status="running")
        if not claimed:
            continue
        task.status = "running"
        run_task(task)
        count += 1
    return count
