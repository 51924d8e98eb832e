"""library/openedx_certificate_database.py, module_utils/openedx_generation_policy.py and
module_utils/openedx_runner_policy.py: with a faked platform process, and for real against the
sandbox platform (tests/sandbox/edx-platform, real Django, django-waffle and django-config-models)
on the controller with SQLite."""

import copy
import importlib.util
import json
import os
import pwd
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

import openedx_certificate_database
from ansible.module_utils.openedx_generation_policy import check_policy, is_empty, parse_datetime
from ansible.module_utils.openedx_runner_policy import POLICY_SOURCE
from test_openedx_runner import GOOD

ME = pwd.getpwuid(os.geteuid()).pw_name
ROOT = Path(__file__).resolve().parents[2]
DEMO = "course-v1:edX+DemoX+Demo_Course"
BENCH = "course-v1:OpenedX+Bench+2026"
SWITCH = "certificates.auto_certificate_generation"


# ------------------------------------------------------------ the checks (no platform)

def problems_of(**kwargs):
    return dict(check_policy(**kwargs)[1])


def test_nothing_asked_is_empty():
    wanted, problems = check_policy()
    assert problems == [] and is_empty(wanted)


def test_audit_is_refused_naming_the_variable():
    problems = problems_of(course_modes={BENCH: {"audit": {}, "honor": {}}}, names_prefix="openedx_certificates_")
    field = "openedx_certificates_course_modes[%r].audit" % BENCH
    assert list(problems) == [field]
    assert "can never earn a certificate" in problems[field]


@pytest.mark.parametrize("modes,field,words", [
    ({"gold": {}}, "gold", "is not a course mode"),
    ({"honor": {"min_price": -1}}, "honor.min_price", "0 or more"),
    ({"honor": {"min_price": True}}, "honor.min_price", "whole number"),
    ({"honor": {"currency": "USD"}}, "honor.currency", "lower-case"),
    ({"honor": {"colour": "red"}}, "honor.colour", "not a field"),
    ({"honor": {"state": "gone"}}, "honor.state", "present or absent"),
    ({"verified": {"expiration_datetime": "2027-06-30 23:59"}}, "verified.expiration_datetime", "time zone"),
    ({"professional": {"expiration_datetime": "2027-06-30T23:59:00Z"}}, "professional.expiration_datetime",
     "may not have an expiration"),
    ({"honor": {"mode_display_name": "x" * 256}}, "honor.mode_display_name", "255"),
    ({"honor": {"suggested_prices": "10, twenty"}}, "honor.suggested_prices", "commas"),
    ({"honor": ["x"]}, "honor", "mapping"),
])
def test_bad_mode_fields(modes, field, words):
    problems = problems_of(course_modes={BENCH: modes})
    key = "course_modes[%r].%s" % (BENCH, field)
    assert key in problems, problems
    assert words in problems[key]


@pytest.mark.parametrize("settings,field,words", [
    ({"self_generation_enabled": "yes"}, "self_generation_enabled", "true or false"),
    ({"include_hours_of_effort": 3}, "include_hours_of_effort", "null"),
    ({"hours": True}, "hours", "not a setting"),
])
def test_bad_course_settings(settings, field, words):
    problems = problems_of(course_settings={DEMO: settings})
    key = "course_settings[%r].%s" % (DEMO, field)
    assert words in problems[key]


def test_bad_course_id_and_switch():
    problems = problems_of(course_modes={"DemoX": {"honor": {}}}, auto_generation="on")
    assert "course_modes['DemoX']" in problems and "auto_generation" in problems


def test_defaults_at_creation_and_given_fields():
    wanted, problems = check_policy(course_modes={BENCH: {"honor": None, "verified": {
        "min_price": 49, "expiration_datetime": "2027-06-30T23:59:00+02:00"}}})
    assert problems == []
    honor, verified = wanted["course_modes"][BENCH]
    assert honor["given"] == {} and honor["create"]["mode_display_name"] == "Honor"
    assert honor["create"]["min_price"] == 0 and honor["currency"] == "usd"
    assert verified["given"] == {"min_price": 49, "expiration_datetime": "2027-06-30T21:59:00+00:00"}


