#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to this project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: openedx_cert_report
short_description: Report the certificate and enrollment counts of Open edX courses
version_added: "0.1.0"
description:
  - Returns, for each course, the figures of the platform's C(gen_cert_report) command as
    structured data; enrolled learners (active and all), certificates per status, downloadable
    certificates per mode, plus the active enrollments per mode.
  - "Releases that have the command (C(lms/djangoapps/certificates/management/commands/gen_cert_report.py)
    exists: up to Koa, legacy and modern): the platform's own C(gen_cert_report -c COURSE) is run and its
    output parsed (both the old single-space and the later padded layout)."
  - "Later releases (the command was removed in Lilac): the same figures are read from the
    platform's tables through its ORM, with the same queries, and returned with the same keys."
  - All courses are read in ONE platform process, which also checks that every course exists
    (C(gen_cert_report), where the release has it, prints zeros for a mistyped course id). Course ids are checked for
    format before the platform starts; a malformed one fails the module, naming the option and the entry.
  - Reads only; never changes anything.
extends_documentation_fragment:
  - openedx_platform
  - openedx_course_ids
  - action_common_attributes
options:
  source:
    description:
      - V(auto) uses V(gen_cert_report) when its command file exists in O(platform_dir), else V(orm).
      - V(gen_cert_report) on a release without the command fails with an explanation.
    type: str
    choices: [auto, gen_cert_report, orm]
    default: auto
  in_process:
    description:
      - With the command, V(true) calls C(gen_cert_report) inside the single platform process;
        V(false) runs C(manage.py lms ... gen_cert_report -c COURSE) as its own process per course.
    type: bool
    default: true
  missing_courses:
    description:
      - V(fail) fails the module when a course does not exist; V(report) returns it with
        RV(reports[].exists=false) and its (zero) figures.
    type: str
    choices: [fail, report]
    default: fail
attributes:
  check_mode:
    support: full
    details: The module only reads; check mode runs the same way.
  diff_mode:
    support: none
  platform:
    platforms: posix
notes:
  - "Beware of the platform's names: RV(reports[].verified_enrolled), RV(reports[].honor_enrolled) and
    RV(reports[].audit_enrolled) count certificate rows of that mode (any status), not enrollments;
    RV(reports[].enrollments_by_mode) has the enrollments."
  - The filters C(openedx_report_csv), C(openedx_report_table) and C(openedx_report_totals)
    turn RV(reports) into CSV, a fixed-width table and totals (see C(playbooks/report.yml)).
seealso:
  - module: openedx_generate_certs
