#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to this project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: openedx_generate_progress
short_description: Wait for the next progress record of a certificate generation running in the background
version_added: "0.2.0"
description:
  - Reads the progress file that a running M(openedx_generate_certs) writes (its O(progress_file)
    option), and waits up to O(timeout) seconds for a record newer than O(since), or for the record of a
    finished run; returns it as RV(progress), with a sentence for the operator in RV(progress.line).
  - Meant for a loop next to a generation started with C(async) and C(poll=0), the way
    M(ansible.builtin.async_status) goes with any task started that way; each call shows what moved, and
    the loop ends when RV(progress.finished) is true.
  - Given the async job's O(results_file), the call that sees the run finish returns the run's own result
    as RV(job_result), read from that file as M(ansible.builtin.async_status) reads it, which then need not
    run (one connection less); without it, or when the file has no result, collect it with
    M(ansible.builtin.async_status) (see EXAMPLES and C(playbooks/generate.yml)).
  - Records are written only when something moves; a record older than one second that is still the
    newest after the wait gets C((no change for N s)) in RV(progress.line).
  - A run that is gone without a finished record (killed by the C(async) timeout, for example) is
    reported as finished and failed, so that a loop stops.
  - The record of a finished run is returned once the run's process has ended and, with O(results_file),
    its result is written (up to 5 seconds), so that M(ansible.builtin.async_status) finds the job's result
    at its first look.
  - Reads only; starts no platform process and changes nothing.
extends_documentation_fragment:
  - action_common_attributes
options:
  progress_file:
    description:
      - The progress file, as given to M(openedx_generate_certs).
      - Anything but a regular file with one link (a symlink, a folder) is treated as no file.
    type: path
    required: true
  since:
    description:
      - The RV(progress.seq) of the last record seen, V(0) for none. A record with this number or an
        older one is not new.
    type: int
    default: 0
  timeout:
    description: Seconds to wait for a new record; V(0) looks once.
    type: int
    default: 30
  min_wait:
    description:
      - Seconds to wait, at least, before returning a new record (the newest one by then); the record
        of a finished run is returned at once. A loop of calls then shows one line every O(min_wait)
        seconds however often the run writes, and each turn of the loop, which costs a connection and
        a Python start on the host, competes less with the generation. V(0) returns each new record as
        it comes.
      - No more than O(timeout).
    type: int
    default: 0
  run_id:
    description:
      - The O(run_id) that M(openedx_generate_certs) was given for the run to watch; records of any other run
        (the finished record of an earlier one, for example) are treated as no record.
      - Without it, every record counts, so that the file must be removed before a new run starts.
    type: str
  results_file:
    description:
      - The async job's result file on the host, as the task that started the run with C(async) registered it.
        Read once the run has finished, for RV(job_result).
      - Anything but a regular file with one link is treated as no file.
    type: path
attributes:
  check_mode:
    support: full
    details: The module only reads; check mode runs the same way.
  diff_mode:
    support: none
  platform:
    platforms: posix
seealso:
  - module: openedx_generate_certs
  - module: ansible.builtin.async_status
