"""openedx_generate_certs with a faked platform process."""
import json
import os
import subprocess
import sys

import pytest

import openedx_generate_certs as gen
from ansible.module_utils.openedx_runner import build_script
from ansible.module_utils.openedx_runner_certs import CERTS_SOURCE


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

    def pending(self, cid, force, active_only):
        course = self.courses[cid]
        wanted = force or 'unavailable'
        return sorted(uid for uid, (mode, active, passing) in course['learners'].items()
                      if (active or not active_only)
                      and course['certs'].get(uid, ('unavailable', None))[0] == wanted)

    def generate(self, cid, uids):
        course = self.courses[cid]
        for uid in uids:
            mode, active, passing = course['learners'][uid]
            course['certs'][uid] = ('downloadable' if passing else 'notpassing', mode)

    # -- the op interpreter --------------------------------------------------
    def run_op(self, op):
        name = op['op']
        cid = op.get('course_id')
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
            ids = self.pending(cid, op.get('force_status'), op.get('active_only', True))
            return {'op': name, 'course_id': cid, 'count': len(ids)}
        if name == 'ungenerated_certs':
            ids = self.pending(cid, op.get('force_status'), False)
            if not op.get('noop'):
                self.generate(cid, ids)
            self.last_ungenerated = op
            return {'op': name, 'course_id': cid, 'progress_lines': [], 'noop': op.get('noop')}
        if name == 'cert_generation':
            ids = self.pending(cid, op.get('force_status'), True)
            self.generate(cid, ids)
            return {'op': name, 'course_id': cid, 'requested': len(ids), 'queued': len(ids),
                    'processed': len(ids), 'timed_out': getattr(self, 'time_out', False)}
        if name == 'cert_report':
            return {'op': name, 'course_id': cid, 'counts': self.flat(cid)}
        if name == 'gen_cert_report':
            return {'op': name, 'course_id': cid, 'output': self.render_report(cid)}
        return {'failed': True, 'op': name, 'msg': 'unknown op %s' % name}

    def run_platform_ops(self, module, service, ops, extra_sources=()):
        json.dumps(ops)  # what crosses the process boundary must be JSON
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
    base = {'platform_dir': platform_dir, 'user': '', 'python': '/usr/bin/python3'}
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
    assert demo['before'] == {} and demo['after'] == {'downloadable': 2, 'notpassing': 1}
    # modern: active learners only, so toy's inactive learner 3 gets nothing
    assert result['courses'][TOY]['after'] == {'downloadable': 2, 'notpassing': 1}
    assert result['generated'] == 3
    again = ansible_module('openedx_generate_certs', args(pdir, course_ids=[DEMO, TOY]))
    assert again['changed'] is False and again['generated'] == 0


def test_worker_timeout_is_a_failure_with_counts(tmp_path, fake, ansible_module):
    pdir = make_platform_dir(tmp_path, ['cert_generation'])
    fake.time_out = True
    result = ansible_module('openedx_generate_certs', args(pdir, course_ids=[DEMO], wait_timeout=5))
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
    assert result['changed'] is True and result['would_generate_for'] == {DEMO: 3}
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


def test_watch_returns_new_records(tmp_path, ansible_module):
    path = tmp_path / 'p.json'
    path.write_text(json.dumps({'seq': 5, 'phase': 'generate', 'done': 500, 'total': 3000,
                                'course_id': TOY, 'course_index': 1, 'course_count': 2,
                                'remaining': '00:02', 'owner_pid': os.getpid()}))
    result = ansible_module('openedx_generate_certs', {'watch': True, 'progress_file': str(path),
                                                       'since': 0, 'watch_timeout': 1})
    assert result['progress']['seq'] == 5 and result['fresh'] is True
    assert result['progress']['line'] == ('course 1/2 edX/toy/2012_Fall: generating: 500/3000 '
                                          'learners walked (~00:02m remaining)')
    old = ansible_module('openedx_generate_certs', {'watch': True, 'progress_file': str(path),
                                                    'since': 5, 'watch_timeout': 1})
    assert old['fresh'] is False and not old['progress']['finished']
    missing = ansible_module('openedx_generate_certs', {'watch': True, 'progress_file': str(tmp_path / 'x'),
                                                        'watch_timeout': 0})
    assert missing['progress']['missing'] is True


def test_watch_notices_a_dead_run(tmp_path):
    path = tmp_path / 'p.json'
    path.write_text(json.dumps({'seq': 5, 'phase': 'queue', 'owner_pid': 2 ** 22 + 12345}))
    record, fresh = gen.watch_progress(str(path), 5, 0)
    assert record['finished'] and record['failed'] and fresh


def test_format_progress_phases():
    assert 'queueing' in gen.format_progress({'phase': 'queue', 'done': 1, 'total': 2})
    assert 'workers: 1/2' in gen.format_progress({'phase': 'wait', 'done': 1, 'total': 2})
    assert gen.format_progress({'finished': True, 'msg': 'all done'}) == 'all done'
    assert gen.format_progress(None).startswith('waiting')


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
