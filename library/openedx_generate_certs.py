#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to this project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: openedx_generate_certs
short_description: Generate the certificates of Open edX courses for every eligible learner
version_added: "0.1.0"
description:
  - Generates course certificates with the command the platform's release has, and
    reports the certificate counts by status before and after.
  - "Legacy releases (up to Lilac: C(lms/djangoapps/certificates/management/commands/ungenerated_certs.py)
    exists): runs the platform's C(ungenerated_certs -c COURSE), which picks its learners itself
    (every enrollment), with C(--insecure) when O(insecure=true) or, when O(insecure) is not given,
    when O(lms_https=false); with O(regenerate_statuses), once per status with C(--force-gen STATUS)."
  - "Releases without it (Maple and later: C(cert_generation.py) exists): selects the learners the
    platform's own bulk generation picks (the instructor dashboard's, C(generate_students_certificates)
    and C(students_require_certificate) in C(lms/djangoapps/instructor_task/tasks_helper/certs.py)):
    the ACTIVE enrollments (C(CourseEnrollment.objects.users_enrolled_in)), less the learners who
    have a certificate in the course whose status is not V(unavailable); with
    O(regenerate_statuses), the active learners whose certificate has one of those statuses. Then
    it runs the platform's C(cert_generation -u USER... -c COURSE) for them in batches of
    O(batch_size), and waits, up to O(wait_timeout) seconds per course, until the platform's task
    workers have written the certificates of the tasks it published."
  - "Before publishing anything it leaves out the learners the platform would certainly refuse
    without writing anything, for a reason read from the data the way the platform reads it: an
    enrollment mode that can never earn a certificate (the platform's own
    C(is_eligible_for_certificate): V(audit); V(honor) with C(DISABLE_HONOR_CERTIFICATES)), and every
    learner of a course whose HTML certificates are off (the platform's
    C(has_html_certificates_enabled)). Nothing else is decided in advance (a failing grade is the
    platform's to read, and with a certificate row it sets V(notpassing)). Every learner left out
    is counted by reason (RV(courses.selection.left_out)), and what the platform did with each
    learner sent is counted too (RV(courses.generation.outcomes)): tasks published (by the status
    they write), statuses set in the process, and the learners it declined
    (C(generate_certificate_task) answered false) by the reason the data shows. RV(reasons) says
    which reasons are read from the data and which are inferred."
  - "Learners in V(unverified) are regenerated with C(cert_generation) too, not with
    C(regenerate_noidv_cert) where the release has it: both call the same
    C(generate_certificate_task) for each learner (the same work), and C(cert_generation) lets the
    module follow each answer and each published task, without C(regenerate_noidv_cert)'s pause of
    C(--sleep_seconds) (20 s by default) between batches."
  - "C(generate_certificate_task) also returns true when it only set or confirmed a
    status in the process (an invalidated learner's V(unavailable), V(notpassing),
    V(unverified)) and published nothing: the module counts what is actually published, by
    wrapping C(apply_async) of the platform's Celery task C(generate_certificate) (every
    publish goes through it, also with C(CELERY_ALWAYS_EAGER)), settles the learners decided
    in the process at once, and waits only for the published tasks. On a platform whose
    command publishes through no such task, the module does not wait, and a warning says so."
  - "Published tasks are recorded in O(queued_tasks_file) until their certificate is
    written: a later run does not queue those learners again (each task would run twice:
    a second history row, duplicate events), says how many are still waiting, and waits for
    them too; O(requeue_waiting=true) queues them again (when the broker lost them)."
  - Every course id is checked for format before anything starts; a malformed id fails
    the module without starting the platform, naming the option and the entry
    (RV(invalid_course_ids)). A well-formed id of a course that does not
    exist fails the module too (the platform's commands silently do nothing for it); that
    is checked in the same platform process that takes the "before" counts, before any
    generation.
  - "All the courses of one run are handled in ONE platform process (C(manage.py lms shell)
    with the toolkit's runner): course checks, counts before, generation (the platform's
    management command called in-process), counts after. Starting the platform costs
    10-20 seconds on a real host; RV(platform_starts) in the result says how many were
    started. With O(in_process=false) on legacy releases the literal command line
    C(manage.py lms --settings=S ungenerated_certs -c COURSE) is run instead (one more
    process per course, plus one for the counts after)."
  - "Long runs: give O(progress_file) and run the module with C(async); a loop of
    M(openedx_generate_progress) shows each new progress record, and M(ansible.builtin.async_status)
    collects the result (see EXAMPLES and C(playbooks/generate.yml))."
extends_documentation_fragment:
  - openedx_platform
  - openedx_course_ids
  - action_common_attributes
