# -*- coding: utf-8 -*-
# Copyright: contributors to this project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The parts of a module that runs migrations and the HTML view
configuration in one platform process, shared by ``openedx_html_view_config``
and ``openedx_certificate_database`` (which adds the generation policy to
the same process), so that both read the results and report them alike:

* ``migrate_op(params, apply)`` / ``html_view_op(html_view, apply)``: the ops;
* ``split_results(results)``: ``(by_op, failure)``;
* ``report_migrations(module, params, by_op, failure, result, apply)``: the
  ``migrations`` return value and ``changed``, and the module failure when
  migrations were left pending;
* ``fail_with_op(module, params, failure, result)``: the failure of an op,
  with the migration user hint for a failed migration;
* ``report_html_view(module, outcome, wanted, apply, result)``: the HTML view
  return values and its diff entry.
"""

from __future__ import absolute_import, division, print_function

import json

from ansible.module_utils.openedx_platform import (
    mask,
    migration_credentials,
    migration_failure_hint,
    op_failure,
    secret_values,
)

__metaclass__ = type


def migrate_op(params, apply):
    return {'op': 'migrate', 'apply': apply, 'credentials': migration_credentials(params)}


def html_view_op(html_view, apply):
    return {'op': 'html_view_config', 'apply': apply, 'username': html_view.get('username') or None,
            'wanted': {'enabled': html_view['enabled'], 'configuration': html_view['configuration']}}


def split_results(results):
    by_op = {}
    failure = None
    for item in results:
        if item.get('failed'):
            failure = item
            break
        by_op[item.get('op')] = item
    return by_op, failure


def report_migrations(module, params, by_op, failure, result, apply, service='lms'):
    migrated = by_op.get('migrate')
    if migrated is not None:
        result['migrations'] = dict(pending=migrated.get('pending', []), applied=migrated.get('applied', []))
        if migrated.get('applied'):
            result['changed'] = True
        if apply and migrated.get('remaining'):
            module.fail_json(msg='migrate of %s left migrations pending: %s'
                             % (service, ', '.join(migrated['remaining'])), **result)
    if failure is not None and failure.get('op') == 'migrate':
        # Migrations run one by one and are not rolled back: those applied
        # before the failing one stay applied, and that is a change.
        result['migrations'] = dict(pending=failure.get('pending', []), applied=failure.get('applied', []),
                                    remaining=failure.get('remaining', []),
                                    failed_migration=failure.get('failed_migration'))
        result['changed'] = bool(failure.get('applied'))


def fail_with_op(module, params, failure, result):
    result.update(op_failure(module, failure))
    if failure.get('op') == 'migrate':
        result['msg'] += mask(migration_failure_hint(failure.get('error') or failure.get('msg'), params),
                              secret_values(params))
    module.fail_json(**result)


def _public(state):
    """The part of a row state that the module returns."""
    if state is None:
        return None
    public = dict(enabled=state.get('enabled'), configuration=state.get('configuration'))
    for key in ('id', 'change_date', 'changed_by', 'parse_error'):
        if state.get(key) is not None:
            public[key] = state[key]
    return public


def _diff_text(state):
    if state is None:
        return ''
    shown = dict(enabled=state.get('enabled'), configuration=state.get('configuration'))
    return json.dumps(mask(shown), indent=2, sort_keys=True) + '\n'


def report_html_view(module, outcome, wanted, apply, result):
    """Put the HTML view outcome into ``result``; return its diff entry."""
    if outcome.get('table_missing'):
        module.warn('the certificate HTML view configuration table does not exist yet (its '
                    'migration is pending); a real run migrates first, then writes the row')
    before = outcome.get('before')
    after = outcome.get('after')
    changed = bool(outcome.get('changed'))
    wanted_state = dict(enabled=wanted['enabled'], configuration=wanted['configuration'])
    if changed:
        result['changed'] = True
    result.update(previous=mask(_public(before)), current=mask(_public(after)),
                  row_id=outcome.get('row_id'), rows=outcome.get('rows'))
    return dict(
        before=_diff_text(before),
        after=_diff_text(after if apply else (wanted_state if changed else before)),
        before_header='CertificateHtmlViewConfiguration (row %s)' % (before or {}).get('id'),
        after_header='CertificateHtmlViewConfiguration (%s)'
        % ('row %s' % outcome.get('row_id') if apply or not changed else 'new row'),
    )
