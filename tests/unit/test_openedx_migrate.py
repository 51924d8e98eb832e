"""library/openedx_migrate.py with a faked platform process (and one real run)."""

import json
import os
import pwd
import subprocess
import sys
from pathlib import Path

import pytest

import openedx_migrate
from test_openedx_runner import add_failing_migration, db_rows, make_platform, platform_template  # noqa: F401

ME = pwd.getpwuid(os.geteuid()).pw_name
ROOT = Path(__file__).resolve().parents[2]


class FakePlatform:
    """Stands in for run_platform_ops: a database with pending migrations."""

    def __init__(self, pending):
        self.pending = {service: list(names) for service, names in pending.items()}
        self.calls = []

    def __call__(self, module, service, ops, extra_sources=()):
        self.calls.append((service, ops))
        results = []
        for op in ops:
            assert op["op"] == "migrate"
            pending = list(self.pending.get(service, []))
            applied = pending if op["apply"] else []
            if op["apply"]:
                # lms and cms share the database: applied is applied.
                for names in self.pending.values():
                    names[:] = [n for n in names if n not in pending]
            results.append({"op": "migrate", "pending": pending, "applied": applied,
                            "remaining": [] if op["apply"] else pending})
        return results


@pytest.fixture
def host(tmp_path):
    platform = tmp_path / "edx-platform"
    (platform / "lms" / "djangoapps" / "certificates" / "migrations").mkdir(parents=True)
    (platform / "lms" / "djangoapps" / "certificates" / "migrations" / "0001_initial.py").write_text("# 1\n")
    (platform / "manage.py").write_text("")
    venv = tmp_path / "venv"
    site = venv / "lib" / "python2.7" / "site-packages" / "config_models" / "migrations"
    site.mkdir(parents=True)
    (site / "0001_initial.py").write_text("# cm\n")
    (venv / "bin").mkdir()
    (venv / "bin" / "python").write_text("")
    return dict(platform=platform, venv=venv, site=site, state=tmp_path / "state")


@pytest.fixture
def warned(monkeypatch):
    """Messages of AnsibleModule.warn (ansible-core 2.19 routes them to the
    controller display once a controller-side plugin was loaded in-process)."""
    from ansible.module_utils.basic import AnsibleModule
    messages = []
    monkeypatch.setattr(AnsibleModule, "warn", lambda self, msg, **kw: messages.append(msg))
    return messages


def args(host, **extra):
    base = dict(platform_dir=str(host["platform"]), python=str(host["venv"] / "bin" / "python"),
                settings="aws", user=ME, state_dir=str(host["state"]))
    base.update(extra)
    return base


def test_applies_pending_and_reports(host, monkeypatch, ansible_module):
    fake = FakePlatform({"lms": ["certificates.0002_data"], "cms": ["certificates.0002_data"]})
    monkeypatch.setattr(openedx_migrate, "run_platform_ops", fake)
    result = ansible_module("openedx_migrate", args(host))
    assert result["changed"] is True
    assert result["applied"] == {"lms": ["certificates.0002_data"], "cms": []}
    assert result["pending"] == {"lms": ["certificates.0002_data"], "cms": []}
    assert result["platform_starts"] == 2
    assert result["skipped_by_fingerprint"] is False
    assert [c[0] for c in fake.calls] == ["lms", "cms"]
    assert all(c[1] == [{"op": "migrate", "apply": True, "credentials": None}] for c in fake.calls)


def test_check_mode_applies_nothing(host, monkeypatch, ansible_module):
    fake = FakePlatform({"lms": ["a.0002"], "cms": ["a.0002"]})
    monkeypatch.setattr(openedx_migrate, "run_platform_ops", fake)
    result = ansible_module("openedx_migrate", args(host), check_mode=True)
    assert result["changed"] is True
    assert result["pending"] == {"lms": ["a.0002"], "cms": ["a.0002"]}
    assert result["applied"] == {"lms": [], "cms": []}
    assert fake.pending["lms"] == ["a.0002"]
    assert all(c[1] == [{"op": "migrate", "apply": False, "credentials": None}] for c in fake.calls)
    assert not host["state"].exists(), "check mode stores no fingerprint"


