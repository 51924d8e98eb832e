#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to this project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: openedx_migrate
short_description: Apply the pending database migrations of an Open edX platform
version_added: "0.1.0"
description:
  - Lists the pending Django migrations of the LMS and/or Studio (CMS) of an
    Open edX platform and applies them, like
    C(manage.py lms migrate --noinput --settings=S) does, with one platform
    process per service.
  - Reports exactly which migrations were pending and which were applied.
    When a migration fails, the run fails naming it (RV(failed_migration)),
    and still reports the plan from before the run (RV(pending)), what was
    applied before the failure (RV(applied), which stays applied), what is
    left (RV(remaining)), and RV(changed=true) when anything was applied.
  - Starting the platform costs ten seconds or more on a real host. After a
    run that left nothing pending, the module stores a fingerprint of every
    migration file of the platform and of its virtualenv (path, size and
    modification time) in O(state_dir). While the fingerprint stays the same,
    later runs report "up to date" without starting the platform at all.
    Any code change that can bring new migrations (an upgrade, a new
    package, an edited migration) changes the fingerprint, and the next run
    checks again. The fingerprint does not see the database; after restoring
    an older database, run once with O(fingerprint=false) to force the check.
extends_documentation_fragment:
  - openedx_platform
  - openedx_migration
  - action_common_attributes
options:
  services:
    description:
      - The services whose migrations to apply, in this order.
    type: list
    elements: str
    choices: [lms, cms]
    default: [lms, cms]
  fingerprint:
    description:
      - Use and store the migration-file fingerprint described above.
      - V(false) always starts the platform to check, and stores nothing.
    type: bool
    default: true
  state_dir:
    description:
      - Where the fingerprint file is kept (created when missing). A
        directory that cannot be written only costs the shortcut next time.
    type: path
    default: /edx/var/edxapp/openedx-toolkit
attributes:
  check_mode:
    support: full
    details: Check mode lists what would be applied and applies nothing (it still
      starts the platform, read-only, unless the fingerprint says up to date).
  diff_mode:
    support: none
  platform:
    platforms: posix
notes:
  - The platform process runs C(manage.py SERVICE --settings=S shell -c) with
    the toolkit's runner script; the migrations are applied by Django's own
    C(migrate) command inside it.
  - Needs C(sudo) on the host when the module does not run as O(user).
seealso:
  - module: openedx_html_view_config
