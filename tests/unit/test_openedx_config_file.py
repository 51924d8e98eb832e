"""Unit tests of module_utils/openedx_config_file.py (the file-level layer),
openedx_config_data.py (dotted keys, strict equality) and openedx_secrets.py.

The YAML text editor's own tests are in test_openedx_yaml_text.py, the JSON
text editor's in test_openedx_json_text.py.
"""

import datetime
import multiprocessing
import os
import time

import pytest
import yaml

from ansible.module_utils import openedx_config_data as cdata
from ansible.module_utils import openedx_config_file as cf
from ansible.module_utils import openedx_secrets as sec
from ansible.module_utils import openedx_yaml_text as yt
from ansible.module_utils.openedx_config_file import ConfigFileError, plan_edit


# --------------------------------------------------------------------------
# secrets


@pytest.mark.parametrize("key", [
    "SECRET_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "DATABASES.default.PASSWORD",
    "JWT_AUTH.JWT_SECRET_KEY", "EDX_API_KEY", "social_auth_oauth_secrets", "CELERY_BROKER_PASSWORD",
    "OAUTH_TOKEN_URL", "ZENDESK_API_KEY", "FOO.api_key.bar", "SOME_CREDENTIALS", "DB_PASSWD",
])
def test_secret_keys(key):
    assert sec.is_secret_key(key)
    assert sec.mask_value(key, "abc") == sec.MASK


@pytest.mark.parametrize("key", [
    "FEATURES.CERTIFICATES_HTML_VIEW", "AUDIT_CERT_CUTOFF_DATE", "LMS_ROOT_URL", "PLATFORM_NAME",
    "FEATURES.ENABLE_DISCUSSION_SERVICE", "DATABASES.default.HOST",
])
def test_not_secret_keys(key):
    assert not sec.is_secret_key(key)
    assert sec.mask_value(key, "abc") == "abc"


def test_mask_nested_dict():
    value = {"default": {"HOST": "db", "PASSWORD": "pw", "OPTIONS": {"token": "t"}}, "list": [{"api_key": 1}]}
    masked = sec.mask_value("DATABASES", value)
    assert masked == {"default": {"HOST": "db", "PASSWORD": sec.MASK, "OPTIONS": {"token": sec.MASK}},
                      "list": [{"api_key": sec.MASK}]}
    assert value["default"]["PASSWORD"] == "pw"  # not changed in place


def test_secret_strings_and_scrub():
    found = sec.secret_strings("DATABASES", {"default": {"PASSWORD": "hunter22", "HOST": "dbhost"}})
    assert found == {"hunter22"}
    assert sec.scrub("x hunter22 y", found) == "x %s y" % sec.MASK
    assert sec.scrub("abc", {"ab"}) == "abc"  # too short to scrub


# --------------------------------------------------------------------------
# keys and values


def test_parse_dotted_key():
    assert cdata.parse_dotted_key("FEATURES.CERTIFICATES_HTML_VIEW") == ["FEATURES", "CERTIFICATES_HTML_VIEW"]
    assert cdata.parse_dotted_key(r"CELERY_ROUTES.lms\.tasks.queue") == ["CELERY_ROUTES", "lms.tasks", "queue"]
    assert cdata.join_key(["a.b", "c"]) == r"a\.b.c"
    for bad in ("", ".A", "A.", "A..B"):
        with pytest.raises(ConfigFileError):
            cdata.parse_dotted_key(bad)


def test_strict_equal():
    assert cdata.strict_equal({"a": [1, "x", None]}, {"a": [1, "x", None]})
    assert not cdata.strict_equal(True, 1)
    assert not cdata.strict_equal(1, 1.0)
    assert not cdata.strict_equal("true", True)
    assert not cdata.strict_equal(0, False)
    assert not cdata.strict_equal({"a": 1}, {"a": True})
    assert not cdata.strict_equal([1], [1, 2])
    assert cdata.strict_equal(float("nan"), float("nan"))


def test_unsupported_value_type():
    with pytest.raises(ConfigFileError, match="unsupported type"):
        plan_edit("{}\n", "json", {"A": object()})


