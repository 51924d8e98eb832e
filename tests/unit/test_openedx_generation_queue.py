"""module_utils/openedx_generation_queue.py: the file of published generation tasks no worker has run yet."""

import json
import os

from ansible.module_utils import openedx_generation_queue as queue

DEMO = 'course-v1:edX+DemoX+Demo_Course'
OTHER = 'course-v1:edX+Other+2026'


def test_the_file_is_flushed_before_the_rename_and_reads_back(tmp_path, monkeypatch):
    events = []
    real_fsync, real_rename = os.fsync, os.rename
    monkeypatch.setattr(os, 'fsync', lambda fd: (events.append('fsync'), real_fsync(fd)))
    monkeypatch.setattr(os, 'rename', lambda a, b: (events.append('rename'), real_rename(a, b)))
    path = tmp_path / 'toolkit' / 'generation-queue.json'
    queue.write_queued_tasks(str(path), {DEMO: {'10': {'at': '2026-12-01T00:00:00+00:00'}}})
    assert events == ['fsync', 'rename'], events
    assert queue.read_queued_tasks(str(path)) == ({DEMO: {'10': {'at': '2026-12-01T00:00:00+00:00'}}}, None)
    assert [p.name for p in path.parent.iterdir()] == ['generation-queue.json']


def test_no_file_is_no_task_and_no_warning(tmp_path):
    assert queue.read_queued_tasks(str(tmp_path / 'absent.json')) == ({}, None)
    assert queue.read_queued_tasks(None) == ({}, None)


def test_an_unreadable_or_foreign_file_is_named_in_a_warning(tmp_path):
    broken = tmp_path / 'broken.json'
    broken.write_text('{"courses": ')
    tasks, warning = queue.read_queued_tasks(str(broken))
    assert tasks == {} and str(broken) in warning and 'may be queued again' in warning
    foreign = tmp_path / 'foreign.json'
    foreign.write_text(json.dumps({'tasks': []}))
    tasks, warning = queue.read_queued_tasks(str(foreign))
    assert tasks == {} and 'no "courses" mapping' in warning


def test_empty_courses_are_dropped_when_read(tmp_path):
    path = tmp_path / 'q.json'
    path.write_text(json.dumps({'version': 1, 'courses': {DEMO: {}, OTHER: {'7': {}}, 'bad': []}}))
    assert queue.read_queued_tasks(str(path)) == ({OTHER: {'7': {}}}, None)


def test_waiting_tasks_counts_a_course_or_one_learner():
    queued = {DEMO: {'10': {}, '11': {}}, OTHER: {'7': {}}}
    assert queue.waiting_tasks(queued, DEMO) == 2
    assert queue.waiting_tasks(queued, DEMO, 10) == 1
    assert queue.waiting_tasks(queued, DEMO, 7) == 0
    assert queue.waiting_tasks(queued, 'course-v1:No+Such+Course') == 0


def test_updated_queued_tasks_replaces_or_drops_each_generation_ops_course():
    queued = {DEMO: {'10': {}}, OTHER: {'7': {}}}
    results = [{'op': 'cert_generation', 'course_id': DEMO, 'pending_tasks': {}},
               {'op': 'cert_generation', 'course_id': OTHER, 'pending_tasks': {'8': {}}},
               {'op': 'cert_report', 'course_id': DEMO},
               {'op': 'cert_generation', 'course_id': 'failed-before-publishing'}]
    assert queue.updated_queued_tasks(queued, results) == {OTHER: {'8': {}}}
    assert queued == {DEMO: {'10': {}}, OTHER: {'7': {}}}, 'the input was changed'
