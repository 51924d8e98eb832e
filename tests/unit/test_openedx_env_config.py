"""Unit tests of library/openedx_env_config.py, run in-process through main()."""

import glob
import json
import multiprocessing
import os
import stat
import time

import pytest
import yaml

from conftest import run_module
from ansible.module_utils import openedx_config_file as cf

MOD = "openedx_env_config"

# As the old official Ansible repository writes it (to_nice_json: 4 spaces, sorted keys).
LMS_ENV_JSON = """{
    "AUDIT_CERT_CUTOFF_DATE": null,
    "AWS_ACCESS_KEY_ID": "AKIAOLDOLDOLD1234",
    "CELERY_BROKER_HOSTNAME": "localhost",
    "FEATURES": {
        "AUTH_USE_OPENID_PROVIDER": true,
        "CERTIFICATES_HTML_VIEW": false,
        "ENABLE_DISCUSSION_SERVICE": true,
        "PREVIEW_LMS_BASE": "preview.lms.example.com"
    },
    "LMS_BASE": "lms.example.com",
    "LMS_ROOT_URL": "https://lms.example.com",
    "PLATFORM_NAME": "Caf\\u00e9 Academy",
    "SESSION_COOKIE_DOMAIN": "",
    "TIME_ZONE": "America/New_York",
    "ZENDESK_URL": null,
    "course_about_visibility_permission": "see_exists"
}
"""

LMS_YML = """# Managed by the configuration repository.
---
ALLOWED_HOSTS:
- '*'
- lms.example.com
AUDIT_CERT_CUTOFF_DATE: null   # YYYY-MM-DD
AWS_SECRET_ACCESS_KEY: 'old-aws-secret-Zq9'
CACHES:
    default:
        BACKEND: django.core.cache.backends.memcached.MemcachedCache
        KEY_PREFIX: default
        LOCATION:
        - localhost:11211
DATABASES:
    default:
        ENGINE: django.db.backends.sqlite3
        NAME: /edx/var/edxapp/db/edxapp.sqlite3
        PASSWORD: 'db-pass-Xy7'

# Feature flags
FEATURES:
    AUTH_USE_OPENID_PROVIDER: true
    CERTIFICATES_HTML_VIEW: false  # see the certificates guide
    ENABLE_COURSEWARE_SEARCH: false

    # grading
    ENABLE_GRADE_DOWNLOADS: true
LMS_ROOT_URL: https://lms.example.com
PLATFORM_NAME: "Your Platform Name Here"
"""


# Module warnings in the results (see conftest.module_messages).
pytestmark = pytest.mark.usefixtures("module_messages")


def warnings_of(result):
    return [w["event"]["msg"] if isinstance(w, dict) else w for w in result.get("warnings", [])]


@pytest.fixture
def lms_json(tmp_path):
    path = tmp_path / "lms.env.json"
    path.write_text(LMS_ENV_JSON)
    return path


@pytest.fixture
def lms_yml(tmp_path):
    path = tmp_path / "lms.yml"
    path.write_text(LMS_YML)
    return path


def run(args, **kw):
    return run_module(MOD, args, **kw)


# --------------------------------------------------------------------------
# JSON


def test_json_set_flag_byte_exact(lms_json):
    result = run({"path": str(lms_json), "settings": {"FEATURES.CERTIFICATES_HTML_VIEW": True}})
    assert result["changed"] is True
    assert result["changed_keys"] == ["FEATURES.CERTIFICATES_HTML_VIEW"]
    assert result["format"] == "json"
    expected = LMS_ENV_JSON.replace('"CERTIFICATES_HTML_VIEW": false', '"CERTIFICATES_HTML_VIEW": true')
    assert lms_json.read_text() == expected
    assert warnings_of(result) == []


