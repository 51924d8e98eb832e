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
description:
  - "Reads, in ONE platform process (C(manage.py lms shell) with the toolkit's runner), the courses
    that offer an audit track (a C(course_modes) row with C(mode_slug) C(audit)) and are still running
    (course end in the future, or no end date), with their end date and their number of audit learners
    (active enrollments in the audit mode)."
  - "Proposes the value of C(AUDIT_CERT_CUTOFF_DATE): the day after the furthest end date among
    them. From the cutoff on, the platform gives audit learners C(audit_passing) / C(audit_notpassing)
    instead of a certificate (legacy releases up to Lilac; the setting was removed in Maple)."
  - "With I(cutoff_date), checks the operator's date instead: it must be a real C(YYYY-MM-DD) date
    (checked before the platform is started), and a date on or before the end date of a running audit
    course is refused, naming those courses and their end dates, unless I(force=true)."
  - The module only reads; it never changes the platform or its configuration (set the date with
    M(openedx_env_config), see C(playbooks/audit_cutoff.yml)).
options:
  cutoff_date:
    description:
      - The date the operator wants, C(YYYY-MM-DD). When not given, the proposal is checked and returned
        as C(cutoff).
    type: str
  force:
    description:
      - Accept a I(cutoff_date) that takes certificates away from the audit learners of running courses.
    type: bool
    default: false
  fail_on_refusal:
    description:
      - Fail when the date is refused. With C(false) the module returns C(refused=true) and the reason
        in C(msg), so that a playbook can show the finding before it stops.
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
    accepted with I(force=true).
  - "C(current_cutoff) is what the platform process read from its configuration at start. Maple and
    later do not read C(AUDIT_CERT_CUTOFF_DATE); check C(audit_cert_cutoff_supported) of
    M(openedx_facts) first."
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

- name: Set the checked date in the LMS config
  openedx_env_config:
    path: "{{ openedx.config_files.lms }}"
    settings:
      AUDIT_CERT_CUTOFF_DATE: "{{ audit.cutoff }}"
  become: true
'''

RETURN = r'''
courses:
  description: The running courses with an audit track, furthest end first.
  returned: success
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
  returned: success
  type: list
  elements: str
furthest_end:
  description: The furthest end date among the courses (C(YYYY-MM-DD)), null when none has one.
  returned: success
  type: str
  sample: "2031-06-30"
proposed:
  description:
    - The proposed cutoff, the day after I(furthest_end); today (the platform's UTC date) when no running
      course offers an audit track; null when one of them has no end date.
  returned: success
  type: str
  sample: "2031-07-01"
cutoff:
  description: The date to set (I(cutoff_date), else I(proposed)); null when there is none.
  returned: success
  type: str
  sample: "2031-07-01"
source:
  description: Where C(cutoff) comes from, C(requested) or C(proposed).
  returned: success
  type: str
affected:
  description: The courses whose audit learners lose certificates before their course ends with C(cutoff).
  returned: success
  type: list
  elements: dict
refused:
  description: Whether the date is refused (only returned as success with I(fail_on_refusal=false)).
  returned: success
  type: bool
forced:
  description: Whether the date was accepted only because of I(force).
  returned: success
  type: bool
current_cutoff:
  description: C(AUDIT_CERT_CUTOFF_DATE) as the platform read it at start (ISO 8601), null when unset.
  returned: success
  type: str
today:
  description: The platform's UTC date.
  returned: success
  type: str
ended_audit_courses:
  description: How many courses with an audit track have ended (not listed).
  returned: success
  type: int
platform_starts:
  description: Platform processes started (0 when the date was malformed, else 1).
  returned: always
  type: int
msg:
  description: The decision in one sentence; on refusal, the courses and end dates and the fix.
  returned: always
  type: str
'''

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils import openedx_platform as platform
from ansible.module_utils.openedx_audit_cutoff import (
    CutoffError,
    finding_table,
    parse_cutoff_date,
    plan_cutoff,
)
from ansible.module_utils.openedx_runner_audit import AUDIT_SOURCE


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
