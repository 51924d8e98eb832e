"""library/openedx_html_view_config.py with a faked platform process (and real runs)."""

import copy
import json
import os
import pwd
import subprocess
import sys
from pathlib import Path

import pytest

import openedx_html_view_config
from test_openedx_runner import GOOD, add_failing_migration, db_rows, make_platform, platform_template  # noqa: F401

ME = pwd.getpwuid(os.geteuid()).pw_name
ROOT = Path(__file__).resolve().parents[2]

SEED = {"default": {"platform_name": "Your Platform Name Here"}}


def _state(row_id, enabled, configuration):
    return {"id": row_id, "enabled": enabled, "configuration": configuration,
            "change_date": "2024-01-01T00:00:00+00:00", "changed_by": None, "parse_error": None}


class FakePlatform:
    """run_platform_ops stand-in: rows of the configuration table and pending migrations."""

    def __init__(self, rows=None, pending=(), table_missing_until_migrated=False):
        self.rows = list(rows if rows is not None else [(False, SEED)])
        self.pending = list(pending)
        self.table_missing = table_missing_until_migrated
        self.calls = []

    def __call__(self, module, service, ops, extra_sources=()):
        self.calls.append((service, copy.deepcopy(ops)))
        results = []
        for op in ops:
            if op["op"] == "migrate":
                pending = list(self.pending)
                if op["apply"]:
                    self.pending = []
                    self.table_missing = False
                results.append({"op": "migrate", "pending": pending,
                                "applied": pending if op["apply"] else [], "remaining": self.pending})
                continue
            assert op["op"] == "html_view_config"
            if self.table_missing:
                # As the runner's op: a check run reports the missing table,
                # a real one fails on it.
                if not op["apply"]:
                    results.append({"op": "html_view_config", "changed": True, "before": None, "after": None,
                                    "row_id": None, "rows": 0, "written": False, "table_missing": True})
                    continue
                results.append({"failed": True, "op": "html_view_config",
                                "msg": "OperationalError: no such table"})
                break
            if op.get("username") == "ghost":
                results.append({"failed": True, "op": "html_view_config",
                                "msg": "username 'ghost' does not exist on the platform"})
                break
            before = _state(len(self.rows), *self.rows[-1]) if self.rows else None
            wanted = op["wanted"]
            same = before is not None and before["enabled"] == wanted["enabled"] and \
                json.dumps(before["configuration"], sort_keys=True) == json.dumps(wanted["configuration"], sort_keys=True)
            result = {"op": "html_view_config", "changed": not same, "before": before, "after": before,
                      "row_id": before["id"] if before else None, "rows": len(self.rows), "written": False}
            if not same and op["apply"]:
                self.rows.append((wanted["enabled"], wanted["configuration"]))
                result.update(after=_state(len(self.rows), *self.rows[-1]), row_id=len(self.rows),
                              rows=len(self.rows), written=True)
            results.append(result)
        return results


@pytest.fixture
def fake(monkeypatch):
    platform = FakePlatform()
    monkeypatch.setattr(openedx_html_view_config, "run_platform_ops", platform)
    return platform


@pytest.fixture
def warned(monkeypatch):
    """Messages of AnsibleModule.warn (ansible-core 2.19 routes them to the
    controller display once a controller-side plugin was loaded in-process)."""
    from ansible.module_utils.basic import AnsibleModule
    messages = []
    monkeypatch.setattr(AnsibleModule, "warn", lambda self, msg, **kw: messages.append(msg))
    return messages


def args(**extra):
    base = dict(configuration=copy.deepcopy(GOOD), user=ME, settings="aws")
    base.update(extra)
    return base


def test_writes_when_different(fake, ansible_module):
    result = ansible_module("openedx_html_view_config", args())
    assert result["changed"] is True
    assert result["current"]["configuration"] == GOOD and result["current"]["enabled"] is True
    assert result["previous"]["configuration"] == SEED
    assert result["row_id"] == 2 and result["rows"] == 2
    assert result["platform_starts"] == 1
    assert len(fake.calls) == 1
    service, ops = fake.calls[0]
    assert service == "lms"
    assert ops == [{"op": "html_view_config", "apply": True, "username": None,
                    "wanted": {"enabled": True, "configuration": GOOD}}]


def test_idempotent(fake, ansible_module):
    ansible_module("openedx_html_view_config", args())
    result = ansible_module("openedx_html_view_config", args())
    assert result["changed"] is False and len(fake.rows) == 2
    assert "already matches" in result["msg"]


def test_configuration_as_json_text(fake, ansible_module):
    result = ansible_module("openedx_html_view_config", args(configuration=json.dumps(GOOD)))
    assert result["changed"] is True and fake.rows[-1][1] == GOOD