def test_fingerprint_skips_second_run_and_notices_changes(host, monkeypatch, ansible_module):
    fake = FakePlatform({"lms": ["a.0002"], "cms": []})
    monkeypatch.setattr(openedx_migrate, "run_platform_ops", fake)
    first = ansible_module("openedx_migrate", args(host))
    assert first["changed"] is True and first["platform_starts"] == 2
    state_files = list(host["state"].iterdir())
    assert len(state_files) == 1
    assert json.loads(state_files[0].read_text())["fingerprint"] == first["fingerprint"]

    second = ansible_module("openedx_migrate", args(host))
    assert second == {**second, "changed": False, "platform_starts": 0, "skipped_by_fingerprint": True}
    assert "up to date" in second["msg"]
    assert len(fake.calls) == 2, "the platform was not started again"

    # A new migration file in the venv (a package upgrade): check again.
    (host["site"] / "0002_more.py").write_text("# new\n")
    fake.pending["lms"] = ["config_models.0002_more"]
    third = ansible_module("openedx_migrate", args(host))
    assert third["skipped_by_fingerprint"] is False
    assert third["applied"]["lms"] == ["config_models.0002_more"]
    assert third["fingerprint"] != first["fingerprint"]

    # An edited migration in the platform changes it too (size).
    migration = host["platform"] / "lms" / "djangoapps" / "certificates" / "migrations" / "0001_initial.py"
    migration.write_text("# 1 edited\n")
    fourth = ansible_module("openedx_migrate", args(host))
    assert fourth["skipped_by_fingerprint"] is False and fourth["platform_starts"] == 2


def test_fingerprint_false_always_checks(host, monkeypatch, ansible_module):
    fake = FakePlatform({"lms": [], "cms": []})
    monkeypatch.setattr(openedx_migrate, "run_platform_ops", fake)
    ansible_module("openedx_migrate", args(host))
    result = ansible_module("openedx_migrate", args(host, fingerprint=False))
    assert result["platform_starts"] == 2 and result["skipped_by_fingerprint"] is False
    assert result["changed"] is False
    assert "fingerprint" not in result


def test_fingerprint_covers_services_and_settings(host, monkeypatch, ansible_module):
    fake = FakePlatform({"lms": [], "cms": []})
    monkeypatch.setattr(openedx_migrate, "run_platform_ops", fake)
    ansible_module("openedx_migrate", args(host, services=["lms"]))
    result = ansible_module("openedx_migrate", args(host, services=["lms", "cms"]))
    assert result["skipped_by_fingerprint"] is False, "cms was never checked"
    result = ansible_module("openedx_migrate", args(host, services=["cms"]))
    assert result["skipped_by_fingerprint"] is True
    result = ansible_module("openedx_migrate", args(host, settings="production"))
    assert result["skipped_by_fingerprint"] is False


def test_no_fingerprint_stored_when_something_fails(host, monkeypatch, ansible_module):
    def failing(module, service, ops, extra_sources=()):
        return [{"failed": True, "op": "migrate", "msg": "op migrate failed: OperationalError: locked",
                 "traceback": "Traceback\n  ...\nOperationalError: locked"}]
    monkeypatch.setattr(openedx_migrate, "run_platform_ops", failing)
    result = ansible_module("openedx_migrate", args(host))
    assert result["failed"] is True
    assert "migrations of lms failed" in result["msg"] and "locked" in result["msg"]
    assert result["traceback_lines"][-1] == "OperationalError: locked"
    assert not host["state"].exists()


def test_remaining_after_apply_fails(host, monkeypatch, ansible_module):
    def stuck(module, service, ops, extra_sources=()):
        return [{"op": "migrate", "pending": ["a.1", "a.2"], "applied": ["a.1"],
                 "remaining": ["a.2"], "output": "Applying a.1... OK"}]
    monkeypatch.setattr(openedx_migrate, "run_platform_ops", stuck)
    result = ansible_module("openedx_migrate", args(host))
    assert result["failed"] is True and "left migrations pending: a.2" in result["msg"]