author:
  - Open edX certificates toolkit contributors (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Thousands of learners - run the generation in the background with a progress file
  openedx_generate_certs:
    course_ids: "{{ course_ids }}"
    progress_file: /edx/var/edxapp/openedx-toolkit/progress/generate-progress.json
  async: 7200
  poll: 0
  register: job
  become: true

- name: Show the progress until the run finishes, then its result
  openedx_generate_progress:
    progress_file: /edx/var/edxapp/openedx-toolkit/progress/generate-progress.json
    run_id: "{{ run_id }}"  # the one given to openedx_generate_certs
    results_file: "{{ job.results_file }}"
    since: "{{ seen.progress.seq | default(0) }}"
    timeout: 20
  loop: "{{ range(400) | list }}"
  loop_control:
    label: "{{ seen.progress.line | default('waiting') }}"
    break_when: seen.progress.finished | default(false) or seen.progress.missing | default(false)
  register: seen
  become: true

- name: Collect the result of the generation when the progress loop could not
  when: (seen.results | last).job_result is not defined
  ansible.builtin.async_status:
    jid: "{{ job.ansible_job_id }}"
  register: generated
  until: generated.finished
  retries: 1500
  delay: 5
  become: true
'''

RETURN = r'''
changed:
  description: Always V(false).
  returned: always
  type: bool
progress:
  description: The newest progress record (as the run wrote it, plus RV(progress.line)).
  returned: always
  type: dict
  contains:
    seq:
      description: The record's sequence number (milliseconds since the epoch), for O(since).
      type: int
    phase:
      description: V(check), V(generate), V(queue) or V(wait).
      type: str
    done:
      description: Learners walked or queued, or certificates written, so far.
      type: int
    total:
      description: What RV(progress.done) counts up to.
      type: int
    course_id:
      description: The course being worked on.
      type: str
    course_index:
      description: Its position among the run's courses, from V(1).
      type: int
    course_count:
      description: How many courses the run has.
      type: int
    finished:
      description: Whether the run has finished.
      type: bool
    failed:
      description: With RV(progress.finished=true), whether the run failed.
      type: bool
    missing:
      description:
        - True when there was no progress file (or an unreadable one) during the whole wait; a loop stops
          on it too (the run may have failed before it wrote one, see its result).
      type: bool
    line:
      description: A sentence for the operator.
      type: str
  sample: {"seq": 1764600000000, "phase": "generate", "done": 1500, "total": 3000,
           "course_id": "course-v1:OpenedX+Bench+2026", "course_index": 1, "course_count": 1,
           "finished": false, "line": "course 1/1 course-v1:OpenedX+Bench+2026: generating: 1500/3000
           learners walked"}
job_result:
  description:
    - The finished run's own result (what M(ansible.builtin.async_status) would return for it), without its
      C(invocation); its warnings and deprecations are this call's own. Its C(failed) and C(changed) are the
      run's, and a playbook that uses it fails and reports a change on them (see C(playbooks/generate.yml)).
  returned: when O(results_file) was given and RV(progress.finished) is true and the file holds the result
  type: dict
fresh:
  description: Whether RV(progress) is a record newer than O(since), or that of a finished run.
  returned: always
  type: bool
msg:
  description: RV(progress.line).
  returned: always
  type: str
'''

import errno
import json
import os
import stat
import time

from ansible.module_utils.basic import AnsibleModule

# A record is a few hundred bytes; anything much larger is not one.
MAX_RECORD_BYTES = 65536
# A generation's result holds counts per course and status, not learners.
MAX_RESULT_BYTES = 32 * 1024 * 1024
POLL_SECONDS = 0.5
# How long a finished record waits for its run's process to end (see watch_progress).
FINISH_GRACE_SECONDS = 5.0


def _read_json_object(path, max_bytes):
    """The JSON object in file ``path``, or None (missing, unreadable, too large, not an object).

    The folder of the progress file belongs to the platform user (it
    renames its records into it) and this module usually runs as root: a
    symlink or a hard link put there must not make it read, and return,
    another file.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, 'O_NOFOLLOW', 0) | getattr(os, 'O_NONBLOCK', 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1 or st.st_size > max_bytes:
            return None
        with os.fdopen(fd, 'rb') as handle:
            fd = None
            data = json.loads(handle.read(max_bytes + 1).decode('utf-8'))
    except (IOError, OSError, ValueError):
        return None
    finally:
        if fd is not None:
            os.close(fd)
    return data if isinstance(data, dict) else None


def read_progress(path, run_id=None):
    """The record in ``path``, or None (missing, unreadable, not a record, another run's)."""
    record = _read_json_object(path, MAX_RECORD_BYTES)
    if record is not None and run_id and record.get('run_id') != run_id:
        return None
    return record


def read_job_result(path):
    """The finished async job's result in ``path``, or None (no file, not written yet, unreadable).

    The async wrapper writes ``{"started": ...}`` when the job starts and
    replaces it with the module's result when it ends; as async_status, a
    content without ``started`` is the result.
    """
    data = _read_json_object(path, MAX_RESULT_BYTES) if path else None
    if data is None or 'started' in data:
        return None
    return data


def _pid_alive(pid):
    try:
        os.kill(int(pid), 0)
    except (TypeError, ValueError):
        return True
    except OSError as exc:
        return exc.errno == errno.EPERM  # alive, another user's
    return True


def _wait_for_exit(pid, grace, poll=0.05):
    """Wait up to ``grace`` seconds for process ``pid`` to end (a finished run's module writing its result)."""
    deadline = time.time() + grace
    while pid and _pid_alive(pid) and time.time() < deadline:
        time.sleep(poll)


def watch_progress(path, since, timeout, poll=POLL_SECONDS, min_wait=0, finish_grace=FINISH_GRACE_SECONDS,
                   run_id=None):
    """Wait for a record newer than ``since``; return (record, fresh).

    With ``run_id``, only that run's records count (read_progress).
    A new record is returned once ``min_wait`` seconds have passed since the
    call began (the newest one then: a loop of calls shows one line per
    ``min_wait``, however often the run writes); the record of a finished
    run is returned at once, after up to ``finish_grace`` seconds for the
    run's process (``owner_pid``) to end, so that the async job's result is
    written when the caller goes to collect it. A record whose run is gone
    without a finished record (killed by the async timeout, for example) is
    returned as finished and failed, so that a watching loop stops.
    """
    begin = time.time()
    deadline = begin + max(0, timeout)
    earliest = begin + max(0, min(min_wait, timeout))
    while True:
        record = read_progress(path, run_id)
        if record is not None and record.get('finished'):
            _wait_for_exit(record.get('owner_pid'), finish_grace)
            return record, True
        now = time.time()
        if record is not None and record.get('seq', 0) > since and now >= earliest:
            return record, True
        if record is not None and record.get('owner_pid') and not _pid_alive(record['owner_pid']):
            record = dict(record, finished=True, failed=True,
                          msg='the generation run (pid %s) ended without finishing; see its '
                              'task result' % record['owner_pid'])
            return record, True
        if now >= deadline:
            return record, bool(record is not None and record.get('seq', 0) > since)
        time.sleep(poll)


def wait_for_job_result(path, grace, poll=0.05):
    """The job's result in ``path``, waiting up to ``grace`` seconds for the async wrapper to write it."""
    deadline = time.time() + grace
    while True:
        data = read_job_result(path)
        if data is not None or time.time() >= deadline:
            return data
        time.sleep(poll)


def _message_text(item):
    # A warning or deprecation as a module returned it: text (ansible-core
    # before 2.19) or a summary whose event holds the text (2.19 and later).
    if isinstance(item, dict):
        event = item.get('event') if isinstance(item.get('event'), dict) else {}
        return event.get('msg') or item.get('msg')
    return item if item else None


def lift_job_result(module, data):
    """The job's result to return: its warnings and deprecations become this module's, its invocation goes."""
    data = dict(data)
    data.pop('invocation', None)
    for item in data.pop('warnings', None) or []:
        text = _message_text(item)
        if text:
            module.warn(text)
    for item in data.pop('deprecations', None) or []:
        text = _message_text(item)
        if not text:
            continue
        fields = item if isinstance(item, dict) else {}
        deprecator = fields.get('deprecator') if isinstance(fields.get('deprecator'), dict) else {}
        collection = deprecator.get('resolved_name') or fields.get('collection_name')
        module.deprecate(text, version=fields.get('version'), date=fields.get('date'),
                         collection_name=collection)
    data['finished'] = True
    return data


def format_progress(record):
    """A sentence for the operator from a progress record."""
    if not record:
        return 'waiting for the generation to start'
    parts = []
    if record.get('course_count'):
        parts.append('course %s/%s' % (record.get('course_index', '?'), record['course_count']))
    if record.get('course_id'):
        parts.append(record['course_id'])
    head = ' '.join(parts)
    phase = record.get('phase')
    if record.get('finished'):
        text = record.get('msg') or ('failed' if record.get('failed') else 'finished')
        return ('%s: %s' % (head, text)) if head and not record.get('msg') else text
    done, total = record.get('done'), record.get('total')
    if phase == 'queue':
        what = 'queueing generation tasks: %s/%s learners' % (done, total)
    elif phase == 'wait':
        what = 'waiting for the workers: %s/%s certificates written' % (done, total)
    elif phase == 'generate':
        what = 'generating: %s/%s learners walked' % (done, total)
        if record.get('remaining'):
            what += ' (~%sm remaining)' % record['remaining']
    elif phase == 'check':
        what = 'checking courses and counting certificates'
    else:
        what = phase or 'starting'
    return ('%s: %s' % (head, what)) if head else what


def describe(record, fresh, since, path, now=None):
    """The record to return: ``record`` (or a stand-in) with ``finished``, ``seq`` and ``line``."""
    if record is None:
        # No progress file during a whole window: the run could not write one
        # (see its warnings) or failed before; say so, so that a loop stops.
        record = {'seq': since, 'finished': False, 'missing': True}
    record = dict(record)
    record.setdefault('finished', False)
    if record.get('missing'):
        record['line'] = 'no progress file %s; waiting for the run to finish without progress' % path
    elif record.get('phase') or record.get('finished'):
        record['line'] = format_progress(record)
        age = (time.time() if now is None else now) - record.get('seq', 0) / 1000.0
        if not fresh and not record.get('finished') and record.get('seq') and age >= 1:
            # Nothing moved since that record (the run writes one only when something does).
            record['line'] += ' (no change for %d s)' % age
    else:
        record['line'] = 'waiting for the generation to start'
    record.setdefault('seq', since)
    return record


def main():
    module = AnsibleModule(
        argument_spec=dict(
            progress_file=dict(type='path', required=True),
            since=dict(type='int', default=0),
            timeout=dict(type='int', default=30),
            min_wait=dict(type='int', default=0),
            run_id=dict(type='str'),
            results_file=dict(type='path'),
        ),
        supports_check_mode=True,
    )
    params = module.params
    if params['timeout'] < 0:
        module.fail_json(msg='timeout must be 0 or more seconds, not %d' % params['timeout'])
    if params['min_wait'] < 0:
        module.fail_json(msg='min_wait must be 0 or more seconds, not %d' % params['min_wait'])
    record, fresh = watch_progress(params['progress_file'], params['since'], params['timeout'],
                                   min_wait=params['min_wait'], run_id=params['run_id'])
    record = describe(record, fresh, params['since'], params['progress_file'])
    extra = {}
    if record.get('finished') and params['results_file']:
        data = wait_for_job_result(params['results_file'], FINISH_GRACE_SECONDS)
        if data is not None:
            extra['job_result'] = lift_job_result(module, data)
    module.exit_json(changed=False, progress=record, fresh=fresh, msg=record['line'], **extra)


if __name__ == '__main__':
    main()
