# -*- coding: utf-8 -*-
# Copyright: contributors to this project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The script that runs inside the Open edX platform process.

``RUNNER_SOURCE`` is Python source text. ``openedx_platform.run_platform_ops``
runs it (followed by any extra op sources) inside ONE
``manage.py SERVICE --settings=S shell -c SCRIPT`` process, so Django is set
up with the platform's own settings, database and models. The text must run
on the platform's interpreter, which is Python 2.7 up to Ironwood (Hawthorn,
the last legacy release, and Ironwood, the first modern one), 3.5 on Juniper
and 3.8 from Koa on: no f-strings, no keyword-only arguments,
no ``nonlocal``, ASCII only. The unit tests check it with vermin.

Protocol
    The list of operations arrives as JSON on standard input (not on the
    command line, where any user could read it with ``ps``):
    ``[{"op": NAME, ARG: VALUE, ...}, ...]``. Each op runs in order; its
    result (a JSON-serialisable dict) goes into a list. An op that raises
    is reported as ``{"failed": true, "msg": ..., "traceback": ...}`` and
    stops the later ops. The list is printed as JSON between the lines
    ``--- openedx-toolkit result begin ---`` and
    ``--- openedx-toolkit result end ---``, so log lines around it do not
    matter.

Adding ops (for example in ``module_utils/openedx_runner_certs.py``)
    Write another module_utils file with a text constant of Python source,
    and pass it in ``extra_sources`` to ``run_platform_ops``. That source is
    executed in the same namespace right after ``RUNNER_SOURCE``, so it can
    use everything defined here::

        CERTS_SOURCE = '''
        @register_op('cert_report')
        def op_cert_report(course_id, apply=False):
            GeneratedCertificate = import_first(
                'lms.djangoapps.certificates.models.GeneratedCertificate',
                'certificates.models.GeneratedCertificate')
            if not course_id:
                raise OpError('course_id is required')
            ...
            return {'counts': counts}
        '''

        results = run_platform_ops(module, 'lms',
                                   [{'op': 'cert_report', 'course_id': cid}],
                                   extra_sources=[CERTS_SOURCE])

    Names available to op sources:

    ``register_op(name)``
        decorator; the function is called with the op's arguments as
        keyword arguments (everything in the op dict except ``op``) and
        returns a dict. A name registered twice replaces the earlier op.
    ``OpError(msg, details=None, traceback_text=None)``
        raise it for an expected failure: the result is
        ``{"failed": true, "msg": msg}`` without a traceback, plus the keys
        of ``details`` (what the op had done before it failed; ``migrate``
        reports ``pending``, ``applied``, ``remaining``, ``failed_migration``
        this way) and ``traceback`` when ``traceback_text`` is given.
    ``import_first(dotted, ...)``
        import the first dotted path that works (module or module
        attribute); the import path of platform apps moved between
        releases. Raises OpError naming all tried paths.
    ``canonical_json(value)``
        compact, key-sorted JSON text: two values are semantically equal
        when their canonical texts are equal (unlike ``==``, it does not
        confuse ``true`` with ``1``).
    ``captured_call_command(name, *args, **options)``
        ``django.core.management.call_command`` with stdout/stderr
        captured; returns ``(stdout_text, stderr_text)``.
    ``json``, ``sys``, ``traceback``
        the standard modules.

    Write ops do their own transaction (``django.db.transaction.atomic``)
    around their writes; ``migrate`` must not run inside one.