def test_json_new_keys_sorted_and_layout_kept(lms_json):
    result = run({"path": str(lms_json), "settings": {
        "AUDIT_CERT_CUTOFF_DATE": "2019-01-01", "FEATURES.CUSTOM_COURSES_EDX": True, "NEW_TOP": ["a", 1]}})
    assert result["changed"]
    expected = LMS_ENV_JSON.replace('"AUDIT_CERT_CUTOFF_DATE": null', '"AUDIT_CERT_CUTOFF_DATE": "2019-01-01"')
    expected = expected.replace(
        '        "CERTIFICATES_HTML_VIEW": false,\n',
        '        "CERTIFICATES_HTML_VIEW": false,\n        "CUSTOM_COURSES_EDX": true,\n')
    expected = expected.replace(
        '    "LMS_ROOT_URL": "https://lms.example.com",\n',
        '    "LMS_ROOT_URL": "https://lms.example.com",\n    "NEW_TOP": [\n        "a",\n        1\n    ],\n')
    assert lms_json.read_text() == expected


def test_json_idempotent_and_type_strict(lms_json):
    args = {"path": str(lms_json), "settings": {"FEATURES.CERTIFICATES_HTML_VIEW": False,
                                                 "LMS_BASE": "lms.example.com"}}
    assert run(args)["changed"] is False
    # "false" (string) is not false (bool): a change
    result = run({"path": str(lms_json), "settings": {"FEATURES.CERTIFICATES_HTML_VIEW": "false"}})
    assert result["changed"] is True
    assert json.loads(lms_json.read_text())["FEATURES"]["CERTIFICATES_HTML_VIEW"] == "false"


def test_json_layout_json_dumps_does_not_reproduce_edited_in_place(tmp_path):
    # 1.50 is not how json.dumps writes 1.5: the file used to be re-serialised
    # whole (with a warning); now only the changed line changes.
    path = tmp_path / "lms.env.json"
    path.write_text('{\n    "A": 1.50,\n    "B": 1\n}\n')
    result = run({"path": str(path), "settings": {"B": 2}})
    assert warnings_of(result) == []
    assert path.read_text() == '{\n    "A": 1.50,\n    "B": 2\n}\n'


def test_json_no_trailing_newline_kept(tmp_path):
    path = tmp_path / "cms.env.json"
    path.write_text('{\n  "A": 1\n}')
    run({"path": str(path), "settings": {"B": 2}})
    assert path.read_text() == '{\n  "A": 1,\n  "B": 2\n}'


def test_json_remove(lms_json):
    result = run({"path": str(lms_json), "remove": ["ZENDESK_URL", "FEATURES.NOT_THERE", "NOPE.NOPE"]})
    assert result["changed_keys"] == ["ZENDESK_URL"]
    assert lms_json.read_text() == LMS_ENV_JSON.replace('    "ZENDESK_URL": null,\n', "")


# --------------------------------------------------------------------------
# YAML


def test_yaml_byte_exact_edit(lms_yml):
    result = run({"path": str(lms_yml), "settings": {
        "FEATURES.CERTIFICATES_HTML_VIEW": True,
        "AUDIT_CERT_CUTOFF_DATE": "2019-06-01",
        "FEATURES.ENABLE_SPECIAL_EXAMS": True,
        "JWT_AUTH.JWT_ISSUER": "https://lms.example.com/oauth2",
        "ALLOWED_HOSTS": ["lms.example.com"],
    }, "remove": ["FEATURES.AUTH_USE_OPENID_PROVIDER"]})
    assert result["changed"] is True
    assert result["format"] == "yaml"
    expected = LMS_YML
    expected = expected.replace("ALLOWED_HOSTS:\n- '*'\n- lms.example.com\n", "ALLOWED_HOSTS: [lms.example.com]\n")
    expected = expected.replace("AUDIT_CERT_CUTOFF_DATE: null   # YYYY-MM-DD",
                                'AUDIT_CERT_CUTOFF_DATE: "2019-06-01"   # YYYY-MM-DD')
    expected = expected.replace("    AUTH_USE_OPENID_PROVIDER: true\n", "")
    expected = expected.replace("CERTIFICATES_HTML_VIEW: false  # see", "CERTIFICATES_HTML_VIEW: true  # see")
    expected = expected.replace("    ENABLE_GRADE_DOWNLOADS: true\n",
                                "    ENABLE_GRADE_DOWNLOADS: true\n    ENABLE_SPECIAL_EXAMS: true\n")
    expected += "JWT_AUTH:\n    JWT_ISSUER: https://lms.example.com/oauth2\n"
    assert lms_yml.read_text() == expected
    assert sorted(result["changed_keys"]) == sorted([
        "FEATURES.CERTIFICATES_HTML_VIEW", "AUDIT_CERT_CUTOFF_DATE", "FEATURES.ENABLE_SPECIAL_EXAMS",
        "JWT_AUTH.JWT_ISSUER", "ALLOWED_HOSTS", "FEATURES.AUTH_USE_OPENID_PROVIDER"])


