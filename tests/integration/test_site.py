"""playbooks/site.yml against fresh sandbox hosts (issue 3's proof).

What the molecule scenarios do not cover: restarts happen exactly for the
service whose config changed, a second run starts at most one platform
process, check mode changes nothing, and every bad input stops the run with
a clear message before anything on the host was touched.
"""

import pytest

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
