#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to this project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: openedx_diagnose
short_description: Say why a learner of an Open edX course has no certificate, and what fixes it
version_added: "0.2.0"
description:
  - Reads, in ONE LMS platform process, every condition the platform applies before a learner holds a
    certificate she can open, in the platform's own order, and returns them as rows (check, result, detail,
    fix) with the first one that blocks (RV(blocker)).
  - "The conditions: the flag C(CERTIFICATES_HTML_VIEW) as the LMS settings load it (and whether the running
    LMS, O(lms_service), started after its config last changed; whether Studio serves its certificate URLs,
    which it registers only with the flag, over HTTP with O(cms_url));
    the HTML view configuration; the course (HTML certificates on for it, an active course certificate, a
    mode that can earn one, the display rule); the learner as the release's generation checks her (enrollment,
    mode, beta tester, grade against the course's pass cutoff, invalidation, ID verification, allowlist, and
    the audit cutoff C(AUDIT_CERT_CUTOFF_DATE) on the releases that read it); the generation policy (the switch
    C(certificates.auto_certificate_generation), self-generation); the certificate row and its status; the
    LMS workers (O(worker_service)) and the generation tasks a toolkit run published that are still waiting
    (O(queued_tasks_file)); and the learner's certificate page over HTTP (O(lms_url))."
  - Without O(learner), the whole course - how many active learners pass, how many hold a downloadable
    certificate, and the passing learners without one counted by their blocking reason.
  - Changes nothing; an unknown course or learner fails with a clear message.
extends_documentation_fragment:
  - openedx_platform
  - action_common_attributes