def test_yaml_idempotent(lms_yml):
    args = {"path": str(lms_yml), "settings": {"FEATURES.CERTIFICATES_HTML_VIEW": True, "NEW.KEY_X": [1, 2]}}
    assert run(args)["changed"] is True
    after_first = lms_yml.read_bytes()
    assert run(args)["changed"] is False
    assert lms_yml.read_bytes() == after_first


def test_yaml_flow_parent_error_leaves_file(tmp_path):
    path = tmp_path / "studio.yml"
    path.write_text("FEATURES: {A: true}\n")
    result = run({"path": str(path), "settings": {"FEATURES.CERTIFICATES_HTML_VIEW": True}})
    assert result["failed"]
    assert str(path) in result["msg"] and "flow-style" in result["msg"]
    assert path.read_text() == "FEATURES: {A: true}\n"


def test_format_override(tmp_path):
    path = tmp_path / "config"
    path.write_text("A: 1\n")
    assert run({"path": str(path), "settings": {"A": 2}})["format"] == "yaml"
    path.write_text('{"A": 1}')
    result = run({"path": str(path), "settings": {"A": 2}, "format": "json"})
    assert result["format"] == "json" and path.read_text() == '{"A": 2}'
    result = run({"path": str(path), "settings": {"A": 3}, "format": "auto"})
    assert result["format"] == "json"


# --------------------------------------------------------------------------
# files: attributes, backup, check mode, symlinks


def test_owner_group_mode_kept(lms_yml):
    os.chown(str(lms_yml), 1234, 2345)
    os.chmod(str(lms_yml), 0o640)
    before = os.stat(str(lms_yml))
    result = run({"path": str(lms_yml), "settings": {"FEATURES.CERTIFICATES_HTML_VIEW": True}})
    assert result["changed"]
    after = os.stat(str(lms_yml))
    assert after.st_ino != before.st_ino  # really replaced (atomic move)
    assert (after.st_uid, after.st_gid, stat.S_IMODE(after.st_mode)) == (1234, 2345, 0o640)
    assert not [p for p in os.listdir(str(lms_yml.parent)) if p != "lms.yml"]  # no temp file left


def test_mode_and_owner_options(lms_json):
    os.chmod(str(lms_json), 0o644)
    result = run({"path": str(lms_json), "settings": {}, "mode": "0600", "owner": "1234"})
    assert result["changed"] is True
    st = os.stat(str(lms_json))
    assert stat.S_IMODE(st.st_mode) == 0o600 and st.st_uid == 1234
    assert lms_json.read_text() == LMS_ENV_JSON


def test_backup(lms_json):
    result = run({"path": str(lms_json), "settings": {"LMS_BASE": "x.example.com"}, "backup": True})
    backup = result["backup_file"]
    assert os.path.isfile(backup) and backup.startswith(str(lms_json) + ".")
    with open(backup) as handle:
        assert handle.read() == LMS_ENV_JSON
    # no change, no backup
    result = run({"path": str(lms_json), "settings": {"LMS_BASE": "x.example.com"}, "backup": True})
    assert "backup_file" not in result
    assert len(glob.glob(str(lms_json) + ".*~")) == 1


