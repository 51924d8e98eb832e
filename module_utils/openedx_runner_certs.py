# -*- coding: utf-8 -*-
# Copyright: contributors to this project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Certificate ops for the platform runner (see ``openedx_runner``).

``CERTS_SOURCE`` is Python source text (2.7 and 3.5+ compatible, ASCII)
added to the runner with ``run_platform_ops(..., extra_sources=[CERTS_SOURCE])``.
Ops (all take ``course_id`` as the text the operator gave):

``course_info(course_id, require_exists=False)``
    ``exists`` (a course overview row, or the modulestore when the platform
    has one), ``display_name``, ``end``, ``has_ended``,
    ``cert_html_view_enabled``, ``modes`` (course mode slugs),
    ``enrollments`` ``{active, total, by_mode}`` (``by_mode``: active
    enrollments per mode), ``certificates`` ``{status: n}``,
    ``certificates_total``. With ``require_exists`` a missing course is an
    op failure, which stops every later op of the process: generation never
    starts for a course that does not exist (the platform's own commands do
    nothing for it and exit 0: ``ungenerated_certs`` up to Lilac,
    ``cert_generation`` from Maple on).
``cert_report(course_id)``
    ``counts``: the flat mapping that ``gen_cert_report`` prints, computed
    with the same queries (see ``openedx_cert_report``).
``gen_cert_report(course_id)``
    runs the platform's own ``gen_cert_report`` inside this process and
    returns its standard output as ``output`` (parsed by the module).
``pending_learners(course_id, force_status=None, active_only=True, ids=True)``
    the learners that need a certificate: enrolled (active only unless
    ``active_only`` is false, as ``ungenerated_certs`` walks every
    enrollment) and whose certificate status is ``force_status`` (default
    ``unavailable``, which is also the status of a learner without a row).