def test_check_mode_and_diff(fake, ansible_module):
    result = ansible_module("openedx_html_view_config", args(enabled=False), check_mode=True, diff=True)
    assert result["changed"] is True
    assert len(fake.rows) == 1, "nothing written"
    assert fake.calls[0][1][0]["apply"] is False
    assert result["current"]["configuration"] == SEED, "the configuration still in force"
    assert json.loads(result["diff"]["before"]) == {"enabled": False, "configuration": SEED}
    assert json.loads(result["diff"]["after"]) == {"enabled": False, "configuration": GOOD}
    assert result["diff"]["after_header"].endswith("(new row)")


def test_diff_after_write(fake, ansible_module):
    result = ansible_module("openedx_html_view_config", args(), diff=True)
    assert json.loads(result["diff"]["after"])["configuration"] == GOOD
    assert "row 2" in result["diff"]["after_header"]
    same = ansible_module("openedx_html_view_config", args(), diff=True)
    assert same["diff"]["before"] == same["diff"]["after"]


def test_username_passed_and_missing_user_fails(fake, ansible_module):
    ansible_module("openedx_html_view_config", args(username="admin"))
    assert fake.calls[0][1][0]["username"] == "admin"
    result = ansible_module("openedx_html_view_config", args(username="ghost", enabled=False))
    assert result["failed"] is True and "'ghost' does not exist" in result["msg"]


def test_migrate_first_same_process(fake, ansible_module):
    fake.pending = ["certificates.0002_data"]
    result = ansible_module("openedx_html_view_config", args(migrate_first=True))
    assert [op["op"] for op in fake.calls[0][1]] == ["migrate", "html_view_config"]
    assert len(fake.calls) == 1 and result["platform_starts"] == 1
    assert result["migrations"] == {"pending": ["certificates.0002_data"], "applied": ["certificates.0002_data"]}
    assert result["changed"] is True


def test_migrate_first_only_migration_changes(fake, ansible_module):
    ansible_module("openedx_html_view_config", args())
    fake.pending = ["x.0002"]
    result = ansible_module("openedx_html_view_config", args(migrate_first=True))
    assert result["changed"] is True, "the migration changed the host"
    assert result["migrations"]["applied"] == ["x.0002"]


def test_migrate_first_check_mode_with_table_missing(fake, ansible_module, warned):
    fake.pending = ["certificates.0001_initial"]
    fake.table_missing = True
    result = ansible_module("openedx_html_view_config", args(migrate_first=True), check_mode=True)
    assert result.get("failed") is not True
    assert result["changed"] is True
    assert result["migrations"]["applied"] == []
    assert any("does not exist yet" in w for w in warned)
    assert fake.pending == ["certificates.0001_initial"]


def test_table_missing_without_migrate_first_fails(fake, ansible_module):
    fake.table_missing = True
    result = ansible_module("openedx_html_view_config", args())
    assert result["failed"] is True and "no such table" in result["msg"]


# Every bad input: refused before any platform process, naming the field.
BAD = [
    (lambda c: c["default"].pop("company_tos_url"), "configuration.default.company_tos_url"),
    (lambda c: c["default"].pop("logo_src"), "configuration.default.logo_src"),
    (lambda c: c["default"].pop("platform_name"), "configuration.default.platform_name"),
    (lambda c: c["default"].__setitem__("company_about_url", "about"), "configuration.default.company_about_url"),
    (lambda c: c["default"].__setitem__("logo_url", "/"), "configuration.default.logo_url"),
    (lambda c: c["default"].__setitem__("logo_src", "logo.png"), "configuration.default.logo_src"),
    (lambda c: c.pop("default"), "configuration.default"),
    (lambda c: c.__setitem__("xseries", {"certificate_type": "x", "certificate_title": "x"}), "configuration.xseries"),
    (lambda c: c["verified"].pop("certificate_title"), "configuration.verified.certificate_title"),
    (lambda c: c["verified"].__setitem__("certificate_type", ["x"]), "configuration.verified.certificate_type"),
    # Hostile values (issue 10): a module used alone refuses them too.
    (lambda c: c["default"].__setitem__("platform_name", "<script>alert(1)</script>"), "configuration.default.platform_name"),
    (lambda c: c["default"].__setitem__("logo_url", 'https://example.org/"onmouseover="x'), "configuration.default.logo_url"),
    (lambda c: c["verified"].__setitem__("certificate_title", "T" * 201), "configuration.verified.certificate_title"),
]