def test_check_mode_writes_nothing(lms_yml):
    before = os.stat(str(lms_yml))
    result = run({"path": str(lms_yml), "settings": {"FEATURES.CERTIFICATES_HTML_VIEW": True}, "backup": True},
                 check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["changed_keys"] == ["FEATURES.CERTIFICATES_HTML_VIEW"]
    assert result["diff"]["after"] == "FEATURES.CERTIFICATES_HTML_VIEW: true\n"
    assert lms_yml.read_text() == LMS_YML
    assert os.stat(str(lms_yml)).st_ino == before.st_ino
    assert os.listdir(str(lms_yml.parent)) == ["lms.yml"]
    assert "backup_file" not in result


def test_symlink_edits_target(tmp_path):
    real = tmp_path / "real.yml"
    real.write_text("A: 1\n")
    link = tmp_path / "lms.yml"
    link.symlink_to(real)
    result = run({"path": str(link), "settings": {"A": 2}})
    assert result["real_path"] == str(real)
    assert os.path.islink(str(link))
    assert real.read_text() == "A: 2\n"


# --------------------------------------------------------------------------
# diff and secrets


def test_diff_only_changed_keys(lms_yml):
    result = run({"path": str(lms_yml), "settings": {"FEATURES.CERTIFICATES_HTML_VIEW": True,
                                                      "PLATFORM_NAME": "Your Platform Name Here",
                                                      "NEW_FLAG": [1]},
                  "remove": ["FEATURES.ENABLE_COURSEWARE_SEARCH"]}, diff=True)
    assert result["diff"]["before"] == ("FEATURES.CERTIFICATES_HTML_VIEW: false\n"
                                        "FEATURES.ENABLE_COURSEWARE_SEARCH: false\n")
    assert result["diff"]["after"] == "FEATURES.CERTIFICATES_HTML_VIEW: true\nNEW_FLAG: [1]\n"
    assert result["diff"]["before_header"] == str(lms_yml)


def test_no_diff_without_diff_mode(lms_yml):
    result = run({"path": str(lms_yml), "settings": {"FEATURES.CERTIFICATES_HTML_VIEW": True}})
    assert "diff" not in result


def test_secrets_never_in_result(lms_yml):
    secrets = {"AWS_SECRET_ACCESS_KEY": "new-aws-secret-Kk1", "DATABASES.default.PASSWORD": "new-db-pass-Qw2",
               "AWS_ACCESS_KEY_ID": "AKIANEWNEWNEW999", "CACHES": {"default": {"KEY_PREFIX": "pfx-secret-77"}}}
    result = run({"path": str(lms_yml), "settings": dict(secrets, **{"FEATURES.X": 1})},
                 diff=True, check_mode=False)
    assert result["changed"]
    dumped = json.dumps(result)
    for value in ("new-aws-secret-Kk1", "new-db-pass-Qw2", "AKIANEWNEWNEW999", "pfx-secret-77",
                  "old-aws-secret-Zq9", "db-pass-Xy7"):
        assert value not in dumped
    assert "AWS_SECRET_ACCESS_KEY: ********" in result["diff"]["before"]
    assert "FEATURES.X: 1" in result["diff"]["after"]
    assert result["invocation"]["module_args"]["settings"]["AWS_SECRET_ACCESS_KEY"] == "********"
    data = yaml.safe_load(lms_yml.read_text())
    assert data["AWS_SECRET_ACCESS_KEY"] == "new-aws-secret-Kk1"
    assert data["DATABASES"]["default"]["PASSWORD"] == "new-db-pass-Qw2"


def test_secrets_not_in_error_result(lms_yml):
    result = run({"path": str(lms_yml), "settings": {"SECRET_KEY": "fail-secret-Pp3",
                                                      "PLATFORM_NAME.X": 1}})
    assert result["failed"]
    assert "PLATFORM_NAME is not a mapping" in result["msg"]
    assert "fail-secret-Pp3" not in json.dumps(result)
    assert lms_yml.read_text() == LMS_YML


# --------------------------------------------------------------------------
# errors


def test_missing_json_file_hint(tmp_path):
    path = tmp_path / "lms.env.json"
    result = run({"path": str(path), "settings": {"A": 1}})
    assert result["failed"]
    assert str(path) in result["msg"] and "does not exist" in result["msg"]
    assert "/edx/etc/lms.yml" in result["msg"] and "Ironwood" in result["msg"]


def test_missing_yaml_file_hint(tmp_path):
    result = run({"path": str(tmp_path / "lms.yml"), "settings": {"A": 1}})
    assert result["failed"] and "Hawthorn" in result["msg"]


def test_dangling_symlink(tmp_path):
    link = tmp_path / "lms.yml"
    link.symlink_to(tmp_path / "gone.yml")
    result = run({"path": str(link), "settings": {"A": 1}})
    assert result["failed"] and "symbolic link" in result["msg"]


def test_directory(tmp_path):
    result = run({"path": str(tmp_path), "settings": {"A": 1}})
    assert result["failed"] and "is a directory" in result["msg"] and str(tmp_path) in result["msg"]


@pytest.mark.parametrize("name,text,where", [
    ("lms.env.json", '{\n    "A": 1,\n    "B": \n}\n', "line 4, column 1"),
    ("lms.yml", "A: 1\nB: [1, 2\nC: 3\n", "line 3"),
    ("lms.yml", "A: 1\n  B: 2\n", "line 2"),
])
def test_corrupt_file(tmp_path, name, text, where):
    path = tmp_path / name
    path.write_text(text)
    result = run({"path": str(path), "settings": {"A": 2}})
    assert result["failed"]
    assert str(path) in result["msg"] and "not valid" in result["msg"] and where in result["msg"]
    assert path.read_text() == text


def test_parent_not_a_mapping(lms_json):
    result = run({"path": str(lms_json), "settings": {"LMS_BASE.X": 1}})
    assert result["failed"]
    assert "LMS_BASE is not a mapping" in result["msg"] and "LMS_BASE.X" in result["msg"]
    assert str(lms_json) in result["msg"]
    assert lms_json.read_text() == LMS_ENV_JSON


def _as_nobody(path, queue):
    os.setgid(65534)
    os.setuid(65534)
    queue.put(run({"path": path, "settings": {"A": 2}}))


@pytest.mark.parametrize("blocked", ["file", "directory"])
def test_unreadable_file(blocked):
    import shutil
    import tempfile
    top = tempfile.mkdtemp(dir="/tmp")
    try:
        os.chmod(top, 0o755)
        folder = os.path.join(top, "etc")
        os.mkdir(folder)
        path = os.path.join(folder, "lms.yml")
        with open(path, "w") as handle:
            handle.write("A: 1\n")
        os.chmod(path, 0o600 if blocked == "file" else 0o644)
        os.chmod(folder, 0o755 if blocked == "file" else 0o700)
        ctx = multiprocessing.get_context("fork")
        queue = ctx.Queue()
        proc = ctx.Process(target=_as_nobody, args=(path, queue))
        proc.start()
        result = queue.get(timeout=30)
        proc.join(30)
        assert result["failed"]
        assert "permission denied" in result["msg"] and path in result["msg"]
        with open(path) as handle:
            assert handle.read() == "A: 1\n"
    finally:
        shutil.rmtree(top)


def test_bad_value_type_and_bad_key(lms_json):
    result = run({"path": str(lms_json), "settings": {"A..B": 1}})
    assert result["failed"] and "empty component" in result["msg"]
    result = run({"path": str(lms_json), "settings": {"A": 1}, "remove": ["A"]})
    assert result["failed"] and "both in settings and in remove" in result["msg"]


# --------------------------------------------------------------------------
# concurrency


def _set_keys(path, prefix, count, queue):
    failures = 0
    for i in range(count):
        result = run({"path": path, "settings": {"%s_%d" % (prefix, i): i}})
        failures += bool(result.get("failed"))
    queue.put(failures)


def test_two_processes_do_not_lose_updates(tmp_path):
    path = tmp_path / "lms.yml"
    path.write_text("FEATURES:\n    A: true\n")
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_set_keys, args=(str(path), name, 15, queue)) for name in ("P", "Q")]
    for proc in procs:
        proc.start()
    failures = [queue.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(30)
    assert failures == [0, 0]
    data = yaml.safe_load(path.read_text())
    assert len(data) == 31
    assert all(data["%s_%d" % (p, i)] == i for p in "PQ" for i in range(15))


def _run_one(path, queue):
    queue.put(run({"path": path, "settings": {"FROM_MODULE": True}}))


def test_module_waits_for_lock_and_sees_replaced_file(tmp_path):
    path = tmp_path / "lms.yml"
    path.write_text("A: 1\n")
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    with cf.locked_file(str(path), exclusive=True):
        proc = ctx.Process(target=_run_one, args=(str(path), queue))
        proc.start()
        time.sleep(0.6)
        assert queue.empty() and path.read_text() == "A: 1\n"
        # another writer replaces the file while the module waits
        tmp = tmp_path / "tmp"
        tmp.write_text("A: 1\nFROM_HOLDER: true\n")
        os.rename(str(tmp), str(path))
    result = queue.get(timeout=30)
    proc.join(30)
    assert result["changed"]
    assert path.read_text() == "A: 1\nFROM_HOLDER: true\nFROM_MODULE: true\n"


# --------------------------------------------------------------------------
# issue 10: passwords in URLs, stale temp files, write errors, anchors, JSON in place


def test_url_password_never_shown(tmp_path):
    path = tmp_path / "lms.yml"
    path.write_text("CELERY_BROKER_URL: amqp://celery:old-url-pw-Aa1@rabbit:5672/\nFEATURES: {}\n")
    new = "amqp://celery:new-url-pw-Bb2@rabbit:5672/"
    result = run({"path": str(path), "settings": {"CELERY_BROKER_URL": new,
                                                  "FEATURES.X": {"URL": "redis://:dict-url-pw-Cc3@r/0"}}},
                 diff=True)
    assert result["changed"] and not result.get("failed")
    dumped = json.dumps(result)
    for secret in ("old-url-pw-Aa1", "new-url-pw-Bb2", "dict-url-pw-Cc3"):
        assert secret not in dumped
    assert result["diff"]["before"] == 'CELERY_BROKER_URL: "amqp://********@rabbit:5672/"\n'
    # the masked texts are equal, so the diff says that the value changed
    assert result["diff"]["after"].startswith('CELERY_BROKER_URL: "amqp://********@rabbit:5672/" (changed)\n')
    assert 'FEATURES.X: {"URL": "redis://********@r/0"}' in result["diff"]["after"]
    assert result["invocation"]["module_args"]["settings"]["CELERY_BROKER_URL"] == "amqp://********@rabbit:5672/"
    assert yaml.safe_load(path.read_text())["CELERY_BROKER_URL"] == new


def _temp_files(folder):
    return sorted(n for n in os.listdir(str(folder)) if n.endswith(".tmp") or n.startswith(".ansible_tmp"))


def test_stale_temp_files_of_ours_removed(lms_yml):
    folder = lms_yml.parent
    stale = folder / ".lms.yml.k2j4_x9q.tmp"  # what an interrupted run leaves: a full copy, mode 0600
    stale.write_text(LMS_YML)
    os.chmod(str(stale), 0o600)
    others = [".lms.yml.k2j4x9q.tmp", ".lms.yml.k2j4_x9q.tmp.keep", ".lms.yml.K2J4_X9Q.tmp",
              ".other.yml.k2j4_x9q.tmp", "lms.yml.k2j4_x9q.tmp", ".lms.yml.k2j4_x9q.tmpx"]
    for name in others:
        (folder / name).write_text("not ours")
    (folder / ".lms.yml.dir_x9q0.tmp").mkdir()  # matches the name but is no file of ours
    os.symlink("/etc/hostname", str(folder / ".lms.yml.link_x9q.tmp"))

    check = run({"path": str(lms_yml), "settings": {}}, check_mode=True)
    assert stale.exists(), "check mode removed a file"
    assert check["changed"] is True and check["removed_temp_files"] == [str(stale)]
    assert any("would remove" in w and str(stale) in w for w in warnings_of(check))

    result = run({"path": str(lms_yml), "settings": {}})
    assert not stale.exists()
    assert result["changed"] is True and result["changed_keys"] == []
    assert result["removed_temp_files"] == [str(stale)]
    assert any("interrupted" in w and str(stale) in w for w in warnings_of(result))
    for name in others + [".lms.yml.dir_x9q0.tmp", ".lms.yml.link_x9q.tmp"]:
        assert os.path.lexists(str(folder / name)), name
    assert lms_yml.read_text() == LMS_YML
    again = run({"path": str(lms_yml), "settings": {}})
    assert again["changed"] is False and again["removed_temp_files"] == []


def _killed_mid_write(path, conn):
    import signal
    from ansible.module_utils.basic import AnsibleModule

    def killed(self, src, dest, unsafe_writes=False, keep_dest_attrs=True):
        conn.send(sorted(os.listdir(os.path.dirname(dest))))  # a pipe: sent before the signal kills us
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)

    AnsibleModule.atomic_move = killed
    run({"path": path, "settings": {"FEATURES.CERTIFICATES_HTML_VIEW": True}})
    conn.send("survived")