# --------------------------------------------------------------------------
# JSON layout


@pytest.mark.parametrize("text", [
    '{\n    "A": 1,\n    "B": {\n        "C": [\n            1,\n            2\n        ]\n    }\n}\n',
    '{\n  "A": 1,\n  "B": {\n    "C": []\n  }\n}',
    '{"B": 1, "A": {"C": "\\u00e9"}}\n',
    '{"B":1,"A":{"C":"\u00e9"}}',
    '{\n\t"A": 1\n}\n',
    '{\n    "A": 1, \n    "B": 2\n}\n',  # Python 2 json.dumps(indent=4) trailing spaces
])
def test_json_layout_reproduced(text):
    data = cf.load_json(text, "f")
    new_text = cf.dump_json_like(text, data, data)
    assert new_text == text


def test_json_sorted_keys_new_key_in_sorted_place():
    text = '{\n    "A": 1,\n    "C": 3\n}\n'
    plan = plan_edit(text, "json", {"B": 2})
    assert plan.new_text == '{\n    "A": 1,\n    "B": 2,\n    "C": 3\n}\n'


def test_json_unsorted_keys_new_key_last():
    text = '{\n    "C": 3,\n    "A": 1\n}\n'
    plan = plan_edit(text, "json", {"B": 2})
    assert plan.new_text == '{\n    "C": 3,\n    "A": 1,\n    "B": 2\n}\n'


def test_json_unreproducible_layout_edited_in_place():
    text = '{\n    "A": 1.50,\n    "B": 2\n}\n'
    plan = plan_edit(text, "json", {"B": 3})
    assert plan.new_text == '{\n    "A": 1.50,\n    "B": 3\n}\n'
    assert plan.warnings == []


def test_json_in_place_edit_that_does_not_read_back_falls_back_and_says_so(monkeypatch):
    from ansible.module_utils import openedx_json_text as jt
    monkeypatch.setattr(jt.JsonTextEditor, "_dumps", lambda self, value, *args: "0")
    text = '{\n    "A": 1.50,\n    "B": 2\n}\n'
    plan = plan_edit(text, "json", {"B": 3}, label="f.json")
    assert plan.new_text == '{\n    "A": 1.5,\n    "B": 3\n}\n'
    assert len(plan.warnings) == 1
    assert "f.json could not be edited in place" in plan.warnings[0] and "not as intended: B" in plan.warnings[0]
    assert "re-serialised" in plan.warnings[0]


def test_json_ensure_ascii_detected():
    escaped = '{\n    "A": "caf\\u00e9"\n}\n'
    assert plan_edit(escaped, "json", {"B": "\u00fc"}).new_text == '{\n    "A": "caf\\u00e9",\n    "B": "\\u00fc"\n}\n'
    raw = '{\n    "A": "caf\u00e9"\n}\n'
    assert plan_edit(raw, "json", {"B": "\u00fc"}).new_text == '{\n    "A": "caf\u00e9",\n    "B": "\u00fc"\n}\n'


def test_json_errors():
    with pytest.raises(ConfigFileError, match=r"f is not valid JSON: Expecting .* at line 3, column 5"):
        plan_edit('{\n    "A": 1\n    "B": 2\n}\n', "json", {"A": 2}, label="f")
    with pytest.raises(ConfigFileError, match="is empty"):
        plan_edit("  \n", "json", {"A": 2}, label="f")
    with pytest.raises(ConfigFileError, match="top level of f is not a mapping"):
        plan_edit("[1, 2]\n", "json", {"A": 2}, label="f")


def test_parent_not_a_mapping_names_the_key():
    with pytest.raises(ConfigFileError) as info:
        plan_edit('{"FEATURES": {"X": "value-7f3a"}}', "json", {"FEATURES.X.Y": 1}, label="f")
    assert "FEATURES.X is not a mapping" in str(info.value)
    assert "FEATURES.X.Y" in str(info.value)
    assert "value-7f3a" not in str(info.value)  # the value is never shown


