#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to this project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: openedx_certificate_database
short_description: Set what the LMS database decides about certificates, in one platform process
version_added: "0.2.0"
description:
  - In ONE LMS platform process (C(manage.py lms --settings=S shell -c)) and in this order, makes the LMS
    database say what certificates need, leaving alone every part whose option is unset.
  - First, checks without writing that this platform can do what is asked (django-waffle for
    O(auto_generation), the models for O(self_generation) and O(course_settings), and with them each field
    asked for, C(honor) refused while C(FEATURES['DISABLE_HONOR_CERTIFICATES']) is on) and that every course
    in O(course_settings) and O(course_modes) is in C(course_overviews). Anything refused stops the run
    before any write, with a message naming the option (or, with O(names_prefix), the role variable) and
    the release.
  - Then, with O(migrate_first), applies the pending LMS migrations (in check mode, lists them).
  - Then, with O(html_view), the certificate HTML view configuration, as M(openedx_html_view_config) does
    (one new row only when the one in force differs).
  - Last, the generation policy and course modes, written in one transaction, after every row was built
    and checked by the platform's own C(clean()), so that a row the platform refuses writes nothing.
  - O(auto_generation) is the waffle switch C(certificates.auto_certificate_generation) (table
    C(waffle_switch)); with it on, the platform generates a certificate by itself when a learner passes, is
    allowlisted or gets an ID verification approved. The row is created or updated only when the platform
    does not already read the wanted state (no row reads as C(WAFFLE_SWITCH_DEFAULT), false).
  - O(self_generation) is the site-wide C(CertificateGenerationConfiguration) (a django-config-models
    ConfigurationModel, append-only); a new row is written only when the one in force differs (no row reads
    as disabled).
  - O(course_settings) sets fields of each course's latest C(CertificateGenerationCourseSetting) row (one is
    created when the course has none); only the fields given are compared and written.
  - O(course_modes) creates or updates the course modes (table C(course_modes_coursemode)); a course without
    modes offers only C(audit), which never earns a certificate. On an existing mode only the fields given
    are compared and written; a new mode gets the defaults for the rest. A mode is deleted only when its
    entry says C(state=absent). C(audit) is refused.
extends_documentation_fragment:
  - openedx_platform
  - openedx_migration
  - action_common_attributes
options:
  html_view:
    description:
      - The certificate HTML view configuration to have in force; unset leaves it alone.
    type: dict
    suboptions:
      configuration:
        description: The whole configuration, with the rules of the option C(configuration) of
          M(openedx_html_view_config).
        type: dict
        required: true
      enabled:
        description: The enabled flag of the configuration row.
        type: bool
        default: true
      allowed_extra_modes:
        description: Extra section names accepted besides the known course modes.
        type: list
        elements: str
        default: []
  auto_generation:
    description:
      - The waffle switch C(certificates.auto_certificate_generation), V(true) on, V(false) off. Unset (null)
        leaves it as it is.
    type: bool
  self_generation:
    description:
      - Whether learners may generate their own certificates site-wide (C(CertificateGenerationConfiguration);
        a course also needs C(self_generation_enabled) in O(course_settings)). Unset (null) leaves it.
    type: bool
  course_settings:
    description:
      - A mapping of course id to the C(CertificateGenerationCourseSetting) fields to set,
        C(self_generation_enabled) (bool), C(language_specific_templates_enabled) (bool) and
        C(include_hours_of_effort) (bool or null). Courses not listed are left alone.
    type: dict
    default: {}
  course_modes:
    description:
      - A mapping of course id to a mapping of mode slug to its fields (empty or null for the defaults).
      - Slugs are the certificate modes C(honor), C(verified), C(professional), C(no-id-professional),
        C(credit), C(masters), C(executive-education), C(paid-executive-education),
        C(unpaid-executive-education), C(paid-bootcamp), C(unpaid-bootcamp); C(audit) is refused.
      - "Fields, with the default a new mode gets: C(mode_display_name) (a name after the slug, such as
        C(Honor) or C(Verified Certificate)), C(min_price) (0, whole units), C(currency) (C(usd)),
        C(expiration_datetime) (null; a date and time with a time zone, such as C(2027-06-30T23:59:00Z);
        none for the professional modes), C(description) (null), C(sku) (null), C(bulk_sku) (null),
        C(suggested_prices) (empty; prices separated by commas), and C(state) (V(present), or V(absent) to
        delete the mode, in C(currency) when given, else in every currency)."
      - A mode is found by course, slug and C(currency), as the table's unique key; the platform may refuse
        a price below its C(COURSE_ENROLLMENT_MODES) minimum (paid modes need O(course_modes) C(min_price)).
    type: dict
    default: {}
  username:
    description:
      - The platform user recorded as C(changed_by) of new configuration rows (HTML view, self-generation).
        It must exist. Unset records none.
    type: str
  migrate_first:
    description:
      - Apply the LMS's pending migrations in the same process, after the checks and before the writes (in
        check mode, only list them).
    type: bool
    default: false
  release:
    description:
      - The release to name in messages (the role passes the C(openedx.release) fact).
    type: str
  names_prefix:
    description:
      - Put before the option names in messages; the role C(openedx_certificates) passes
        C(openedx_certificates_) so that they name its variables.
    type: str
    default: ''
