"""openedx_audit_courses: the module with a faked platform, and the runner op
for real inside the sandbox platform (its Django project, a tmp database with
the demo data)."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import openedx_audit_courses as mod
from ansible.module_utils.openedx_runner import RESULT_BEGIN, RESULT_END, build_script
from ansible.module_utils.openedx_runner_audit import AUDIT_SOURCE

ROOT = Path(__file__).resolve().parents[2]
PLATFORM = ROOT / "tests" / "sandbox" / "edx-platform"
VERMIN = ROOT / ".venv" / "bin" / "vermin"
DEMO = "course-v1:edX+DemoX+Demo_Course"
BENCH = "course-v1:OpenedX+Bench+2026"

FINDING = {
    "op": "audit_courses", "today": "2026-11-28", "now": "2026-11-28T10:00:00+00:00",
    "current_cutoff": None, "ended_audit_courses": 0, "missing_overviews": ["course-v1:Gone+X+Y"],
    "courses": [
        {"course_id": DEMO, "end": "2030-12-31T00:00:00+00:00", "end_date": "2030-12-31",
         "audit_learners": 5, "audit_learners_total": 6, "display_name": "Demo", "running": True},
        {"course_id": BENCH, "end": "2031-06-30T00:00:00+00:00", "end_date": "2031-06-30",
         "audit_learners": 1500, "audit_learners_total": 1500, "display_name": "Bench", "running": True},
    ],
}


# Module warnings in the results (see conftest.module_messages).
pytestmark = pytest.mark.usefixtures("module_messages")


def warnings_of(result):
    return [w["event"]["msg"] if isinstance(w, dict) else w for w in result.get("warnings", [])]


@pytest.fixture
def fake_platform(monkeypatch):
    calls = []

    def run_platform_ops(module, service, ops, extra_sources=()):
        calls.append((service, ops, extra_sources))
        return [json.loads(json.dumps(FINDING))]

    monkeypatch.setattr(mod.platform, "run_platform_ops", run_platform_ops)
    return calls


def test_module_proposes(ansible_module, fake_platform):
    result = ansible_module("openedx_audit_courses", {})
    assert not result.get("failed"), result
    assert result["proposed"] == "2031-07-01" and result["cutoff"] == "2031-07-01"
    assert result["changed"] is False and result["platform_starts"] == 1
    assert [c["course_id"] for c in result["courses"]] == [BENCH, DEMO]
    assert fake_platform[0][0] == "lms" and fake_platform[0][1] == [{"op": "audit_courses"}]
    assert fake_platform[0][2] == [AUDIT_SOURCE]
    assert any("course-v1:Gone+X+Y" in w for w in warnings_of(result))


def test_module_refuses_naming_courses(ansible_module, fake_platform):
    result = ansible_module("openedx_audit_courses", {"cutoff_date": "2030-06-01"})
    assert result["failed"] and result["refused"]
    assert "%s (ends 2030-12-31)" % DEMO in result["msg"]
    assert "%s (ends 2031-06-30)" % BENCH in result["msg"]


def test_module_refusal_without_failing(ansible_module, fake_platform):
    result = ansible_module("openedx_audit_courses", {"cutoff_date": "2031-01-01", "fail_on_refusal": False})
    assert not result.get("failed") and result["refused"]
    assert [c["course_id"] for c in result["affected"]] == [BENCH]


def test_module_force(ansible_module, fake_platform):
    result = ansible_module("openedx_audit_courses", {"cutoff_date": "2020-01-01", "force": True})
    assert not result.get("failed") and result["forced"] and result["cutoff"] == "2020-01-01"


def test_module_bad_date_starts_nothing(ansible_module, fake_platform):
    result = ansible_module("openedx_audit_courses", {"cutoff_date": "2026-02-30"})
    assert result["failed"] and result["platform_starts"] == 0
    assert "cutoff_date: 2026-02-30 is not a real date" in result["msg"]
    assert fake_platform == []


def platform_dir(tmp_path, release_line, common=""):
    """A platform tree as openedx_facts reads it: manage.py, the release
    marker, lms/envs/common.py and the settings module of its generation."""
    root = tmp_path / ("edx-platform-%s" % release_line.replace("/", "-"))
    (root / "openedx" / "core").mkdir(parents=True)
    (root / "lms" / "envs").mkdir(parents=True)
    (root / "manage.py").write_text("")
    (root / "openedx" / "core" / "release.py").write_text('RELEASE_LINE = "%s"\n' % release_line)
    (root / "lms" / "envs" / "common.py").write_text(common)
    settings = "aws.py" if release_line == "hawthorn" else "production.py"
    (root / "lms" / "envs" / settings).write_text("")
    return str(root)


@pytest.mark.parametrize("release_line", ["maple", "open-release/nutmeg.2"])
def test_module_refuses_to_propose_where_the_setting_is_gone(ansible_module, fake_platform, tmp_path,
                                                              release_line):
    result = ansible_module("openedx_audit_courses", {"platform_dir": platform_dir(tmp_path, release_line)})
    assert result["failed"] is True and result["refused"] is True
    assert result["audit_cert_cutoff_supported"] is False and result["release_line"] == release_line
    assert result["proposed"] is None and result["cutoff"] is None
    assert "no longer has AUDIT_CERT_CUTOFF_DATE (removed in Maple)" in result["msg"]
    assert "audit-track learners get no certificate at all" in result["msg"]
    assert result["platform_starts"] == 0 and fake_platform == [], "the database cannot change the answer"


def test_module_on_a_release_without_the_setting_can_answer_without_failing(ansible_module, fake_platform,
                                                                             tmp_path):
    # What a playbook over a fleet that mixes releases wants (as
    # playbooks/audit_cutoff.yml does on Maple: a message, nothing changed, exit 0).
    result = ansible_module("openedx_audit_courses", {"platform_dir": platform_dir(tmp_path, "maple"),
                                                      "fail_on_refusal": False})
    assert not result.get("failed") and result["changed"] is False
    assert result["refused"] is True and result["audit_cert_cutoff_supported"] is False
    assert result["cutoff"] is None and fake_platform == []


def test_module_refuses_a_date_that_the_release_would_ignore(ansible_module, fake_platform, tmp_path):
    result = ansible_module("openedx_audit_courses", {"platform_dir": platform_dir(tmp_path, "maple"),
                                                      "cutoff_date": "2032-01-01", "force": True})
    assert result["failed"] is True and result["refused"] is True and result["cutoff"] is None
    assert "cutoff_date 2032-01-01 would be ignored" in result["msg"]
    assert fake_platform == []


@pytest.mark.parametrize("release_line,common", [
    ("hawthorn", ""), ("lilac", ""),
    # A release line the toolkit does not know (master): the setting's
    # default in lms/envs/common.py decides, as in openedx_facts.
    ("master", "AUDIT_CERT_CUTOFF_DATE = None\n"),
])
def test_module_proposes_where_the_setting_exists(ansible_module, fake_platform, tmp_path, release_line, common):
    result = ansible_module("openedx_audit_courses", {"platform_dir": platform_dir(tmp_path, release_line, common)})
    assert not result.get("failed"), result
    assert result["audit_cert_cutoff_supported"] is True and result["proposed"] == "2031-07-01"
    assert result["platform_starts"] == 1


def test_module_on_master_without_the_setting(ansible_module, fake_platform, tmp_path):
    result = ansible_module("openedx_audit_courses", {"platform_dir": platform_dir(tmp_path, "master")})
    assert result["failed"] is True and result["audit_cert_cutoff_supported"] is False
    assert fake_platform == []


# ------------------------------------------------------------ the op, for real

def test_audit_source_is_ascii_and_compiles():
    AUDIT_SOURCE.encode("ascii")
    compile(build_script([AUDIT_SOURCE]), "<script>", "exec")


def test_audit_source_runs_on_python_27_and_35(tmp_path):
    source = tmp_path / "audit.py"
    source.write_text(AUDIT_SOURCE)
    proc = subprocess.run([str(VERMIN), "-t=2.7-", "-t=3.5-", "--no-tips", "--violations", str(source)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def sandbox_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("audit-db")
    env = dict(os.environ, SANDBOX_DB=str(folder / "db.sqlite3"), SANDBOX_RELEASE_LINE="hawthorn",
               SANDBOX_MANAGE_LOG=str(folder / "starts.log"))
    for key in ("DJANGO_SETTINGS_MODULE", "LMS_CFG", "CONFIG_ROOT"):
        env.pop(key, None)
    for args in (["migrate", "--noinput"], ["load_demo_data"]):
        subprocess.run([sys.executable, "manage.py", "lms", "--settings=test"] + args, cwd=str(PLATFORM),
                       env=env, check=True, capture_output=True, timeout=600)
    return env


def run_op(env, ops):
    proc = subprocess.run([sys.executable, "manage.py", "lms", "--settings=test", "shell", "-c",
                           build_script([AUDIT_SOURCE])], cwd=str(PLATFORM), env=env,
                          input=json.dumps(ops), capture_output=True, text=True, timeout=120)
    lines = proc.stdout.splitlines()
    assert RESULT_BEGIN in lines, proc.stdout + proc.stderr
    return json.loads("\n".join(lines[lines.index(RESULT_BEGIN) + 1:lines.index(RESULT_END)]))


def test_op_reads_running_audit_courses(sandbox_db):
    result = run_op(sandbox_db, [{"op": "audit_courses"}])[0]
    assert not result.get("failed"), result
    by_id = {c["course_id"]: c for c in result["courses"]}
    assert set(by_id) == {DEMO, BENCH}
    assert by_id[DEMO]["end_date"] == "2030-12-31" and by_id[DEMO]["end"].startswith("2030-12-31T00:00:00")
    assert by_id[DEMO]["audit_learners"] == 5 and by_id[DEMO]["audit_learners_total"] == 6
    assert by_id[BENCH]["audit_learners"] == 1500
    assert result["current_cutoff"] is None
    assert result["ended_audit_courses"] == 0 and result["missing_overviews"] == []


def test_op_leaves_out_ended_courses_and_sees_open_ended(sandbox_db, tmp_path):
    env = dict(sandbox_db, SANDBOX_DB=str(tmp_path / "db.sqlite3"))
    shutil.copy(sandbox_db["SANDBOX_DB"], env["SANDBOX_DB"])
    code = ("from opaque_keys.edx.keys import CourseKey\n"
            "from openedx.core.djangoapps.content.course_overviews.models import CourseOverview\n"
            "from common.djangoapps.course_modes.models import CourseMode\n"
            "import datetime\n"
            "CourseOverview.objects.filter(id=CourseKey.from_string(%r)).update(end=None)\n"
            "CourseOverview.objects.filter(id=CourseKey.from_string(%r)).update("
            "end=datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc))\n"
            "CourseMode.objects.create(course_id=CourseKey.from_string('edX/toy/2012_Fall'), mode_slug='audit')\n"
            % (DEMO, BENCH))
    subprocess.run([sys.executable, "manage.py", "lms", "--settings=test", "shell", "-c", code],
                   cwd=str(PLATFORM), env=env, check=True, capture_output=True, timeout=120)
    result = run_op(env, [{"op": "audit_courses"}])[0]
    assert [c["course_id"] for c in result["courses"]] == [DEMO]
    assert result["courses"][0]["end"] is None and result["courses"][0]["end_date"] is None
    assert result["ended_audit_courses"] == 2  # bench (moved to 2020) and toy (ended 2013)
    with_ended = run_op(env, [{"op": "audit_courses", "include_ended": True}])[0]
    assert len(with_ended["courses"]) == 3
