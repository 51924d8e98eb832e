"""A host laid out elsewhere than /edx/app/edxapp (issue 12's proof).

A fresh Hawthorn host is laid out again before the tests: the platform in
/opt/openedx/edx-platform, its virtualenv in /opt/openedx/venvs/edxapp, the
config files and edxapp_env beside the platform (the legacy config root is
the folder above it), the toolkit's state in /opt/openedx/var, and the
supervisor programs pointed there. Nothing is left at the old paths.

Only the variables of the openedx_host role are set
(openedx_host_platform_dir, _python, _state_dir): site.yml, generate.yml and
report.yml must all reach the platform through them. Before issue 12,
generate.yml and report.yml ran openedx_facts with its defaults and failed
on such a host ("no Open edX platform found at /edx/app/edxapp/edx-platform",
measured on 1c6abb0 with the old variable names, which site.yml honoured).
"""

import json

import pytest

from conftest import podman, run_playbook, start_host

BASE = "/opt/openedx"
PLATFORM = BASE + "/edx-platform"
PYTHON = BASE + "/venvs/edxapp/bin/python"
STATE = BASE + "/var/openedx-toolkit"
HOST_VARS = {"openedx_host_platform_dir": PLATFORM, "openedx_host_python": PYTHON,
             "openedx_host_state_dir": STATE}
DEMO = "course-v1:edX+DemoX+Demo_Course"

RELAYOUT = r"""
set -e
app=/edx/app/edxapp
install -d -m 0755 -o edxapp -g www-data {base} {base}/venvs {base}/var
mv $app/edx-platform {base}/edx-platform
mv $app/venvs/edxapp {base}/venvs/edxapp
for f in lms.env.json cms.env.json lms.auth.json cms.auth.json edxapp_env; do mv $app/$f {base}/$f; done
sed -i "s#$app/venvs/edxapp#{base}/venvs/edxapp#g; s#$app/edx-platform#{base}/edx-platform#g" \
    {base}/edxapp_env /edx/app/supervisor/conf.available.d/*.conf /edx/bin/python.edxapp
sed -i "s#$app/edxapp_env#{base}/edxapp_env#g" /edx/bin/python.edxapp
# gunicorn's launcher script names its interpreter (the venv moved)
for f in {base}/venvs/edxapp/bin/*; do
    [ -f "$f" ] && head -c 2 "$f" | grep -q '#!' && sed -i "1s#$app/venvs/edxapp#{base}/venvs/edxapp#" "$f"
done
systemctl restart supervisor
""".format(base=BASE)


@pytest.fixture(scope="module")
def moved_host():
    host = start_host("hawthorn")
    try:
        host.sh(RELAYOUT)
        assert host.sh("test -e /edx/app/edxapp/edx-platform", check=False).returncode != 0
        host.wait_http("http://127.0.0.1:8000/heartbeat", timeout=90)
        host.wait_http("http://127.0.0.1:8010/heartbeat", timeout=90)
        yield host
    finally:
        podman("rm", "--force", "--time", "0", host.name, check=False)


def test_site_enables_certificates_through_the_host_variables(moved_host):
    run = run_playbook("site.yml", [moved_host], host_vars={moved_host.name: HOST_VARS})
    assert run.rc == 0, run.output[-4000:]
    config = json.loads(moved_host.read(BASE + "/lms.env.json"))
    assert config["FEATURES"]["CERTIFICATES_HTML_VIEW"] is True
    # the migrations fingerprint went to the state folder given
    assert moved_host.sh("ls " + STATE).stdout.strip(), "nothing in " + STATE
    again = run_playbook("site.yml", [moved_host], host_vars={moved_host.name: HOST_VARS})
    assert again.rc == 0 and again.changed(moved_host.name) == 0, again.output[-4000:]


def test_generate_and_report_reach_the_moved_platform(moved_host, tmp_path):
    run = run_playbook("generate.yml", [moved_host], host_vars={moved_host.name: HOST_VARS},
                       extra_vars={"course_id": DEMO})
    assert run.rc == 0, run.output[-4000:]
    [result] = run.generation_results()
    assert result["platform_starts"] == 1 and result["courses"][DEMO]["after"].get("downloadable", 0) > 0, result
    # the progress file went to the state folder given
    assert moved_host.sh("test -f {}/progress/generate-progress.json".format(STATE), check=False).returncode == 0

    report = run_playbook("report.yml", [moved_host], host_vars={moved_host.name: HOST_VARS},
                          extra_vars={"course_id": DEMO, "openedx_reports_dir": str(tmp_path)})
    assert report.rc == 0, report.output[-4000:]
    [read] = report.results("Read the figures")
    [figures] = read["reports"]
    assert figures["course_id"] == DEMO and figures["statuses"].get("downloadable", 0) > 0, figures
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".csv", ".json"]
