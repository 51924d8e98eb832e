"""openedx_generate_certs with a faked platform process."""
import json
import os
import subprocess
import sys

import pytest

import openedx_generate_certs as gen
from ansible.module_utils.openedx_runner import RUNNER_SOURCE, build_script
from ansible.module_utils.openedx_runner_certs import CERTS_SOURCE
from ansible.module_utils.openedx_cert_selection import select_learners, selection_digest


# ---------------------------------------------------------------- a fake platform


class FakePlatform:
    def __init__(self, courses):
        # courses: {course_id: {'learners': {user_id: (mode, active, passing)}, 'certs': {uid: (status, mode)}}}
        self.courses = courses
        self.starts = []

    # -- helpers -------------------------------------------------------------
    def _course(self, cid):
        return self.courses.get(cid)

    def counts_by_status(self, cid):
        counts = {}
        for status, _mode in self.courses[cid]['certs'].values():
            counts[status] = counts.get(status, 0) + 1
        return counts

    def flat(self, cid):
        course = self.courses[cid]
        certs = course['certs']
        flat = {
            'enrolled_current': sum(1 for m, a, p in course['learners'].values() if a),
            'enrolled_total': len(course['learners']),
            'verified_enrolled': sum(1 for s, m in certs.values() if m == 'verified'),
            'honor_enrolled': sum(1 for s, m in certs.values() if m == 'honor'),
            'audit_enrolled': sum(1 for s, m in certs.values() if m == 'audit'),
        }
        flat.update(self.counts_by_status(cid))
        for status, mode in certs.values():
            if status == 'downloadable':
                flat[mode] = flat.get(mode, 0) + 1
        return flat

    def render_report(self, cid):
        data = self.flat(cid)
        keys = sorted(data)
        return ('Looking up certificate states for %s\n' % cid
                + '{:>26}'.format('course ID') + ' ' + ' '.join('{:>16}'.format(k) for k in keys) + '\n'
                + '{0:>26} '.format(cid) + ''.join('{:>16} '.format(data[k]) for k in keys) + '\n')

    def select(self, cid, op):
        """The toolkit's own selection (openedx_cert_selection) on this fake's rows; audit is never eligible."""
        course = self.courses[cid]
        enrollments = [(uid, mode, active) for uid, (mode, active, _p) in sorted(course['learners'].items())]
        statuses = dict((uid, status) for uid, (status, _m) in course['certs'].items())
        filters = op.get('platform_filters', True)
        return select_learners(enrollments, statuses, regenerate_statuses=op.get('regenerate_statuses'),
                               mode_is_eligible=(lambda mode: mode != 'audit') if filters else None,
                               active_only=op.get('active_only', True), missing_status=op.get('missing_status'))

    def pending(self, cid, force, active_only):
        """What the legacy ungenerated_certs walks: every enrollment whose status (unavailable without a
        row) is --force-gen's, default unavailable."""
        ids, _left_out = self.select(cid, {'regenerate_statuses': [force] if force else None,
                                           'active_only': active_only, 'platform_filters': False,
                                           'missing_status': 'unavailable'})
        return ids

    def generate(self, cid, uids):
        course = self.courses[cid]
        for uid in uids:
            mode, active, passing = course['learners'][uid]
            course['certs'][uid] = ('downloadable' if passing else 'notpassing', mode)

    # -- the op interpreter --------------------------------------------------
    def run_op(self, op):
        name = op['op']
        cid = op.get('course_id')
        if name == 'certificate_statuses':
            self.asked_statuses = op.get('wanted')
            return {'op': name, 'known': [], 'wanted': op.get('wanted')}
        if name != 'course_info' and cid not in self.courses:
            return {'op': name, 'course_id': cid, 'certificates': {}}
        if name == 'course_info':
            if cid not in self.courses:
                if op.get('require_exists'):
                    return {'failed': True, 'op': name,
                            'msg': 'course %s does not exist on this platform' % cid}
                return {'op': name, 'course_id': cid, 'exists': False, 'certificates': {},
                        'enrollments': {'total': 0, 'active': 0, 'by_mode': {}}}
            learners = self.courses[cid]['learners']
            by_mode = {}
            for mode, active, _p in learners.values():
                if active:
                    by_mode[mode] = by_mode.get(mode, 0) + 1
            return {'op': name, 'course_id': cid, 'exists': True, 'end': None,
                    'display_name': 'Course ' + cid,
                    'certificates': self.counts_by_status(cid),
                    'enrollments': {'total': len(learners),
                                    'active': sum(1 for m, a, p in learners.values() if a),
                                    'by_mode': by_mode}}
        if name == 'pending_learners':
            ids, left_out = self.select(cid, op)
            return {'op': name, 'course_id': cid, 'count': len(ids), 'left_out': left_out,
                    'digest': selection_digest(ids), 'regenerate_statuses': op.get('regenerate_statuses')}
        if name == 'ungenerated_certs':
            ids = self.pending(cid, op.get('force_status'), False)
            if not op.get('noop'):
                self.generate(cid, ids)
            self.last_ungenerated = op
            return {'op': name, 'course_id': cid, 'progress_lines': [], 'noop': op.get('noop')}
        if name == 'cert_generation':
            ids, _left_out = self.select(cid, op)
            late = getattr(self, 'time_out', False)
            if not late:
                self.generate(cid, ids)
            return {'op': name, 'course_id': cid, 'requested': len(ids), 'sent': len(ids), 'queued': len(ids),
                    'decided_in_process': 0, 'not_eligible': 0, 'still_waiting': 0, 'waited_for': len(ids),
                    'processed': 0 if late else len(ids), 'results_pending': len(ids) if late else 0,
                    'timed_out': late, 'pending_tasks': {}}
        if name == 'cert_report':
            return {'op': name, 'course_id': cid, 'counts': self.flat(cid)}
        if name == 'gen_cert_report':
            return {'op': name, 'course_id': cid, 'output': self.render_report(cid)}
        return {'failed': True, 'op': name, 'msg': 'unknown op %s' % name}

    def run_platform_ops(self, module, service, ops, extra_sources=()):
        json.dumps(ops)  # what crosses the process boundary must be JSON
        for op in ops:
            # Each op must be callable with its arguments by the real op source, as in the platform.
            check_op_arguments(op)
        assert extra_sources, 'the certificate ops need their source text'
        self.starts.append(('ops', [op['op'] for op in ops]))
        results = []
        for op in ops:
            result = self.run_op(op)
            results.append(result)
            if result.get('failed'):
                break
        return results

    def run_manage(self, module, service, args, data=None):
        self.starts.append(('manage', list(args)))
        if args[0] == 'gen_cert_report':
            return 0, self.render_report(args[2]), ''
        raise AssertionError('unexpected command %r' % (args,))