def test_parse_datetime():
    assert parse_datetime("2027-01-01T00:30Z") == "2027-01-01T00:30:00+00:00"
    assert parse_datetime("2027-01-01T00:30:00-01:00") == "2027-01-01T01:30:00+00:00"
    with pytest.raises(ValueError):
        parse_datetime("tomorrow")


def test_policy_source_is_ascii_and_runs_on_python_27_and_35(tmp_path):
    POLICY_SOURCE.encode("ascii")
    compile(POLICY_SOURCE, "<policy>", "exec")
    import subprocess
    from test_openedx_runner import VERMIN
    source = tmp_path / "policy.py"
    source.write_text(POLICY_SOURCE)
    proc = subprocess.run([str(VERMIN), "-t=2.7-", "-t=3.5-", "--no-tips", "--violations", str(source)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# ------------------------------------------------------------ the module, platform faked

class FakePlatform:
    """run_platform_ops stand-in that records the ops and answers each."""

    def __init__(self, check_failure=None):
        self.calls = []
        self.check_failure = check_failure

    def __call__(self, module, service, ops, extra_sources=()):
        self.calls.append((service, copy.deepcopy(ops), list(extra_sources)))
        results = []
        for op in ops:
            if op["op"] == "certificate_policy_check":
                if self.check_failure:
                    results.append({"failed": True, "op": op["op"], "msg": self.check_failure,
                                    "problems": [self.check_failure]})
                    break
                results.append({"op": op["op"], "checked": []})
            elif op["op"] == "migrate":
                results.append({"op": "migrate", "pending": [], "applied": [], "remaining": []})
            elif op["op"] == "html_view_config":
                state = {"id": 1, "enabled": True, "configuration": GOOD}
                results.append({"op": op["op"], "changed": False, "before": state, "after": state,
                                "row_id": 1, "rows": 1})
            else:
                assert op["op"] == "certificate_policy"
                results.append({"op": op["op"], "changed": True, "tables_missing": [],
                                "auto_generation": {"switch": SWITCH, "before": False, "row_existed": False,
                                                    "after": True, "changed": True}})
        return results


@pytest.fixture
def fake(monkeypatch):
    platform = FakePlatform()
    monkeypatch.setattr(openedx_certificate_database, "run_platform_ops", platform)
    return platform


def args(**extra):
    base = dict(user=ME, settings="production")
    base.update(extra)
    return base


def test_one_process_check_first(fake, ansible_module):
    result = ansible_module("openedx_certificate_database",
                            args(html_view={"configuration": copy.deepcopy(GOOD)}, auto_generation=True,
                                 migrate_first=True, release="maple", names_prefix="openedx_certificates_"),
                            diff=True)
    assert result["changed"] is True and result["platform_starts"] == 1
    [(service, ops, sources)] = fake.calls
    assert service == "lms" and sources == [POLICY_SOURCE]
    assert [op["op"] for op in ops] == ["certificate_policy_check", "migrate", "html_view_config",
                                        "certificate_policy"]
    assert ops[0]["names"]["auto_generation"] == "openedx_certificates_auto_generation"
    assert ops[0]["release"] == "maple"
    assert result["html_view"]["changed"] is False
    assert len(result["diff"]) == 2
    assert json.loads(result["diff"][1]["after"]) == {"waffle_switch " + SWITCH: "on"}


def test_bad_input_refused_before_any_start(fake, ansible_module):
    result = ansible_module("openedx_certificate_database",
                            args(course_modes={BENCH: {"audit": {}}}, names_prefix="openedx_certificates_"))
    assert result["failed"] is True and fake.calls == [] and result["platform_starts"] == 0
    assert "openedx_certificates_course_modes[%r].audit" % BENCH in result["msg"]


def test_nothing_asked_starts_nothing(fake, ansible_module):
    result = ansible_module("openedx_certificate_database", args())
    assert result["changed"] is False and result["platform_starts"] == 0 and fake.calls == []


def test_platform_refusal_is_reported(monkeypatch, ansible_module):
    platform = FakePlatform(check_failure="openedx_certificates_auto_generation: this platform (release x) has "
                                          "no django-waffle")
    monkeypatch.setattr(openedx_certificate_database, "run_platform_ops", platform)
    result = ansible_module("openedx_certificate_database", args(auto_generation=True, migrate_first=True))
    assert result["failed"] is True and "nothing was changed" in result["msg"]
    assert "has no django-waffle" in result["msg"]
    assert result["problems"] and result["changed"] is False


# ------------------------------------------------------------ for real, on the sandbox platform

def _sandbox_conftest():
    spec = importlib.util.spec_from_file_location("sandbox_tests_conftest",
                                                  str(ROOT / "tests" / "sandbox" / "tests" / "conftest.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SANDBOX = _sandbox_conftest()


@pytest.fixture(scope="module")
def maple_db(tmp_path_factory):
    return SANDBOX._build_base_db(tmp_path_factory.mktemp("maple-base"), "maple")


@pytest.fixture
def sandbox(maple_db, tmp_path):
    root = tmp_path / "host"
    root.mkdir()
    db = root / "edxapp.sqlite3"
    shutil.copy(str(maple_db), str(db))
    host = SANDBOX.Host(root, "maple", db)

    def run(ansible_module, check_mode=False, diff=False, **options):
        env = {"LMS_CFG": str(root / "lms.yml"), "STUDIO_CFG": str(root / "studio.yml"),
               "SANDBOX_RELEASE_LINE": "maple", "SANDBOX_MANAGE_LOG": str(host.start_log)}
        params = dict(platform_dir=str(SANDBOX.PLATFORM), python=sys.executable, settings="production",
                      user=ME, environment=env, release="maple")
        params.update(options)
        return ansible_module("openedx_certificate_database", params, check_mode=check_mode, diff=diff)

    host.run = run
    return host


def rows(host, query):
    with sqlite3.connect(host.db) as conn:
        return conn.execute(query).fetchall()


def policy_state(host):
    tables = [name for (name,) in rows(host, "SELECT name FROM sqlite_master WHERE type='table'")]
    state = {"switch": rows(host, "SELECT name, active FROM waffle_switch ORDER BY id"),
             "modes": rows(host, "SELECT course_id, mode_slug, mode_display_name, min_price, currency, "
                                 "expiration_datetime FROM course_modes_coursemode ORDER BY id")}
    if "certificates_certificategenerationconfiguration" in tables:
        state["config"] = rows(host, "SELECT id, enabled FROM certificates_certificategenerationconfiguration "
                                     "ORDER BY id")
    if "certificates_certificategenerationcoursesetting" in tables:
        state["course"] = rows(host, "SELECT course_key, self_generation_enabled, "
                                     "language_specific_templates_enabled FROM "
                                     "certificates_certificategenerationcoursesetting ORDER BY id")
    state["migrations"] = rows(host, "SELECT COUNT(*) FROM django_migrations")
    return state


POLICY = dict(
    auto_generation=True,
    self_generation=True,
    course_settings={DEMO: {"self_generation_enabled": True}},
    course_modes={BENCH: {"honor": {}, "verified": {"min_price": 99, "expiration_datetime": "2031-01-01T00:00:00Z"}}},
)


def test_real_policy_write_idempotent_and_check_mode(sandbox, ansible_module):
    before = policy_state(sandbox)
    check = sandbox.run(ansible_module, check_mode=True, diff=True, migrate_first=True, **POLICY)
    assert check.get("failed") is not True, check.get("msg")
    assert check["changed"] is True and check["platform_starts"] == 1
    assert policy_state(sandbox) == before, "check mode wrote"
    # Migrations 0003/0005 of the certificates app are pending on a fresh
    # host: check mode cannot read those tables and says so.
    assert "certificates_certificategenerationconfiguration" in check["tables_missing"]
    assert check["auto_generation"]["before"] is False and check["auto_generation"]["changed"] is True

    first = sandbox.run(ansible_module, diff=True, migrate_first=True, **POLICY)
    assert first.get("failed") is not True, first.get("msg")
    assert first["changed"] is True and first["platform_starts"] == 1
    state = policy_state(sandbox)
    assert state["switch"] == [(SWITCH, 1)]
    assert state["config"][-1][1] == 1 and len(state["config"]) == 1
    assert state["course"] == [(DEMO, 1, 0)]
    assert (BENCH, "honor", "Honor", 0, "usd", None) in state["modes"]
    verified = [row for row in state["modes"] if row[:2] == (BENCH, "verified")]
    assert len(verified) == 1 and verified[0][3] == 99 and verified[0][5].startswith("2031-01-01 00:00:00")
    actions = dict(((e["course_id"], e["mode_slug"]), e["action"]) for e in first["course_modes"])
    assert actions == {(BENCH, "honor"): "create", (BENCH, "verified"): "update"}
    after = json.loads(first["diff"][-1]["after"])
    assert after["waffle_switch " + SWITCH] == "on"
    assert after["course_modes_coursemode %s honor (usd)" % BENCH]["mode_display_name"] == "Honor"

    second = sandbox.run(ansible_module, migrate_first=True, **POLICY)
    assert second["changed"] is False, second
    assert policy_state(sandbox) == state
    assert all(e["action"] == "none" for e in second["course_modes"] + second["course_settings"])

    # Off again: one new configuration row (append-only), the switch row updated.
    off = sandbox.run(ansible_module, auto_generation=False, self_generation=False)
    assert off["changed"] is True
    state = policy_state(sandbox)
    assert state["switch"] == [(SWITCH, 0)] and [row[1] for row in state["config"]] == [1, 0]


def test_real_unknown_course_refused_before_anything(sandbox, ansible_module):
    before = policy_state(sandbox)
    result = sandbox.run(ansible_module, migrate_first=True, auto_generation=True,
                         course_modes={"course-v1:Nobody+Nothing+2020": {"honor": {}}},
                         names_prefix="openedx_certificates_")
    assert result["failed"] is True
    assert "openedx_certificates_course_modes: course course-v1:Nobody+Nothing+2020 is not in course_overviews" \
        in result["msg"]
    assert policy_state(sandbox) == before, "migrated or wrote although the check failed"


def test_real_absent_deletes_only_that_mode(sandbox, ansible_module):
    result = sandbox.run(ansible_module, course_modes={BENCH: {"verified": {"state": "absent"}}})
    assert result["changed"] is True
    modes = [row[1] for row in policy_state(sandbox)["modes"] if row[0] == BENCH]
    assert modes == ["audit"]
    again = sandbox.run(ansible_module, course_modes={BENCH: {"verified": {"state": "absent"}}})
    assert again["changed"] is False


def test_real_update_touches_only_given_fields(sandbox, ansible_module):
    before = [row for row in policy_state(sandbox)["modes"] if row[:2] == (BENCH, "verified")][0]
    sandbox.run(ansible_module, course_modes={BENCH: {"verified": {"min_price": 5}}})
    after = [row for row in policy_state(sandbox)["modes"] if row[:2] == (BENCH, "verified")][0]
    assert after[3] == 5 and after[2] == before[2], "the display name was overwritten"


def test_real_honor_refused_when_honor_certificates_are_disabled(sandbox, ansible_module):
    sandbox.write_config({"lms": {"DISABLE_HONOR_CERTIFICATES": True}}, None, {})
    result = sandbox.run(ansible_module, course_modes={BENCH: {"honor": {}}})
    assert result["failed"] is True and "DISABLE_HONOR_CERTIFICATES" in result["msg"]
    assert "release maple" in result["msg"]
