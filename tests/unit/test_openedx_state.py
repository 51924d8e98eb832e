"""module_utils/openedx_state.py: the one atomic writer of the toolkit's state files."""

import json
import os

import pytest

from ansible.module_utils.openedx_state import write_json


def test_writes_json_creating_the_folder(tmp_path):
    path = tmp_path / "state" / "x.json"
    write_json(str(path), {"b": 1, "a": [1, 2]})
    assert json.loads(path.read_text()) == {"a": [1, 2], "b": 1}
    assert oct(path.stat().st_mode & 0o777) == "0o644"
    assert [p.name for p in path.parent.iterdir()] == ["x.json"], "a temporary file was left"


def test_keeps_owner_group_and_mode_of_an_existing_file(tmp_path):
    path = tmp_path / "x.json"
    path.write_text("{}")
    os.chmod(str(path), 0o600)
    os.chown(str(path), 12345, 23456)
    write_json(str(path), {"n": 1})
    stat = path.stat()
    assert (stat.st_uid, stat.st_gid, stat.st_mode & 0o777) == (12345, 23456, 0o600)


def test_new_file_takes_the_owner_of_owner_of(tmp_path):
    folder = tmp_path / "progress"
    folder.mkdir()
    os.chown(str(folder), 12345, 23456)
    path = folder / "p.json"
    write_json(str(path), {}, mode=0o664, owner_of=str(folder))
    stat = path.stat()
    assert (stat.st_uid, stat.st_gid, stat.st_mode & 0o777) == (12345, 23456, 0o664)


def test_flushes_to_disk_before_the_rename(tmp_path, monkeypatch):
    events = []
    real_fsync, real_rename = os.fsync, os.rename
    monkeypatch.setattr(os, "fsync", lambda fd: (events.append("fsync"), real_fsync(fd)))
    monkeypatch.setattr(os, "rename", lambda a, b: (events.append("rename"), real_rename(a, b)))
    write_json(str(tmp_path / "x.json"), {})
    assert events == ["fsync", "rename"]


def test_failure_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "x.json"
    path.write_text('{"old": true}\n')

    def broken(a, b):
        raise OSError(30, "Read-only file system")
    monkeypatch.setattr(os, "rename", broken)
    with pytest.raises(OSError):
        write_json(str(path), {"new": True})
    assert path.read_text() == '{"old": true}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["x.json"]


def test_runs_from_its_own_source_text(tmp_path):
    """The platform process gets write_json as source text (openedx_runner_certs ships it):
    it must need nothing of this module but json, os and tempfile."""
    import inspect
    import tempfile

    from ansible.module_utils import openedx_state

    namespace = {"json": json, "os": os, "tempfile": tempfile}
    exec(compile(inspect.getsource(openedx_state.write_json), "<shipped>", "exec"), namespace)
    path = tmp_path / "p" / "x.json"
    namespace["write_json"](str(path), {"seq": 1})
    assert json.loads(path.read_text()) == {"seq": 1}
