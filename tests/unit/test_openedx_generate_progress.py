"""openedx_generate_progress: the next progress record of a generation running in the background."""
import json
import os
import threading
import time

import openedx_generate_progress as prog

TOY = 'edX/toy/2012_Fall'


def watch(ansible_module, path, check_mode=False, **extra):
    args = {'progress_file': str(path)}
    args.update(extra)
    return ansible_module('openedx_generate_progress', args, check_mode=check_mode)


def test_returns_new_records_and_says_when_there_is_none(tmp_path, ansible_module):
    path = tmp_path / 'p.json'
    path.write_text(json.dumps({'seq': 5, 'phase': 'generate', 'done': 500, 'total': 3000,
                                'course_id': TOY, 'course_index': 1, 'course_count': 2,
                                'remaining': '00:02', 'owner_pid': os.getpid()}))
    result = watch(ansible_module, path, since=0, timeout=1)
    assert not result.get('failed'), result
    assert result['progress']['seq'] == 5 and result['fresh'] is True and result['changed'] is False
    assert result['progress']['line'] == ('course 1/2 edX/toy/2012_Fall: generating: 500/3000 '
                                          'learners walked (~00:02m remaining)')
    assert result['msg'] == result['progress']['line']
    old = watch(ansible_module, path, since=5, timeout=1)
    assert old['fresh'] is False and not old['progress']['finished']
    missing = watch(ansible_module, tmp_path / 'x', timeout=0)
    assert missing['progress']['missing'] is True and missing['fresh'] is False


def test_check_mode_reads_the_same(tmp_path, ansible_module):
    path = tmp_path / 'p.json'
    path.write_text(json.dumps({'seq': 7, 'finished': True, 'failed': False, 'msg': 'all done'}))
    result = watch(ansible_module, path, check_mode=True, since=7, timeout=0)
    assert not result.get('failed'), result
    assert result['progress']['finished'] is True and result['progress']['line'] == 'all done'


def test_waits_for_a_record_written_meanwhile(tmp_path, ansible_module):
    path = tmp_path / 'p.json'
    path.write_text(json.dumps({'seq': 1, 'phase': 'queue', 'done': 0, 'total': 9, 'owner_pid': os.getpid()}))

    def later():
        time.sleep(0.6)
        tmp = tmp_path / '.p.json.new.tmp'
        tmp.write_text(json.dumps({'seq': 2, 'phase': 'queue', 'done': 9, 'total': 9,
                                   'owner_pid': os.getpid()}))
        os.rename(str(tmp), str(path))

    writer = threading.Thread(target=later)
    writer.start()
    begin = time.time()
    result = watch(ansible_module, path, since=1, timeout=10)
    writer.join()
    assert result['fresh'] is True and result['progress']['done'] == 9, result
    assert time.time() - begin < 5, 'it waited for the timeout, not for the record'


def test_notices_a_dead_run(tmp_path):
    path = tmp_path / 'p.json'
    path.write_text(json.dumps({'seq': 5, 'phase': 'queue', 'owner_pid': 2 ** 22 + 12345}))
    record, fresh = prog.watch_progress(str(path), 5, 0)
    assert record['finished'] and record['failed'] and fresh


def test_says_how_long_nothing_moved(tmp_path, ansible_module):
    path = tmp_path / 'p.json'
    path.write_text(json.dumps({'seq': int((time.time() - 40) * 1000), 'phase': 'wait', 'done': 3,
                                'total': 9, 'course_id': TOY, 'owner_pid': os.getpid()}))
    seq = json.loads(path.read_text())['seq']
    result = watch(ansible_module, path, since=seq, timeout=0)
    assert result['fresh'] is False
    assert result['progress']['line'].startswith('edX/toy/2012_Fall: waiting for the workers: 3/9')
    assert 'no change for 4' in result['progress']['line'], result['progress']['line']


def test_format_progress_phases():
    assert 'queueing' in prog.format_progress({'phase': 'queue', 'done': 1, 'total': 2})
    assert 'workers: 1/2' in prog.format_progress({'phase': 'wait', 'done': 1, 'total': 2})
    assert prog.format_progress({'finished': True, 'msg': 'all done'}) == 'all done'
    assert prog.format_progress(None).startswith('waiting')