"""

from __future__ import absolute_import, division, print_function

import textwrap

__metaclass__ = type

RESULT_BEGIN = '--- openedx-toolkit result begin ---'
RESULT_END = '--- openedx-toolkit result end ---'

# Names of the functions the runner calls at the end of the script.
RUNNER_MAIN_CALL = '_openedx_toolkit_main()\n'

RUNNER_SOURCE = r'''
# openedx-toolkit runner: executed inside "manage.py SERVICE shell -c".
# Python 2.7 and 3.5+ compatible on purpose.
import json
import sys
import traceback

_RESULT_BEGIN = '--- openedx-toolkit result begin ---'
_RESULT_END = '--- openedx-toolkit result end ---'
_OPS = {}


class OpError(Exception):
    """An expected failure of an op: reported without a traceback.

    ``details`` (a dict) goes into the failure result too, for what the op
    had done before it failed; ``traceback_text`` is reported as
    ``traceback`` (for an unexpected error the op caught itself)."""

    def __init__(self, msg, details=None, traceback_text=None):
        Exception.__init__(self, msg)
        self.details = details or {}
        self.traceback_text = traceback_text


def register_op(name):
    def decorator(func):
        _OPS[name] = func
        return func
    return decorator


def canonical_json(value):
    return json.dumps(value, sort_keys=True, separators=(',', ':'))


def import_first(*dotted_paths):
    import importlib
    tried = []
    for dotted in dotted_paths:
        tried.append(dotted)
        try:
            return importlib.import_module(dotted)
        except ImportError:
            pass
        if '.' not in dotted:
            continue
        module_name, attr = dotted.rsplit('.', 1)
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        if hasattr(module, attr):
            return getattr(module, attr)
    raise OpError('cannot import any of: %s' % ', '.join(tried))


def captured_call_command(name, *args, **options):
    from django.core.management import call_command
    if sys.version_info[0] == 2:
        from StringIO import StringIO  # accepts byte and text strings
    else:
        from io import StringIO
    out, err = StringIO(), StringIO()
    options.setdefault('stdout', out)
    options.setdefault('stderr', err)
    call_command(name, *args, **options)
    return out.getvalue(), err.getvalue()


def _text(value):
    try:
        return '%s' % (value,)
    except UnicodeError:
        return repr(value)


def _tail(text, lines=20):
    return '\n'.join(text.strip().splitlines()[-lines:])


# ---------------------------------------------------------------- ops

@register_op('platform_info')
def op_platform_info():
    import os
    import django
    from django.conf import settings
    info = {
        'django_version': django.get_version(),
        'python_version': '%d.%d.%d' % tuple(sys.version_info[:3]),
        'settings_module': os.environ.get('DJANGO_SETTINGS_MODULE'),
        'service_variant': os.environ.get('SERVICE_VARIANT'),
        'database_engine': settings.DATABASES.get('default', {}).get('ENGINE'),
        'release_line': None,
    }
    try:
        from openedx.core.release import RELEASE_LINE
        info['release_line'] = RELEASE_LINE
    except ImportError:
        pass
    return info


def _migration_plan(database):
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor
    executor = MigrationExecutor(connections[database])
    targets = executor.loader.graph.leaf_nodes()
    plan = executor.migration_plan(targets)
    return ['%s.%s' % (migration.app_label, migration.name)
            for migration, backwards in plan if not backwards]


def _migration_lines(output):
    """(names printed as applied, name printed last without its OK) from
    migrate's output: "  Applying app.name... OK" per migration, the name
    printed (and flushed) before the migration runs, " OK" after it (the
    same format from Django 1.7 on)."""
    import re
    done = []
    started = None
    for match in re.finditer(r'Applying (\S+?)\.\.\.( OK)?', output):
        if match.group(2):
            done.append(match.group(1))
            started = None
        else:
            started = match.group(1)
    return done, started


def _use_migration_credentials(credentials):
    """Connect as the migration user from now on: what the platform's own
    production settings do at start-up with DB_MIGRATION_USER and
    DB_MIGRATION_PASS, for every database but read_replica (real
    lms/envs/production.py, and aws.py up to Hawthorn). Applied here, after
    start-up, because the credentials come on standard input: in the
    environment or argv of the platform process, other users of the host
    could read them in /proc."""
    from django.db import connections
    for alias in connections:
        if alias == 'read_replica':
            continue
        connection = connections[alias]
        connection.close()
        if credentials.get('user'):
            connection.settings_dict['USER'] = credentials['user']
        if credentials.get('password') is not None:
            connection.settings_dict['PASSWORD'] = credentials['password']


@register_op('migrate')
def op_migrate(apply=False, database='default', credentials=None):
    if credentials and apply:
        _use_migration_credentials(credentials)
    pending = _migration_plan(database)
    result = {'pending': pending, 'applied': [], 'remaining': pending,
              'output': ''}
    if not apply or not pending:
        return result
    from django.core.management import call_command
    if sys.version_info[0] == 2:
        from StringIO import StringIO
    else:
        from io import StringIO
    out, err = StringIO(), StringIO()
    try:
        call_command('migrate', interactive=False, database=database, verbosity=1,
                     stdout=out, stderr=err)
    except Exception as exc:
        # migrate stops at the first migration that fails; the ones before
        # it stay applied (each is recorded as it completes). Say which, from
        # the database, and which migration failed, from its output. (On
        # MySQL, which cannot roll DDL back, the failing one may be half
        # applied; SQLite and PostgreSQL roll it back.)
        trace = _tail(traceback.format_exc(), 30)
        output = out.getvalue() + '\n' + err.getvalue()
        printed_done, failing = _migration_lines(output)
        try:
            remaining = _migration_plan(database)
        except Exception:
            # The connection is unusable after the failure: trust the output.
            remaining = [name for name in pending if name not in printed_done]
        applied = [name for name in pending if name not in remaining]
        error = '%s: %s' % (type(exc).__name__, _text(exc))
        if failing is not None:
            msg = ('migration %s failed: %s (%d of the %d pending migrations were applied '
                   'before it)' % (failing, error, len(applied), len(pending)))
        elif applied:
            msg = 'migrate failed after applying %d of the %d pending migrations: %s' % (
                len(applied), len(pending), error)
        else:
            msg = 'migrate failed before applying any of the %d pending migrations: %s' % (
                len(pending), error)
        raise OpError(msg, traceback_text=trace, details={
            'pending': pending, 'applied': applied, 'remaining': remaining,
            'failed_migration': failing, 'error': error, 'output': _tail(output)})
    remaining = _migration_plan(database)
    result['applied'] = [name for name in pending if name not in remaining]
    result['remaining'] = remaining
    result['output'] = _tail(out.getvalue() + '\n' + err.getvalue())
    return result


def _html_view_model():
    return import_first(
        'lms.djangoapps.certificates.models.CertificateHtmlViewConfiguration',
        'certificates.models.CertificateHtmlViewConfiguration')


def _row_state(row):
    if row is None:
        return None
    state = {'id': row.pk, 'enabled': bool(row.enabled),
             'change_date': row.change_date.isoformat() if row.change_date else None,
             'changed_by': None, 'configuration': None, 'parse_error': None}
    if getattr(row, 'changed_by_id', None):
        state['changed_by'] = row.changed_by.get_username()
    try:
        state['configuration'] = json.loads(row.configuration)
    except ValueError as exc:
        state['parse_error'] = 'stored configuration is not valid JSON: %s' % exc
    return state


def _newest_row(model):
    # The same row as ConfigurationModel.current(), read from the database
    # rather than the 600 s cache, so that a stale cache cannot hide a change.
    rows = list(model.objects.order_by('-change_date', '-id')[:1])
    return rows[0] if rows else None


def _serialize_configuration(configuration):
    text = json.dumps(configuration, sort_keys=True, indent=2,
                      separators=(',', ': '), ensure_ascii=False)
    if isinstance(text, bytes):
        text = text.decode('utf-8')
    return text


@register_op('html_view_config')
def op_html_view_config(wanted, apply=False, username=None):
    from django.db import transaction
    model = _html_view_model()
    user = None
    if username:
        from django.contrib.auth import get_user_model
        user_model = get_user_model()
        try:
            user = user_model.objects.get(username=username)
        except user_model.DoesNotExist:
            raise OpError('username %r does not exist on the platform; create '
                          'the user first or leave username unset' % username)
    from django.db import DatabaseError
    try:
        newest = _newest_row(model)
    except DatabaseError:
        # The table is not there yet (its migration is still pending): a
        # check run cannot read it and says so; a real run migrates first,
        # so this is an error there.
        if apply:
            raise
        return {'changed': True, 'before': None, 'after': None, 'row_id': None, 'rows': 0,
                'written': False, 'table_missing': True}
    before = _row_state(newest)
    want_enabled = bool(wanted.get('enabled', True))
    want_config = wanted['configuration']
    same = (before is not None and before['parse_error'] is None
            and before['enabled'] == want_enabled
            and canonical_json(before['configuration']) == canonical_json(want_config))
    result = {'changed': not same, 'before': before, 'after': before,
              'row_id': before['id'] if before else None,
              'rows': model.objects.count(), 'written': False}
    if same or not apply:
        return result
    with transaction.atomic():
        row = model(enabled=want_enabled,
                    configuration=_serialize_configuration(want_config),
                    changed_by=user)
        if hasattr(row, 'clean'):
            row.clean()
        row.save()
    after = _row_state(model.objects.get(pk=row.pk))
    result.update({'after': after, 'row_id': row.pk,
                   'rows': model.objects.count(), 'written': True})
    return result


# ---------------------------------------------------------------- main

def _json_default(value):
    if hasattr(value, 'isoformat'):
        return value.isoformat()
    return repr(value)


def _read_ops():
    stream = getattr(sys.stdin, 'buffer', sys.stdin)
    raw = stream.read()
    if isinstance(raw, bytes):
        raw = raw.decode('utf-8')
    return json.loads(raw)


def _run_ops(ops):
    results = []
    for op in ops:
        args = dict((str(key), value) for key, value in op.items() if key != 'op')
        name = op.get('op')
        func = _OPS.get(name)
        if func is None:
            results.append({'failed': True, 'op': name,
                            'msg': 'unknown op %r (known: %s)' % (name, ', '.join(sorted(_OPS)))})
            break
        try:
            result = func(**args)
        except OpError as exc:
            failure = dict(getattr(exc, 'details', None) or {})
            failure.update({'failed': True, 'op': name, 'msg': _text(exc)})
            if getattr(exc, 'traceback_text', None):
                failure['traceback'] = exc.traceback_text
            results.append(failure)
            break
        except Exception as exc:
            results.append({'failed': True, 'op': name,
                            'msg': 'op %s failed: %s: %s' % (name, type(exc).__name__, _text(exc)),
                            'traceback': _tail(traceback.format_exc(), 30)})
            break
        if result is None:
            result = {}
        result.setdefault('op', name)
        results.append(result)
    return results


def _openedx_toolkit_main():
    try:
        results = _run_ops(_read_ops())
    except Exception as exc:
        results = [{'failed': True, 'op': None,
                    'msg': 'runner failed: %s: %s' % (type(exc).__name__, _text(exc)),
                    'traceback': _tail(traceback.format_exc(), 30)}]
    payload = json.dumps(results, sort_keys=True, default=_json_default)
    sys.stdout.flush()
    sys.stdout.write('\n' + _RESULT_BEGIN + '\n' + payload + '\n' + _RESULT_END + '\n')
    sys.stdout.flush()
'''


def build_script(extra_sources=()):
    """Return the text for ``shell -c``.

    The runner and the extra sources are executed with ``exec`` in a fresh
    namespace: Django versions differ in the namespace ``shell -c`` gives
    (1.11 runs the command in a function's locals, where functions defined
    by the command cannot see each other).
    """
    body = RUNNER_SOURCE
    for source in extra_sources:
        body += '\n' + textwrap.dedent(source) + '\n'
    body += '\n' + RUNNER_MAIN_CALL
    return ("exec(compile(%r, '<openedx-toolkit runner>', 'exec'), "
            "{'__name__': '__openedx_toolkit__'})\n" % str(body))