@pytest.mark.parametrize("edit,field", BAD, ids=[b[1] for b in BAD])
def test_bad_configuration_refused_before_start(fake, ansible_module, edit, field):
    config = copy.deepcopy(GOOD)
    edit(config)
    result = ansible_module("openedx_html_view_config", args(configuration=config))
    assert result["failed"] is True
    assert field + ":" in result["msg"]
    assert result["platform_starts"] == 0 and fake.calls == []


def test_allowed_extra_modes(fake, ansible_module):
    config = copy.deepcopy(GOOD)
    config["xseries"] = {"certificate_type": "XSeries", "certificate_title": "XSeries Certificate"}
    result = ansible_module("openedx_html_view_config", args(configuration=config, allowed_extra_modes=["xseries"]))
    assert result["changed"] is True


def test_configuration_required(fake, ansible_module):
    result = ansible_module("openedx_html_view_config", dict(user=ME))
    assert result["failed"] is True and "configuration" in result["msg"]


def test_process_failure_reports_stderr(monkeypatch, ansible_module, tmp_path):
    """Through the real run_platform_ops, with run_command faked."""
    from ansible.module_utils.basic import AnsibleModule
    (tmp_path / "manage.py").write_text("")
    stderr = "Traceback (most recent call last):\n  ...\nImproperlyConfigured: LMS_CFG not set"
    monkeypatch.setattr(AnsibleModule, "run_command", lambda self, *a, **k: (1, "", stderr))
    result = ansible_module("openedx_html_view_config",
                            args(platform_dir=str(tmp_path), python=sys.executable))
    assert result["failed"] is True and result["rc"] == 1
    assert "ImproperlyConfigured: LMS_CFG not set" in result["msg"]
    assert "register_op" not in json.dumps(result)


# ------------------------------------------------------------------ for real

def test_real_platform_end_to_end(make_platform, ansible_module):  # noqa: F811
    platform = make_platform(migrated="partial")
    real = dict(configuration=copy.deepcopy(GOOD), platform_dir=str(platform), python=sys.executable,
                settings="test", user=ME)
    check = ansible_module("openedx_html_view_config", dict(real, migrate_first=True), check_mode=True)
    assert check["changed"] is True and check["migrations"]["pending"] == ["certificates.0002_seed"]
    assert db_rows(platform) == []

    first = ansible_module("openedx_html_view_config", dict(real, migrate_first=True), diff=True)
    assert first["changed"] is True and first["platform_starts"] == 1
    assert first["migrations"]["applied"] == ["certificates.0002_seed"]
    assert first["previous"]["enabled"] is False
    assert first["current"]["configuration"] == GOOD
    rows = db_rows(platform)
    assert len(rows) == 2 and first["row_id"] == rows[-1][0]

    second = ansible_module("openedx_html_view_config", real)
    assert second["changed"] is False and len(db_rows(platform)) == 2

    bad = copy.deepcopy(GOOD)
    del bad["default"]["company_tos_url"]
    refused = ansible_module("openedx_html_view_config", dict(real, configuration=bad))
    assert refused["failed"] is True and "configuration.default.company_tos_url" in refused["msg"]
    assert len(db_rows(platform)) == 2


def test_ansible_doc_renders():
    env = dict(os.environ, ANSIBLE_MODULE_UTILS=str(ROOT / "module_utils"))
    proc = subprocess.run([str(ROOT / ".venv" / "bin" / "ansible-doc"), "-M", str(ROOT / "library"),
                           "openedx_html_view_config"], capture_output=True, text=True, env=env, cwd=str(ROOT))
    assert proc.returncode == 0, proc.stderr
    assert "allowed_extra_modes" in proc.stdout and "migrate_first" in proc.stdout
    assert "ERROR" not in proc.stderr


def test_real_platform_migration_failing_midway(make_platform, ansible_module):  # noqa: F811
    """site.yml's LMS migrations run here (migrate_first): a migration that
    fails after others were applied is a change, and the result says which."""
    platform = make_platform(migrated=False)
    boom = add_failing_migration(platform)
    real = dict(configuration=copy.deepcopy(GOOD), platform_dir=str(platform), python=sys.executable,
                settings="test", user=ME, migrate_first=True)
    plan = ansible_module("openedx_html_view_config", real, check_mode=True)["migrations"]["pending"]
    result = ansible_module("openedx_html_view_config", real)
    assert result["failed"] is True
    assert result["changed"] is True, "migrations were applied before the failure"
    assert result["migrations"]["pending"] == plan
    assert result["migrations"]["applied"] == plan[:-1]
    assert result["migrations"]["remaining"] == [boom]
    assert result["migrations"]["failed_migration"] == boom
    assert "migration %s failed" % boom in result["msg"]