options:
  method:
    description:
      - V(auto) picks V(ungenerated_certs) when that command file exists in O(platform_dir),
        else V(cert_generation) when that one exists, else fails with an explanation.
      - V(ungenerated_certs) or V(cert_generation) on a platform without that command fails with an
        explanation.
    type: str
    choices: [auto, ungenerated_certs, cert_generation]
    default: auto
  regenerate_statuses:
    description:
      - Regenerate the learners whose certificate has one of these statuses (a list, or one string of
        statuses separated by commas), for example V(unverified) after ID verifications were approved, or
        V(error) after a fix. Each must be one of the platform's C(CertificateStatuses) (checked before
        anything starts, and again against the platform's own class in its process); an unknown one
        fails the module, naming it.
      - Empty (the default) picks the learners without a certificate, or with an V(unavailable) one, as
        the bulk generation does.
      - "The platform still decides: C(generate_certificate_task) does not regenerate a V(downloadable)
        certificate (unless its mode was not eligible and the enrollment's now is), and the instructor
        dashboard offers only V(downloadable), V(error), V(notpassing), V(audit_passing) and
        V(audit_notpassing) for regeneration; RV(courses.generation.outcomes) shows what it did."
    type: list
    elements: str
    default: []
  force_status:
    description:
      - Deprecated, use O(regenerate_statuses). One status to regenerate; V(unavailable) keeps its old
        meaning, the default selection (no certificate, or an unavailable one).
    type: str
    choices: [deleted, deleting, downloadable, error, generating, notpassing, restricted,
              unavailable, auditing, audit_passing, audit_notpassing, honor_passing,
              unverified, invalidated, requesting]
  insecure:
    description:
      - Pass C(--insecure) to C(ungenerated_certs) (callbacks to the LMS over http).
      - When not given, C(--insecure) is passed when O(lms_https=false).
    type: bool
  lms_https:
    description:
      - Whether the LMS is served over https (the fact C(openedx.lms_https) of M(openedx_facts)).
        Null means unknown and is treated as https.
    type: bool
  in_process:
    description:
      - Legacy releases only. V(true) calls C(ungenerated_certs) inside the single platform
        process of the run; V(false) runs C(manage.py lms ... ungenerated_certs) as its own process.
      - In check mode the command always runs inside the platform process.
    type: bool
    default: true
  batch_size:
    description: Learners per C(cert_generation) call (at least V(1)).
    type: int
    default: 500
  wait_timeout:
    description:
      - Seconds to wait, per course, for the task workers to write the certificates of the tasks
        published by C(cert_generation) (and of those still waiting from an earlier run). When
        they have not, the module fails, as a change (the tasks stay queued and write their
        certificates when the workers run them), and says how many are still to come (are the
        workers, C(edxapp_worker), running?). V(0) does not wait (and does not fail).
    type: int
    default: 900
  queued_tasks_file:
    description:
      - A JSON file on the host where the module keeps the generation tasks it published and
        whose certificates are not written yet (learner, course, time), read by every run with
        the method V(cert_generation) and written by those not in check mode. Its directory is
        created when missing.
    type: path
    default: /edx/var/edxapp/openedx-toolkit/generation-queue.json
  requeue_waiting:
    description:
      - Queue again the learners whose task, published by an earlier run, no worker has run yet
        (by default they are only counted, warned about and waited for).
    type: bool
    default: false
  poll_interval:
    description:
      - Seconds between two looks at the certificate table while waiting for the workers. Each look reads
        only the rows written since the previous one (one query), so a short interval costs the database
        little and ends the wait soon after the last certificate is written.
    type: float
    default: 0.5
  progress_file:
    description:
      - A JSON file on the host where the run writes its progress (phase, learners done, total), read
        by M(openedx_generate_progress). Each record replaces the file whole (a temporary file renamed
        over it), from this module and from the platform process, which runs as O(user).
      - The rename needs write access to the file's folder. A missing folder is created and, when the
        module runs as root, given to O(user); give the file a folder of its own, since an existing
        folder is left as it is, and when O(user) cannot write to it the progress from inside the
        platform is not shown (a warning says so).
    type: path
  run_id:
    description:
      - A name for this run, written into each of its progress records; M(openedx_generate_progress) given
        the same O(run_id) ignores the records of any other run (such as the finished record an earlier run
        left in O(progress_file)), so nothing needs to remove that file first.
      - Any text; C(playbooks/generate.yml) gives one made on the controller for each run.
    type: str
attributes:
  check_mode:
    support: full
    details: Check mode generates nothing. Legacy releases run C(ungenerated_certs --noop) and report
      how many learners it would walk and generate for; later releases only count the learners
      that would be sent to C(cert_generation). Check mode also checks the course ids and that
      the courses exist. It does not write O(queued_tasks_file); it writes O(progress_file) (creating its
      folder), so that M(openedx_generate_progress) works the same.
  diff_mode:
    support: none
  platform:
    platforms: posix
notes:
  - RV(changed) is true when the certificate counts moved or generation tasks were published
    (their certificates may come after the module has returned). A second run, once the
    certificates of the first are written, publishes nothing and moves no count, and reports
    RV(changed=false). Learners the platform found not eligible without writing a certificate
    (C(cert_generation)) are selected again (RV(courses.learners)), so check mode reports
    RV(changed=true) while there are any.
  - Which learners end with a V(downloadable) certificate is the platform's decision (grades,
    mode, ID verification, the audit cutoff, HTML certificates enabled for the course);
    RV(courses.after) shows what it decided, and RV(courses.generation.outcomes) why the others got none.
  - "The reasons of RV(courses.selection.left_out) are all read from the data; those of
    RV(courses.generation.outcomes) are read except C(not_passing) (the persisted grade; the
    platform may compute a grade that is not persisted) and C(unknown)."
