"""
The sandbox's stand-in for Celery.

A task object (``SandboxCeleryTask``) has the calls of a Celery task that
edx-platform's certificate code uses: ``apply_async(args=None, kwargs=None,
countdown=None, eta=None, **options)`` and ``delay(*args, **kwargs)``.
Publishing inserts one SandboxTask row (the broker's queue: the same task
published twice is two rows and runs twice); sandbox_worker.py runs the rows
once their eta has passed.  With settings.CELERY_ALWAYS_EAGER (config key, as
on the real platform) ``apply_async`` runs the task inline instead, as
Celery's eager mode does (the sandbox still records a row, status done).

Code that wants to see what is published wraps the task object's
``apply_async`` (every publish goes through it), as one would wrap a Celery
task's.
"""
import datetime
import json
import logging
import traceback

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import SandboxTask

LOGGER = logging.getLogger(__name__)

_REGISTRY = {}


class AsyncResult:
    """What apply_async returns: the task id (SandboxTask.id)."""

    def __init__(self, task_id, result=None):
        self.id = task_id
        self.task_id = task_id
        self.result = result

    def __repr__(self):
        return "<AsyncResult: %s>" % self.id


class SandboxCeleryTask:
    """A named task; ``run_path`` is 'module:function' of its body."""

    def __init__(self, name, run_path):
        self.name = name
        self.run_path = run_path
        _REGISTRY[name] = self

    def run(self, *args, **kwargs):
        import importlib
        module_name, func_name = self.run_path.split(":")
        return getattr(importlib.import_module(module_name), func_name)(*args, **kwargs)

    __call__ = run

    def apply_async(self, args=None, kwargs=None, countdown=None, eta=None, **options):
        if args:
            raise TypeError("the sandbox's tasks take keyword arguments only")
        kwargs = dict(kwargs or {})
        now = timezone.now()
        if eta is None and countdown:
            eta = now + datetime.timedelta(seconds=float(countdown))
        task = SandboxTask.objects.create(name=self.name, kwargs=json.dumps(kwargs, sort_keys=True),
                                          created=now, eta=eta)
        if getattr(settings, "CELERY_ALWAYS_EAGER", False):
            run_task(task)
            return AsyncResult(task.id, task.result)
        return AsyncResult(task.id)

    def delay(self, *args, **kwargs):
        return self.apply_async(args, kwargs)


def _registry():
    # The certificate task registers itself when its module is imported.
    import lms.djangoapps.certificates.api  # noqa: F401  pylint: disable=unused-import
    return _REGISTRY


def run_task(task):
    entry = _registry().get(task.name)
    task.started = timezone.now()
    try:
        if entry is None:
            raise LookupError("unknown task %s" % task.name)
        result = entry.run(**task.get_kwargs())
        task.status, task.result = SandboxTask.DONE, "%s" % (result,)
    except Exception:  # pylint: disable=broad-except
        LOGGER.exception("Task %s failed", task.name)
        task.status, task.result = SandboxTask.FAILED, traceback.format_exc()[-2000:]
    task.finished = timezone.now()
    task.save()
    return task


def _due(now):
    return Q(eta__isnull=True) | Q(eta__lte=now)


def run_pending(limit=None):
    """Run the pending tasks that are due, oldest first; returns how many ran."""
    count = 0
    while limit is None or count < limit:
        now = timezone.now()
        with transaction.atomic():
            task = SandboxTask.objects.filter(_due(now), status=SandboxTask.PENDING).order_by("id").first()
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


def next_eta():
    """The eta of the next pending task that is not due yet (None when there is none)."""
    now = timezone.now()
    return (SandboxTask.objects.filter(status=SandboxTask.PENDING, eta__gt=now)
            .order_by("eta").values_list("eta", flat=True).first())


def pending_count():
    return SandboxTask.objects.filter(status__in=(SandboxTask.PENDING, "running")).count()