def test_failure_midway_reports_plan_applied_and_the_failing_migration(host, monkeypatch, ansible_module):
    # lms applies one migration; cms then fails at its second of three.
    def platform(module, service, ops, extra_sources=()):
        if service == "lms":
            return [{"op": "migrate", "pending": ["a.1"], "applied": ["a.1"], "remaining": []}]
        return [{"failed": True, "op": "migrate",
                 "msg": "migration b.2 failed: RuntimeError: boom (1 of the 3 pending migrations were "
                        "applied before it)",
                 "traceback": "Traceback\n  ...\nRuntimeError: boom",
                 "pending": ["b.1", "b.2", "b.3"], "applied": ["b.1"], "remaining": ["b.2", "b.3"],
                 "failed_migration": "b.2", "error": "RuntimeError: boom", "output": "Applying b.1... OK\n  Applying b.2..."}]
    monkeypatch.setattr(openedx_migrate, "run_platform_ops", platform)
    result = ansible_module("openedx_migrate", args(host))
    assert result["failed"] is True and result["changed"] is True
    assert result["pending"] == {"lms": ["a.1"], "cms": ["b.1", "b.2", "b.3"]}
    assert result["applied"] == {"lms": ["a.1"], "cms": ["b.1"]}
    assert result["remaining"] == {"lms": [], "cms": ["b.2", "b.3"]}
    assert result["failed_migration"] == "b.2"
    assert result["msg"].startswith("migrations of cms failed at b.2: RuntimeError: boom; 1 of the 3 "
                                    "pending migrations were applied before it; still pending: b.2, b.3. ")
    assert result["output_lines"][-1] == "  Applying b.2..."
    assert result["traceback_lines"][-1] == "RuntimeError: boom"
    assert not host["state"].exists(), "no fingerprint after a failure"


def test_failure_before_anything_was_applied_is_not_a_change(host, monkeypatch, ansible_module):
    def platform(module, service, ops, extra_sources=()):
        return [{"failed": True, "op": "migrate", "msg": "migrate failed before applying any migration: "
                 "CommandError: Conflicting migrations detected", "pending": ["a.1"], "applied": [],
                 "remaining": ["a.1"], "failed_migration": None, "output": ""}]
    monkeypatch.setattr(openedx_migrate, "run_platform_ops", platform)
    result = ansible_module("openedx_migrate", args(host))
    assert result["failed"] is True and result["changed"] is False
    assert result["pending"] == {"lms": ["a.1"]} and result["applied"] == {"lms": []}
    assert result["failed_migration"] is None
    assert "Conflicting migrations detected" in result["msg"]


DENIED = ("(1142, \"CREATE command denied to user 'edxapp001'@'localhost' for table "
          "`edxapp`.`certificates_certificategenerationcoursesetting`\")")


def denied_platform(password_in_error=None):
    def platform(module, service, ops, extra_sources=()):
        error = "OperationalError: " + DENIED + (" " + password_in_error if password_in_error else "")
        return [{"failed": True, "op": "migrate",
                 "msg": "migration certificates.0003 failed: " + error,
                 "pending": ["certificates.0003"], "applied": [], "remaining": ["certificates.0003"],
                 "failed_migration": "certificates.0003", "error": error, "output": "",
                 "traceback": "Traceback\n  ...\nOperationalError: " + DENIED}]
    return platform


def test_the_migration_credentials_go_in_the_ops_on_stdin(host, monkeypatch, ansible_module):
    fake = FakePlatform({"lms": ["a.1"], "cms": []})
    monkeypatch.setattr(openedx_migrate, "run_platform_ops", fake)
    result = ansible_module("openedx_migrate", args(host, migration_db_user="migrate",
                                                    migration_db_password="s3cret-Migrate"))
    assert result["changed"] is True
    assert [c[1][0]["credentials"] for c in fake.calls] == [{"user": "migrate", "password": "s3cret-Migrate"}] * 2
    assert "s3cret-Migrate" not in json.dumps(result)


def test_a_password_without_a_user_is_refused(host, monkeypatch, ansible_module):
    monkeypatch.setattr(openedx_migrate, "run_platform_ops", FakePlatform({"lms": []}))
    result = ansible_module("openedx_migrate", args(host, migration_db_password="s3cret-Migrate"))
    assert result["failed"] is True and "migration_db_user" in result["msg"]
    assert "s3cret-Migrate" not in json.dumps(result)


def test_a_refused_schema_change_names_the_migration_user_variables(host, monkeypatch, ansible_module):
    monkeypatch.setattr(openedx_migrate, "run_platform_ops", denied_platform())
    result = ansible_module("openedx_migrate", args(host))
    assert result["failed"] is True and result["failed_migration"] == "certificates.0003"
    assert "CREATE command denied" in result["msg"]
    assert "openedx_host_migration_db_user" in result["msg"] and "migration_db_user" in result["msg"]