seealso:
  - module: openedx_generate_progress
  - module: openedx_cert_report
  - module: openedx_facts
author:
  - Open edX certificates toolkit contributors (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Generate the certificates of one course
  openedx_generate_certs:
    course_ids: course-v1:edX+DemoX+Demo_Course
    lms_https: "{{ openedx.lms_https }}"
  become: true
  register: gen

- name: Regenerate the learners left unverified or in error
  openedx_generate_certs:
    course_ids: course-v1:edX+DemoX+Demo_Course
    regenerate_statuses: unverified,error
  become: true

- name: Retry the learners whose generation ended in error, on a legacy host
  openedx_generate_certs:
    course_ids: [edX/DemoX/Demo_Course]
    regenerate_statuses: [error]
    settings: aws
  become: true

- name: Thousands of learners - run in the background with a progress file
  openedx_generate_certs:
    course_ids: "{{ course_ids }}"
    progress_file: /edx/var/edxapp/openedx-toolkit/progress/generate-progress.json
  async: 7200
  poll: 0
  register: job
  become: true

- name: Show the progress until the run finishes
  openedx_generate_progress:
    progress_file: /edx/var/edxapp/openedx-toolkit/progress/generate-progress.json
    since: "{{ seen.progress.seq | default(0) }}"
  loop: "{{ range(240) | list }}"
  loop_control:
    label: "{{ seen.progress.line | default('waiting') }}"
    break_when: seen.progress.finished | default(false) or seen.progress.missing | default(false)
  register: seen
  become: true

- name: Collect the result
  ansible.builtin.async_status:
    jid: "{{ job.ansible_job_id }}"
  register: generated
  until: generated.finished
  retries: 1440
  delay: 5
  become: true
'''

RETURN = r'''
changed:
  description:
    - Whether certificate counts changed or generation tasks were published (in check mode, whether
      learners would be sent).
  returned: always
  type: bool
course_ids:
  description: The course ids of O(course_id) and O(course_ids), in that order, each once.
  returned: once the course ids were read and a generation command found (also when the run failed later)
  type: list
  elements: str
  sample: ["course-v1:edX+DemoX+Demo_Course"]
invalid_course_ids:
  description: The malformed entries of O(course_id) and O(course_ids) (nothing was started).
  returned: when a course id was malformed
  type: list
  elements: str
  sample: ["edX/DemoX/"]
method:
  description: V(ungenerated_certs) or V(cert_generation).
  returned: once the course ids were read and a generation command found (also when the run failed later)
  type: str
platform_starts:
  description: How many platform processes this run started.
  returned: always
  type: int
  sample: 1
generated:
  description: New downloadable certificates, all courses together (after minus before).
  returned: once the course ids were read and a generation command found (also when the run failed later)
  type: int
  sample: 2
courses:
  description: Per course id, what happened.
  returned: once the course ids were read and a generation command found (also when the run failed later)
  type: dict
  contains:
    before:
      description: Certificate counts by status before the run.
      type: dict
      sample: {"notpassing": 1}
    after:
      description: Certificate counts by status after the run (equal to RV(courses.before) in check mode).
      type: dict
      sample: {"downloadable": 2, "notpassing": 1}
    changes:
      description: Per status, after minus before (only statuses that moved).
      type: dict
      sample: {"downloadable": 2}
    generated:
      description: New downloadable certificates of this course.
      type: int
    learners:
      description:
        - Learners selected for generation (RV(courses.selection.selected)); with C(ungenerated_certs),
          which picks for itself, the learners it will walk whose status it takes (every enrollment).
      type: int
    selection:
      description: Who is sent to the platform and who is left out, and why.
      type: dict
      contains:
        selected:
          description: Learners sent (C(cert_generation)) or counted as the command's (C(ungenerated_certs)).
          type: int
        digest:
          description:
            - A fingerprint of the learners sent (16 hex digits of a SHA-256 of their sorted ids); two runs
              sent the same learners when it is the same. The benchmark compares it with the bare command's.
          type: str
        left_out:
          description:
            - "Per reason, per detail, the learners left out before anything was published; each learner
              once, under the first reason in this order: C(inactive_enrollment) (by mode),
              C(has_certificate) (by status: the bulk generation skips a certificate other than
              V(unavailable)) or C(not_in_regenerate_statuses) (by status, C(none) without a certificate),
              C(mode_not_eligible) (by mode), C(html_certificates_disabled) (C(course): the whole course),
              C(task_still_waiting) (a task of an earlier run is still queued). All read from the data."
          type: dict
          sample: {"inactive_enrollment": {"verified": 60}, "mode_not_eligible": {"audit": 1470}}
        left_out_total:
          description: The learners of RV(courses.selection.left_out), all reasons together.
          type: int
        regenerate_statuses:
          description: The statuses regenerated (empty for the default selection).
          type: list
          elements: str
    still_waiting:
      description:
        - C(cert_generation) - learners whose generation task, published by an earlier run, no
          worker has run yet (not queued again unless O(requeue_waiting=true)).
      type: int
    enrollments:
      description: Enrollment counts C(total), C(active), C(by_mode) (active) from the platform.
      type: dict
    end:
      description: The course end date (ISO 8601), null when unknown.
      type: str
    generation:
      description:
        - What the generation op returned (null in check mode with C(cert_generation)). C(cert_generation) -
          C(requested) (learners selected), C(sent) (given to the command), C(queued) (tasks published),
          C(decided_in_process) (the platform returned true and published nothing), C(not_eligible) (it
          returned false or raised), C(still_waiting) (learners whose task from an earlier run is not
          written yet; not queued again), C(requeued), C(waited_for), C(processed) (certificates written),
          C(results_pending), C(unprocessed_user_ids), C(timed_out), C(waited_seconds),
          C(pending_tasks), C(left_out) and C(digest) (as RV(courses.selection)), C(outcomes), C(seconds)
          (the op's phases in the platform process, C(select), C(publish), C(sort_outcomes), C(wait)).
          C(ungenerated_certs) - C(progress_lines), C(output_tail); with several O(regenerate_statuses),
          C(runs), one such result per status.
      type: dict
      contains:
        outcomes:
          description:
            - "C(cert_generation) - what the platform did with the learners sent. C(published): tasks
              published, by the status they write (V(downloadable); V(unverified): ID verification
              missing where the mode needs it). C(decided_in_process): the platform answered true and
              published nothing, by the status the certificate has now (V(unavailable): invalidated;
              V(notpassing): failing with a certificate row; V(unverified)). C(declined): it answered false
              (or raised), per reason, per path (C(regular), C(allowlist)): C(ccx_course), C(beta_tester),
              C(not_passing) (inferred from the persisted grade), C(invalidated), C(no_enrollment),
              C(mode_not_eligible), C(already_downloadable), C(no_course_overview),
              C(html_certificates_disabled), C(refused_by_filter) (an exception, by its name),
              C(user_not_found), C(unknown), the first of generation_handler.py's checks the data shows
              failing."
          type: dict
          sample: {"published": {"downloadable": 800, "unverified": 160}, "decided_in_process": {},
                   "declined": {"not_passing": {"regular": 480}}}
  sample: {"course-v1:edX+DemoX+Demo_Course": {"before": {}, "after": {"downloadable": 2},
           "changes": {"downloadable": 2}, "generated": 2, "learners": 3}}
reasons:
  description:
    - Every reason the courses' RV(courses.selection.left_out) and RV(courses.generation.outcomes) name,
      with C(how) (V(read) - the data the toolkit looked at is what the platform decides on, or the
      platform's own function answered; V(inferred) - the platform decides on something the toolkit can
      only approximate) and C(what) (a sentence).
  returned: once the course ids were read and a generation command found (also when the run failed later)
  type: dict
  sample: {"mode_not_eligible": {"how": "read", "what": "the enrollment mode can never earn a certificate"},
           "not_passing": {"how": "inferred", "what": "no passing grade: read from the persisted course grade"}}
regenerate_statuses:
  description: The statuses regenerated (O(regenerate_statuses), with a deprecated O(force_status)).
  returned: once the course ids were read and a generation command found (also when the run failed later)
  type: list
  elements: str
unknown_statuses:
  description: The entries of O(regenerate_statuses) that are no certificate status (nothing was started).
  returned: when a status was unknown
  type: list
  elements: str
would_generate_for:
  description: In check mode, per course id, the learners that would be sent (RV(courses.learners)).
  returned: in check mode
  type: dict
  sample: {"course-v1:edX+DemoX+Demo_Course": 3}
msg:
  description: A one-line summary.
  returned: always
  type: str
'''

import os
import pwd
import re
import stat
import time

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.openedx_cert_report import CERTIFICATE_STATUSES
from ansible.module_utils.openedx_cert_selection import REASONS
from ansible.module_utils.openedx_course_key import COURSE_IDS_ARGUMENT_SPEC, module_course_ids
from ansible.module_utils import openedx_platform as platform
from ansible.module_utils.openedx_runner_certs import CERTS_SOURCE
from ansible.module_utils.openedx_generation_queue import (
    DEFAULT_QUEUED_TASKS_FILE,
    read_queued_tasks,
    updated_queued_tasks,
    write_queued_tasks,
)
from ansible.module_utils.openedx_state import write_json

COMMANDS_DIR = os.path.join('lms', 'djangoapps', 'certificates', 'management', 'commands')
PROGRESS_LINE_RE = re.compile(r'(\d+)/(\d+) completed ~(\d+):(\d+)m remaining')


# ------------------------------------------------------------------ pure helpers

def command_present(platform_dir, name):
    return os.path.isfile(os.path.join(platform_dir, COMMANDS_DIR, name + '.py'))


def choose_method(requested, platform_dir):
    """(method, None) or (None, why not)."""
    has_legacy = command_present(platform_dir, 'ungenerated_certs')
    has_modern = command_present(platform_dir, 'cert_generation')
    if requested == 'ungenerated_certs' and not has_legacy:
        return None, ('this platform has no ungenerated_certs command (%s): it was removed in '
                      'Maple; use method cert_generation or auto'
                      % os.path.join(platform_dir, COMMANDS_DIR, 'ungenerated_certs.py'))
    if requested == 'cert_generation' and not has_modern:
        return None, ('this platform has no cert_generation command (%s): releases before Maple '
                      'generate with ungenerated_certs; use method ungenerated_certs or auto'
                      % os.path.join(platform_dir, COMMANDS_DIR, 'cert_generation.py'))
    if requested != 'auto':
        return requested, None
    if has_legacy:
        return 'ungenerated_certs', None
    if has_modern:
        return 'cert_generation', None
    return None, ('no certificate generation command in %s (neither ungenerated_certs.py nor '
                  'cert_generation.py): is platform_dir an edx-platform checkout?'
                  % os.path.join(platform_dir, COMMANDS_DIR))


def use_insecure(insecure, lms_https):
    if insecure is not None:
        return bool(insecure)
    return lms_https is False


def status_changes(before, after):
    changes = {}
    for status in sorted(set(before) | set(after)):
        delta = after.get(status, 0) - before.get(status, 0)
        if delta:
            changes[status] = delta
    return changes


def regenerate_statuses_of(params):
    """The statuses to regenerate: O(regenerate_statuses), plus the deprecated O(force_status).

    ``force_status=unavailable`` keeps its old meaning, the default selection (no certificate, or an
    unavailable one); any other ``force_status`` is one more status to regenerate.
    """
    statuses = []
    for status in params.get('regenerate_statuses') or []:
        status = status.strip()
        if status and status not in statuses:
            statuses.append(status)
    force = params.get('force_status')
    if force and force != 'unavailable' and force not in statuses:
        statuses.append(force)
    return statuses


def unknown_statuses(statuses):
    return [status for status in statuses if status not in CERTIFICATE_STATUSES]


def build_ops(method, course_ids, check_mode, params, progress_file, in_process=True,
              owner_pid=None, queued=None, run_id=None):
    """The platform processes to start, in order: a list of (kind, ops).

    kind 'main' and 'after' are runner processes (``ops`` is their op list);
    ('command', course_id, status) is a literal ``manage.py lms ungenerated_certs``
    process (legacy releases with in_process false; ``ops`` is None).
    Every course's existence, and the statuses to regenerate, are checked
    (course_info with require_exists, certificate_statuses) before the first
    generation op, in the first process.
    """
    statuses = regenerate_statuses_of(params)
    legacy = method == 'ungenerated_certs'
    separate = legacy and not in_process and not check_mode
    main = [{'op': 'course_info', 'course_id': cid, 'require_exists': True} for cid in course_ids]
    if statuses:
        main.append({'op': 'certificate_statuses', 'wanted': statuses})
    # ungenerated_certs takes one --force-gen status a call.
    legacy_runs = statuses or [None]
    after = []
    commands = []
    for index, cid in enumerate(course_ids):
        progress = None
        if progress_file:
            progress = {'file': progress_file, 'course_index': index + 1,
                        'course_count': len(course_ids), 'owner_pid': owner_pid}
            if run_id:
                progress['run_id'] = run_id
        # ungenerated_certs walks every enrollment and picks for itself (the toolkit only counts);
        # cert_generation gets the active learners the bulk generation picks, less the modes the
        # platform never certifies (openedx_cert_selection).
        pending = {'op': 'pending_learners', 'course_id': cid, 'regenerate_statuses': statuses,
                   'active_only': not legacy, 'platform_filters': not legacy, 'ids': False}
        if legacy:
            pending['missing_status'] = 'unavailable'
        earlier = (queued or {}).get(cid) or {}
        if not legacy and earlier:
            pending.update(queued_earlier=earlier, requeue_waiting=bool(params.get('requeue_waiting')))
        main.append(pending)
        if legacy and separate:
            commands.extend((('command', cid, status), None) for status in legacy_runs)
        elif legacy:
            for status in legacy_runs:
                main.append({'op': 'ungenerated_certs', 'course_id': cid, 'noop': bool(check_mode),
                             'insecure': use_insecure(params.get('insecure'), params.get('lms_https')),
                             'force_status': status, 'progress': progress})
        elif not check_mode:
            main.append({'op': 'cert_generation', 'course_id': cid, 'regenerate_statuses': statuses,
                         'batch_size': params.get('batch_size') or 500,
                         'wait_timeout': params.get('wait_timeout'),
                         'poll_interval': params.get('poll_interval'),
                         'progress': progress, 'queued_earlier': earlier,
                         'requeue_waiting': bool(params.get('requeue_waiting'))})
        if not check_mode:
            after.append({'op': 'course_info', 'course_id': cid})
    if separate:
        return [('main', main)] + commands + [('after', after)]
    return [('main', main + after)]


def ungenerated_certs_args(course_id, params, check_mode, status=None):
    args = ['ungenerated_certs', '-c', course_id]
    if check_mode:
        args.append('--noop')
    if use_insecure(params.get('insecure'), params.get('lms_https')):
        args.append('--insecure')
    if status:
        args += ['--force-gen', status]
    return args


def collect(course_ids, results):
    """Per-course summary from the op results of every process (in order)."""
    courses = dict((cid, {'before': None, 'after': None, 'learners': None, 'generation': None,
                          'enrollments': None, 'end': None, 'exists': None})
                   for cid in course_ids)
    for result in results:
        if not isinstance(result, dict) or result.get('failed'):
            continue
        cid = result.get('course_id')
        if cid not in courses:
            continue
        entry = courses[cid]
        op = result.get('op')
        if op == 'course_info':
            if entry['before'] is None:
                entry['before'] = dict(result.get('certificates') or {})
                entry['enrollments'] = result.get('enrollments')
                entry['end'] = result.get('end')
                entry['exists'] = result.get('exists')
                entry['has_ended'] = result.get('has_ended')
                entry['cert_html_view_enabled'] = result.get('cert_html_view_enabled')
            else:
                entry['after'] = dict(result.get('certificates') or {})
        elif op == 'pending_learners':
            entry['learners'] = result.get('count')
            entry['still_waiting'] = result.get('still_waiting') or 0
            entry['selection'] = selection_summary(result)
        elif op in ('ungenerated_certs', 'cert_generation', 'command'):
            run = dict((k, v) for k, v in result.items() if k not in ('op', 'course_id'))
            if entry['generation'] is None:
                entry['generation'] = run
            else:
                # ungenerated_certs once per status to regenerate: every run, in order.
                runs = entry['generation'].get('runs') or [entry['generation']]
                entry['generation'] = {'runs': runs + [run]}
    for entry in courses.values():
        before = entry['before'] or {}
        if entry['after'] is None and entry['before'] is not None:
            entry['after'] = dict(before)  # check mode, or stopped before the counts after
        after = entry['after'] or {}
        entry['changes'] = status_changes(before, after)
        entry['generated'] = max(0, after.get('downloadable', 0) - before.get('downloadable', 0))
    return courses


def selection_summary(result):
    """The ``selection`` of a course from its pending_learners result: who is sent, who is left out, why."""
    left_out = result.get('left_out') or {}
    total = sum(sum(counts.values()) for counts in left_out.values())
    return {'selected': result.get('count'), 'left_out': left_out, 'left_out_total': total,
            'digest': result.get('digest'), 'regenerate_statuses': result.get('regenerate_statuses') or []}


def reasons_used(courses):
    """{reason: {how, what}} (openedx_cert_selection.REASONS) for every reason the courses name."""
    names = set()
    for entry in courses.values():
        names.update(((entry.get('selection') or {}).get('left_out') or {}).keys())
        outcomes = (entry.get('generation') or {}).get('outcomes') or {}
        names.update((outcomes.get('declined') or {}).keys())
        if (outcomes.get('published') or {}).get('unverified') or \
                (outcomes.get('decided_in_process') or {}).get('unverified'):
            names.add('id_verification_missing')
    return dict((name, {'how': REASONS.get(name, ('inferred', ''))[0], 'what': REASONS.get(name, ('', ''))[1]})
                for name in sorted(names))


def generation_problems(courses, wait_timeout):
    """(failures, warnings, notes) about the cert_generation results of each course."""
    failures, warnings, notes = [], [], []
    for cid in sorted(courses):
        entry = courses[cid]
        gen = entry.get('generation') or {}
        waiting = gen.get('still_waiting', entry.get('still_waiting')) or 0
        if waiting:
            since = gen.get('still_waiting_since')
            warnings.append('%s: %d learner(s) still have a generation task queued by an earlier run%s that no '
                            'worker has run yet; they were not queued again (requeue_waiting=true queues them '
                            'again)' % (cid, waiting, ' (since %s)' % since if since else ''))
        if gen.get('wait_skipped'):
            warnings.append('%s: %s' % (cid, gen['wait_skipped']))
        pending = gen.get('results_pending') or 0
        if not pending:
            continue
        earlier = gen.get('waited_for', 0) - (gen.get('queued') or 0)
        what = ('%s: %s generation task(s) queued%s; %s certificate(s) written within %s s, %d still to come: '
                'the tasks stay queued and write their certificates when the platform task workers '
                '(edxapp_worker) run them (a later run waits for them and does not queue them again), '
                'unless they failed (see the workers\' log)'
                % (cid, gen.get('queued') or 0,
                   ' (and %d from an earlier run still waiting)' % earlier if earlier > 0 else '',
                   gen.get('processed') or 0, wait_timeout, pending))
        if gen.get('timed_out'):
            failures.append(what)
        else:
            notes.append(what)
    return failures, warnings, notes


def _write_progress_record(path, record, run_id=None):
    record = dict(record)
    if run_id:
        record['run_id'] = run_id
    record['seq'] = int(time.time() * 1000)
    record.setdefault('pid', os.getpid())
    record.setdefault('finished', False)
    # Replaced whole (openedx_state.write_json, which the platform process
    # uses too): a watcher reads the previous record or this one. A new file
    # takes the owner of its folder, the platform user's when this module
    # created it (prepare_progress_file).
    write_json(path, record, owner_of=os.path.dirname(os.path.abspath(path)))


def write_progress(path, record, run_id=None):
    if not path:
        return
    try:
        _write_progress_record(path, record, run_id)
    except (IOError, OSError):
        pass  # progress is for the operator's eyes; it must not stop the run


# ------------------------------------------------------------------ host side

def writable_by(entry, st):
    """Whether the user of passwd ``entry`` may create and rename files in a folder of stat ``st``."""
    if st.st_uid == entry.pw_uid:
        return bool(st.st_mode & stat.S_IWUSR)
    if st.st_gid in os.getgrouplist(entry.pw_name, entry.pw_gid):
        return bool(st.st_mode & stat.S_IWGRP)
    return bool(st.st_mode & stat.S_IWOTH)


def _remove_stale_temp_files(path):
    # write_json's temporary files (.NAME.XXXXXXXX.tmp) of a run killed mid-write.
    directory, name = os.path.split(os.path.abspath(path))
    for entry in os.listdir(directory):
        if entry.startswith('.%s.' % name) and entry.endswith('.tmp'):
            try:
                os.remove(os.path.join(directory, entry))
            except OSError:
                pass


def prepare_progress_file(module, path):
    """Make ``path`` ready for this run's records; return it, or None (with a warning).

    The platform process writes records too, as the platform user (option
    ``user``, through sudo), and each record replaces the file by a rename,
    which needs write access to the folder: a folder this module creates is
    given to that user (the folders above it stay as they are). An existing
    folder is not changed, since it may hold state the platform user must
    not be able to replace (the default state folder holds the migrations
    fingerprint, the queued tasks and the theme manifest): the records from
    inside the platform are then lost, and a warning says so.
    """
    params = module.params
    directory = os.path.dirname(os.path.abspath(path))
    try:
        writer = pwd.getpwnam(params['user']) if platform.needs_sudo(params) else None
        if not os.path.isdir(directory):
            parent = os.path.dirname(directory)
            if not os.path.isdir(parent):
                os.makedirs(parent, 0o755)
            os.mkdir(directory, 0o755)
            if writer is not None and os.geteuid() == 0:
                os.chown(directory, writer.pw_uid, writer.pw_gid)
        if writer is not None and not writable_by(writer, os.stat(directory)):
            module.warn('the platform user %s cannot write to %s, the folder of the progress file: the '
                        'progress from inside the platform (learners walked, tasks queued, certificates '
                        'written) will not be shown. Give the progress file a folder of its own, which '
                        'the module creates for that user when it runs as root (as playbooks/generate.yml '
                        'does)' % (writer.pw_name, directory))
        _remove_stale_temp_files(path)
        if os.path.lexists(path):
            # A new run starts a new file, owned like its folder.
            os.remove(path)
        _write_progress_record(path, {'phase': 'check', 'owner_pid': os.getpid()}, params.get('run_id'))
    except (IOError, OSError, KeyError) as exc:
        module.warn('cannot prepare the progress file %s (%s); no progress will be shown' % (path, exc))
        return None
    return path


def main():
    argument_spec = dict(
        method=dict(type='str', default='auto', choices=['auto', 'ungenerated_certs', 'cert_generation']),
        regenerate_statuses=dict(type='list', elements='str', default=[]),
        force_status=dict(type='str', choices=list(CERTIFICATE_STATUSES)),
        insecure=dict(type='bool'),
        lms_https=dict(type='bool'),
        in_process=dict(type='bool', default=True),
        batch_size=dict(type='int', default=500),
        wait_timeout=dict(type='int', default=900),
        poll_interval=dict(type='float', default=0.5),
        progress_file=dict(type='path'),
        run_id=dict(type='str'),
        queued_tasks_file=dict(type='path', default=DEFAULT_QUEUED_TASKS_FILE),
        requeue_waiting=dict(type='bool', default=False),
    )
    argument_spec.update(COURSE_IDS_ARGUMENT_SPEC)
    argument_spec.update(platform.PLATFORM_ARGUMENT_SPEC)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    course_ids = module_course_ids(module)
    if params['batch_size'] < 1:
        module.fail_json(msg='batch_size must be at least 1', platform_starts=0)
    unknown = unknown_statuses(regenerate_statuses_of(params))
    if unknown:
        module.fail_json(msg='regenerate_statuses: %s %s not a certificate status (CertificateStatuses: %s); '
                             'give a list, or statuses separated by commas, e.g. unverified,error'
                         % (', '.join(unknown), 'is' if len(unknown) == 1 else 'are',
                            ', '.join(CERTIFICATE_STATUSES)),
                         unknown_statuses=unknown, platform_starts=0)
    if params.get('force_status'):
        module.deprecate('force_status is deprecated: use regenerate_statuses (a list, or statuses separated '
                         'by commas), which regenerates the learners in any of several statuses',
                         version='1.0.0', collection_name='openedx.certificates')

    method, why = choose_method(params['method'], params['platform_dir'])
    if method is None:
        module.fail_json(msg=why, platform_starts=0)

    progress_file = params.get('progress_file')
    run_id = params.get('run_id')
    if progress_file:
        progress_file = prepare_progress_file(module, progress_file)

    result = dict(changed=False, method=method, platform_starts=0, courses={}, generated=0,
                  course_ids=course_ids, check_mode=module.check_mode,
                  regenerate_statuses=regenerate_statuses_of(params), reasons={})
    queued = {}
    if method == 'cert_generation':
        queued, warning = read_queued_tasks(params['queued_tasks_file'])
        if warning:
            module.warn(warning)
    processes = build_ops(method, course_ids, module.check_mode, params, progress_file,
                          in_process=params['in_process'], owner_pid=os.getpid(), queued=queued,
                          run_id=params.get('run_id'))
    all_results = []

    def save_queued_tasks():
        if method != 'cert_generation' or module.check_mode:
            return
        new = updated_queued_tasks(queued, all_results)
        if new == queued:
            return
        try:
            write_queued_tasks(params['queued_tasks_file'], new)
        except (IOError, OSError) as exc:
            module.warn('cannot write the queued tasks file %s (%s): a later run may queue the learners '
                        'whose task is still waiting again' % (params['queued_tasks_file'], exc))

    def changed_of(courses):
        return any(c['changes'] or (c.get('generation') or {}).get('queued') for c in courses.values())

    def finish_failed(msg, extra=None):
        save_queued_tasks()
        result['courses'] = collect(course_ids, all_results)
        result['reasons'] = reasons_used(result['courses'])
        result['generated'] = sum(c['generated'] for c in result['courses'].values())
        # Published tasks are a change even when nothing is written yet.
        result['changed'] = changed_of(result['courses'])
        write_progress(progress_file, {'finished': True, 'failed': True, 'msg': msg,
                                       'owner_pid': os.getpid()}, run_id)
        result['msg'] = msg
        if extra:
            result.update(extra)
        module.fail_json(**result)

    for phase, ops in processes:
        if isinstance(phase, tuple):
            cid, status = phase[1], phase[2]
            index = course_ids.index(cid) + 1
            base = {'course_id': cid, 'course_index': index, 'course_count': len(course_ids),
                    'phase': 'generate', 'owner_pid': os.getpid()}
            lines = []

            # Bind this course's base and lines now (not at call time).
            def on_line(line, base=base, lines=lines):  # pylint: disable=dangerous-default-value
                match = PROGRESS_LINE_RE.search(line)
                if match:
                    lines.append(line.strip())
                    write_progress(progress_file, dict(base, done=int(match.group(1)),
                                                       total=int(match.group(2)),
                                                       remaining='%s:%s' % (match.group(3), match.group(4))),
                                   run_id)

            write_progress(progress_file, dict(base, done=0, total=None), run_id)
            rc, out, err = platform.run_manage(module, 'lms', ungenerated_certs_args(cid, params, False, status),
                                               on_line=on_line)
            result['platform_starts'] += 1
            all_results.append({'op': 'command', 'course_id': cid, 'rc': rc, 'progress_lines': lines,
                                'force_status': status, 'output_tail': out.strip().splitlines()[-10:]})
            if rc != 0:
                failure = platform.command_failure(module, 'ungenerated_certs -c %s failed (rc=%s)' % (cid, rc), err)
                finish_failed(failure.pop('msg'), dict(failure, rc=rc))
            continue
        results = platform.run_platform_ops(module, 'lms', ops, extra_sources=[CERTS_SOURCE])
        result['platform_starts'] += 1
        all_results.extend(results)
        failure = platform.first_failure(results)
        if failure:
            fields = platform.op_failure(module, failure)
            finish_failed(fields.pop('msg'), fields)

    courses = collect(course_ids, all_results)
    result['courses'] = courses
    result['reasons'] = reasons_used(courses)
    result['generated'] = sum(c['generated'] for c in courses.values())
    problems, warnings, notes = generation_problems(courses, params['wait_timeout'])
    for warning in warnings:
        module.warn(warning)
    if module.check_mode:
        result['changed'] = any((c.get('learners') or 0) > 0 for c in courses.values())
        result['would_generate_for'] = dict((cid, c.get('learners')) for cid, c in courses.items())
        result['msg'] = ('check mode: %d learner(s) would be sent to %s'
                         % (sum(c.get('learners') or 0 for c in courses.values()), method))
    else:
        result['changed'] = changed_of(courses)
        result['msg'] = ('%d new downloadable certificate(s) in %d course(s); %s'
                         % (result['generated'], len(course_ids),
                            'counts changed' if any(c['changes'] for c in courses.values())
                            else 'nothing changed'))
        gens = [c.get('generation') or {} for c in courses.values()]
        if any(g.get('queued') is not None for g in gens):
            result['msg'] += ('; %d generation task(s) queued, %d outcome(s) decided in the platform process'
                              % (sum(g.get('queued') or 0 for g in gens),
                                 sum(g.get('decided_in_process') or 0 for g in gens)))
        if notes:
            result['msg'] += '; ' + ' '.join(notes)
    if problems:
        finish_failed(' '.join(problems))
    save_queued_tasks()
    write_progress(progress_file, {'finished': True, 'failed': False, 'msg': result['msg'],
                                   'owner_pid': os.getpid()}, run_id)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