def test_settings_and_remove_conflict():
    with pytest.raises(ConfigFileError, match="both in settings and in remove"):
        plan_edit("{}", "json", {"A": 1}, ["A"])


# --------------------------------------------------------------------------
# YAML: the file-level checks (the editor: test_openedx_yaml_text.py)


def test_yaml_errors():
    with pytest.raises(ConfigFileError) as info:
        plan_edit("A: 1\nB: [1, 2\nC: 3\n", "yaml", {"A": 2}, label="f.yml")
    assert "f.yml is not valid YAML" in str(info.value) and "line" in str(info.value)
    with pytest.raises(ConfigFileError, match="top level of f.yml is not a mapping"):
        plan_edit("- 1\n- 2\n", "yaml", {"A": 2}, label="f.yml")
    with pytest.raises(ConfigFileError, match="A is not a mapping"):
        plan_edit("A: [1]\n", "yaml", {"A.B": 2}, label="f.yml")


def test_yaml_verification_catches_unsafe_edit(monkeypatch):
    # Break the renderer: the re-parse must notice and refuse.
    monkeypatch.setattr(yt, "yaml_inline", lambda value, style=None, in_flow=False: "wrong")
    with pytest.raises(ConfigFileError, match="does not read back as intended"):
        plan_edit("A: 1\n", "yaml", {"A": 2}, label="f.yml")


def test_yaml_date_value_vs_string_is_a_change():
    plan = plan_edit("D: 2019-01-01\n", "yaml", {"D": "2019-01-01"})
    assert plan.changed and plan.new_text == 'D: "2019-01-01"\n'
    before, after = cf.diff_texts(plan.changes)
    assert before == 'D: "2019-01-01"\n'  # the date, shown in ISO form
    assert isinstance(plan.data["D"], datetime.date)


def test_diff_texts_mask_secrets():
    plan = plan_edit('{"A": 1, "SECRET_KEY": "old-secret-value", "DB": {"PASSWORD": "pw-old-1"}}', "json",
                     {"A": 2, "SECRET_KEY": "new-secret-value", "DB": {"PASSWORD": "pw-new-1", "HOST": "h"},
                      "NEW_TOKEN": "token-value-1"}, ["GONE"])
    before, after = cf.diff_texts(plan.changes)
    for secret in ("old-secret-value", "new-secret-value", "pw-old-1", "pw-new-1", "token-value-1"):
        assert secret not in before + after
    assert before == 'A: 1\nSECRET_KEY: ********\nDB: {"PASSWORD": "********"}\n'
    assert after == ('A: 2\nSECRET_KEY: ******** (changed)\nDB: {"PASSWORD": "********", "HOST": "h"}\n'
                     'NEW_TOKEN: ********\n')


def test_decode_text_crlf_and_bom():
    text, restore = cf.decode_text(b"\xef\xbb\xbfA: 1\r\nB: 2\r\n", "f")
    assert text == "A: 1\nB: 2\n"
    assert restore(text + "C: 3\n") == b"\xef\xbb\xbfA: 1\r\nB: 2\r\nC: 3\r\n"
    with pytest.raises(ConfigFileError, match="not UTF-8"):
        cf.decode_text(b"A: \xff\n", "f")


def test_detect_format():
    assert cf.detect_format("/x/lms.env.json", "auto") == "json"
    assert cf.detect_format("/x/lms.yml", "auto") == "yaml"
    assert cf.detect_format("/x/lms.yaml", "auto") == "yaml"
    assert cf.detect_format("/x/config", "auto", '  {"a": 1}') == "json"
    assert cf.detect_format("/x/config", "auto", "a: 1") == "yaml"
    assert cf.detect_format("/x/lms.yml", "json") == "json"


# --------------------------------------------------------------------------
# the lock


def _hold_then_report(path, queue):
    with cf.locked_file(path, exclusive=True, timeout=10):
        queue.put(time.time())


