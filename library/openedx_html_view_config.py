#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to this project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: openedx_html_view_config
short_description: Set the certificate HTML view configuration of an Open edX platform
version_added: "0.1.0"
description:
  - Makes the configuration in force of the platform's
    C(CertificateHtmlViewConfiguration) (Django admin, Certificates, HTML View
    Configuration) equal to O(enabled) and O(configuration).
  - The model is append-only (django-config-models) and the newest row is the
    one in force. When it already matches, nothing is written; otherwise ONE
    new row is added, in a transaction, with the configuration as sorted,
    indented JSON. Existing rows are never changed, so the history stays.
  - The comparison is semantic (parsed JSON, key order and spacing do not
    matter).
  - The configuration is checked before the platform is started. The
    platform itself only checks the JSON syntax. This module requires every
    key of the C(default) section that the installation guide lists (on the
    2015 releases the certificate page failed with a server error without
    one; later releases show an empty or branding link instead), and refuses
    values that could break the page or run as script on it, naming the
    field, the value and the rule.
  - Names and titles are text of at most 200 characters without the markup
    characters C(< > " ' `) and without control characters; keys it does not
    know follow the same rule with at most 2,000 characters, and may also be
    numbers, V(true), V(false) or null. URLs hold at most 2,000 characters and
    no user name or password; CSS class fields hold class names. Some releases
    write these values into the page without escaping them.
  - Reading, comparing and writing happen in ONE platform process
    (C(manage.py SERVICE --settings=S shell -c)).
extends_documentation_fragment:
  - openedx_platform
  - openedx_migration
  - action_common_attributes
options:
  configuration:
    description:
      - The whole configuration, as the platform stores it (a mapping, or
        its JSON text).
      - C(default) is required and must hold C(platform_name),
        C(accomplishment_class_append), C(company_about_url),
        C(company_privacy_url), C(company_tos_url),
        C(company_verified_certificate_url), C(logo_src) and C(logo_url).
        The C(company_*_url) keys and C(logo_url) must be absolute http(s)
        URLs; C(logo_src) is a path on the LMS starting with a single C(/) or
        an absolute http(s) URL; C(accomplishment_class_append) holds CSS class
        names. Other keys are allowed; C(certificate_verify_url_prefix) is empty
        or follows the rule of C(logo_src), C(certificate_verify_url_suffix)
        holds only characters that may stand in a URL, any other key whose name
        ends in C(_url) or C(_src) follows the rule of C(logo_src), and any
        other the rule of text.
      - Every other top-level key is a section for one certificate mode and
        must be a course mode (C(audit), C(honor), C(verified),
        C(professional), C(no-id-professional), C(credit), C(masters),
        C(executive-education), C(paid-executive-education),
        C(unpaid-executive-education), C(paid-bootcamp), C(unpaid-bootcamp),
        or C(base) and C(distinguished) of the installation guide's example), or be listed
        in O(allowed_extra_modes). Each mode section needs the strings
        C(certificate_type) and C(certificate_title); C(document_body_class_append)
        (CSS class names) is optional; other keys follow the rules of other keys
        of C(default).
      - The role C(openedx_certificates) builds this mapping from simple
        variables; this module takes the finished mapping so that every key
        the platform reads can be set.
    type: dict
    required: true
  enabled:
    description:
      - The enabled flag of the configuration row (the model's field of that name).
    type: bool
    default: true
  allowed_extra_modes:
    description:
      - Extra section names accepted besides the known course modes, for a
        custom course mode of your installation.
    type: list
    elements: str
    default: []
  username:
    description:
      - The platform user recorded as C(changed_by) of a new row. It must
        exist on the platform. Unset to record none.
    type: str
  migrate_first:
    description:
      - Apply the service's pending migrations in the same platform process
        before reading the configuration (in check mode, only list them).
        Saves one platform start on a freshly installed or upgraded host,
        where the certificates migrations may still be pending.
    type: bool
    default: false
  service:
    description:
      - The service whose C(manage.py) runs the process.
    type: str
    choices: [lms, cms]
    default: lms
attributes:
  check_mode:
    support: full
    details: Check mode reads and compares only. With O(migrate_first) it lists the
      pending migrations; if the configuration table cannot be read before
      they are applied, the task reports a change with a warning.
  diff_mode:
    support: full
    details: The configuration before and after, as JSON.
  platform:
    platforms: posix
notes:
  - The platform caches the configuration for up to 600 seconds; saving a
    row clears that cache, as a save in the Django admin does.
  - Needs C(sudo) on the host when the module does not run as O(user).
seealso:
  - module: openedx_migrate
author:
  - Open edX certificates toolkit contributors (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Certificate page configuration
  openedx_html_view_config:
    enabled: true
    username: admin
    configuration:
      default:
        accomplishment_class_append: accomplishment-certificate
        platform_name: Example Academy
        company_about_url: https://academy.example.com/about
        company_privacy_url: https://academy.example.com/privacy
        company_tos_url: https://academy.example.com/tos
        company_verified_certificate_url: https://academy.example.com/verified
        logo_src: /static/certificates/images/logo.png
        logo_url: https://academy.example.com
      honor:
        certificate_type: Honor Code
        certificate_title: Certificate of Achievement
      verified:
        certificate_type: Verified
        certificate_title: Verified Certificate of Achievement
        document_body_class_append: is-idverified
  become: true

- name: The same on a fresh Hawthorn host, migrating first in the same process
  openedx_html_view_config:
    settings: aws
    migrate_first: true
    configuration: "{{ certificates_html_view_configuration }}"
  become: true
'''

RETURN = r'''
changed:
  description: Whether a new configuration row was written (in check mode, would be).
  returned: always
  type: bool
current:
  description: The configuration now in force (in check mode, the one still in force), or null when there is none.
  returned: always
  type: dict
  sample: {"enabled": true, "configuration": {"default": {"platform_name": "Example Academy"}}}
previous:
  description: The configuration that was in force before this run, or null.
  returned: always
  type: dict
row_id:
  description: The id of the row in force after this run (in check mode, before).
  returned: always
  type: int
  sample: 7
rows:
  description: How many configuration rows the table holds (history included).
  returned: always
  type: int
migrations:
  description:
    - With O(migrate_first), the migrations that were pending (the plan before the run) and those
      applied.
    - When a migration failed, also RV(migrations.remaining) and RV(migrations.failed_migration);
      the migrations applied before it stay applied, so when any were, RV(changed=true).
  returned: when O(migrate_first=true)
  type: dict
  sample: {"pending": ["certificates.0002_data"], "applied": ["certificates.0002_data"]}
  contains:
    pending:
      description: The migrations (C(app.name)) that were pending before the run.
      type: list
      elements: str
    applied:
      description: The migrations this run applied (empty in check mode).
      type: list
      elements: str
    remaining:
      description: The migrations still pending after the run (the failed one first).
      returned: when a migration failed
      type: list
      elements: str
    failed_migration:
      description: The migration that failed, as C(migrate) printed it; null when C(migrate) failed
        before it started one.
      returned: when a migration failed
      type: str
platform_starts:
  description: How many platform processes this run started (0 when the arguments were invalid).
  returned: always
  type: int
  sample: 1
'''

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.openedx_html_config import validate_configuration, format_problems
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
    run_platform_ops,
)


def main():
    argument_spec = dict(
        configuration=dict(type='dict', required=True),
        enabled=dict(type='bool', default=True),
        allowed_extra_modes=dict(type='list', elements='str', default=[]),
        username=dict(type='str'),
        migrate_first=dict(type='bool', default=False),
        service=dict(type='str', choices=['lms', 'cms'], default='lms'),
    )
    argument_spec.update(PLATFORM_ARGUMENT_SPEC)
    argument_spec.update(MIGRATION_ARGUMENT_SPEC)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           required_by=MIGRATION_REQUIRED_BY)
    params = module.params
    result = dict(changed=False, platform_starts=0)

    problems = validate_configuration(params['configuration'], params['allowed_extra_modes'])
    if problems:
        module.fail_json(msg=format_problems(problems),
                         problems=['%s: %s' % item for item in problems], **result)

    apply = not module.check_mode
    html_view = dict(enabled=params['enabled'], configuration=params['configuration'],
                     username=params['username'])
    ops = []
    if params['migrate_first']:
        ops.append(migrate_op(params, apply))
    ops.append(html_view_op(html_view, apply))
    results = run_platform_ops(module, params['service'], ops)
    result['platform_starts'] = 1

    by_op, failure = split_results(results)
    if params['migrate_first']:
        report_migrations(module, params, by_op, failure, result, apply, params['service'])
    if failure is not None:
        fail_with_op(module, params, failure, result)

    outcome = by_op.get('html_view_config')
    if outcome is None:
        module.fail_json(msg='the platform process returned no html_view_config result', **result)
    diff = report_html_view(module, outcome, html_view, apply, result)
    if module._diff:
        result['diff'] = diff
    if outcome.get('changed'):
        result['msg'] = 'a new configuration row %s' % ('was written' if apply else 'would be written')
    else:
        result['msg'] = 'the configuration in force already matches'
    module.exit_json(**result)


if __name__ == '__main__':
    main()