author:
  - Open edX certificates toolkit contributors (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Apply pending migrations of the LMS and Studio
  openedx_migrate:
  become: true

- name: Only the LMS, on a legacy (Hawthorn) host, always checking
  openedx_migrate:
    services: [lms]
    settings: aws
    fingerprint: false
  become: true

- name: Report what is pending, change nothing
  openedx_migrate:
  check_mode: true
  register: pending

- name: Show it
  ansible.builtin.debug:
    var: pending.pending
'''

RETURN = r'''
changed:
  description: Whether migrations were applied (in check mode, would be), also by a run that then failed.
  returned: always
  type: bool
pending:
  description:
    - Per service, the migrations (C(app.name)) that were pending before this run, in the order
      Django applies them.
    - After a failure, only the services that were reached (they run in the order of O(services),
      and the first failure stops the run).
  returned: always
  type: dict
  sample: {"lms": ["certificates.0002_data__certificatehtmlviewconfiguration_data"], "cms": []}
applied:
  description:
    - Per service, the migrations that this run applied (empty in check mode).
    - After a failure, those applied before it; they stay applied.
  returned: always
  type: dict
  sample: {"lms": ["certificates.0002_data__certificatehtmlviewconfiguration_data"], "cms": []}
remaining:
  description: Per service reached, the migrations still pending after the run (the failed one first).
  returned: when the run failed with migrations left
  type: dict
  sample: {"lms": ["certificates.0003_certificategenerationcoursesetting"]}
failed_migration:
  description:
    - The migration (C(app.name)) that failed, as C(migrate) printed it; null when C(migrate) failed
      before it started one (a conflict in the migration graph, a failing system check).
  returned: when a migration run failed
  type: str
  sample: certificates.0003_certificategenerationcoursesetting
output_lines:
  description: The last lines of C(migrate)'s output.
  returned: when C(migrate) failed after printing output, or left migrations pending
  type: list
  elements: str
traceback_lines:
  description: The traceback of the failure inside the platform, secrets masked.
  returned: when the run failed with an error inside the platform
  type: list
  elements: str
platform_starts:
  description: How many platform processes this run started (0 when the fingerprint matched).
  returned: always
  type: int
  sample: 2
skipped_by_fingerprint:
  description: True when the stored fingerprint matched and the platform was not started.
  returned: always
  type: bool
fingerprint:
  description: The fingerprint of the migration files (sha256, hex), when O(fingerprint=true).
  returned: when O(fingerprint=true)
  type: str
msg:
  description: A one-line summary.
  returned: always
  type: str
  sample: "up to date (fingerprint unchanged, platform not started)"
'''

import glob
import hashlib
import json
import os
import time

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.openedx_platform import (
    MIGRATION_ARGUMENT_SPEC,
    MIGRATION_REQUIRED_BY,
    PLATFORM_ARGUMENT_SPEC,
    first_failure,
    migration_credentials,
    migration_failure_hint,
    mask,
    platform_settings,
    run_platform_ops,
    secret_values,
)
from ansible.module_utils.openedx_state import write_json

STATE_FILE_PREFIX = 'migrate-'


def _migration_files(root):
    """(path, size, mtime) of every ``*/migrations/*.py`` below ``root``."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        # Skip what never holds migrations (and is large): VCS data, node.
        dirnames[:] = [name for name in dirnames
                       if name not in ('.git', 'node_modules', '__pycache__')]
        if os.path.basename(dirpath) != 'migrations':
            continue
        for name in filenames:
            if name.endswith('.py'):
                path = os.path.join(dirpath, name)
                try:
                    stat = os.stat(path)
                except OSError:
                    continue
                found.append((path, stat.st_size, int(stat.st_mtime)))
    return found


def migration_roots(params):
    """The directories whose migration files make up the fingerprint."""
    roots = [params['platform_dir']]
    venv = os.path.dirname(os.path.dirname(params['python']))
    roots += sorted(glob.glob(os.path.join(venv, 'lib', 'python*', 'site-packages')))
    roots += sorted(glob.glob(os.path.join(venv, 'lib64', 'python*', 'site-packages')))
    if os.path.isdir(os.path.join(venv, 'src')):
        roots.append(os.path.join(venv, 'src'))
    seen = []
    for root in roots:
        real = os.path.realpath(root)
        if os.path.isdir(real) and real not in seen:
            seen.append(real)
    return seen


def compute_fingerprint(params, settings, services):
    digest = hashlib.sha256()
    digest.update(('settings=%s\n' % settings).encode('utf-8'))
    for root in migration_roots(params):
        for path, size, mtime in sorted(_migration_files(root)):
            digest.update(('%s\0%d\0%d\n' % (path, size, mtime)).encode('utf-8', 'surrogateescape'))
    return digest.hexdigest()


def state_file(params, settings):
    key = hashlib.sha256(('%s\0%s' % (os.path.realpath(params['platform_dir']), settings))
                         .encode('utf-8')).hexdigest()[:16]
    return os.path.join(params['state_dir'], STATE_FILE_PREFIX + key + '.json')


def read_state(path):
    try:
        with open(path) as handle:
            state = json.load(handle)
    except (IOError, OSError, ValueError):
        return None
    return state if isinstance(state, dict) else None


def write_state(module, path, state):
    """Write the state file atomically; a failure is only a warning."""
    try:
        write_json(path, state)
        return True
    except (IOError, OSError) as exc:
        module.warn('could not store the migration fingerprint in %s (%s); the next run '
                    'will start the platform to check again' % (path, exc))
        return False


def names_text(names, limit=10):
    """'a.1, a.2' or 'a.1, ..., a.10 and 290 more (see remaining)': a fresh
    database has hundreds of migrations; the full list is in the result."""
    if len(names) <= limit:
        return ', '.join(names)
    return '%s and %d more (see remaining)' % (', '.join(names[:limit]), len(names) - limit)


def main():
    argument_spec = dict(
        services=dict(type='list', elements='str', choices=['lms', 'cms'], default=['lms', 'cms']),
        fingerprint=dict(type='bool', default=True),
        state_dir=dict(type='path', default='/edx/var/edxapp/openedx-toolkit'),
    )
    argument_spec.update(PLATFORM_ARGUMENT_SPEC)
    argument_spec.update(MIGRATION_ARGUMENT_SPEC)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           required_by=MIGRATION_REQUIRED_BY)
    params = module.params
    services = []
    for service in params['services']:
        if service not in services:
            services.append(service)
    if not services:
        module.fail_json(msg='services: give at least one of lms, cms')

    settings = platform_settings(params)
    result = dict(changed=False, pending={}, applied={}, platform_starts=0,
                  skipped_by_fingerprint=False, settings=settings)

    fingerprint = None
    path = None
    if params['fingerprint']:
        fingerprint = compute_fingerprint(params, settings, services)
        result['fingerprint'] = fingerprint
        path = state_file(params, settings)
        state = read_state(path)
        if state and state.get('fingerprint') == fingerprint and \
                set(services) <= set(state.get('services') or []):
            result.update(skipped_by_fingerprint=True,
                          pending=dict((s, []) for s in services),
                          applied=dict((s, []) for s in services),
                          msg='up to date (fingerprint unchanged, platform not started)')
            module.exit_json(**result)

    apply = not module.check_mode
    for service in services:
        results = run_platform_ops(module, service, [{'op': 'migrate', 'apply': apply,
                                                      'credentials': migration_credentials(params)}])
        result['platform_starts'] += 1
        outcome = results[0] if results else {}
        # A failed migrate still says what it had done: the plan before the
        # run, what got applied before the failure (it stays applied), and
        # which migration failed. Reported as they are, with changed set by
        # what was applied, so that nobody mistakes a half-run for no change.
        if 'pending' in outcome:
            result['pending'][service] = outcome.get('pending') or []
            result['applied'][service] = outcome.get('applied') or []
        result['changed'] = result['changed'] or any(result['applied'].values())
        failure = first_failure(results)
        if failure:
            secrets = secret_values(params)
            failed_migration = failure.get('failed_migration')
            result['failed_migration'] = failed_migration
            if 'remaining' in failure:
                result['remaining'] = dict((s, []) for s in result['pending'])
                result['remaining'][service] = failure.get('remaining') or []
            if failed_migration and failure.get('error'):
                msg = 'migrations of %s failed at %s: %s; %d of the %d pending migrations were ' \
                      'applied before it' % (service, failed_migration, failure['error'],
                                             len(result['applied'][service]),
                                             len(result['pending'][service]))
            else:
                msg = 'migrations of %s failed: %s' % (service, failure.get('msg'))
            msg += migration_failure_hint(failure.get('error') or failure.get('msg'), params)
            if result.get('remaining', {}).get(service):
                msg += '; still pending: %s' % names_text(result['remaining'][service])
            if result['changed']:
                msg += ('. What applied lists stays applied: fix the cause and run again to '
                        'apply the rest')
            result['msg'] = mask(msg, secrets)
            if failure.get('output'):
                result['output_lines'] = mask(failure['output'].splitlines(), secrets)
            if failure.get('traceback'):
                result['traceback_lines'] = mask(failure['traceback'].splitlines(), secrets)
            module.fail_json(**result)
        if apply and outcome.get('remaining'):
            result['remaining'] = dict((s, []) for s in result['pending'])
            result['remaining'][service] = outcome['remaining']
            result['msg'] = ('migrate of %s left migrations pending: %s'
                             % (service, names_text(outcome['remaining'])))
            result['output_lines'] = (outcome.get('output') or '').splitlines()
            module.fail_json(**result)

    applied = sum(len(v) for v in result['applied'].values())
    pending = sum(len(v) for v in result['pending'].values())
    if module.check_mode:
        result['changed'] = pending > 0
        result['msg'] = ('%d migration(s) would be applied' % pending) if pending else 'up to date'
    else:
        result['changed'] = applied > 0
        result['msg'] = ('%d migration(s) applied' % applied) if applied else 'up to date'
        if fingerprint:
            # Store the fingerprint taken before the run: if code changed
            # meanwhile, the next run sees a difference and checks again.
            old = read_state(path) or {}
            known = set(old.get('services') or []) if old.get('fingerprint') == fingerprint else set()
            write_state(module, path, dict(
                fingerprint=fingerprint, services=sorted(known | set(services)),
                platform_dir=params['platform_dir'], settings=settings,
                time=int(time.time())))
    module.exit_json(**result)


if __name__ == '__main__':
    main()