def _real_op_parameters():
    import re
    params = {}
    for match in re.finditer(r"@register_op\('(\w+)'\)\ndef \w+\(([^)]*)\)", CERTS_SOURCE):
        params[match.group(1)] = set(p.split('=')[0].strip() for p in match.group(2).split(',') if p.strip())
    return params


REAL_OP_PARAMETERS = _real_op_parameters()


def check_op_arguments(op):
    unknown = set(op) - {'op'} - REAL_OP_PARAMETERS[op['op']]
    assert not unknown, 'op %s takes no %s' % (op['op'], sorted(unknown))


def test_the_fake_checks_op_arguments_against_the_real_ops():
    assert 'missing_status' in REAL_OP_PARAMETERS['pending_learners']
    with pytest.raises(AssertionError):
        check_op_arguments({'op': 'pending_learners', 'course_id': 'x', 'no_such': 1})


def make_platform_dir(tmp_path, commands):
    root = tmp_path / 'edx-platform'
    cmd_dir = root / 'lms' / 'djangoapps' / 'certificates' / 'management' / 'commands'
    cmd_dir.mkdir(parents=True)
    (root / 'manage.py').write_text('')
    for name in commands:
        (cmd_dir / (name + '.py')).write_text('')
    return str(root)


def demo_courses():
    return {
        'edX/toy/2012_Fall': {
            'learners': {1: ('honor', True, True), 2: ('honor', True, False), 3: ('honor', False, True),
                         4: ('honor', True, True)},
            'certs': {4: ('downloadable', 'honor')},
        },
        'course-v1:edX+DemoX+Demo_Course': {
            'learners': {10: ('verified', True, True), 11: ('audit', True, True), 12: ('honor', True, False)},
            'certs': {},
        },
    }


TOY = 'edX/toy/2012_Fall'
DEMO = 'course-v1:edX+DemoX+Demo_Course'


@pytest.fixture
def fake(monkeypatch):
    platform = FakePlatform(demo_courses())
    monkeypatch.setattr(gen.platform, 'run_platform_ops', platform.run_platform_ops)
    monkeypatch.setattr(gen.platform, 'run_manage', platform.run_manage)
    return platform


def args(platform_dir, **extra):
    base = {'platform_dir': platform_dir, 'user': '', 'python': '/usr/bin/python3',
            'queued_tasks_file': os.path.join(os.path.dirname(platform_dir), 'generation-queue.json')}
    base.update(extra)
    return base