def test_does_not_follow_links_out_of_the_progress_folder(tmp_path, ansible_module):
    """The folder is the platform user's: a link there must not make root read another file."""
    secret = tmp_path / 'root-only.json'
    secret.write_text(json.dumps({'seq': 9, 'phase': 'queue', 'password': 'hunter2'}))
    folder = tmp_path / 'progress'
    folder.mkdir()
    (folder / 'symlink.json').symlink_to(secret)
    os.link(str(secret), str(folder / 'hardlink.json'))
    for name in ('symlink.json', 'hardlink.json'):
        result = watch(ansible_module, folder / name, timeout=0)
        assert result['progress'].get('missing') is True, result
        assert 'hunter2' not in json.dumps(result)


def test_refuses_a_negative_timeout(tmp_path, ansible_module):
    result = watch(ansible_module, tmp_path / 'p.json', timeout=-1)
    assert result['failed'] and 'timeout' in result['msg']


def test_ignores_the_records_of_another_run(tmp_path, ansible_module):
    """The finished record an earlier run left must not end the watch of a new one."""
    path = tmp_path / 'p.json'
    path.write_text(json.dumps({'seq': 9, 'finished': True, 'failed': False, 'msg': 'earlier run done',
                                'run_id': 'earlier'}))
    result = watch(ansible_module, path, run_id='this', timeout=0)
    assert result['progress'].get('missing') is True and not result['progress']['finished'], result
    assert 'earlier run done' not in result['msg']
    path.write_text(json.dumps({'seq': 10, 'phase': 'queue', 'done': 1, 'total': 2, 'run_id': 'this',
                                'owner_pid': os.getpid()}))
    mine = watch(ansible_module, path, run_id='this', timeout=0)
    assert mine['fresh'] is True and mine['progress']['done'] == 1, mine
    # Without run_id every record counts, as before.
    assert watch(ansible_module, path, timeout=0)['progress']['seq'] == 10


def test_brings_back_the_result_of_a_finished_run(tmp_path, ansible_module, module_messages):
    path = tmp_path / 'p.json'
    path.write_text(json.dumps({'seq': 11, 'finished': True, 'failed': False, 'msg': 'done', 'run_id': 'r'}))
    job = tmp_path / 'job'
    job.write_text(json.dumps({'changed': True, 'generated': 3, 'msg': 'done',
                               'invocation': {'module_args': {'course_id': TOY}},
                               'warnings': [{'event': {'msg': 'a warning of the run'}}, 'an old-style one'],
                               'deprecations': [{'event': {'msg': 'force_status is deprecated'},
                                                 'deprecator': {'resolved_name': 'openedx.certificates'},
                                                 'version': '1.0.0'}]}))
    result = watch(ansible_module, path, run_id='r', results_file=str(job), timeout=0)
    assert not result.get('failed') and result['changed'] is False, result
    assert result['job_result'] == {'changed': True, 'generated': 3, 'msg': 'done', 'finished': True}
    warnings = json.dumps(result.get('warnings'))
    assert 'a warning of the run' in warnings and 'an old-style one' in warnings, result
    assert 'force_status is deprecated' in json.dumps(result.get('deprecations')), result


def test_leaves_the_result_to_async_status_while_it_is_not_written(tmp_path, ansible_module, monkeypatch):
    monkeypatch.setattr(prog, 'FINISH_GRACE_SECONDS', 0.2)
    path = tmp_path / 'p.json'
    path.write_text(json.dumps({'seq': 12, 'finished': True, 'failed': False, 'msg': 'done'}))
    job = tmp_path / 'job'
    job.write_text(json.dumps({'started': True, 'finished': False, 'ansible_job_id': '1.2'}))
    assert 'job_result' not in watch(ansible_module, path, results_file=str(job), timeout=0)
    assert 'job_result' not in watch(ansible_module, path, results_file=str(tmp_path / 'nothing'), timeout=0)
    # A run still going: the result file is not read, whatever it holds.
    path.write_text(json.dumps({'seq': 13, 'phase': 'queue', 'owner_pid': os.getpid()}))
    job.write_text(json.dumps({'changed': False}))
    assert 'job_result' not in watch(ansible_module, path, results_file=str(job), timeout=0)


def test_waits_for_the_async_wrapper_to_write_the_result(tmp_path):
    job = tmp_path / 'job'
    job.write_text(json.dumps({'started': True, 'finished': False}))

    def later():
        time.sleep(0.3)
        tmp = tmp_path / 'job.tmp'
        tmp.write_text(json.dumps({'changed': False, 'msg': 'written'}))
        os.rename(str(tmp), str(job))

    writer = threading.Thread(target=later)
    writer.start()
    data = prog.wait_for_job_result(str(job), 5)
    writer.join()
    assert data == {'changed': False, 'msg': 'written'}
    assert prog.wait_for_job_result(str(tmp_path / 'none'), 0.1) is None