def test_sigterm_during_write_leaves_no_temp_file(lms_yml):
    import signal
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_killed_mid_write, args=(str(lms_yml), child))
    proc.start()
    assert parent.poll(30)
    during = parent.recv()
    proc.join(30)
    assert any(n.startswith(".lms.yml.") and n.endswith(".tmp") for n in during)  # the test did reach the write
    assert proc.exitcode == -signal.SIGTERM  # still dies of the signal, as whoever sent it expects
    assert not parent.poll(0)
    assert _temp_files(lms_yml.parent) == []
    assert lms_yml.read_text() == LMS_YML


@pytest.mark.parametrize("code,words", [
    ("EBUSY", "Device or resource busy"),
    ("EPERM", "Operation not permitted"),
    ("EROFS", "Read-only file system"),
    ("EACCES", "Permission denied"),
])
def test_failed_rename_says_why(lms_yml, monkeypatch, code, words):
    import errno
    real_rename = os.rename

    def rename(src, dst, *args, **kwargs):
        if os.path.basename(os.fsdecode(dst)) == "lms.yml":
            number = getattr(errno, code)
            raise OSError(number, os.strerror(number), dst)
        return real_rename(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "rename", rename)
    result = run({"path": str(lms_yml), "settings": {"FEATURES.CERTIFICATES_HTML_VIEW": True}})
    assert result["failed"]
    assert words in result["msg"] and str(lms_yml) in result["msg"], result["msg"]
    assert "failed final rename" not in result["msg"]
    assert lms_yml.read_text() == LMS_YML
    assert _temp_files(lms_yml.parent) == []