``cert_generation(course_id, user_ids=None, force_status=None, batch_size=500, wait_timeout=900, poll_interval=2, progress=None)``
    calls the platform's ``cert_generation`` command in-process, one batch
    of users at a time (the learners of ``pending_learners`` when
    ``user_ids`` is not given), records which users got a generation task
    queued (by wrapping the command's ``generate_certificate_task``), then
    polls the certificate table until every queued learner's row has been
    written by the task workers, or ``wait_timeout`` seconds passed
    (``timed_out``; no failure, so later ops still report the counts).
``ungenerated_certs(course_id, noop=False, insecure=False, force_status=None, progress=None)``
    runs the platform's ``ungenerated_certs`` command in-process; its
    progress lines (``N/TOTAL completed ~HH:MMm remaining``, printed every
    500 learners) go to the progress file as they come.

``progress`` is ``{"file": PATH, ...context}``; the ops write a JSON record
there (``seq``, ``phase``, ``done``, ``total``, ``course_id``, ``line`` and the
context) at most every ``PROGRESS_INTERVAL`` seconds. Each record replaces
the file whole, with ``openedx_state.write_json`` (temporary file in the same
folder, fsync, rename), so that a watcher (``openedx_generate_progress``) never
reads half a record. That writer is shipped into the platform process as its
own source text (``STATE_WRITER_SOURCE``, part of ``CERTS_SOURCE``): one
writer for the toolkit's state files, on the controller's side and in the
platform. The rename needs write access to the folder of the file, which the
generation module gives to the platform user when it creates the folder.
"""

from __future__ import absolute_import, division, print_function

import inspect

from ansible.module_utils import openedx_state
from ansible.module_utils.openedx_cert_selection import SELECTION_SOURCE

__metaclass__ = type

# write_json's own text, not a copy: it must stay self-contained (json, os,
# tempfile) and run on Python 2.7 (test_openedx_state and the vermin test
# of test_openedx_generate_certs check both). AnsiballZ ships module_utils as
# source, so inspect can read it on the managed host.
STATE_WRITER_SOURCE = (
    '\n# openedx_state.write_json, shipped as its source text.\n'
    'import json\nimport os\nimport tempfile\n\n\n'
    + inspect.getsource(openedx_state.write_json)
)

CERTS_OPS_SOURCE = r'''
# openedx-toolkit certificate ops (Python 2.7 and 3.5+).
import datetime
import os
import re
import time

_CERT_TRANSIENT_STATUSES = ('generating', 'requesting', 'unavailable')
_PROGRESS_LINE_RE = re.compile(r'(\d+)/(\d+) completed ~(\d+):(\d+)m remaining')
_PROGRESS_INTERVAL = 2.0
# Seconds the wait for the workers looks back before its previous look (see op_cert_generation).
_WAIT_LOOK_MARGIN = 10.0
_progress_state = {'last': 0.0}


def _model(app_label, name):
    from django.apps import apps
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def _required_model(app_label, name):
    model = _model(app_label, name)
    if model is None:
        raise OpError('this platform has no %s.%s model' % (app_label, name))
    return model


def _course_key(course_id):
    from opaque_keys import InvalidKeyError
    from opaque_keys.edx.keys import CourseKey
    try:
        return CourseKey.from_string(course_id)
    except InvalidKeyError:
        raise OpError('%r is not a valid course id for this platform' % (course_id,))


def _count_by(queryset, field):
    # Clear the ordering first, as the platform's own counts do
    # (CourseEnrollmentManager.enrollment_counts). Up to Django 3.2
    # (Hawthorn runs 1.11, Lilac 2.2, Maple 3.2) a model's Meta.ordering
    # joins the GROUP BY of values().annotate(): the real CourseEnrollment
    # orders by ('user', 'course'), so a count by mode came out as one group
    # per learner. Later Django (5.2, which the sandbox runs) leaves it out,
    # which hid the bug there.
    from django.db.models import Count
    counts = {}
    for row in queryset.order_by().values(field).annotate(n=Count('pk')):
        counts[_text(row[field])] = row['n']
    return counts


def _iso(value):
    if value is None:
        return None
    return value.isoformat()


def write_progress(progress, force=False, **fields):
    """Write a progress record (at most one every _PROGRESS_INTERVAL seconds unless ``force``);
    True when one was written."""
    if not progress or not progress.get('file'):
        return False
    now = time.time()
    if not force and now - _progress_state['last'] < _PROGRESS_INTERVAL:
        return False
    _progress_state['last'] = now
    record = dict((k, v) for k, v in progress.items() if k != 'file')
    record.update(fields)
    record['seq'] = int(now * 1000)
    record['pid'] = os.getpid()
    record.setdefault('finished', False)
    try:
        write_json(progress['file'], record)
    except (IOError, OSError):
        # Progress is for the operator's eyes: a record that cannot be
        # written (a folder this user cannot write to) must not stop the run.
        return False
    return True


def _command_module(name):
    import importlib
    from django.core.management import get_commands
    app = get_commands().get(name)
    if app is None:
        raise OpError('this platform has no %s management command' % name)
    if hasattr(app, 'handle'):
        return None
    return importlib.import_module('%s.management.commands.%s' % (app, name))


class _LineTee(object):
    """A stdout replacement: keeps the text, hands each full line to a callback."""

    def __init__(self, on_line=None):
        self.parts = []
        self.pending = ''
        self.on_line = on_line
        self.softspace = 0

    def write(self, text):
        if isinstance(text, bytes):
            text = text.decode('utf-8', 'replace')
        self.parts.append(text)
        self.pending += text
        while '\n' in self.pending:
            line, self.pending = self.pending.split('\n', 1)
            if self.on_line is not None:
                self.on_line(line)

    def flush(self):
        pass

    def isatty(self):
        return False

    def getvalue(self):
        return ''.join(self.parts)


def _run_command_captured(name, args, on_line=None):
    """call_command with sys.stdout and the command's stdout both captured."""
    from django.core.management import call_command
    tee = _LineTee(on_line)
    real_stdout = sys.stdout
    sys.stdout = tee
    try:
        call_command(name, *args, stdout=tee)
    finally:
        sys.stdout = real_stdout
    if tee.pending and on_line is not None:
        on_line(tee.pending)
    return tee.getvalue()


def _course_exists(key):
    overview = _model('course_overviews', 'CourseOverview')
    if overview is not None:
        row = overview.objects.filter(id=key).first()
        if row is not None:
            return True, row
    try:
        from xmodule.modulestore.django import modulestore
    except ImportError:
        return False, None
    course = modulestore().get_course(key)
    return course is not None, course


@register_op('course_info')
def op_course_info(course_id, require_exists=False):
    from django.utils import timezone
    key = _course_key(course_id)
    exists, course = _course_exists(key)
    if require_exists and not exists:
        raise OpError('course %s does not exist on this platform (no course overview, not in '
                      'the modulestore): check the course id; the platform\'s own commands '
                      'would not stop on it (gen_cert_report prints zeros and ungenerated_certs '
                      'exits 0 up to Lilac; cert_generation, from Maple on, only logs that '
                      'each learner has no enrollment)' % course_id)
    enrollment = _required_model('student', 'CourseEnrollment')
    certificate = _required_model('certificates', 'GeneratedCertificate')
    mode_model = _model('course_modes', 'CourseMode')
    enrollments = enrollment.objects.filter(course_id=key)
    active = enrollments.filter(is_active=True)
    certs = _count_by(certificate.objects.filter(course_id=key), 'status')
    end = getattr(course, 'end', None) if course is not None else None
    info = {
        'course_id': course_id,
        'exists': bool(exists),
        'display_name': getattr(course, 'display_name', None) if course is not None else None,
        'end': _iso(end),
        'has_ended': bool(end is not None and end < timezone.now()),
        'cert_html_view_enabled': bool(getattr(course, 'cert_html_view_enabled', False)),
        'modes': sorted(set(_text(m) for m in mode_model.objects.filter(
            course_id=key).values_list('mode_slug', flat=True))) if mode_model is not None else [],
        'enrollments': {'total': enrollments.count(), 'active': active.count(),
                        'by_mode': _count_by(active, 'mode')},
        'certificates': certs,
        'certificates_total': sum(certs.values()),
    }
    return info


@register_op('cert_report')
def op_cert_report(course_id):
    key = _course_key(course_id)
    enrollment = _required_model('student', 'CourseEnrollment')
    certificate = _required_model('certificates', 'GeneratedCertificate')
    enrollments = enrollment.objects.filter(course_id=key)
    certs = certificate.objects.filter(course_id=key)
    # Distinct users with the ordering cleared: Django (every version) adds
    # the Meta.ordering columns to a SELECT DISTINCT; count() happens to drop
    # them again, and this does not rely on it.
    users = enrollments.order_by().values('user_id').distinct()
    counts = {
        'enrolled_current': users.filter(is_active=True).count(),
        'enrolled_total': users.count(),
        'verified_enrolled': certs.filter(mode='verified').count(),
        'honor_enrolled': certs.filter(mode='honor').count(),
        'audit_enrolled': certs.filter(mode='audit').count(),
    }
    counts.update(_count_by(certs, 'status'))
    counts.update(_count_by(certs.filter(status='downloadable'), 'mode'))
    return {'course_id': course_id, 'counts': counts}


@register_op('gen_cert_report')
def op_gen_cert_report(course_id):
    _command_module('gen_cert_report')
    output = _run_command_captured('gen_cert_report', ['-c', course_id])
    return {'course_id': course_id, 'output': output}


def _platform_statuses():
    """The status names of the platform's CertificateStatuses (data.py from Maple on, models.py before)."""
    statuses = import_first('lms.djangoapps.certificates.data.CertificateStatuses',
                            'lms.djangoapps.certificates.models.CertificateStatuses',
                            'certificates.models.CertificateStatuses')
    # Each status is a class attribute named as its value (deleted = 'deleted', ...); the
    # other attributes are tuples, dicts and methods.
    return sorted(name for name, value in vars(statuses).items()
                  if not name.startswith('_') and isinstance(value, str) and name == value)


@register_op('certificate_statuses')
def op_certificate_statuses(wanted=None):
    """Refuses (an op failure, before any generation) a status the platform does not know."""
    known = _platform_statuses()
    unknown = [status for status in (wanted or []) if status not in known]
    if unknown:
        raise OpError('regenerate_statuses: %s %s not a certificate status of this platform (its '
                      'CertificateStatuses: %s)' % (', '.join(unknown), 'is' if len(unknown) == 1 else 'are',
                                                    ', '.join(known)), details={'unknown': unknown, 'known': known})
    return {'known': known, 'wanted': list(wanted or [])}


def _mode_eligibility():
    """The platform's own is_eligible_for_certificate(mode): course_modes/api.py (the generation handler's
    modes_api), else the CourseMode classmethod it wraps; None when neither exists."""
    try:
        return import_first('common.djangoapps.course_modes.api.is_eligible_for_certificate',
                            'course_modes.api.is_eligible_for_certificate')
    except OpError:
        pass
    mode_model = _model('course_modes', 'CourseMode')
    func = getattr(mode_model, 'is_eligible_for_certificate', None)
    return func if callable(func) else None


def _html_certificates_enabled(key):
    """The platform's has_html_certificates_enabled for the course's overview (utils.py, or api.py before
    it moved); None when the toolkit cannot ask (then nothing is left out for it)."""
    try:
        func = import_first('lms.djangoapps.certificates.utils.has_html_certificates_enabled',
                            'lms.djangoapps.certificates.api.has_html_certificates_enabled')
    except OpError:
        return None
    overview = _model('course_overviews', 'CourseOverview')
    row = overview.objects.filter(id=key).first() if overview is not None else None
    if row is None:
        return None
    try:
        return bool(func(row))
    except Exception:  # pylint: disable=broad-except
        return None


def _course_selection(key, regenerate_statuses=None, active_only=True, platform_filters=True, missing_status=None):
    """select_learners (openedx_cert_selection) on this course's rows; with platform_filters, less the
    modes the platform never certifies and every learner of a course with HTML certificates off."""
    enrollment = _required_model('student', 'CourseEnrollment')
    certificate = _required_model('certificates', 'GeneratedCertificate')
    rows = enrollment.objects.filter(course_id=key).order_by().values_list('user_id', 'mode', 'is_active')
    statuses = dict(certificate.objects.filter(course_id=key).order_by().values_list('user_id', 'status'))
    eligible = _mode_eligibility() if platform_filters else None
    user_ids, left_out = select_learners(rows, statuses, regenerate_statuses=regenerate_statuses,
                                         mode_is_eligible=eligible, active_only=active_only,
                                         missing_status=missing_status)
    if platform_filters and user_ids and _html_certificates_enabled(key) is False:
        left_out['html_certificates_disabled'] = {'course': len(user_ids)}
        user_ids = []
    return user_ids, left_out


@register_op('pending_learners')
def op_pending_learners(course_id, regenerate_statuses=None, active_only=True, platform_filters=True, ids=True,
                        queued_earlier=None, requeue_waiting=False, missing_status=None):
    key = _course_key(course_id)
    user_ids, left_out = _course_selection(key, regenerate_statuses, active_only, platform_filters, missing_status)
    waiting = {}
    if queued_earlier:
        waiting = _still_waiting(_required_model('certificates', 'GeneratedCertificate'), key, queued_earlier)
        if not requeue_waiting:
            kept = [uid for uid in user_ids if uid not in waiting]
            if len(kept) != len(user_ids):
                left_out['task_still_waiting'] = {'queued earlier': len(user_ids) - len(kept)}
            user_ids = kept
    result = {'course_id': course_id, 'count': len(user_ids), 'left_out': left_out,
              'digest': selection_digest(user_ids),
              'regenerate_statuses': list(regenerate_statuses or []), 'active_only': bool(active_only),
              'still_waiting': len(waiting),
              'still_waiting_since': min(waiting.values()).isoformat() if waiting else None}
    if ids:
        result['user_ids'] = user_ids
    return result


def _as_times(mapping):
    """{user id: aware datetime} from {user id (text): ISO 8601 text or {'at': ...}}."""
    from django.utils.dateparse import parse_datetime
    times = {}
    for uid, value in (mapping or {}).items():
        if isinstance(value, dict):
            value = value.get('at')
        when = parse_datetime(value) if value else None
        try:
            uid = int(uid)
        except (TypeError, ValueError):
            continue
        if when is not None:
            times[uid] = when
    return times


def _written_since(certificate, key, since_by_user, modified_after=None):
    """The learners of ``since_by_user`` whose certificate row a task wrote after the time given for each.

    One query on the course's rows modified after ``modified_after`` (default: the earliest time given),
    whatever the number of learners: the wait asks it at every poll, and only for the rows written since
    its previous look (see op_cert_generation), so that looking costs the database little while the
    workers write.
    """
    if not since_by_user:
        return set()
    if modified_after is None:
        modified_after = min(since_by_user.values())
    rows = certificate.objects.filter(course_id=key, modified_date__gte=modified_after).exclude(
        status__in=_CERT_TRANSIENT_STATUSES).order_by().values_list('user_id', 'modified_date')
    written = set()
    for uid, modified in rows:
        since = since_by_user.get(uid)
        if since is not None and modified is not None and modified >= since:
            written.add(uid)
    return written


def _still_waiting(certificate, key, queued_earlier):
    """{user id: published at} of the tasks an earlier run published that no worker has run yet."""
    earlier = _as_times(queued_earlier)
    done = _written_since(certificate, key, earlier)
    return dict((uid, when) for uid, when in earlier.items() if uid not in done)


def _generation_task(handler):
    """The Celery task object that generate_certificate_task publishes.

    edx-platform's generation_handler publishes with
    ``generate_certificate.apply_async(countdown=..., kwargs=...)``, where
    ``generate_certificate`` is the Celery task
    ``lms.djangoapps.certificates.tasks.generate_certificate`` imported into
    the handler's module. Wrapping that object's ``apply_async`` sees every
    publish (also under CELERY_ALWAYS_EAGER, where Celery's
    ``before_task_publish`` / ``after_task_publish`` signals do not fire).
    """
    import importlib
    candidates = []
    module = sys.modules.get(getattr(handler, '__module__', None) or '')
    if module is not None:
        candidates.append(getattr(module, 'generate_certificate', None))
    try:
        candidates.append(getattr(importlib.import_module('lms.djangoapps.certificates.tasks'),
                                  'generate_certificate', None))
    except ImportError:
        pass
    for task in candidates:
        if task is not None and callable(getattr(task, 'apply_async', None)):
            return task
    return None


class _PublishRecorder(object):
    """Wraps a task object's apply_async; records the learner of each publish."""

    def __init__(self, task):
        self.task = task
        self.published = {}
        self.own = False
        self.original = None

    def install(self):
        from django.utils import timezone
        task = self.task
        attrs = getattr(task, '__dict__', None) or {}
        self.own = 'apply_async' in attrs
        self.saved = attrs.get('apply_async')
        original = task.apply_async
        published = self.published

        def apply_async(*args, **kwargs):
            task_kwargs = kwargs.get('kwargs')
            if task_kwargs is None and len(args) > 1:
                task_kwargs = args[1]
            at = timezone.now()
            answer = original(*args, **kwargs)
            try:
                uid = int((task_kwargs or {}).get('student'))
            except (TypeError, ValueError):
                uid = None
            if uid is not None:
                published[uid] = {'at': at.isoformat(),
                                  'status': (task_kwargs or {}).get('status') or 'downloadable'}
            return answer

        task.apply_async = apply_async

    def uninstall(self):
        if self.own:
            self.task.apply_async = self.saved
        else:
            try:
                del self.task.apply_async
            except AttributeError:
                pass


def _chunks(values, size=500):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _declined_facts(key, user_ids):
    """What the data says of each learner generate_certificate_task answered false for (see
    openedx_cert_selection.declined_reason), read in bulk: {user id: facts}."""
    enrollment = _required_model('student', 'CourseEnrollment')
    certificate = _required_model('certificates', 'GeneratedCertificate')
    allowlist = _model('certificates', 'CertificateAllowlist')
    invalidation = _model('certificates', 'CertificateInvalidation')
    access_role = _model('student', 'CourseAccessRole')
    grade = _model('grades', 'PersistentCourseGrade')
    eligible = _mode_eligibility()
    eligible_cache = {}

    def mode_eligible(mode):
        if mode not in eligible_cache:
            eligible_cache[mode] = bool(eligible(mode)) if eligible is not None else True
        return eligible_cache[mode]

    overview = _model('course_overviews', 'CourseOverview')
    has_overview = overview is None or overview.objects.filter(id=key).exists()
    html_enabled = _html_certificates_enabled(key)
    facts = dict((uid, {'ccx': hasattr(key, 'ccx'), 'overview': has_overview,
                        'html_enabled': html_enabled is not False, 'mode': None, 'passing': None})
                 for uid in user_ids)
    for chunk in _chunks(facts):
        for uid, mode in enrollment.objects.filter(course_id=key, user_id__in=chunk).values_list('user_id', 'mode'):
            facts[uid]['mode'] = _text(mode)
            facts[uid]['mode_eligible'] = mode_eligible(_text(mode))
        for uid, status, mode in certificate.objects.filter(course_id=key, user_id__in=chunk).values_list(
                'user_id', 'status', 'mode'):
            facts[uid]['status'] = _text(status)
            facts[uid]['cert_mode_eligible'] = mode_eligible(_text(mode))
        if allowlist is not None:
            for uid in allowlist.objects.filter(course_id=key, allowlist=True, user_id__in=chunk).values_list(
                    'user_id', flat=True):
                facts[uid]['allowlisted'] = True
        if invalidation is not None:
            for uid in invalidation.objects.filter(generated_certificate__course_id=key, active=True,
                                                   generated_certificate__user_id__in=chunk).values_list(
                    'generated_certificate__user_id', flat=True):
                facts[uid]['invalidated'] = True
        if access_role is not None:
            for uid in access_role.objects.filter(role='beta_testers', course_id=key, user_id__in=chunk).values_list(
                    'user_id', flat=True):
                facts[uid]['beta_tester'] = True
        if grade is not None:
            for uid, passed_at, percent in grade.objects.filter(course_id=key, user_id__in=chunk).values_list(
                    'user_id', 'passed_timestamp', 'percent_grade'):
                facts[uid]['passing'] = passed_at is not None
                facts[uid]['percent_grade'] = percent
    return facts


def _count_into(counts, outer, inner, n=1):
    bucket = counts.setdefault(outer, {})
    bucket[inner] = bucket.get(inner, 0) + n


def _outcomes(key, certificate, sent, answers, published):
    """What generate_certificate_task did with each learner sent, from what it answered and published:
    ``published`` {status the task writes: n}, ``decided_in_process`` {status now: n} (true, nothing
    published), ``declined`` {reason: {'regular' | 'allowlist': n}} (false; reasons of declined_reason)."""
    outcomes = {'published': {}, 'decided_in_process': {}, 'declined': {}}
    for entry in published.values():
        status = entry.get('status') or 'downloadable'
        outcomes['published'][status] = outcomes['published'].get(status, 0) + 1
    in_process = [uid for uid, answer in answers.items() if answer is True and uid not in published]
    for chunk in _chunks(in_process):
        for status in certificate.objects.filter(course_id=key, user_id__in=chunk).values_list('status', flat=True):
            status = _text(status)
            outcomes['decided_in_process'][status] = outcomes['decided_in_process'].get(status, 0) + 1
        missing = len(chunk) - certificate.objects.filter(course_id=key, user_id__in=chunk).count()
        if missing:
            outcomes['decided_in_process']['none'] = outcomes['decided_in_process'].get('none', 0) + missing
    declined = [uid for uid, answer in answers.items() if answer is False]
    for uid, facts in _declined_facts(key, declined).items():
        _count_into(outcomes['declined'], declined_reason(facts), 'allowlist' if facts.get('allowlisted') else 'regular')
    for uid, answer in answers.items():
        if answer not in (True, False):
            _count_into(outcomes['declined'], 'refused_by_filter', answer)
    not_asked = len(set(sent) - set(answers))
    if not_asked:
        _count_into(outcomes['declined'], 'user_not_found', 'regular', not_asked)
    return outcomes


@register_op('cert_generation')
def op_cert_generation(course_id, user_ids=None, regenerate_statuses=None, batch_size=500,
                       wait_timeout=900, poll_interval=0.5, progress=None,
                       queued_earlier=None, requeue_waiting=False):
    from django.utils import timezone
    key = _course_key(course_id)
    certificate = _required_model('certificates', 'GeneratedCertificate')
    command_module = _command_module('cert_generation')
    left_out = {}
    began = time.time()
    if user_ids is None:
        user_ids, left_out = _course_selection(key, regenerate_statuses)
    user_ids = [int(uid) for uid in user_ids]
    requested = len(user_ids)
    # Learners whose task an earlier run published and no worker has run yet:
    # not queued again (each task would run twice) unless requeue_waiting.
    waiting_earlier = _still_waiting(certificate, key, queued_earlier)
    requeued = 0
    if waiting_earlier and requeue_waiting:
        requeued = len(set(user_ids) & set(waiting_earlier))
    elif waiting_earlier:
        kept = [uid for uid in user_ids if uid not in waiting_earlier]
        if len(kept) != len(user_ids):
            left_out['task_still_waiting'] = {'queued earlier': len(user_ids) - len(kept)}
        user_ids = kept
    batch_size = max(1, int(batch_size))
    total = len(user_ids)
    handler = getattr(command_module, 'generate_certificate_task', None)
    task = _generation_task(handler) if callable(handler) else None
    tracking = task is not None
    answers = {}
    recorder = None
    if tracking:
        def recording_handler(user, *args, **kwargs):
            try:
                answer = handler(user, *args, **kwargs)
            except Exception as exc:
                # The command decides what an exception means (from Redwood on it catches the
                # openedx-filters' CertificateGenerationNotAllowed); recorded, then passed on.
                answers[user.id] = type(exc).__name__
                raise
            answers[user.id] = bool(answer)
            return answer
        command_module.generate_certificate_task = recording_handler
        recorder = _PublishRecorder(task)
        recorder.install()
    write_progress(progress, force=True, phase='queue', course_id=course_id, done=0, total=total)
    batches = 0
    published = recorder.published if recorder is not None else {}
    sent_at = time.time()

    def pending_tasks(waiting_set=None):
        pending = dict((uid, {'at': when.isoformat()}) for uid, when in waiting_earlier.items()
                       if uid not in published)
        pending.update(published)
        if waiting_set is not None:
            pending = dict((uid, entry) for uid, entry in pending.items() if uid in waiting_set)
        return dict((str(uid), entry) for uid, entry in pending.items())

    try:
        for start in range(0, total, batch_size):
            batch = user_ids[start:start + batch_size]
            _run_command_captured('cert_generation',
                                  ['-u'] + [str(uid) for uid in batch] + ['-c', course_id])
            batches += 1
            write_progress(progress, force=(start + batch_size >= total), phase='queue',
                           course_id=course_id, done=min(total, start + batch_size), total=total)
    except Exception as exc:
        raise OpError('cert_generation failed after publishing %d generation task(s) for %s: %s: %s'
                      % (len(published), course_id, type(exc).__name__, _text(exc)),
                      details={'course_id': course_id, 'queued': len(published),
                               'pending_tasks': pending_tasks()},
                      traceback_text=_tail(traceback.format_exc(), 30))
    finally:
        if tracking:
            command_module.generate_certificate_task = handler
            recorder.uninstall()
    published_at = time.time()
    outcomes = _outcomes(key, certificate, user_ids, answers, published) if tracking else None
    sorted_at = time.time()
    result = {'course_id': course_id, 'requested': requested, 'sent': total, 'batches': batches,
              'left_out': left_out, 'digest': selection_digest(user_ids),
              'queued': len(published) if tracking else None,
              'decided_in_process': (sum(1 for uid, answer in answers.items()
                                         if answer is True and uid not in published) if tracking else None),
              'not_eligible': sum(1 for answer in answers.values() if answer is not True) if tracking else None,
              'outcomes': outcomes,
              'seconds': {'select': round(sent_at - began, 2), 'publish': round(published_at - sent_at, 2),
                          'sort_outcomes': round(sorted_at - published_at, 2), 'wait': 0.0},
              'still_waiting': len(waiting_earlier) - requeued,
              'still_waiting_since': (min(waiting_earlier.values()).isoformat()
                                      if waiting_earlier else None),
              'requeued': requeued,
              'processed': None, 'unprocessed_user_ids': [], 'timed_out': False,
              'waited_seconds': 0.0, 'wait_skipped': None, 'pending_tasks': {}}
    if not tracking:
        result['wait_skipped'] = ('the cert_generation command of this platform calls no '
                                  'generate_certificate_task publishing a generate_certificate task '
                                  'that the toolkit can follow; not waiting for the workers')
        return result
    # Wait for the tasks of this run and those still waiting from earlier runs.
    waiting = dict((uid, when) for uid, when in waiting_earlier.items() if uid not in published)
    waiting.update(_as_times(published))
    remaining = set(waiting)
    begin = time.time()
    timeout = max(0.0, float(wait_timeout or 0))
    deadline = begin + timeout
    last_done = None
    # Each look reads the rows modified since the previous one (less a margin for a row saved just
    # before and committed just after it), not every learner still waited for.
    looked_from = min(waiting.values()) if waiting else None
    margin = datetime.timedelta(seconds=_WAIT_LOOK_MARGIN)
    while remaining and timeout > 0:
        look = timezone.now()
        remaining -= _written_since(certificate, key, dict((uid, waiting[uid]) for uid in remaining),
                                    modified_after=looked_from)
        looked_from = look - margin
        done = len(waiting) - len(remaining)
        # Only when something moved (a watcher tells the time since from the record's seq), and at
        # most one a _PROGRESS_INTERVAL but the first and the last: each record is one more turn of
        # the playbook's progress loop, whose work on the host competes with the workers'.
        if done != last_done and write_progress(progress, force=last_done is None or not remaining,
                                                phase='wait', course_id=course_id,
                                                done=done, total=len(waiting)):
            last_done = done
        if not remaining or time.time() >= deadline:
            break
        time.sleep(max(0.05, float(poll_interval)))
    result['processed'] = len(waiting) - len(remaining)
    result['waited_for'] = len(waiting)
    result['unprocessed_user_ids'] = sorted(remaining)[:50]
    result['timed_out'] = bool(remaining) and timeout > 0
    result['results_pending'] = len(remaining)
    result['waited_seconds'] = round(time.time() - begin, 1)
    result['seconds']['wait'] = round(time.time() - begin, 2)
    result['pending_tasks'] = pending_tasks(remaining)
    return result


@register_op('ungenerated_certs')
def op_ungenerated_certs(course_id, noop=False, insecure=False, force_status=None, progress=None):
    _command_module('ungenerated_certs')
    key = _course_key(course_id)
    enrollment = _required_model('student', 'CourseEnrollment')
    total = enrollment.objects.filter(course_id=key).count()
    args = ['-c', course_id]
    if noop:
        args.append('--noop')
    if insecure:
        args.append('--insecure')
    if force_status:
        args += ['--force-gen', force_status]
    progress_lines = []

    def on_line(line):
        match = _PROGRESS_LINE_RE.search(line)
        if match:
            progress_lines.append(line.strip())
            write_progress(progress, force=True, phase='generate', course_id=course_id,
                           done=int(match.group(1)), total=int(match.group(2)),
                           remaining='%s:%s' % (match.group(3), match.group(4)))

    write_progress(progress, force=True, phase='generate', course_id=course_id, done=0, total=total)
    output = _run_command_captured('ungenerated_certs', args, on_line)
    write_progress(progress, force=True, phase='generate', course_id=course_id, done=total, total=total)
    return {'course_id': course_id, 'enrolled': total, 'noop': bool(noop),
            'progress_lines': progress_lines, 'output_tail': _tail(output, 10)}
'''

CERTS_SOURCE = STATE_WRITER_SOURCE + SELECTION_SOURCE + CERTS_OPS_SOURCE
