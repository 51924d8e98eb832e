# -*- coding: utf-8 -*-
# Copyright: contributors to this project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Start the Open edX platform (``manage.py``) from a module.

Every module of this toolkit that needs the platform goes through here:

* ``PLATFORM_ARGUMENT_SPEC``: the options shared by those modules;
* ``platform_settings(params)`` / ``platform_environment(params, service)``:
  what to pass to ``manage.py``, detected from the files on the host when
  not given;
* ``manage_argv(params, service, args)``: the command line;
* ``run_manage(module, service, args)``: run one management command;
* ``run_platform_ops(module, service, ops, extra_sources=())``: run a list of
  operations of ``openedx_runner`` in ONE platform process and return their
  results (see ``openedx_runner`` for the protocol and how to add ops).

The process runs as the platform user (``sudo -u USER``) unless the module
already runs as that user, with the platform directory as working
directory. Nothing here puts the runner script, the operations' arguments
or the environment's values into a module result.
"""

from __future__ import absolute_import, division, print_function

import json
import os
import pwd
import re
import subprocess
import threading

from ansible.module_utils.openedx_runner import RESULT_BEGIN, RESULT_END, build_script

from ansible.module_utils import openedx_host as _host
from ansible.module_utils import openedx_secrets as _secrets

__metaclass__ = type

DEFAULT_PLATFORM_DIR = '/edx/app/edxapp/edx-platform'
DEFAULT_PYTHON = '/edx/app/edxapp/venvs/edxapp/bin/python'
DEFAULT_USER = 'edxapp'
# Where modern releases (Ironwood and later) keep their YAML configuration
# on a native install, when the host's edxapp_env file does not say.
MODERN_CONFIG_DIR = _host.DEFAULT_YAML_CONFIG_DIR
SERVICES = ('lms', 'cms')
STDERR_TAIL_LINES = 25

PLATFORM_ARGUMENT_SPEC = dict(
    platform_dir=dict(type='path', default=DEFAULT_PLATFORM_DIR),
    python=dict(type='path', default=DEFAULT_PYTHON),
    settings=dict(type='str'),
    user=dict(type='str', default=DEFAULT_USER),
    environment=dict(type='dict', default={}),
    config_root=dict(type='path'),
)

# The modules that migrate (openedx_migrate, openedx_html_view_config) also
# take the database user that may change the schema. Native installs run
# migrations as a separate user ("migrate", COMMON_MYSQL_MIGRATE_USER in the
# old Ansible repository), given to the platform as DB_MIGRATION_USER and
# DB_MIGRATION_PASS: the settings' normal user may only read and write rows.
MIGRATION_ARGUMENT_SPEC = dict(
    migration_db_user=dict(type='str'),
    migration_db_password=dict(type='str', no_log=True),
)
MIGRATION_REQUIRED_BY = dict(migration_db_password='migration_db_user')


def migration_credentials(params):
    """``{'user': ..., 'password': ...}`` for the runner's migrate op, or
    None to migrate as the settings' own database user (no
    ``migration_db_user``).

    They reach the platform process in the ops on its standard input, never
    in its argv or environment (both of which other users of the host can
    read in /proc), and the op applies them as the platform's own settings
    apply DB_MIGRATION_* (see op_migrate)."""
    user = params.get('migration_db_user')
    if not user:
        return None
    return {'user': user, 'password': params.get('migration_db_password') or ''}


def _host_facts(params):
    """What ``openedx_host.detect`` (the rule the openedx_facts module and
    the roles use) says of the platform of ``params``, or None when it
    cannot tell. One rule: a module used alone passes the same settings
    and environment to manage.py as a role that passes the facts."""
    try:
        facts, _warnings = _host.detect(
            platform_dir=params.get('platform_dir') or DEFAULT_PLATFORM_DIR,
            config_root=params.get('config_root'), yaml_config_dir=MODERN_CONFIG_DIR)
    except _host.DetectionError:
        return None
    return facts


def platform_settings(params):
    """The settings name: given, else detected from the files on the host
    (``production`` when nothing can be told, as on every release since
    Ironwood)."""
    if params.get('settings'):
        return params['settings']
    facts = _host_facts(params)
    return facts['settings'] if facts else 'production'


def platform_environment(params, service=None):
    """Environment variables for ``manage.py``: detected, then ``environment``.

    Modern settings read the YAML files that ``LMS_CFG`` / ``STUDIO_CFG``
    (``CMS_CFG`` from Nutmeg on) name: the detection takes them from the
    host's ``edxapp_env`` file, else ``/edx/etc``. Legacy settings read
    ``$CONFIG_ROOT``, passed when it was given.
    """
    env = {}
    facts = _host_facts(params)
    if platform_settings(params) != 'aws':
        if facts and facts['generation'] == 'modern':
            env.update(facts['environment'])
        else:
            env['LMS_CFG'] = os.path.join(MODERN_CONFIG_DIR, 'lms.yml')
            env['STUDIO_CFG'] = os.path.join(MODERN_CONFIG_DIR, 'studio.yml')
            env['CMS_CFG'] = env['STUDIO_CFG']
    if params.get('config_root'):
        env['CONFIG_ROOT'] = params['config_root']
    for key, value in (params.get('environment') or {}).items():
        env[str(key)] = '' if value is None else str(value)
    return env


def _current_user():
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return None


def needs_sudo(params):
    user = params.get('user')
    return bool(user) and user != _current_user()


def manage_argv(params, service, args, sudo='sudo', env_bin='env'):
    """The argv list that runs ``manage.py SERVICE --settings=S ARGS...``."""
    argv = []
    if needs_sudo(params):
        argv += [sudo, '-H', '-n', '-u', params['user'], '--']
    environment = platform_environment(params, service)
    if environment:
        argv.append(env_bin)
        argv += ['%s=%s' % (key, environment[key]) for key in sorted(environment)]
    platform_dir = params.get('platform_dir') or DEFAULT_PLATFORM_DIR
    argv += [params.get('python') or DEFAULT_PYTHON,
             os.path.join(platform_dir, 'manage.py'),
             service, '--settings=%s' % platform_settings(params)]
    argv += list(args)
    return argv


def mask(value, secrets=()):
    """Hide secrets (module_utils/openedx_secrets.py).

    Mappings and lists: values under secret-looking keys are masked. Text:
    each string of ``secrets`` (see ``secret_values``) is replaced.
    """
    if isinstance(value, (dict, list, tuple)):
        if secrets and isinstance(value, (list, tuple)):
            value = [mask(item, secrets) for item in value]
        return _secrets.mask_data(value)
    if isinstance(value, str) and secrets:
        return _secrets.scrub(value, secrets)
    return value


# MySQL's errors for a user without the privilege (1142: "CREATE command
# denied to user ...", 1044: no access to the database) or with a wrong
# password (1045: "Access denied for user ...").
_PRIVILEGE_ERROR = re.compile(r'\((?:1142|1044|1045),|command denied to user|Access denied for user')


def migration_failure_hint(error, params):
    """What to add to a migration failure's message when the database
    refused the user: which options (and role variables) give the migration
    user. Empty for any other failure."""
    if not error or not _PRIVILEGE_ERROR.search(error):
        return ''
    if params.get('migration_db_user'):
        return ('; the database refused the migration user %s: check its password '
                '(migration_db_password) and its privileges on the platform\'s database'
                % params['migration_db_user'])
    return ('; the database user of the platform\'s settings may not change the schema: give '
            'the migration user, as a native install runs migrations with DB_MIGRATION_USER and '
            'DB_MIGRATION_PASS (options migration_db_user and migration_db_password; in the roles, '
            'openedx_host_migration_db_user and openedx_host_migration_db_password)')


def secret_values(params):
    """The secret strings among the module's options (the environment values
    under secret-looking names, the migration password), to scrub from error
    output."""
    found = _secrets.secret_strings('environment', params.get('environment') or {})
    password = params.get('migration_db_password')
    if password:
        found.add(password)
    return found


def _printable_argv(argv):
    """argv for messages: environment values and the script text hidden."""
    shown = []
    in_env = False
    hide_next = False
    for item in argv:
        if hide_next:
            shown.append('<runner script>')
            hide_next = False
            continue
        if in_env and '=' in item:
            shown.append(item.split('=', 1)[0] + '=***')
            continue
        in_env = os.path.basename(item) == 'env'
        if item == '-c' and shown and shown[-1] == 'shell':
            hide_next = True
        shown.append(item)
    return ' '.join(shown)


def _tail(text, lines=STDERR_TAIL_LINES):
    return '\n'.join((text or '').rstrip().splitlines()[-lines:])


def _check_paths(module, params):
    platform_dir = params.get('platform_dir') or DEFAULT_PLATFORM_DIR
    manage = os.path.join(platform_dir, 'manage.py')
    if not os.path.isfile(manage):
        module.fail_json(msg='no manage.py in platform_dir %s: set platform_dir to '
                             'the edx-platform checkout' % platform_dir)
    python = params.get('python') or DEFAULT_PYTHON
    if not os.path.exists(python):
        module.fail_json(msg='python %s does not exist: set python to the '
                             "platform's virtualenv interpreter" % python)


def _argv_for_module(module, service, args):
    params = module.params
    sudo = 'sudo'
    if needs_sudo(params):
        sudo = module.get_bin_path('sudo', required=True)
    env_bin = module.get_bin_path('env') or '/usr/bin/env'
    return manage_argv(params, service, args, sudo=sudo, env_bin=env_bin)


def run_manage(module, service, args, data=None, on_line=None):
    """Run ``manage.py SERVICE --settings=S ARGS``; return (rc, stdout, stderr).

    With ``on_line``, each line of standard output is handed to it while
    the command runs (for progress), and the platform's output is not
    buffered.
    """
    if service not in SERVICES:
        module.fail_json(msg='service must be one of %s, not %r' % (', '.join(SERVICES), service))
    _check_paths(module, module.params)
    platform_dir = module.params.get('platform_dir') or DEFAULT_PLATFORM_DIR
    if on_line is None:
        argv = _argv_for_module(module, service, args)
        kwargs = dict(cwd=platform_dir)
        if data is not None:
            kwargs['data'] = data
        return module.run_command(argv, **kwargs)
    params = dict(module.params)
    params['environment'] = dict(params.get('environment') or {}, PYTHONUNBUFFERED='1')
    sudo = module.get_bin_path('sudo', required=True) if needs_sudo(params) else 'sudo'
    argv = manage_argv(params, service, args, sudo=sudo,
                       env_bin=module.get_bin_path('env') or '/usr/bin/env')
    return _run_streaming(argv, platform_dir, on_line)


def _run_streaming(argv, cwd, on_line):
    # module.run_command only returns when the command ends; this hands
    # each line over as it comes.
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, universal_newlines=True)
    # Drain stderr in a thread: a platform that logs more than a pipe holds
    # (64 KiB) to stderr would otherwise block while we read stdout.
    stderr_chunks = []
    drain = threading.Thread(target=lambda: stderr_chunks.append(proc.stderr.read()))
    drain.daemon = True
    drain.start()
    lines = []
    for line in proc.stdout:
        lines.append(line)
        on_line(line.rstrip('\n'))
    rc = proc.wait()
    drain.join()
    return rc, ''.join(lines), ''.join(stderr_chunks)


def command_failure(module, what, stderr):
    """``msg`` and ``stderr_lines`` for a failed platform command, secrets masked."""
    secrets = secret_values(module.params)
    return dict(msg=mask('%s; last lines of its error output:\n%s' % (what, _tail(stderr) or '(none)'), secrets),
                stderr_lines=mask(_tail(stderr).splitlines(), secrets))


def op_failure(module, failure):
    """``msg`` and ``traceback_lines`` for an op that failed in the platform, secrets masked."""
    secrets = secret_values(module.params)
    fields = dict(msg=mask('%s failed: %s' % (failure.get('op'), failure.get('msg')), secrets))
    if failure.get('traceback'):
        fields['traceback_lines'] = mask(failure['traceback'].splitlines(), secrets)
    return fields


def parse_result(stdout):
    """The JSON between the sentinel lines of ``stdout``, or None."""
    lines = (stdout or '').splitlines()
    try:
        begin = len(lines) - 1 - lines[::-1].index(RESULT_BEGIN)
        end = lines.index(RESULT_END, begin + 1)
    except ValueError:
        return None
    try:
        return json.loads('\n'.join(lines[begin + 1:end]))
    except ValueError:
        return None


def run_platform_ops(module, service, ops, extra_sources=()):
    """Run ``ops`` in ONE ``manage.py SERVICE shell -c`` process.

    Returns the list of op results. Fails the module when the process
    exits non-zero or prints no result, with the return code and the end of
    its standard error (the platform's traceback). An op that failed inside
    the process is returned as ``{"failed": True, "msg": ...}``; the caller
    decides (see ``first_failure``).
    """
    script = build_script(extra_sources)
    data = json.dumps(list(ops))
    rc, stdout, stderr = run_manage(module, service, ['shell', '-c', script], data=data)
    results = parse_result(stdout) if rc == 0 else None
    if rc != 0 or not isinstance(results, list):
        argv = _argv_for_module(module, service, ['shell', '-c', script])
        if rc == 0:
            why = 'the platform process printed no result (missing %r)' % RESULT_BEGIN
        else:
            why = 'the platform process failed (rc=%s)' % rc
        secrets = secret_values(module.params)
        module.fail_json(
            msg=mask('%s running manage.py %s shell; last lines of its error output:\n%s'
                     % (why, service, _tail(stderr) or '(none)'), secrets),
            rc=rc,
            cmd=_printable_argv(argv),
            stderr_lines=mask(_tail(stderr).splitlines(), secrets),
            stdout_lines=mask(_tail(stdout).splitlines(), secrets),
        )
    return results


def first_failure(results):
    """The first failed op result, or None."""
    for result in results:
        if isinstance(result, dict) and result.get('failed'):
            return result
    return None