def test_legacy_generates_in_one_process_and_second_run_does_nothing(tmp_path, fake, ansible_module):
    pdir = make_platform_dir(tmp_path, ['ungenerated_certs', 'gen_cert_report'])
    result = ansible_module('openedx_generate_certs', args(pdir, course_ids=[TOY], lms_https=False))
    assert not result.get('failed'), result
    assert result['method'] == 'ungenerated_certs'
    assert result['platform_starts'] == 1 and len(fake.starts) == 1
    toy = result['courses'][TOY]
    assert toy['before'] == {'downloadable': 1}
    # learners 1, 2 (active) and 3 (inactive: ungenerated_certs walks every enrollment)
    assert toy['after'] == {'downloadable': 3, 'notpassing': 1}
    assert toy['generated'] == 2 and result['generated'] == 2
    assert toy['changes'] == {'downloadable': 2, 'notpassing': 1}
    assert result['changed'] is True
    assert fake.last_ungenerated['insecure'] is True  # lms_https false
    ops = fake.starts[0][1]
    assert ops.index('course_info') < ops.index('ungenerated_certs') < len(ops) - 1
    again = ansible_module('openedx_generate_certs', args(pdir, course_ids=[TOY], lms_https=True))
    assert again['changed'] is False and again['generated'] == 0
    assert fake.last_ungenerated['insecure'] is False


def test_force_status_and_insecure_override(tmp_path, fake, ansible_module):
    pdir = make_platform_dir(tmp_path, ['ungenerated_certs'])
    fake.courses[TOY]['certs'][1] = ('error', 'honor')
    result = ansible_module('openedx_generate_certs', args(pdir, course_ids=[TOY], force_status='error',
                                                           insecure=True, lms_https=True))
    assert fake.last_ungenerated['force_status'] == 'error' and fake.last_ungenerated['insecure'] is True
    assert result['courses'][TOY]['learners'] == 1
    assert result['courses'][TOY]['changes'] == {'downloadable': 1, 'error': -1}


def test_regenerate_statuses_as_a_list_or_comma_text(tmp_path, fake, ansible_module):
    pdir = make_platform_dir(tmp_path, ['cert_generation'])
    fake.courses[TOY]['certs'].update({1: ('error', 'honor'), 2: ('unverified', 'honor')})
    result = ansible_module('openedx_generate_certs', args(pdir, course_ids=[TOY],
                                                           regenerate_statuses='unverified, error'))
    assert not result.get('failed'), result
    assert result['regenerate_statuses'] == ['unverified', 'error']
    # The platform's own CertificateStatuses are asked first, in the one process.
    assert fake.asked_statuses == ['unverified', 'error']
    ops = fake.starts[0][1]
    assert ops.index('certificate_statuses') < ops.index('cert_generation')
    toy = result['courses'][TOY]
    assert toy['learners'] == 2
    assert toy['selection']['left_out'] == {'inactive_enrollment': {'honor': 1},
                                            'not_in_regenerate_statuses': {'downloadable': 1}}
    assert toy['changes'] == {'downloadable': 1, 'error': -1, 'notpassing': 1, 'unverified': -1}


def test_unknown_statuses_are_refused_before_anything_starts(tmp_path, fake, ansible_module):
    pdir = make_platform_dir(tmp_path, ['cert_generation'])
    result = ansible_module('openedx_generate_certs', args(pdir, course_ids=[TOY],
                                                           regenerate_statuses=['error', 'eror', 'passed']))
    assert result['failed'] and result['unknown_statuses'] == ['eror', 'passed']
    assert 'eror, passed are not a certificate status' in result['msg'] and 'unverified' in result['msg']
    assert result['platform_starts'] == 0 and fake.starts == []


def test_force_status_still_works_and_is_deprecated(tmp_path, fake, ansible_module, module_messages):
    pdir = make_platform_dir(tmp_path, ['cert_generation'])
    fake.courses[TOY]['certs'][1] = ('error', 'honor')
    result = ansible_module('openedx_generate_certs', args(pdir, course_ids=[TOY], force_status='error'))
    assert result['regenerate_statuses'] == ['error'] and result['courses'][TOY]['learners'] == 1
    assert any('force_status is deprecated' in str(d) for d in result.get('deprecations', [])), result
    # unavailable keeps its old meaning: the default selection.
    assert gen.regenerate_statuses_of({'force_status': 'unavailable'}) == []
    assert gen.regenerate_statuses_of({'regenerate_statuses': ['error'], 'force_status': 'unverified'}) == \
        ['error', 'unverified']


def test_legacy_command_runs_once_per_status(tmp_path, fake, ansible_module):
    pdir = make_platform_dir(tmp_path, ['ungenerated_certs'])
    result = ansible_module('openedx_generate_certs', args(pdir, course_ids=[TOY],
                                                           regenerate_statuses=['error', 'notpassing']))
    assert not result.get('failed'), result
    ops = fake.starts[0][1]
    assert ops.count('ungenerated_certs') == 2
    assert fake.last_ungenerated['force_status'] == 'notpassing'
    assert [run['noop'] for run in result['courses'][TOY]['generation']['runs']] == [False, False]


def test_malformed_id_starts_nothing(tmp_path, fake, ansible_module):
    pdir = make_platform_dir(tmp_path, ['ungenerated_certs'])
    result = ansible_module('openedx_generate_certs', args(pdir, course_ids=[TOY, 'edX/toy/2012_Fall/']))
    assert result['failed'] and 'slash' in result['msg']
    assert result['platform_starts'] == 0 and fake.starts == []