def test_lock_blocks_a_second_holder(tmp_path):
    path = tmp_path / "f.json"
    path.write_text("{}")
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    with cf.locked_file(str(path), exclusive=True):
        proc = ctx.Process(target=_hold_then_report, args=(str(path), queue))
        proc.start()
        time.sleep(0.6)
        released_at = time.time()
        assert queue.empty(), "second process got the lock while the first held it"
    got_at = queue.get(timeout=10)
    proc.join(10)
    assert got_at >= released_at


def test_lock_times_out(tmp_path):
    path = tmp_path / "f.json"
    path.write_text("{}")
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()

    def try_lock():
        try:
            with cf.locked_file(str(path), exclusive=True, timeout=0.3):
                queue.put("locked")
        except ConfigFileError as exc:
            queue.put(str(exc))

    with cf.locked_file(str(path), exclusive=True):
        proc = ctx.Process(target=try_lock)
        proc.start()
        message = queue.get(timeout=10)
        proc.join(10)
    assert "timed out" in message and str(path) in message


def test_lock_follows_a_replaced_file(tmp_path):
    path = tmp_path / "f.json"
    path.write_text("old")
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()

    def read_locked():
        with cf.locked_file(str(path), exclusive=True, timeout=10) as fd:
            queue.put(cf.read_fd(fd).decode())

    with cf.locked_file(str(path), exclusive=True):
        proc = ctx.Process(target=read_locked)
        proc.start()
        time.sleep(0.4)
        tmp = tmp_path / "new"
        tmp.write_text("new")
        os.rename(str(tmp), str(path))  # what atomic_move does
    assert queue.get(timeout=10) == "new"
    proc.join(10)


# --------------------------------------------------------------------------
# issue 10: anchors and aliases


def test_yaml_read_back_compares_the_expanded_data(monkeypatch):
    # Without the editor's own refusal, the read-back check must still see
    # that STUDIO_FEATURES changed although only FEATURES was asked for.
    monkeypatch.setattr(yt.YamlTextEditor, "_check_not_shared", lambda self, *args: None, raising=False)
    text = "FEATURES: &f\n    A: true\nSTUDIO_FEATURES: *f\n"
    with pytest.raises(ConfigFileError) as info:
        plan_edit(text, "yaml", {"FEATURES.B": True}, label="f.yml")
    assert "STUDIO_FEATURES.B" in str(info.value) and "FEATURES.B" not in str(info.value).replace(
        "STUDIO_FEATURES.B", "")


def test_yaml_recursive_alias_refused_cleanly():
    with pytest.raises(ConfigFileError, match="recursive"):
        plan_edit("A: &a\n    B: *a\nC: 1\n", "yaml", {"C": 2}, label="f.yml")


# --------------------------------------------------------------------------
# issue 10: our temp files


def test_temp_name_pattern_is_exact(tmp_path):
    target = str(tmp_path / "lms.env.json")
    ours = cf.temp_name_pattern(target)
    assert ours.match(".lms.env.json.abcd_019.tmp")
    for name in (".lms.env.json.abcd_01.tmp", ".lms.env.json.abcd_0190.tmp", ".lmsXenv.json.abcd_019.tmp",
                 ".lms.env.json.ABCD_019.tmp", "lms.env.json.abcd_019.tmp", ".lms.env.json.abcd_019.tmp~",
                 ".lms.env.json.abcd-019.tmp", ".x.lms.env.json.abcd_019.tmp"):
        assert not ours.match(name), name
    # the names the writer makes are the ones the cleaner recognises
    fd, made = cf.make_temp_file(target)
    os.close(fd)
    assert ours.match(os.path.basename(made)) and os.stat(made).st_mode & 0o777 == 0o600


def test_write_error_names_the_file_and_the_errno():
    import errno
    cause = OSError(errno.EBUSY, os.strerror(errno.EBUSY), "/x/lms.yml")
    try:
        try:
            raise cause
        except OSError as exc:
            raise Exception("Unable to make ... failed final rename from '/x/.ansible_tmp'") from exc
    except Exception as wrapped:
        message = str(cf.write_error("/x/lms.yml", wrapped))
    assert "/x/lms.yml" in message and "Device or resource busy" in message and "unsafe_writes" in message
    assert "failed final rename" not in message
