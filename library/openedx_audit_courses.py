#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to this project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: openedx_audit_courses
short_description: Find the running Open edX courses with an audit track and propose the audit certificate cutoff
version_added: "0.1.0"
description:
  - "Reads, in ONE platform process (C(manage.py lms shell) with the toolkit's runner), the courses
    that offer an audit track (a C(course_modes) row with C(mode_slug) C(audit)) and are still running
    (course end in the future, or no end date), with their end date and their number of audit learners
    (active enrollments in the audit mode)."
  - "Proposes the value of C(AUDIT_CERT_CUTOFF_DATE): the day after the furthest end date among
    them. From the cutoff on, the platform gives audit learners C(audit_passing) / C(audit_notpassing)
    instead of a certificate (releases up to Lilac, legacy and modern; the setting was removed in Maple)."
  - "With O(cutoff_date), checks the operator's date instead: it must be a real C(YYYY-MM-DD) date
    (checked before the platform is started), and a date on or before the end date of a running audit
    course is refused, naming those courses and their end dates, unless O(force=true)."
  - "On a release without the setting (Maple and later, told from the files by the rule of
    M(openedx_facts), its fact of the same name as RV(audit_cert_cutoff_supported)), there is nothing
    to propose: the module refuses without starting the platform, saying so
    (RV(audit_cert_cutoff_supported=false), RV(refused=true), RV(cutoff) null); a O(cutoff_date) would
    be ignored by the platform and is refused too. C(playbooks/audit_cutoff.yml) stops before calling
    the module there."
  - The module only reads; it never changes the platform or its configuration (set the date with
    M(openedx_env_config), see C(playbooks/audit_cutoff.yml)).
options:
  cutoff_date:
    description:
      - The date the operator wants, C(YYYY-MM-DD). When not given, the proposal is checked and returned
        as RV(cutoff).
    type: str
  force:
    description:
      - Accept a O(cutoff_date) that takes certificates away from the audit learners of running courses.
    type: bool
    default: false
  fail_on_refusal:
    description:
      - Fail when the date is refused. With V(false) the module returns RV(refused=true) and the reason
        in RV(msg), so that a playbook can show the finding before it stops.
    type: bool
    default: true
extends_documentation_fragment:
  - openedx_platform
  - action_common_attributes
attributes:
  check_mode:
    support: full
    details: The module only reads; check mode does the same.
  diff_mode:
    support: none
  platform:
    platforms: posix
notes:
  - "End dates are compared in UTC, by day: a course ending on 2031-06-30 (at any time of that day)
    is hit by a cutoff of 2031-06-30 or earlier; 2031-07-01 is the proposal."
  - A running course with an audit track and no end date blocks the proposal; a date is then only
    accepted with O(force=true).
  - "RV(current_cutoff) is what the platform process read from its configuration at start (on
    releases up to Lilac, the only ones where the module starts it)."
seealso:
  - module: openedx_facts
  - module: openedx_env_config