options:
  course_id:
    description: The course to diagnose.
    type: str
    required: true
  learner:
    description: The learner - a username, an email or a user id. Without it the whole course is diagnosed.
    type: str
  lms_url:
    description:
      - The LMS root URL as the host reaches it (for the certificate page), such as V(http://127.0.0.1:8000).
        Without it the page is not fetched.
    type: str
  cms_url:
    description:
      - Studio's root URL as the host reaches it, such as V(http://127.0.0.1:8010). Without it Studio is not
        asked.
    type: str
  certificate_url:
    description:
      - The path of a learner's certificate page on this release, with C({verify_uuid}), C({user_id}) and
        C({course_id}) in it (the fact of that name of M(openedx_facts)).
    type: str
    default: /certificates/{verify_uuid}
  worker_service:
    description: The LMS workers' service (a systemd unit or a supervisor program); without it they are not looked at.
    type: str
  lms_service:
    description:
      - The LMS service (a systemd unit or a supervisor program). With O(lms_config_files), its process's start
        is compared with the files' last change - a config changed after the start is not what the running
        LMS reads. Without it the running LMS is not looked at.
    type: str
  lms_config_files:
    description: The LMS config files the LMS reads at its start (the flag's file, such as C(/edx/etc/lms.yml)).
    type: list
    elements: path
    default: []
  service_manager:
    description: How O(worker_service) and O(lms_service) are run.
    type: str
    choices: [systemd, supervisor]
    default: systemd
  supervisorctl:
    description: The supervisorctl command, with O(service_manager=supervisor).
    type: path
    default: supervisorctl
  queued_tasks_file:
    description:
      - The file where M(openedx_generate_certs) keeps the tasks it published that no worker has run yet.
    type: path
    default: /edx/var/edxapp/openedx-toolkit/generation-queue.json
  http_timeout:
    description: Seconds to wait for each HTTP answer.
    type: int
    default: 30
attributes:
  check_mode:
    support: full
    details: The module only reads; check mode runs the same way.
  diff_mode:
    support: none
  platform:
    platforms: posix
notes:
  - A row's result is V(ok), V(blocks) (no certificate, or one the learner cannot open, until it is fixed),
    V(warn), V(info) or V(n/a) (the release has no such part). The generation policy blocks only a learner
    that the generation handler would certify and who has no certificate row yet.
  - The Studio check asks the running Studio (its certificate URL answers 404 when the flag was off at its
    start), not its config file.
  - The LMS has no URL that the flag adds, so its flag is read in a new platform process (the settings the
    LMS loads at its next start) and the running LMS is compared by time - a config file changed after the
    LMS process started means a restart is pending, and the learner's certificate page shows what the
    running LMS does.
seealso:
  - module: openedx_generate_certs
  - module: openedx_cert_report
author:
  - Open edX certificates toolkit contributors (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Why has this learner no certificate?
  openedx_diagnose:
    course_id: course-v1:OpenedX+DemoX+2026
    learner: audrey
    lms_url: http://127.0.0.1:8000
    cms_url: http://127.0.0.1:8010
    lms_service: lms
    lms_config_files: [/edx/etc/lms.yml]
    worker_service: edxapp-workers
  register: diagnosis

- name: The whole course
  openedx_diagnose:
    course_id: course-v1:OpenedX+DemoX+2026
  register: course_diagnosis
'''

RETURN = r'''
changed:
  description: Always V(false).
  returned: always
  type: bool
checks:
  description: The rows, in the platform's order.
  returned: success
  type: list
  elements: dict
  contains:
    check:
      description: What was checked.
      type: str
    result:
      description: V(ok), V(blocks), V(warn), V(info) or V(n/a).
      type: str
    detail:
      description: What was found.
      type: str
    fix:
      description: What sets it right, in this toolkit's terms (a playbook and variable, or a command); null when none is needed.
      type: str
blocker:
  description: The first row whose result is V(blocks); null when nothing blocks.
  returned: success
  type: dict
summary:
  description: Without O(learner), the course's figures.
  returned: success, without O(learner)
  type: dict
  contains:
    active_learners:
      description: Active enrollments.
      type: int
    passing:
      description: Active learners with a passing persisted grade, or on the allowlist.
      type: int
    downloadable:
      description: Active learners with a downloadable certificate.
      type: int
    passing_without_certificate:
      description: Passing learners without a downloadable certificate.
      type: int
    reasons:
      description: Those learners by blocking reason (a mode name such as V(audit), V(unverified), V(no row yet), ...).
      type: dict
    line:
      description: The same in one line, such as C(300 audit, 100 unverified, 12 no row yet).
      type: str
learner:
  description: With O(learner), the user found (id and username).
  returned: success, with O(learner)
  type: dict
facts:
  description: The facts read in the platform process, as the checks used them.
  returned: success
  type: dict
table:
  description: RV(checks) as fixed-width text lines (check, result, detail).
  returned: success
  type: list
  elements: str
markdown:
  description: The same diagnosis as a markdown document (the table with the fixes, the first blocker, the course figures).
  returned: success
  type: str
msg:
  description: The answer in one sentence.
  returned: always
  type: str
platform_starts:
  description: How many platform processes this run started.
  returned: always
  type: int
'''

import os

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.six.moves.urllib.error import HTTPError, URLError
from ansible.module_utils.six.moves.urllib.parse import quote
from ansible.module_utils.six.moves.urllib.request import Request, build_opener, HTTPRedirectHandler
from ansible.module_utils.openedx_course_key import CourseIdError, parse_course_ids
from ansible.module_utils.openedx_diagnosis import (
    ADD_CERT,
    HANDLER,
    course_summary,
    first_blocker,
    learner_checks,
    platform_checks,
    render_markdown,
    render_table,
    worker_row,
)
from ansible.module_utils.openedx_generation_queue import DEFAULT_QUEUED_TASKS_FILE, read_queued_tasks, waiting_tasks
from ansible.module_utils.openedx_host import CERT_COMMANDS_DIR
from ansible.module_utils import openedx_platform as platform
from ansible.module_utils.openedx_runner_certs import CERTS_SOURCE
from ansible.module_utils.openedx_runner_diagnose import DIAGNOSE_SOURCE

# The body of the platform's "invalid certificate" page (lms/templates/certificates/invalid.html).
INVALID_PAGE_MARKER = 'invalid-accomplishment'


class _NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def http_get(url, timeout):
    """(status, body text) of a GET without following redirects; (None, reason) when nothing answered."""
    opener = build_opener(_NoRedirect)
    try:
        response = opener.open(Request(url, headers={'Accept': 'text/html,application/json'}), timeout=timeout)
        return response.getcode(), response.read(1024 * 1024).decode('utf-8', 'replace')
    except HTTPError as exc:
        return exc.code, ''
    except (URLError, OSError, ValueError) as exc:
        return None, str(getattr(exc, 'reason', exc))


def probe_studio(cms_url, course_id, timeout):
    """Whether the running Studio serves /certificates/COURSE (no route without the flag: 404)."""
    url = cms_url.rstrip('/') + '/certificates/' + quote(course_id, safe=':+')
    status, body = http_get(url, timeout)
    if status is None:
        return {'registered': None, 'detail': '%s: %s' % (url, body)}
    return {'registered': status != 404, 'detail': '%s answered HTTP %s' % (url, status)}


def service_pid(module, params, name):
    """The main process id of a service, or (None, why)."""
    if params['service_manager'] == 'supervisor':
        rc, out, err = module.run_command([params['supervisorctl'], 'pid', name])
    else:
        rc, out, err = module.run_command(['systemctl', 'show', '--property=MainPID', '--value', name])
    text = (out or '').strip()
    if rc == 0 and text.isdigit() and int(text) > 0:
        return int(text), None
    return None, '%s has no running process (%s)' % (name, text or (err or '').strip() or 'rc %s' % rc)


def process_start(pid):
    """When process ``pid`` started, in seconds since the epoch (Linux /proc)."""
    with open('/proc/%d/stat' % pid) as handle:
        stat = handle.read()
    # The command name (field 2) may hold spaces: the fields that follow its closing parenthesis.
    after = stat[stat.rindex(')') + 2:].split()
    ticks = int(after[19])  # field 22, starttime: clock ticks after the boot
    with open('/proc/stat') as handle:
        boot = [int(line.split()[1]) for line in handle if line.startswith('btime ')][0]
    return boot + float(ticks) / os.sysconf('SC_CLK_TCK')


def look_at_lms(module, params):
    """The running LMS against its config files: {started, config_file, config_changed} or {detail}."""
    name = params['lms_service']
    if not name:
        return None
    pid, why = service_pid(module, params, name)
    if pid is None:
        return {'service': name, 'detail': why}
    try:
        started = process_start(pid)
    except (IOError, OSError, ValueError, IndexError) as exc:
        return {'service': name, 'pid': pid, 'detail': 'cannot read when process %d started: %s' % (pid, exc)}
    changes = [(os.stat(path).st_mtime, path) for path in params['lms_config_files'] if os.path.isfile(path)]
    latest = max(changes) if changes else (None, None)
    return {'service': name, 'pid': pid, 'started': started, 'config_changed': latest[0], 'config_file': latest[1]}


def look_at_worker(module, params, course_id, user_id=None):
    worker = {'services': params['worker_service']}
    name = params['worker_service']
    if name:
        if params['service_manager'] == 'supervisor':
            rc, out, err = module.run_command([params['supervisorctl'], 'status', name])
            lines = [line for line in (out or '').splitlines() if line.strip()]
            worker['alive'] = bool(lines) and all('RUNNING' in line for line in lines)
            worker['detail'] = '; '.join(' '.join(line.split()[:2]) for line in lines) or (err or '').strip()
        else:
            rc, out, err = module.run_command(['systemctl', 'is-active', name])
            worker['alive'] = rc == 0
            worker['detail'] = '%s is %s' % (name, (out or err or '').strip() or 'unknown')
    else:
        worker['alive'] = None
        worker['detail'] = 'no worker service given'
    # An unreadable file only hides the waiting tasks: the generation's own warning says so.
    queued, _warning = read_queued_tasks(params['queued_tasks_file'])
    worker['waiting'] = waiting_tasks(queued, course_id, user_id)
    return worker


def certificate_page(params, course_id, learner):
    certificate = learner.get('certificate') or {}
    if not params['lms_url'] or certificate.get('status') != 'downloadable':
        return None
    path = params['certificate_url'].replace('{verify_uuid}', certificate.get('verify_uuid') or '') \
        .replace('{user_id}', str(learner['user_id'])).replace('{course_id}', quote(course_id, safe=':+'))
    url = params['lms_url'].rstrip('/') + path
    status, body = http_get(url, params['http_timeout'])
    if status is None:
        return {'url': url, 'status': None, 'ok': False, 'detail': 'no answer: %s' % body}
    ok = status == 200 and INVALID_PAGE_MARKER not in body
    detail = 'HTTP %s' % status + ('' if ok else (', the "invalid certificate" page' if status == 200 else ''))
    return {'url': url, 'status': status, 'ok': ok, 'detail': detail}


def main():
    argument_spec = dict(
        course_id=dict(type='str', required=True),
        learner=dict(type='str'),
        lms_url=dict(type='str'),
        cms_url=dict(type='str'),
        certificate_url=dict(type='str', default='/certificates/{verify_uuid}'),
        worker_service=dict(type='str'),
        lms_service=dict(type='str'),
        lms_config_files=dict(type='list', elements='path', default=[]),
        service_manager=dict(type='str', default='systemd', choices=['systemd', 'supervisor']),
        supervisorctl=dict(type='path', default='supervisorctl'),
        queued_tasks_file=dict(type='path', default=DEFAULT_QUEUED_TASKS_FILE),
        http_timeout=dict(type='int', default=30),
    )
    argument_spec.update(platform.PLATFORM_ARGUMENT_SPEC)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    result = dict(changed=False, platform_starts=0)
    try:
        course_ids = parse_course_ids(('course_id', params['course_id']))
    except CourseIdError as exc:
        module.fail_json(msg='%s; nothing was started' % exc, **result)
    if len(course_ids) != 1:
        module.fail_json(msg='course_id: give one course (the diagnosis is of one course), not %d; nothing was '
                             'started' % len(course_ids), **result)
    course_id = course_ids[0]
    learner = (params['learner'] or '').strip() or None
    op = {'op': 'diagnose', 'course_id': course_id, 'learner': learner}
    results = platform.run_platform_ops(module, 'lms', [op], extra_sources=[CERTS_SOURCE, DIAGNOSE_SOURCE])
    result['platform_starts'] = 1
    failure = platform.first_failure(results)
    if failure:
        result.update(platform.op_failure(module, failure))
        module.fail_json(**result)
    facts = results[0]
    facts.pop('op', None)
    # Releases that generate with ungenerated_certs decide in add_cert, not in the generation handler.
    legacy = os.path.isfile(os.path.join(params['platform_dir'], CERT_COMMANDS_DIR, 'ungenerated_certs.py'))
    rules = ADD_CERT if legacy else HANDLER
    facts['rules'] = rules
    studio = probe_studio(params['cms_url'], course_id, params['http_timeout']) if params['cms_url'] else None
    running = look_at_lms(module, params)
    if learner is not None:
        found = facts['learner']
        worker = look_at_worker(module, params, course_id, found['user_id'])
        page = certificate_page(params, course_id, found)
        checks = learner_checks(facts, studio=studio, worker=worker, page=page, rules=rules, running=running)
        result['learner'] = {'user_id': found['user_id'], 'username': found['username']}
    else:
        checks = platform_checks(facts, studio, running)
        checks.append(worker_row(look_at_worker(module, params, course_id), course_id))
        result['summary'] = course_summary(facts, rules)
    blocker = first_blocker(checks)
    result.update(checks=checks, blocker=blocker, facts=facts)
    who = ('%s in %s' % (result['learner']['username'], course_id)) if learner is not None else course_id
    if blocker is not None:
        fix = ('; fix: ' + blocker['fix']) if blocker.get('fix') else ''
        result['msg'] = '%s: %s - %s%s' % (who, blocker['check'], blocker['detail'], fix)
    elif learner is not None:
        result['msg'] = '%s: nothing blocks; the learner has a certificate she can open' % who
    else:
        result['msg'] = '%s: nothing blocks at the course level' % who
    if learner is None:
        result['msg'] += '; passing learners without a certificate: %s' % result['summary']['line']
    result['table'] = render_table(checks)
    result['markdown'] = render_markdown('Certificate diagnosis: %s' % who, checks, blocker, result.get('summary'))
    module.exit_json(**result)


if __name__ == '__main__':
    main()