def test_missing_course_fails_before_any_generation(tmp_path, fake, ansible_module):
    pdir = make_platform_dir(tmp_path, ['cert_generation'])
    result = ansible_module('openedx_generate_certs',
                            args(pdir, course_ids=[DEMO, 'course-v1:edX+Nope+2099']))
    assert result['failed'] and 'does not exist' in result['msg']
    assert result['platform_starts'] == 1
    assert fake.courses[DEMO]['certs'] == {}  # nothing generated for the good course either
    assert result['changed'] is False


def test_modern_batches_in_one_process(tmp_path, fake, ansible_module):
    pdir = make_platform_dir(tmp_path, ['cert_generation'])
    result = ansible_module('openedx_generate_certs', args(pdir, course_ids=[DEMO, TOY], batch_size=2))
    assert not result.get('failed'), result
    assert result['method'] == 'cert_generation' and result['platform_starts'] == 1
    ops = fake.starts[0][1]
    assert ops[:2] == ['course_info', 'course_info']
    assert ops.count('cert_generation') == 2
    demo = result['courses'][DEMO]
    # The audit learner 11 is left out before anything is published: audit can never earn one.
    assert demo['before'] == {} and demo['after'] == {'downloadable': 1, 'notpassing': 1}
    assert demo['selection']['left_out'] == {'mode_not_eligible': {'audit': 1}}
    assert demo['selection']['selected'] == demo['learners'] == 2
    # modern: active learners only, so toy's inactive learner 3 gets nothing
    assert result['courses'][TOY]['after'] == {'downloadable': 2, 'notpassing': 1}
    assert result['courses'][TOY]['selection']['left_out'] == {'inactive_enrollment': {'honor': 1},
                                                               'has_certificate': {'downloadable': 1}}
    assert result['reasons']['inactive_enrollment']['how'] == 'read'
    assert result['generated'] == 2
    again = ansible_module('openedx_generate_certs', args(pdir, course_ids=[DEMO, TOY]))
    assert again['changed'] is False and again['generated'] == 0


def test_worker_timeout_is_a_failure_with_counts(tmp_path, fake, ansible_module):
    pdir = make_platform_dir(tmp_path, ['cert_generation'])
    fake.time_out = True
    result = ansible_module('openedx_generate_certs', args(pdir, course_ids=[DEMO], wait_timeout=5,
                                                           queued_tasks_file=str(tmp_path / 'q.json')))
    assert result['failed'] and 'workers' in result['msg']
    assert result['courses'][DEMO]['after'] is not None


@pytest.mark.parametrize('commands, method', [(['ungenerated_certs'], 'ungenerated_certs'),
                                              (['cert_generation'], 'cert_generation')])
def test_check_mode_changes_nothing(tmp_path, fake, ansible_module, commands, method):
    pdir = make_platform_dir(tmp_path, commands)
    result = ansible_module('openedx_generate_certs', args(pdir, course_ids=[DEMO]), check_mode=True)
    assert not result.get('failed'), result
    assert result['method'] == method
    assert fake.courses[DEMO]['certs'] == {}
    # ungenerated_certs picks for itself (the audit learner too); cert_generation is not sent audit.
    expected = 3 if method == 'ungenerated_certs' else 2
    assert result['changed'] is True and result['would_generate_for'] == {DEMO: expected}
    ops = fake.starts[0][1]
    assert 'cert_generation' not in ops
    if method == 'ungenerated_certs':
        assert fake.last_ungenerated['noop'] is True


def test_no_generation_command_is_refused(tmp_path, fake, ansible_module):
    pdir = make_platform_dir(tmp_path, [])
    result = ansible_module('openedx_generate_certs', args(pdir, course_ids=[DEMO]))
    assert result['failed'] and 'no certificate generation command' in result['msg']
    result = ansible_module('openedx_generate_certs', args(make_platform_dir(tmp_path / 'm', ['cert_generation']),
                                                           course_ids=[DEMO], method='ungenerated_certs'))
    assert result['failed'] and 'removed in' in result['msg']
    assert fake.starts == []


def test_literal_command_way_streams_progress(tmp_path, monkeypatch, fake, ansible_module):
    pdir = make_platform_dir(tmp_path, ['ungenerated_certs'])
    progress = str(tmp_path / 'progress' / 'p.json')
    seen = []

    def fake_stream(module, service, argv_args, data=None, on_line=None):
        assert service == 'lms' and on_line is not None
        fake.starts.append(('manage', argv_args))
        on_line('500/1000 completed ~00:01m remaining')
        seen.append(json.load(open(progress)))
        fake.generate(argv_args[2], fake.pending(argv_args[2], None, False))
        return 0, '500/1000 completed ~00:01m remaining\n', ''

    monkeypatch.setattr(gen.platform, 'run_manage', fake_stream)
    result = ansible_module('openedx_generate_certs', args(pdir, course_ids=[TOY], in_process=False,
                                                           lms_https=False, progress_file=progress))
    assert not result.get('failed'), result
    assert result['platform_starts'] == 3
    assert fake.starts[1] == ('manage', ['ungenerated_certs', '-c', TOY, '--insecure'])
    assert seen[0]['done'] == 500 and seen[0]['total'] == 1000
    final = json.load(open(progress))
    assert final['finished'] is True and final['failed'] is False
    assert result['courses'][TOY]['generated'] == 2