author:
  - Open edX certificates toolkit contributors (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Propose the audit cutoff date
  openedx_audit_courses:
  become: true
  register: audit

- name: Show the finding
  ansible.builtin.debug:
    msg: "{{ audit.table + ['proposed: ' ~ audit.proposed] }}"

- name: Check the operator's date (fails naming the courses that would lose certificates early)
  openedx_audit_courses:
    cutoff_date: "2031-01-15"
  become: true

- name: On a fleet that mixes releases, read the answer without failing on Maple and later
  openedx_audit_courses:
    fail_on_refusal: false
  become: true
  register: audit

- name: Set the checked date in the LMS config (releases that have the setting)
  openedx_env_config:
    path: "{{ openedx.config_files.lms }}"
    settings:
      AUDIT_CERT_CUTOFF_DATE: "{{ audit.cutoff }}"
  when: not audit.refused
  become: true
'''

RETURN = r'''
audit_cert_cutoff_supported:
  description:
    - Whether this release reads C(AUDIT_CERT_CUTOFF_DATE) (up to Lilac), as M(openedx_facts) tells it
      from the files; null when the files do not tell what the host runs.
  returned: success and refusals
  type: bool
release_line:
  description: C(RELEASE_LINE) of the platform, null when it has none or the files do not tell.
  returned: success and refusals
  type: str
  sample: hawthorn
courses:
  description: The running courses with an audit track, those without an end date first, then furthest end first.
  returned: when the platform was read (releases that have the setting)
  type: list
  elements: dict
  contains:
    course_id:
      description: The course id.
      type: str
    display_name:
      description: The course name.
      type: str
    end:
      description: The course end, ISO 8601 in UTC; null when the course has none.
      type: str
    end_date:
      description: The UTC day of the course end, C(YYYY-MM-DD); null when none.
      type: str
    audit_learners:
      description: Active enrollments in the audit mode.
      type: int
    audit_learners_total:
      description: Enrollments in the audit mode, active or not.
      type: int
  sample:
    - {course_id: "course-v1:OpenedX+Bench+2026", display_name: Bench, end: "2031-06-30T00:00:00+00:00",
       end_date: "2031-06-30", audit_learners: 1500, audit_learners_total: 1500}
table:
  description: The finding as text lines (course, end date, audit learners).
  returned: when the platform was read
  type: list
  elements: str
furthest_end:
  description: The furthest end date among the courses (C(YYYY-MM-DD)), null when none has one.
  returned: when the platform was read
  type: str
  sample: "2031-06-30"
open_ended:
  description: The running courses with an audit track and no end date (they block the proposal).
  returned: when the platform was read
  type: list
  elements: str
proposed:
  description:
    - The proposed cutoff, the day after RV(furthest_end); today (the platform's UTC date) when no running
      course offers an audit track; null when one of them has no end date, or when the release has no
      such setting.
  returned: success
  type: str
  sample: "2031-07-01"
cutoff:
  description: The date to set (O(cutoff_date), else RV(proposed)); null when there is none.
  returned: success
  type: str
  sample: "2031-07-01"
source:
  description: Where RV(cutoff) comes from, V(requested) or V(proposed).
  returned: when the platform was read
  type: str
affected:
  description: The courses whose audit learners lose certificates before their course ends with RV(cutoff).
  returned: when the platform was read
  type: list
  elements: dict
refused:
  description:
    - Whether the date is refused, or there is none to propose (a running audit course without an end
      date, or a release without the setting). RV(refused=true) is only returned as success with
      O(fail_on_refusal=false); otherwise the module fails, with the same return values.
  returned: success
  type: bool
forced:
  description: Whether the date was accepted only because of O(force).
  returned: success
  type: bool
current_cutoff:
  description: C(AUDIT_CERT_CUTOFF_DATE) as the platform read it at start (ISO 8601), null when unset.
  returned: when the platform was read
  type: str
today:
  description: The platform's UTC date.
  returned: when the platform was read
  type: str
ended_audit_courses:
  description: How many courses with an audit track have ended (not listed).
  returned: when the platform was read
  type: int
platform_starts:
  description: Platform processes started (0 when the date was malformed or the release has no such setting, else 1).
  returned: always
  type: int
msg:
  description: The decision in one sentence; on refusal, the courses and end dates and the fix.
  returned: always
  type: str
'''

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils import openedx_host as host
from ansible.module_utils import openedx_platform as platform
from ansible.module_utils.openedx_audit_cutoff import (
    CutoffError,
    finding_table,
    parse_cutoff_date,
    plan_cutoff,
)
from ansible.module_utils.openedx_runner_audit import AUDIT_SOURCE


def cutoff_support(params):
    """(supported, release_line, source): openedx_facts'
    audit_cert_cutoff_supported for this platform and how it was decided;
    supported is None when the files do not tell what the host runs (the
    platform process is started as before, and says what is wrong)."""
    try:
        facts, _warnings = host.detect(platform_dir=params['platform_dir'],
                                       config_root=params.get('config_root'))
    except host.DetectionError:
        return None, None, None
    return (facts['audit_cert_cutoff_supported'], facts['release_line'],
            facts['audit_cert_cutoff_source'])


def main():
    argument_spec = dict(
        cutoff_date=dict(type='str'),
        force=dict(type='bool', default=False),
        fail_on_refusal=dict(type='bool', default=True),
    )
    argument_spec.update(platform.PLATFORM_ARGUMENT_SPEC)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    requested = params.get('cutoff_date')
    if requested is not None and not str(requested).strip():
        requested = None
    if requested is not None:
        try:
            parse_cutoff_date(requested)
        except CutoffError as exc:
            module.fail_json(msg='%s; nothing was started or changed' % exc, platform_starts=0)

    # Whether this release still reads the setting, by the rule of
    # openedx_facts (its audit_cert_cutoff_supported): from the files, before
    # the platform is started, since the database cannot change the answer.
    supported, release_line, source = cutoff_support(params)
    if supported is False:
        if source == 'release_line':
            why = 'runs %s, which no longer has AUDIT_CERT_CUTOFF_DATE' % release_line
        else:
            why = ('runs %s, whose lms/envs/common.py does not define AUDIT_CERT_CUTOFF_DATE'
                   % (release_line or 'a release without RELEASE_LINE'))
        gone = ('%s %s (removed in Maple): audit-track learners get no certificate at all on this '
                'release, so there is no cutoff to propose or set' % (params['platform_dir'], why))
        if requested is not None:
            gone += '; cutoff_date %s would be ignored by the platform' % requested
        result = dict(changed=False, refused=True, forced=False, proposed=None, cutoff=None,
                      audit_cert_cutoff_supported=False, release_line=release_line, platform_starts=0,
                      msg=gone + '. Nothing was started or changed.')
        if params['fail_on_refusal']:
            module.fail_json(**result)
        module.exit_json(**result)

    results = platform.run_platform_ops(module, 'lms', [{'op': 'audit_courses'}],
                                        extra_sources=[AUDIT_SOURCE])
    failure = platform.first_failure(results)
    if failure:
        module.fail_json(platform_starts=1, **platform.op_failure(module, failure))
    finding = results[0]
    courses = sorted(finding.get('courses') or [],
                     key=lambda c: (c.get('end_date') is None, c.get('end_date') or ''), reverse=True)
    try:
        plan = plan_cutoff(courses, finding['today'], requested=requested, force=params['force'])
    except CutoffError as exc:
        module.fail_json(msg=str(exc), platform_starts=1)
    for course_id in finding.get('missing_overviews') or []:
        module.warn('%s has an audit mode but no course overview; it is not in the finding '
                    '(re-publish the course, or remove its stale course mode)' % course_id)
    result = dict(
        changed=False,
        courses=courses,
        table=finding_table(courses),
        furthest_end=plan['furthest_end'],
        open_ended=plan['open_ended'],
        proposed=plan['proposed'],
        cutoff=plan['cutoff'],
        source=plan['source'],
        affected=plan['affected'],
        refused=plan['refused'],
        forced=plan['forced'],
        current_cutoff=finding.get('current_cutoff'),
        today=finding.get('today'),
        ended_audit_courses=finding.get('ended_audit_courses', 0),
        audit_cert_cutoff_supported=supported,
        release_line=release_line,
        platform_starts=1,
        msg=plan['msg'],
    )
    if plan['forced']:
        module.warn(plan['msg'])
    if plan['refused'] and params['fail_on_refusal']:
        module.fail_json(**result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