def test_immutable_file(lms_yml):
    import subprocess
    if subprocess.call(["chattr", "+i", str(lms_yml)], stderr=subprocess.DEVNULL) != 0:
        pytest.skip("chattr +i does not work here")
    try:
        result = run({"path": str(lms_yml), "settings": {"FEATURES.CERTIFICATES_HTML_VIEW": True}})
    finally:
        subprocess.call(["chattr", "-i", str(lms_yml)])
    assert result["failed"]
    assert "Operation not permitted" in result["msg"] and str(lms_yml) in result["msg"], result["msg"]
    assert "immutable" in result["msg"]
    assert lms_yml.read_text() == LMS_YML
    assert _temp_files(lms_yml.parent) == []


CLONE_NEWNS = 0x00020000


def _in_mount_namespace(setup, args, queue):
    """Run the module in a private mount namespace (root only), after the
    ``mount`` commands of ``setup``; the mounts vanish with the process."""
    import ctypes
    import subprocess
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(CLONE_NEWNS) != 0:
            queue.put(("skip", "unshare: %s" % os.strerror(ctypes.get_errno())))
            return
        # private first, or the mounts below would propagate to the host
        subprocess.check_call(["mount", "--make-rprivate", "/"])
        for command in setup:
            subprocess.check_call(command)
    except (OSError, subprocess.CalledProcessError) as exc:
        queue.put(("skip", str(exc)))
        return
    queue.put(("ok", run(args)))


