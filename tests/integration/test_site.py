"""playbooks/site.yml against fresh sandbox hosts (issue 3's proof).

What the molecule scenarios do not cover: restarts happen exactly for the
service whose config changed, a second run starts at most one platform
process, check mode changes nothing, and every bad input stops the run with
a clear message before anything on the host was touched.
"""

import pytest

from conftest import MIGRATION_PASSWORD
from conftest import host_snapshot as snapshot

def test_restarts_exactly_what_changed(host, playbook):
    first = playbook("site.yml", [host])
    assert first.rc == 0, first.output
    after_first = snapshot(host)
    assert after_first["tmp"] == "www-data www-data 750 directory"

    host.sh("truncate -s 0 /edx/var/log/sandbox/manage-starts.log")
    second = playbook("site.yml", [host])
    assert second.rc == 0, second.output
    assert second.changed(host.name) == 0
    assert snapshot(host) == after_first, "a second run changed the host"
    # A configured host costs one platform start (reading the HTML view
    # configuration); Studio's migrations are skipped by the fingerprint.
    assert len(host.manage_starts()) == 1, host.manage_starts()

    # Someone turns the flag off in Studio only: only Studio is restarted.
    if host.legacy:
        host.sh("sed -i 's/\"CERTIFICATES_HTML_VIEW\": true/\"CERTIFICATES_HTML_VIEW\": false/' "
                "/edx/app/edxapp/cms.env.json")
    else:
        host.sh("sed -i 's/CERTIFICATES_HTML_VIEW: true/CERTIFICATES_HTML_VIEW: false/' /edx/etc/studio.yml")
    assert snapshot(host)["files"] != after_first["files"]
    third = playbook("site.yml", [host])
    assert third.rc == 0, third.output
    pids = snapshot(host)["pids"]
    assert pids["lms"] == after_first["pids"]["lms"], "LMS was restarted for a Studio change"
    assert pids["cms"] != after_first["pids"]["cms"], "Studio was not restarted after its config changed"
    status, body = host.http_get("http://127.0.0.1:8010/heartbeat")
    assert status == 200


def test_check_mode_changes_nothing(host, playbook):
    before = snapshot(host)
    run = playbook("site.yml", [host], check=True, diff=True)
    assert run.rc == 0, run.output
    assert run.changed(host.name) > 0, "check mode should report what it would change"
    assert snapshot(host) == before
    # The diff names the flag it would set.
    assert "CERTIFICATES_HTML_VIEW" in run.output


BAD_VARS = [
    pytest.param({"openedx_certificates_logo_url": None},
                 "configuration.default.logo_url", id="missing-required-key"),
    pytest.param({"openedx_certificates_company_tos_url": "www.example.com/tos"},
                 "configuration.default.company_tos_url", id="url-not-a-url"),
    pytest.param({"openedx_certificates_modes": {"vip": {"certificate_type": "VIP",
                                                         "certificate_title": "VIP Certificate"}}},
                 "configuration.vip", id="unknown-mode"),
]


@pytest.mark.parametrize("extra_vars,message", BAD_VARS)
def test_bad_configuration_touches_nothing(legacy_host, playbook, extra_vars, message):
    before = snapshot(legacy_host)
    run = playbook("site.yml", [legacy_host], extra_vars=extra_vars)
    assert run.rc != 0
    assert message in run.output
    assert legacy_host.manage_starts() == [], "the platform was started for a bad configuration"
    assert snapshot(legacy_host) == before


def test_corrupt_env_file_touches_nothing(legacy_host, playbook):
    # A half-written cms.env.json: the LMS file is fine, but neither may change.
    legacy_host.sh("head -c 200 /edx/app/edxapp/cms.env.json > /tmp/cut && "
                   "cat /tmp/cut > /edx/app/edxapp/cms.env.json")
    before = snapshot(legacy_host)
    run = playbook("site.yml", [legacy_host])
    assert run.rc != 0
    # The file's path is in every run's output (the facts name it): look at
    # what the failed task said.
    assert "/edx/app/edxapp/cms.env.json is not valid JSON" in run.failure_messages(), run.output
    assert snapshot(legacy_host) == before
    assert legacy_host.manage_starts() == []


def test_missing_env_file_touches_nothing(modern_host, playbook):
    modern_host.sh("rm /edx/etc/studio.yml")
    before = snapshot(modern_host)
    run = playbook("site.yml", [modern_host])
    assert run.rc != 0
    assert "/edx/etc/studio.yml" in run.failure_messages(), run.output
    assert snapshot(modern_host) == before
    assert modern_host.manage_starts() == []


def test_symlink_at_certificates_folder_is_refused(host, playbook):
    host.sh("mkdir -p /root/elsewhere && ln -s /root/elsewhere /tmp/certificates")
    before = snapshot(host)
    run = playbook("site.yml", [host])
    assert run.rc != 0
    assert "symbolic link" in run.output and "/root/elsewhere" in run.output
    assert snapshot(host) == before
    # Nothing chowned through the link.
    assert host.stat("/root/elsewhere")[:2] == ("root", "root")


def test_failing_platform_touches_nothing(host, playbook):
    # A platform whose manage.py dies at start (a broken settings module).
    host.sh("echo 'raise RuntimeError(\"settings are broken\")' "
            ">> /edx/app/edxapp/edx-platform/lms/envs/common.py")
    before = snapshot(host)
    run = playbook("site.yml", [host])
    assert run.rc != 0
    assert "settings are broken" in run.output
    assert snapshot(host) == before


def test_migrations_run_as_the_migration_user(modern_host, playbook):
    """The platform's own database user (edxapp001) may only read and write
    rows, as on a native deployment with its separate "migrate" user: without
    the migration user the run stops at the first migration that changes the
    schema, names it and the variables that fix it, and says what it applied
    before (a data migration); with it, the rest applies, and its password is
    in no output even at -vvvv."""
    host = modern_host
    without = playbook("site.yml", [host], extra_vars={"openedx_host_migration_db_user": "",
                                                       "openedx_host_migration_db_password": ""})
    assert without.rc != 0
    [(task, _host, failed)] = without.failures()
    assert task == "Apply the LMS migrations, the HTML view configuration and the generation policy", task
    assert "CREATE command denied to user 'edxapp001'" in failed["msg"], failed["msg"]
    assert "openedx_host_migration_db_user" in failed["msg"] and "openedx_host_migration_db_password" in failed["msg"]
    migrations = failed["migrations"]
    assert migrations["failed_migration"].startswith("certificates."), migrations
    assert migrations["failed_migration"] == migrations["remaining"][0]
    # What got applied before the failure stays applied, and is reported.
    applied = [row[0] for row in host.sql("select concat(app, '.', name) from django_migrations "
                                          "where app = 'certificates'")]
    assert migrations["applied"] and set(migrations["applied"]) <= set(applied)
    assert failed["changed"] is True
    assert migrations["failed_migration"] not in applied

    with_user = playbook("site.yml", [host], verbosity=4)
    assert with_user.rc == 0, with_user.output[-3000:]
    assert MIGRATION_PASSWORD not in with_user.output
    pending = host.sql("select count(*) from django_migrations where app = 'certificates' "
                       "and name = '0004_merge'")
    assert pending == [["1"]]