def test_a_refused_migration_user_is_named_and_its_password_masked(host, monkeypatch, ansible_module):
    monkeypatch.setattr(openedx_migrate, "run_platform_ops", denied_platform(password_in_error="s3cret-Migrate"))
    result = ansible_module("openedx_migrate", args(host, migration_db_user="migrate",
                                                    migration_db_password="s3cret-Migrate"))
    assert result["failed"] is True
    assert "refused the migration user migrate" in result["msg"]
    assert "s3cret-Migrate" not in json.dumps(result)


def test_other_failures_get_no_privilege_hint(host, monkeypatch, ansible_module):
    def platform(module, service, ops, extra_sources=()):
        return [{"failed": True, "op": "migrate", "msg": "migration a.1 failed: RuntimeError: boom",
                 "pending": ["a.1"], "applied": [], "remaining": ["a.1"], "failed_migration": "a.1",
                 "error": "RuntimeError: boom", "output": ""}]
    monkeypatch.setattr(openedx_migrate, "run_platform_ops", platform)
    result = ansible_module("openedx_migrate", args(host))
    assert result["failed"] is True and "migration_db_user" not in result["msg"]


def test_unwritable_state_dir_is_a_warning(host, monkeypatch, ansible_module, tmp_path, warned):
    fake = FakePlatform({"lms": [], "cms": []})
    monkeypatch.setattr(openedx_migrate, "run_platform_ops", fake)
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = ansible_module("openedx_migrate", args(host, state_dir=str(blocker / "sub")))
    assert result.get("failed") is not True, result
    assert any("could not store the migration fingerprint" in w for w in warned)


def test_bad_service_refused(host, ansible_module):
    result = ansible_module("openedx_migrate", args(host, services=["lms", "studio"]))
    assert result["failed"] is True and "services" in result["msg"]


def test_real_platform(make_platform, ansible_module, tmp_path):  # noqa: F811
    platform = make_platform(migrated="partial")
    real = dict(platform_dir=str(platform), python=sys.executable, settings="test", user=ME,
                state_dir=str(tmp_path / "state"))
    check = ansible_module("openedx_migrate", real, check_mode=True)
    assert check["changed"] is True and check["pending"]["lms"] == ["certificates.0002_seed"]
    done = ansible_module("openedx_migrate", real)
    assert done["applied"] == {"lms": ["certificates.0002_seed"], "cms": []}
    assert done["platform_starts"] == 2
    again = ansible_module("openedx_migrate", real)
    assert again["changed"] is False and again["platform_starts"] == 0


def test_real_platform_failing_midway(make_platform, ansible_module, tmp_path):  # noqa: F811
    platform = make_platform(migrated=False)
    boom = add_failing_migration(platform)
    real = dict(platform_dir=str(platform), python=sys.executable, settings="test", user=ME,
                state_dir=str(tmp_path / "state"))
    plan = ansible_module("openedx_migrate", real, check_mode=True)["pending"]["lms"]
    result = ansible_module("openedx_migrate", real)
    assert result["failed"] is True
    assert result["changed"] is True, "migrations were applied before the failure"
    assert result["pending"] == {"lms": plan}
    assert result["applied"] == {"lms": plan[:-1]} and "certificates.0002_seed" in result["applied"]["lms"]
    assert result["remaining"] == {"lms": [boom]}
    assert result["failed_migration"] == boom
    assert result["msg"].startswith("migrations of lms failed at %s: " % boom)
    assert "RuntimeError: boom" in result["msg"]
    assert result["platform_starts"] == 1, "cms is not tried after lms failed"
    assert len(db_rows(platform)) == 1
    assert not (tmp_path / "state").exists()


def test_ansible_doc_renders():
    env = dict(os.environ, ANSIBLE_MODULE_UTILS=str(ROOT / "module_utils"))
    proc = subprocess.run([str(ROOT / ".venv" / "bin" / "ansible-doc"), "-M", str(ROOT / "library"),
                           "openedx_migrate"], capture_output=True, text=True, env=env, cwd=str(ROOT))
    assert proc.returncode == 0, proc.stderr
    assert "fingerprint" in proc.stdout and "platform_starts" in proc.stdout
    assert "ERROR" not in proc.stderr
