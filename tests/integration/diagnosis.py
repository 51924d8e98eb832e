"""Helpers of the diagnose.yml tests (test_diagnose.py, test_diagnose_fixes.py): run the playbook and read
its rows, and build the situations on a sandbox host."""

import contextlib
import shlex

from conftest import podman, run_playbook, start_host

RULES = "course-v1:OpenedX+Rules+2026"
NO_MODES = "course-v1:OpenedX+NoCert+2025"


@contextlib.contextmanager
def configured_host(release):
    """A fresh host of ``release`` after site.yml (not under test here), removed afterwards."""
    host = start_host(release)
    try:
        run = run_playbook("site.yml", [host])
        assert run.rc == 0, "site.yml failed:\n" + run.output[-4000:]
        yield host
    finally:
        podman("rm", "--force", "--time", "0", host.name, check=False)


def generate_and_diagnose_clean(host, tmp_path, learner, course=RULES):
    """The fix generate.yml: it must certify the learner, and then nothing blocks and her page renders."""
    generated = run_playbook("generate.yml", [host], extra_vars={"course_id": course})
    assert generated.rc == 0, generated.output[-3000:]
    assert certificate_status(host, learner, course) == "downloadable"
    _run, clean = diagnose(host, tmp_path, course=course, learner=learner)
    assert clean["blocker"] is None, clean["checks"]
    return clean


def diagnose(host, tmp_path, course=RULES, learner=None, check=False):
    """(PlaybookRun, the result of "Read every condition" or {})."""
    extra = {"course_id": course, "openedx_reports_dir": str(tmp_path)}
    if learner is not None:
        extra["learner"] = learner
    run = run_playbook("diagnose.yml", [host], extra_vars=extra, check=check)
    results = run.results("Read every condition")
    return run, (results[0] if results else {})


def blocker(result):
    return (result.get("blocker") or {}).get("check")


def row_of(result, check):
    found = [r for r in result.get("checks", []) if r["check"] == check]
    assert len(found) == 1, (check, result.get("checks"))
    return found[0]


def user_id(host, username):
    [[uid]] = host.sql("select id from auth_user where username = '%s'" % username)
    return int(uid)


def certificate_status(host, username, course=RULES):
    rows = host.sql("select c.status from certificates_generatedcertificate c join auth_user u on u.id = c.user_id "
                    "where u.username = '%s' and c.course_id = '%s'" % (username, course))
    return rows[0][0] if rows else None


def workers(host, action):
    if host.legacy:
        host.sh("/edx/bin/supervisorctl %s 'edxapp_worker:*'" % action)
    else:
        host.sh("systemctl %s edxapp-workers" % action)


def lms_config_file(host):
    return "/edx/app/edxapp/lms.env.json" if host.legacy else "/edx/etc/lms.yml"


def replace_in_file(host, path, old, new):
    """Replace text in a host's file as an operator's editor would: in place, owner and mode kept."""
    script = ("import sys; p, a, b = sys.argv[1:]; t = open(p).read(); assert a in t, (p, a); "
              "open(p, 'w').write(t.replace(a, b))")
    host.sh("python3 -c %s %s %s %s" % (shlex.quote(script), shlex.quote(path), shlex.quote(old), shlex.quote(new)))