def _run_in_namespace(setup, args):
    if os.geteuid() != 0:
        pytest.skip("needs root for a private mount namespace")
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_in_mount_namespace, args=(setup, args, queue))
    proc.start()
    kind, value = queue.get(timeout=60)
    proc.join(30)
    if kind == "skip":
        pytest.skip(value)
    return value


def test_read_only_mount(lms_yml):
    folder = str(lms_yml.parent)
    result = _run_in_namespace(
        [["mount", "--bind", folder, folder], ["mount", "-o", "remount,ro,bind", folder]],
        {"path": str(lms_yml), "settings": {"FEATURES.CERTIFICATES_HTML_VIEW": True}})
    assert result["failed"]
    assert "Read-only file system" in result["msg"] and str(lms_yml) in result["msg"], result["msg"]
    assert lms_yml.read_text() == LMS_YML


def test_bind_mounted_file(lms_yml, tmp_path):
    source = tmp_path / "host-lms.yml"
    source.write_text(LMS_YML)
    args = {"path": str(lms_yml), "settings": {"FEATURES.CERTIFICATES_HTML_VIEW": True}}
    result = _run_in_namespace([["mount", "--bind", str(source), str(lms_yml)]], args)
    assert result["failed"]
    assert "Device or resource busy" in result["msg"] and str(lms_yml) in result["msg"], result["msg"]
    assert "unsafe_writes" in result["msg"]  # the way out
    assert source.read_text() == LMS_YML and lms_yml.read_text() == LMS_YML
    assert _temp_files(lms_yml.parent) == []
    # with unsafe_writes the bind-mounted file is written in place
    result = _run_in_namespace([["mount", "--bind", str(source), str(lms_yml)]], dict(args, unsafe_writes=True))
    assert result["changed"] and not result.get("failed"), result
    assert "CERTIFICATES_HTML_VIEW: true" in source.read_text()