attributes:
  check_mode:
    support: full
    details: Check mode reads and compares only. With O(migrate_first) it lists the pending migrations; a
      table that does not exist before they are applied is reported in RV(tables_missing) and counts as a
      change.
  diff_mode:
    support: full
    details: One entry for the HTML view configuration (JSON before and after) and one for the policy and
      modes, with only what changes.
  platform:
    platforms: posix
notes:
  - Needs C(sudo) on the host when the module does not run as O(user).
  - Waffle and the configuration models cache their values; saving through the models clears those caches,
    as a save in the Django admin does.
seealso:
  - module: openedx_html_view_config
  - module: openedx_facts
author:
  - Open edX certificates toolkit contributors (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Certificates without anyone running a command, for two honor and verified courses
  openedx_certificate_database:
    auto_generation: true
    self_generation: true
    course_settings:
      course-v1:OpenedX+DemoX+2024:
        self_generation_enabled: true
    course_modes:
      course-v1:OpenedX+DemoX+2024:
        honor: {}
        verified:
          min_price: 49
          expiration_datetime: "2027-06-30T23:59:00Z"
      course-v1:OpenedX+Old+2019:
        professional:
          state: absent
  become: true

- name: The same process as site.yml, on a freshly upgraded host
  openedx_certificate_database:
    migrate_first: true
    html_view:
      configuration: "{{ certificates_html_view_configuration }}"
    auto_generation: false
  become: true
'''

RETURN = r'''
changed:
  description: Whether anything was written or migrated (in check mode, would be).
  returned: always
  type: bool
html_view:
  description: With O(html_view), the configuration rows, as M(openedx_html_view_config) returns them.
  returned: when O(html_view) is set
  type: dict
  contains:
    changed:
      description: Whether a new row was (would be) written.
      type: bool
    previous:
      description: The configuration in force before this run, or null.
      type: dict
    current:
      description: The configuration in force now (in check mode, still).
      type: dict
    row_id:
      description: The id of the row in force.
      type: int
    rows:
      description: How many rows the table holds.
      type: int
auto_generation:
  description: The switch, what the platform read before (V(before)), whether a row existed, the wanted state
    and whether it changes.
  returned: when O(auto_generation) is set and the table exists
  type: dict
  sample: {switch: certificates.auto_certificate_generation, before: false, row_existed: false, after: true,
           changed: true}
self_generation:
  description: The self-generation configuration in force before, the id of its row, the wanted state.
  returned: when O(self_generation) is set and the table exists
  type: dict
  sample: {before: false, row_id: null, after: true, changed: true}
course_settings:
  description: One entry per course, with C(action) V(create), V(update) or V(none), and the fields before
    and after.
  returned: when O(course_settings) is not empty and the table exists
  type: list
  elements: dict
  sample: [{course_id: course-v1:OpenedX+DemoX+2024, action: create, before: null,
            after: {self_generation_enabled: true}}]
course_modes:
  description: One entry per course and mode, with C(action) V(create), V(update), V(delete) or V(none), the
    currency, and the fields before and after (for an update, the fields given).
  returned: when O(course_modes) is not empty and the table exists
  type: list
  elements: dict
  sample: [{course_id: course-v1:OpenedX+DemoX+2024, mode_slug: honor, currency: usd, action: create,
            before: null, after: {mode_display_name: Honor, min_price: 0, currency: usd}}]
tables_missing:
  description: In check mode, the tables that do not exist yet (their migrations are pending).
  returned: when the policy was asked for
  type: list
  elements: str
migrations:
  description: With O(migrate_first), as M(openedx_html_view_config) returns it.
  returned: when O(migrate_first=true)
  type: dict
problems:
  description: Each problem with the options, when they are refused (before the platform starts) or the
    platform refuses them (before any write).
  returned: on failure
  type: list
  elements: str
platform_starts:
  description: How many platform processes this run started (0 when the options were refused, or nothing
    was asked).
  returned: always
  type: int
  sample: 1
'''

import json

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.openedx_generation_policy import check_policy, format_problems as policy_problems, is_empty
from ansible.module_utils.openedx_html_config import validate_configuration, format_problems as html_problems
from ansible.module_utils.openedx_lms_process import (
    fail_with_op,
    html_view_op,
    migrate_op,
    report_html_view,
    report_migrations,
    split_results,
)
from ansible.module_utils.openedx_platform import (
    MIGRATION_ARGUMENT_SPEC,
    MIGRATION_REQUIRED_BY,
    PLATFORM_ARGUMENT_SPEC,
    op_failure,
    run_platform_ops,
)
from ansible.module_utils.openedx_runner_policy import POLICY_SOURCE

POLICY_PARTS = ('auto_generation', 'self_generation', 'course_settings', 'course_modes')


def _policy_diff(outcome):
    """(before, after) mappings of what changes, for the diff."""
    before, after = {}, {}
    switch = outcome.get('auto_generation')
    if switch and switch['changed']:
        key = 'waffle_switch %s' % switch['switch']
        before[key] = 'on' if switch['before'] else 'off'
        after[key] = 'on' if switch['after'] else 'off'
    config = outcome.get('self_generation')
    if config and config['changed']:
        before['CertificateGenerationConfiguration.enabled'] = config['before']
        after['CertificateGenerationConfiguration.enabled'] = config['after']
    for entry in outcome.get('course_settings') or []:
        if entry['action'] != 'none':
            key = 'CertificateGenerationCourseSetting %s' % entry['course_id']
            before[key] = entry['before']
            after[key] = entry['after']
    for entry in outcome.get('course_modes') or []:
        if entry['action'] == 'none':
            continue
        key = 'course_modes_coursemode %s %s%s' % (entry['course_id'], entry['mode_slug'],
                                                   ' (%s)' % entry['currency'] if entry.get('currency') else '')
        before[key] = entry['before']
        after[key] = entry['after'] if entry['action'] != 'delete' else None
    for table in outcome.get('tables_missing') or []:
        before['table ' + table] = 'missing (migration pending)'
        after['table ' + table] = 'created by the migrations, then written'
    return before, after


def _text(mapping):
    return json.dumps(mapping, indent=2, sort_keys=True) + '\n' if mapping else ''


def main():
    argument_spec = dict(
        html_view=dict(type='dict', options=dict(
            configuration=dict(type='dict', required=True),
            enabled=dict(type='bool', default=True),
            allowed_extra_modes=dict(type='list', elements='str', default=[]),
        )),
        auto_generation=dict(type='bool'),
        self_generation=dict(type='bool'),
        course_settings=dict(type='dict', default={}),
        course_modes=dict(type='dict', default={}),
        username=dict(type='str'),
        migrate_first=dict(type='bool', default=False),
        release=dict(type='str'),
        names_prefix=dict(type='str', default=''),
    )
    argument_spec.update(PLATFORM_ARGUMENT_SPEC)
    argument_spec.update(MIGRATION_ARGUMENT_SPEC)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           required_by=MIGRATION_REQUIRED_BY)
    params = module.params
    prefix = params['names_prefix']
    result = dict(changed=False, platform_starts=0)

    problems = []
    html_view = params['html_view']
    if html_view is not None:
        found = validate_configuration(html_view['configuration'], html_view['allowed_extra_modes'])
        if found:
            module.fail_json(msg=html_problems(found), problems=['%s: %s' % item for item in found], **result)
        html_view = dict(html_view, username=params['username'])
    wanted, problems = check_policy(params['auto_generation'], params['self_generation'],
                                    params['course_settings'], params['course_modes'], names_prefix=prefix)
    if problems:
        module.fail_json(msg=policy_problems(problems), problems=['%s: %s' % item for item in problems], **result)
    policy = not is_empty(wanted)
    if html_view is None and not policy and not params['migrate_first']:
        result['msg'] = 'nothing asked'
        module.exit_json(**result)

    apply = not module.check_mode
    ops = []
    if policy:
        ops.append({'op': 'certificate_policy_check', 'wanted': wanted, 'release': params['release'],
                    'names': dict((part, prefix + part) for part in POLICY_PARTS)})
    if params['migrate_first']:
        ops.append(migrate_op(params, apply))
    if html_view is not None:
        ops.append(html_view_op(html_view, apply))
    if policy:
        ops.append({'op': 'certificate_policy', 'wanted': wanted, 'apply': apply,
                    'username': params['username'] or None})
    results = run_platform_ops(module, 'lms', ops, extra_sources=[POLICY_SOURCE])
    result['platform_starts'] = 1

    by_op, failure = split_results(results)
    if params['migrate_first']:
        report_migrations(module, params, by_op, failure, result, apply)
    if failure is not None:
        if failure.get('op') == 'certificate_policy_check':
            result['problems'] = failure.get('problems', [])
            result['msg'] = 'the platform cannot do what is asked, nothing was changed: ' + \
                '; '.join(result['problems'] or [failure.get('msg')])
            module.fail_json(**result)
        if failure.get('op') == 'certificate_policy':
            result.update(op_failure(module, failure))
            result['msg'] += ' (nothing of the policy or course modes was written)'
            module.fail_json(**result)
        fail_with_op(module, params, failure, result)

    diffs = []
    if html_view is not None:
        outcome = by_op.get('html_view_config')
        if outcome is None:
            module.fail_json(msg='the platform process returned no html_view_config result', **result)
        view = {}
        diffs.append(report_html_view(module, outcome, html_view, apply, view))
        view['changed'] = bool(outcome.get('changed'))
        result['changed'] = result['changed'] or view['changed']
        result['html_view'] = view
    if policy:
        outcome = by_op.get('certificate_policy')
        if outcome is None:
            module.fail_json(msg='the platform process returned no certificate_policy result', **result)
        for part in POLICY_PARTS:
            if part in outcome:
                result[part] = outcome[part]
        result['tables_missing'] = outcome.get('tables_missing', [])
        if result['tables_missing']:
            module.warn('the tables %s do not exist yet (their migrations are pending); a real run migrates '
                        'first, then writes' % ', '.join(result['tables_missing']))
        if outcome.get('changed'):
            result['changed'] = True
        before, after = _policy_diff(outcome)
        diffs.append(dict(before=_text(before), after=_text(after),
                          before_header='certificate generation policy and course modes (before)',
                          after_header='certificate generation policy and course modes (%s)'
                          % ('after' if apply else 'would be')))
    if module._diff:
        result['diff'] = diffs
    result['msg'] = ('changed' if apply else 'would change') if result['changed'] else 'already as asked'
    module.exit_json(**result)


if __name__ == '__main__':
    main()