author:
  - Open edX certificates toolkit contributors (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Certificate report of two courses
  openedx_cert_report:
    course_ids:
      - course-v1:edX+DemoX+Demo_Course
      - edX/toy/2012_Fall
  become: true
  register: report

- name: The courses an operator typed, as one string (-e course_ids=ID,ID)
  openedx_cert_report:
    course_ids: "{{ course_ids }}"
  become: true

- name: Show it as a table
  ansible.builtin.debug:
    msg: "{{ (report.reports | openedx_report_table).splitlines() }}"
'''

RETURN = r'''
reports:
  description: One report per course, in the order asked.
  returned: always
  type: list
  elements: dict
  contains:
    course_id:
      description: The course id as asked.
      type: str
    reported_course_id:
      description: The course id as the platform printed it.
      type: str
    source:
      description: V(gen_cert_report) (parsed command output) or V(orm) (read from the tables).
      type: str
    exists:
      description: Whether the course exists on the platform.
      type: bool
    enrolled_current:
      description: Learners with an active enrollment.
      type: int
    enrolled_total:
      description: Learners with an enrollment, active or not.
      type: int
    verified_enrolled:
      description: Certificate rows in mode verified (the platform's name).
      type: int
    honor_enrolled:
      description: Certificate rows in mode honor.
      type: int
    audit_enrolled:
      description: Certificate rows in mode audit.
      type: int
    statuses:
      description: Certificate rows per status (only statuses present).
      type: dict
      sample: {"downloadable": 2, "notpassing": 1}
    downloadable_by_mode:
      description: Downloadable certificates per mode (only modes present).
      type: dict
      sample: {"honor": 2}
    certificates_total:
      description: All certificate rows of the course.
      type: int
    enrollments_by_mode:
      description: Active enrollments per enrollment mode.
      type: dict
      sample: {"audit": 1, "honor": 2}
    display_name:
      description: The course name, when the platform knows it.
      type: str
    end:
      description: The course end (ISO 8601), null when unknown.
      type: str
    warnings:
      description: What looked odd (a missing column, totals that do not add up).
      type: list
      elements: str
  sample:
    - course_id: course-v1:edX+DemoX+Demo_Course
      reported_course_id: course-v1:edX+DemoX+Demo_Course
      source: gen_cert_report
      exists: true
      enrolled_current: 3
      enrolled_total: 4
      verified_enrolled: 0
      honor_enrolled: 2
      audit_enrolled: 1
      statuses: {downloadable: 2, notpassing: 1}
      downloadable_by_mode: {honor: 2}
      certificates_total: 3
      enrollments_by_mode: {audit: 1, honor: 2}
      warnings: []
invalid_course_ids:
  description: The malformed entries of O(course_id) and O(course_ids) (nothing was started).
  returned: when a course id was malformed
  type: list
  elements: str
  sample: ["edX/DemoX/"]
source:
  description: The source used, V(gen_cert_report) or V(orm).
  returned: always
  type: str
platform_starts:
  description: How many platform processes were started.
  returned: always
  type: int
  sample: 1
raw_output:
  description: Per course, the command output that was parsed (RV(source=gen_cert_report)).
  returned: when RV(source=gen_cert_report)
  type: dict
msg:
  description: A one-line summary.
  returned: always
  type: str
'''

import os

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.openedx_cert_report import (
    ReportParseError,
    build_report,
    report_from_output,
)
from ansible.module_utils.openedx_course_key import COURSE_IDS_ARGUMENT_SPEC, module_course_ids
from ansible.module_utils import openedx_platform as platform
from ansible.module_utils.openedx_runner_certs import CERTS_SOURCE

COMMAND_FILE = os.path.join('lms', 'djangoapps', 'certificates', 'management', 'commands',
                            'gen_cert_report.py')


def choose_source(requested, platform_dir):
    """(source, None) or (None, why not)."""
    present = os.path.isfile(os.path.join(platform_dir, COMMAND_FILE))
    if requested == 'gen_cert_report' and not present:
        return None, ('this platform has no gen_cert_report command (%s; it was removed in Lilac, '
                      'whose release notes say to query the certificates_generatedcertificate '
                      'table instead): use source orm or auto, which read the same figures from '
                      'the tables' % os.path.join(platform_dir, COMMAND_FILE))
    if requested == 'auto':
        return ('gen_cert_report' if present else 'orm'), None
    return requested, None


def build_ops(course_ids, source, in_process=True, require_exists=True):
    ops = []
    for cid in course_ids:
        ops.append({'op': 'course_info', 'course_id': cid, 'require_exists': require_exists})
        if source == 'orm':
            ops.append({'op': 'cert_report', 'course_id': cid})
        elif in_process:
            ops.append({'op': 'gen_cert_report', 'course_id': cid})
    return ops


def assemble(course_ids, source, results, outputs=None):
    """Reports from op results (and command outputs for the out-of-process way).

    Returns (reports, raw_outputs); raises ReportParseError for unreadable output.
    """
    infos, flats, texts = {}, {}, dict(outputs or {})
    for result in results:
        if not isinstance(result, dict) or result.get('failed'):
            continue
        cid = result.get('course_id')
        if result.get('op') == 'course_info':
            infos[cid] = result
        elif result.get('op') == 'cert_report':
            flats[cid] = result.get('counts') or {}
        elif result.get('op') == 'gen_cert_report':
            texts[cid] = result.get('output') or ''
    reports = []
    for cid in course_ids:
        if source == 'orm':
            report = build_report(cid, flats.get(cid, {}), 'orm')
        else:
            try:
                report = report_from_output(cid, texts.get(cid, ''))
            except ReportParseError as exc:
                raise ReportParseError('%s: %s' % (cid, exc))
        info = infos.get(cid) or {}
        report['exists'] = info.get('exists')
        report['display_name'] = info.get('display_name')
        report['end'] = info.get('end')
        report['enrollments_by_mode'] = dict((info.get('enrollments') or {}).get('by_mode') or {})
        reports.append(report)
    return reports, (texts if source == 'gen_cert_report' else None)


def main():
    argument_spec = dict(
        source=dict(type='str', default='auto', choices=['auto', 'gen_cert_report', 'orm']),
        in_process=dict(type='bool', default=True),
        missing_courses=dict(type='str', default='fail', choices=['fail', 'report']),
    )
    argument_spec.update(COURSE_IDS_ARGUMENT_SPEC)
    argument_spec.update(platform.PLATFORM_ARGUMENT_SPEC)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    course_ids = module_course_ids(module)
    source, why = choose_source(params['source'], params['platform_dir'])
    if source is None:
        module.fail_json(msg=why, platform_starts=0)

    result = dict(changed=False, source=source, platform_starts=0, reports=[])
    ops = build_ops(course_ids, source, params['in_process'],
                    require_exists=params['missing_courses'] == 'fail')
    results = platform.run_platform_ops(module, 'lms', ops, extra_sources=[CERTS_SOURCE])
    result['platform_starts'] += 1
    failure = platform.first_failure(results)
    if failure:
        result.update(platform.op_failure(module, failure))
        module.fail_json(**result)

    outputs = {}
    if source == 'gen_cert_report' and not params['in_process']:
        for cid in course_ids:
            rc, out, err = platform.run_manage(module, 'lms', ['gen_cert_report', '-c', cid])
            result['platform_starts'] += 1
            if rc != 0:
                result.update(platform.command_failure(module, 'gen_cert_report -c %s failed (rc=%s)' % (cid, rc), err))
                module.fail_json(**result)
            outputs[cid] = out

    try:
        reports, raw = assemble(course_ids, source, results, outputs)
    except ReportParseError as exc:
        result['msg'] = 'cannot read the gen_cert_report output of %s' % exc
        module.fail_json(**result)
    result['reports'] = reports
    if raw is not None:
        result['raw_output'] = raw
    for report in reports:
        for warning in report.get('warnings') or []:
            module.warn('%s: %s' % (report['course_id'], warning))
        if report.get('exists') is False:
            module.warn('course %s does not exist on this platform' % report['course_id'])
    result['msg'] = '%d course(s) reported from %s' % (len(reports), source)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
