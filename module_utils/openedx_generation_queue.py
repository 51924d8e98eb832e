# -*- coding: utf-8 -*-
# Copyright: contributors to this project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The generation tasks a toolkit run published that no worker has run yet.

``openedx_generate_certs`` keeps them in one JSON file on the LMS host
(``{"version": 1, "courses": {COURSE_ID: {USER_ID: entry}}}``) so that a
later run neither queues those learners again nor forgets them;
``openedx_diagnose`` reads the same file to say that a learner's task is
still waiting. The one reader and writer of that format.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

from ansible.module_utils.openedx_state import write_json

DEFAULT_QUEUED_TASKS_FILE = '/edx/var/edxapp/openedx-toolkit/generation-queue.json'


def read_queued_tasks(path):
    """The tasks published by earlier runs and not written yet: ({course_id: {user_id: entry}}, warning)."""
    if not path or not os.path.exists(path):
        return {}, None
    try:
        with open(path) as handle:
            data = json.load(handle)
    except (IOError, OSError, ValueError) as exc:
        return {}, ('cannot read the queued tasks file %s (%s): learners whose task an earlier run '
                    'queued may be queued again' % (path, exc))
    courses = data.get('courses') if isinstance(data, dict) else None
    if not isinstance(courses, dict):
        return {}, ('%s is not a queued tasks file of this module (no "courses" mapping): learners '
                    'whose task an earlier run queued may be queued again' % path)
    return dict((cid, dict(tasks)) for cid, tasks in courses.items() if isinstance(tasks, dict) and tasks), None


def waiting_tasks(queued, course_id, user_id=None):
    """How many of ``queued``'s tasks are for ``course_id`` (for ``user_id`` alone when given: 0 or 1)."""
    tasks = queued.get(course_id) or {}
    if user_id is not None:
        return 1 if str(user_id) in tasks else 0
    return len(tasks)


def updated_queued_tasks(queued, results):
    """``queued`` with each cert_generation op's tasks still to be written (failed ops included)."""
    out = dict(queued)
    for result in results:
        if not isinstance(result, dict) or result.get('op') != 'cert_generation' or 'pending_tasks' not in result:
            continue
        cid = result.get('course_id')
        if result['pending_tasks']:
            out[cid] = dict(result['pending_tasks'])
        else:
            out.pop(cid, None)
    return out


def write_queued_tasks(path, queued):
    # The toolkit's one writer of state files: flushed to disk before the
    # rename, so a crash leaves the old list or the new one.
    write_json(path, {'version': 1, 'courses': queued})