def test_read_only_bind_mounted_file(lms_yml, tmp_path):
    source = tmp_path / "host-lms.yml"
    source.write_text(LMS_YML)
    result = _run_in_namespace(
        [["mount", "--bind", str(source), str(lms_yml)], ["mount", "-o", "remount,ro,bind", str(lms_yml)]],
        {"path": str(lms_yml), "settings": {"FEATURES.CERTIFICATES_HTML_VIEW": True}, "unsafe_writes": True})
    assert result["failed"]
    assert "Read-only file system" in result["msg"] and str(lms_yml) in result["msg"], result["msg"]
    assert source.read_text() == LMS_YML
    assert _temp_files(lms_yml.parent) == []


def test_yaml_anchor_edit_refused_naming_the_aliases(tmp_path):
    path = tmp_path / "lms.yml"
    text = "FEATURES: &features\n    A: true\nSTUDIO_FEATURES: *features\nOTHER: 1\n"
    path.write_text(text)
    result = run({"path": str(path), "settings": {"FEATURES.CERTIFICATES_HTML_VIEW": True}}, diff=True)
    assert result["failed"], result
    assert "STUDIO_FEATURES" in result["msg"] and "alias" in result["msg"]
    assert path.read_text() == text
    # keys outside the anchored value are edited as usual
    result = run({"path": str(path), "settings": {"OTHER": 2}})
    assert result["changed"] and path.read_text() == text.replace("OTHER: 1", "OTHER: 2")


def test_json_non_standard_spacing_edited_in_place(tmp_path):
    path = tmp_path / "lms.env.json"
    text = '{\n    "A" : 1.50,\n    "B": 1,\n    "C":   {"x": [1, 2]}\n}\n'
    path.write_text(text)
    result = run({"path": str(path), "settings": {"B": 2, "C.y": True}})
    assert result["changed"] and warnings_of(result) == []
    assert path.read_text() == '{\n    "A" : 1.50,\n    "B": 2,\n    "C":   {"x": [1, 2], "y": true}\n}\n'


# Issue 13: from Ulmo on the role sets the flag at both keys of the
# openedx.html_view_flag_keys fact, the FEATURES block and the flat key.
ULMO_LMS_YML = """# Tutor-like config
FEATURES:
  ENABLE_DISCUSSION_SERVICE: true
LMS_ROOT_URL: https://lms.example.com
SECRET_KEY: s3cr3t-value
"""


def test_yaml_flag_at_both_keys_of_the_release(tmp_path):
    from ansible.module_utils import openedx_host
    path = tmp_path / "lms.yml"
    path.write_text(ULMO_LMS_YML)
    keys = openedx_host.html_view_flag_keys("verawood", True)
    settings = dict((key, True) for key in keys)
    first = run_module(MOD, {"path": str(path)}, diff=True)
    assert first["changed"] is False
    first = run_module(MOD, {"path": str(path), "settings": settings}, diff=True)
    assert first["changed"] is True
    assert sorted(first["changed_keys"]) == ["CERTIFICATES_HTML_VIEW", "FEATURES.CERTIFICATES_HTML_VIEW"]
    assert "CERTIFICATES_HTML_VIEW: true" in first["diff"]["after"]
    assert "s3cr3t-value" not in json.dumps(first)
    data = yaml.safe_load(path.read_text())
    assert data["FEATURES"]["CERTIFICATES_HTML_VIEW"] is True and data["CERTIFICATES_HTML_VIEW"] is True
    assert data["FEATURES"]["ENABLE_DISCUSSION_SERVICE"] is True and path.read_text().startswith("# Tutor-like")
    second = run_module(MOD, {"path": str(path), "settings": settings})
    assert second["changed"] is False and second["changed_keys"] == []