def test_status_changes():
    assert gen.status_changes({'a': 1, 'b': 2}, {'a': 1, 'b': 3, 'c': 1}) == {'b': 1, 'c': 1}
    assert gen.status_changes({}, {}) == {}


# ---------------------------------------------------------------- the ops source

VERMIN = os.path.join(os.path.dirname(sys.executable), 'vermin')


def test_compiles_with_the_runner():
    script = build_script([CERTS_SOURCE])
    compile(script, '<script>', 'exec')
    body = CERTS_SOURCE
    compile(body, '<certs>', 'exec')
    for op in ('course_info', 'cert_report', 'gen_cert_report', 'pending_learners',
               'cert_generation', 'ungenerated_certs'):
        assert "@register_op('%s')" % op in body


def test_ascii_only():
    CERTS_SOURCE.encode('ascii')


def test_vermin_py27_and_py35(tmp_path):
    path = tmp_path / 'certs_ops.py'
    path.write_text(CERTS_SOURCE)
    proc = subprocess.run([VERMIN, '-t=2.7-', '-t=3.5-', '--no-tips', '--violations', str(path)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# ---------------------------------------------------------------- against the sandbox platform (Maple)
#
# The toolkit's ops and module run for real against the sandbox's Maple
# platform (tests/sandbox/edx-platform: generation_handler's rules, a task
# table for a broker, sandbox_worker.py for the workers), on a copy of its
# demo database. The rules course of the demo data has, among its nine
# learners, an invalidated certificate (generate_certificate_task returns
# True and publishes nothing) and a failing learner with a row that becomes
# notpassing in-process: 4 tasks are published, 2 outcomes are decided
# in-process, 3 learners get nothing.

import shutil  # noqa: E402
import sqlite3  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import yaml  # noqa: E402

from ansible.module_utils.openedx_runner import RESULT_BEGIN, RESULT_END  # noqa: E402


def warnings_of(result):
    return [w['event']['msg'] if isinstance(w, dict) else w for w in result.get('warnings', [])]

SANDBOX_PLATFORM = Path(__file__).resolve().parents[2] / 'tests' / 'sandbox' / 'edx-platform'
RULES = 'course-v1:OpenedX+Rules+2026'


class MapleSandbox:
    def __init__(self, root, db):
        self.root = Path(root)
        self.db = str(db)
        self.config = self.root / 'lms.yml'
        self.config.write_text(yaml.safe_dump({
            'SECRET_KEY': 'unit', 'FEATURES': {'CERTIFICATES_HTML_VIEW': True},
            # Every key: the settings' DB_MIGRATION_* rewrite reads each.
            'DATABASES': {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': self.db,
                                      'USER': '', 'PASSWORD': '', 'HOST': '', 'PORT': '',
                                      'OPTIONS': {'timeout': 30}}}}))
        self.environment = {'LMS_CFG': str(self.config), 'STUDIO_CFG': str(self.config),
                            'SANDBOX_RELEASE_LINE': 'maple',
                            'SANDBOX_MANAGE_LOG': str(self.root / 'manage-starts.log')}
        self.worker = None

    def env(self):
        env = {k: v for k, v in os.environ.items()
               if k not in ('DJANGO_SETTINGS_MODULE', 'SERVICE_VARIANT', 'LMS_CFG', 'STUDIO_CFG', 'CMS_CFG')}
        env.update(self.environment)
        return env

    def manage(self, *args, stdin=None):
        proc = subprocess.run([sys.executable, 'manage.py', 'lms', '--settings=production'] + list(args),
                              cwd=str(SANDBOX_PLATFORM), env=self.env(), input=stdin, capture_output=True,
                              text=True, timeout=300)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return proc

    def ops(self, ops):
        out = self.manage('shell', '-c', build_script([CERTS_SOURCE]), stdin=json.dumps(ops)).stdout
        lines = out.splitlines()
        return json.loads('\n'.join(lines[lines.index(RESULT_BEGIN) + 1:lines.index(RESULT_END)]))

    def module_args(self, **extra):
        base = {'platform_dir': str(SANDBOX_PLATFORM), 'python': sys.executable, 'settings': 'production',
                'user': '', 'environment': self.environment, 'poll_interval': 0.2, 'method': 'cert_generation',
                'queued_tasks_file': str(self.root / 'toolkit' / 'generation-queue.json')}
        base.update(extra)
        return base

    def sql(self, query, params=()):
        conn = sqlite3.connect(self.db)
        try:
            return conn.execute(query, params).fetchall()
        finally:
            conn.close()

    def statuses(self, course):
        return dict(self.sql('SELECT status, COUNT(*) FROM certificates_generatedcertificate WHERE course_id=? '
                             'GROUP BY status', (course,)))

    def start_worker(self):
        env = dict(self.env(), DJANGO_SETTINGS_MODULE='lms.envs.production')
        self.worker = subprocess.Popen([sys.executable, '-m', 'sandbox_worker', '--interval', '0.2'],
                                       cwd=str(SANDBOX_PLATFORM), env=env, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)

    def run_worker_once(self):
        env = dict(self.env(), DJANGO_SETTINGS_MODULE='lms.envs.production')
        proc = subprocess.run([sys.executable, '-m', 'sandbox_worker', '--once'], cwd=str(SANDBOX_PLATFORM),
                              env=env, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout.strip()

    def stop_worker(self):
        if self.worker is not None:
            self.worker.terminate()
            self.worker.wait(timeout=30)
            self.worker = None


@pytest.fixture(scope='module')
def maple_base_db(tmp_path_factory):
    root = tmp_path_factory.mktemp('maple-base')
    host = MapleSandbox(root, root / 'base.sqlite3')
    host.manage('shell', '-c', 'from openedx.core.djangoapps.sandbox.image_setup import setup; setup()')
    host.manage('migrate', '--noinput')  # what site.yml does on a fresh host
    return root / 'base.sqlite3'


@pytest.fixture
def maple(maple_base_db, tmp_path):
    shutil.copy(str(maple_base_db), str(tmp_path / 'edxapp.sqlite3'))
    host = MapleSandbox(tmp_path, tmp_path / 'edxapp.sqlite3')
    yield host
    host.stop_worker()


def _cert_generation_op(**extra):
    op = {'op': 'cert_generation', 'course_id': RULES, 'wait_timeout': 15, 'poll_interval': 0.2}
    op.update(extra)
    return op


def test_only_published_tasks_are_waited_for(maple):
    """An invalidated certificate (True, nothing published) must not make the run wait its timeout."""
    maple.start_worker()
    begin = time.time()
    result, = maple.ops([_cert_generation_op()])
    assert not result.get('failed'), result
    assert result['requested'] == 9
    assert result['queued'] == 4, result               # published to the workers
    assert result['decided_in_process'] == 2, result   # invalidated (unavailable), notpassing
    assert result['not_eligible'] == 3, result
    # Why, learner by learner (load_demo_data RULES_LEARNERS), from what the platform answered and the data.
    assert result['outcomes'] == {'published': {'downloadable': 2, 'unverified': 2},
                                  'decided_in_process': {'notpassing': 1, 'unavailable': 1},
                                  'declined': {'beta_tester': {'regular': 1}, 'not_passing': {'regular': 2}}}
    assert result['left_out'] == {} and result['sent'] == 9
    assert set(result['seconds']) == {'select', 'publish', 'sort_outcomes', 'wait'}
    assert result['timed_out'] is False and result['processed'] == 4, result
    assert time.time() - begin < 12
    assert maple.statuses(RULES) == {'downloadable': 2, 'notpassing': 1, 'unavailable': 1, 'unverified': 2}


def test_progress_is_written_when_something_moves(maple, tmp_path):
    """Workers down: the wait writes one record, not one per poll."""
    progress = tmp_path / 'progress.json'
    result, = maple.ops([_cert_generation_op(wait_timeout=3, progress={'file': str(progress)})])
    end = time.time()
    assert result['timed_out'] is True and result['waited_seconds'] >= 3
    record = json.loads(progress.read_text())
    assert record['phase'] == 'wait' and record['done'] == 0 and record['total'] == 4
    assert record['seq'] / 1000.0 < end - 2.0, 'a record was written while nothing moved'


def test_a_timeout_is_a_change_with_the_results_to_come(maple, ansible_module):
    """Workers down: nothing is written before the timeout, but 8 tasks were queued and will write later."""
    result = ansible_module('openedx_generate_certs', maple.module_args(course_ids=[DEMO], wait_timeout=2))
    assert result['failed'], result
    course = result['courses'][DEMO]
    assert course['after'] == course['before'] == {}
    assert result['changed'] is True, 'tasks were queued: the certificates will be written'
    assert course['generation']['queued'] == 8 and course['generation']['processed'] == 0
    assert '8 generation task(s)' in result['msg'] and 'still to come' in result['msg'], result['msg']
    assert maple.run_worker_once() == '8 task(s) run'
    assert maple.statuses(DEMO) == {'downloadable': 6, 'unverified': 2}


def test_a_rerun_does_not_queue_waiting_learners_again(maple, ansible_module, module_messages):
    first = ansible_module('openedx_generate_certs', maple.module_args(course_ids=[RULES], wait_timeout=1))
    assert first['failed'] and first['courses'][RULES]['generation']['queued'] == 4
    tasks = maple.sql('SELECT COUNT(*) FROM sandbox_sandboxtask')[0][0]
    assert tasks == 4
    checked = ansible_module('openedx_generate_certs', maple.module_args(course_ids=[RULES]), check_mode=True)
    # 9 learners, less the one now notpassing, less the 4 whose task is still queued
    assert checked['would_generate_for'] == {RULES: 4}, checked
    assert any('still have a generation task queued' in w for w in warnings_of(checked)), checked
    second = ansible_module('openedx_generate_certs', maple.module_args(course_ids=[RULES], wait_timeout=1))
    assert maple.sql('SELECT COUNT(*) FROM sandbox_sandboxtask')[0][0] == tasks, 'the same learners were queued again'
    generation = second['courses'][RULES]['generation']
    assert generation['queued'] == 0 and generation['still_waiting'] == 4, generation
    assert any('4 learner(s) still have' in w for w in warnings_of(second)), second
    # The workers come back: each task runs once.
    assert maple.run_worker_once() == '4 task(s) run'
    history = dict(maple.sql(
        "SELECT u.username, COUNT(*) FROM certificates_historicalgeneratedcertificate h JOIN auth_user u "
        "ON u.id=h.user_id WHERE h.course_id=? AND u.username IN ('rules_allowlisted_failing', "
        "'rules_verified_without_idv') GROUP BY u.username", (RULES,)))
    assert history == {'rules_allowlisted_failing': 1, 'rules_verified_without_idv': 2}
    third = ansible_module('openedx_generate_certs', maple.module_args(course_ids=[RULES], wait_timeout=1))
    assert not third.get('failed'), third
    assert third['courses'][RULES]['generation']['queued'] == 0
    assert third['courses'][RULES]['generation']['still_waiting'] == 0
    assert third['changed'] is False
    assert maple.statuses(RULES) == {'downloadable': 2, 'notpassing': 1, 'unavailable': 1, 'unverified': 2}


def test_course_ids_as_the_operator_gives_them(tmp_path, fake, ansible_module):
    pdir = make_platform_dir(tmp_path, ['cert_generation'])
    result = ansible_module('openedx_generate_certs', args(pdir, course_ids='%s , %s ' % (DEMO, TOY)),
                            check_mode=True)
    assert not result.get('failed'), result
    assert result['course_ids'] == [DEMO, TOY]
    result = ansible_module('openedx_generate_certs', args(pdir, course_id=TOY, course_ids=[DEMO, TOY]),
                            check_mode=True)
    assert not result.get('failed'), result
    assert result['course_ids'] == [TOY, DEMO]


def test_no_course_id_names_both_options(tmp_path, fake, ansible_module):
    pdir = make_platform_dir(tmp_path, ['cert_generation'])
    result = ansible_module('openedx_generate_certs', args(pdir, course_id='', course_ids=[]))
    assert result['failed'] and 'course_id or course_ids' in result['msg'], result
    result = ansible_module('openedx_generate_certs', args(pdir, course_ids='%s,course-v1:bad' % DEMO))
    assert result['failed'] and result['invalid_course_ids'] == ['course-v1:bad'], result
    assert 'course_ids entry 2' in result['msg'] and 'malformed' in result['msg']
    assert fake.starts == [] and result['platform_starts'] == 0


# ---------------------------------------------------------------- progress records are written whole

def _runner_namespace():
    """The runner and the certificate ops, defined as in the platform process (main not called)."""
    namespace = {'__name__': '__openedx_toolkit__'}
    exec(compile(RUNNER_SOURCE + '\n' + CERTS_SOURCE, '<runner>', 'exec'), namespace)
    return namespace


def test_in_platform_records_replace_the_file_by_a_rename(tmp_path, monkeypatch):
    path = tmp_path / 'progress' / 'p.json'
    path.parent.mkdir()
    path.write_text('{"seq": 1}')
    events = []
    real_fsync, real_rename = os.fsync, os.rename
    monkeypatch.setattr(os, 'fsync', lambda fd: (events.append('fsync'), real_fsync(fd)))
    monkeypatch.setattr(os, 'rename', lambda a, b: (events.append(('rename', os.path.dirname(a), b)),
                                                    real_rename(a, b)))
    before = path.stat().st_ino
    _runner_namespace()['write_progress']({'file': str(path), 'course_index': 1}, force=True,
                                          phase='queue', done=1, total=2)
    record = json.loads(path.read_text())
    assert record['phase'] == 'queue' and record['done'] == 1 and record['course_index'] == 1
    # A new file renamed over the old one (a watcher reads the old or the new record, never
    # half of one), flushed to disk first, its temporary file in the same folder.
    assert path.stat().st_ino != before, 'the record was written into the file in place'
    assert events == ['fsync', ('rename', str(path.parent), str(path))], events
    assert [p.name for p in path.parent.iterdir()] == ['p.json']


def test_in_platform_record_that_cannot_be_written_is_skipped(tmp_path):
    blocked = tmp_path / 'not-a-folder'
    blocked.write_text('')
    _runner_namespace()['write_progress']({'file': str(blocked / 'p.json')}, force=True, phase='queue')


def test_module_records_replace_the_file_by_a_rename(tmp_path):
    path = tmp_path / 'p.json'
    path.write_text('{"seq": 1}')
    before = path.stat().st_ino
    gen.write_progress(str(path), {'phase': 'generate', 'done': 3})
    assert json.loads(path.read_text())['done'] == 3
    assert path.stat().st_ino != before, 'the record was written into the file in place'


def test_every_record_of_a_run_carries_its_run_id(tmp_path, monkeypatch):
    """openedx_generate_progress follows only the records of the run it is given."""
    monkeypatch.setattr(gen.platform, 'needs_sudo', lambda params: False)
    path = tmp_path / 'progress' / 'p.json'
    module = _Module(user='edxapp', run_id='run-7')
    assert gen.prepare_progress_file(module, str(path)) == str(path)
    assert json.loads(path.read_text())['run_id'] == 'run-7'
    gen.write_progress(str(path), {'finished': True, 'msg': 'done'}, 'run-7')
    assert json.loads(path.read_text())['run_id'] == 'run-7'
    gen.write_progress(str(path), {'phase': 'queue'})
    assert 'run_id' not in json.loads(path.read_text())
    # The records written inside the platform take their fields from the op's progress context.
    [(_kind, ops)] = gen.build_ops('cert_generation', [DEMO], False, {}, str(path), owner_pid=1, run_id='run-7')
    [generation] = [op for op in ops if op['op'] == 'cert_generation']
    assert generation['progress']['run_id'] == 'run-7'
    [(_kind, ops)] = gen.build_ops('cert_generation', [DEMO], False, {}, str(path), owner_pid=1)
    assert 'run_id' not in [op for op in ops if op['op'] == 'cert_generation'][0]['progress']


class _Module:
    def __init__(self, **params):
        self.params = params
        self.warnings = []

    def warn(self, text):
        self.warnings.append(text)


class _Entry:
    pw_name, pw_uid, pw_gid = 'edxapp', 12345, 23456


def test_the_progress_folder_is_created_for_the_platform_user(tmp_path, monkeypatch):
    monkeypatch.setattr(gen.platform, 'needs_sudo', lambda params: True)
    monkeypatch.setattr(gen.pwd, 'getpwnam', lambda name: _Entry)
    monkeypatch.setattr(gen.os, 'getgrouplist', lambda name, gid: [gid], raising=False)
    folder = tmp_path / 'state' / 'progress'
    path = folder / 'generate-progress.json'
    module = _Module(user='edxapp')
    assert gen.prepare_progress_file(module, str(path)) == str(path)
    # The platform user renames its records into this folder: it must own it.
    assert (folder.stat().st_uid, folder.stat().st_gid) == (12345, 23456)
    assert (path.stat().st_uid, path.stat().st_gid) == (12345, 23456)
    assert json.loads(path.read_text())['phase'] == 'check'
    # The folders above stay the module's own.
    assert folder.parent.stat().st_uid == os.geteuid()
    assert module.warnings == []


def test_a_folder_the_platform_user_cannot_write_is_left_alone_and_warned_about(tmp_path, monkeypatch):
    monkeypatch.setattr(gen.platform, 'needs_sudo', lambda params: True)
    monkeypatch.setattr(gen.pwd, 'getpwnam', lambda name: _Entry)
    monkeypatch.setattr(gen.os, 'getgrouplist', lambda name, gid: [gid], raising=False)
    folder = tmp_path / 'state'
    folder.mkdir(mode=0o755)
    (folder / 'migrations-fingerprint.json').write_text('{}')
    module = _Module(user='edxapp')
    path = folder / 'generate-progress.json'
    assert gen.prepare_progress_file(module, str(path)) == str(path)
    assert folder.stat().st_uid == os.geteuid(), 'an existing folder was given away'
    assert len(module.warnings) == 1 and 'edxapp cannot write' in module.warnings[0], module.warnings


def test_the_watch_options_are_gone(tmp_path, ansible_module):
    """Waiting for progress is openedx_generate_progress's job now."""
    result = ansible_module('openedx_generate_certs', {'watch': True, 'progress_file': str(tmp_path / 'p.json'),
                                                       'since': 0, 'watch_timeout': 0})
    assert result['failed'] and 'Unsupported parameters' in result['msg'], result
    for option in ('watch', 'since', 'watch_timeout'):
        assert option in result['msg']
