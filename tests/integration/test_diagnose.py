"""playbooks/diagnose.yml on sandbox hosts (issue 15): each blocking situation is built on the host, the
diagnosis must name exactly that cause and its fix; then the fix is applied and the diagnosis moves on.

On the legacy (hawthorn) and the newest modern (verawood) host, one host each for the whole module (site.yml
first, not under test here). The situations change the host's data with SQL or its services, and put
them back, so that the tests stay independent of their order.
"""

import json

import pytest

from conftest import run_playbook
from diagnosis import NO_MODES, RULES, blocker, configured_host, diagnose, user_id, workers


@pytest.fixture(scope="module", params=["hawthorn", "verawood"])
def diag_host(request):
    with configured_host(request.param) as host:
        yield host


def test_the_whole_course_counts_passing_learners_without_a_certificate(diag_host, tmp_path):
    host = diag_host
    run, result = diagnose(host, tmp_path)
    assert run.rc == 0 and run.total_changed == 0, run.output[-3000:]
    assert result["platform_starts"] == 1
    summary = result["summary"]
    # The same figures, read independently with SQL.
    [[passing_without]] = host.sql(
        "select count(distinct e.user_id) from student_courseenrollment e "
        "left join grades_persistentcoursegrade g on g.user_id = e.user_id and g.course_id = e.course_id "
        "left join certificates_certificateallowlist w on w.user_id = e.user_id and w.course_id = e.course_id "
        "and w.allowlist = 1 "
        "left join certificates_generatedcertificate c on c.user_id = e.user_id and c.course_id = e.course_id "
        "where e.course_id = '%s' and e.is_active = 1 and (g.passed_timestamp is not null or w.id is not null) "
        "and (c.status is null or c.status <> 'downloadable')" % RULES)
    assert summary["passing_without_certificate"] == int(passing_without) > 0, summary
    assert sum(summary["reasons"].values()) == summary["passing_without_certificate"]
    assert summary["reasons"].get("beta tester") == 1 and summary["reasons"].get("invalidated") == 1, summary
    # The JSON and markdown files, next to the reports.
    files = sorted(p.name for p in tmp_path.iterdir())
    assert [f.rsplit(".", 1)[1] for f in files] == ["json", "md"], files
    written = json.loads((tmp_path / files[0]).read_text())
    assert written["summary"] == summary and written["course_id"] == RULES
    assert "## The course" in (tmp_path / files[1]).read_text()


def test_a_beta_tester_is_named_and_the_fix_applies(diag_host, tmp_path):
    host = diag_host
    run, result = diagnose(host, tmp_path, learner="rules_beta_tester")
    assert run.rc == 0, run.output[-3000:]
    assert blocker(result) == "learner: not a beta tester", result["checks"]
    assert "beta testers" in result["blocker"]["fix"]
    uid = user_id(host, "rules_beta_tester")
    rows = host.sql("select id, org, role from student_courseaccessrole where user_id = %d and course_id = '%s'"
                    % (uid, RULES))
    host.sql("delete from student_courseaccessrole where user_id = %d and course_id = '%s' and role = 'beta_testers'"
             % (uid, RULES))
    try:
        _run, after = diagnose(host, tmp_path, learner="rules_beta_tester")
        assert blocker(after) != "learner: not a beta tester", after["checks"]
        assert blocker(after) in ("policy: automatic generation", "certificate row"), after["checks"]
    finally:
        for rid, org, role in rows:
            host.sql("insert into student_courseaccessrole (id, user_id, course_id, org, role) values "
                     "(%s, %d, '%s', '%s', '%s')" % (rid, uid, RULES, org, role))


def test_a_learner_without_a_certificate_gets_it_from_the_named_fix(diag_host, tmp_path):
    """Modern: an allowlisted learner (the grade is not checked) with no row, and the automatic generation
    switch off (the default): the policy is the cause. Legacy (add_cert reads no allowlist): a passing
    learner whose certificate is unavailable: the row is. Either way the fix named is generate.yml, and
    after it the diagnosis is clean and the page renders."""
    host = diag_host
    learner, cause = (("rules_regenerated", "certificate row") if host.legacy
                      else ("rules_allowlisted_failing", "policy: automatic generation"))
    run, result = diagnose(host, tmp_path, learner=learner)
    assert run.rc == 0, run.output[-3000:]
    assert blocker(result) == cause, result["checks"]
    assert "playbooks/generate.yml -e course_id=%s" % RULES in result["blocker"]["fix"]
    generated = run_playbook("generate.yml", [host], extra_vars={"course_id": RULES})
    assert generated.rc == 0, generated.output[-3000:]
    again, clean = diagnose(host, tmp_path, learner=learner)
    assert again.rc == 0 and clean["blocker"] is None, clean["checks"]
    page = [r for r in clean["checks"] if r["check"] == "certificate page"]
    assert page and page[0]["result"] == "ok", clean["checks"]
    # A stopped worker is the next thing that would keep a certificate from her.
    workers(host, "stop")
    try:
        _run, stopped = diagnose(host, tmp_path, learner=learner)
        assert blocker(stopped) == "workers", stopped["checks"]
    finally:
        workers(host, "start")


def test_a_course_without_an_active_certificate_is_named(diag_host, tmp_path):
    host = diag_host
    [[saved]] = host.sql("select certificates from sandbox_coursecertificateset where course_id = '%s'" % RULES)
    inactive = json.dumps([dict(c, is_active=False) for c in json.loads(saved)])
    host.sql("update sandbox_coursecertificateset set certificates = '%s' where course_id = '%s'"
             % (inactive.replace("'", "''"), RULES))
    try:
        run, result = diagnose(host, tmp_path, learner="rules_allowlisted_failing", check=True)
        assert run.rc == 0, run.output[-3000:]
        assert blocker(result) == "course: active course certificate", result["checks"]
        assert "activate it" in result["blocker"]["fix"]
    finally:
        host.sql("update sandbox_coursecertificateset set certificates = '%s' where course_id = '%s'"
                 % (saved.replace("'", "''"), RULES))


def test_a_course_without_a_certificate_mode_is_named_and_its_fix_applies(diag_host, tmp_path):
    """A course created in Studio offers only audit: no mode rows at all (the NoCert course's honor row is
    removed to build that), which the fix named, site.yml's openedx_certificates_course_modes, mends."""
    host = diag_host
    host.sql("delete from course_modes_coursemode where course_id = '%s'" % NO_MODES)
    run, result = diagnose(host, tmp_path, course=NO_MODES)
    assert run.rc == 0, run.output[-3000:]
    modes = [r for r in result["checks"] if r["check"] == "course: certificate modes"][0]
    assert modes["result"] == "blocks" and "openedx_certificates_course_modes" in modes["fix"], result["checks"]
    # The course has no course certificate either, and that check comes first, in the page's order.
    assert blocker(result) == "course: active course certificate", result["checks"]
    fixed = run_playbook("site.yml", [host], extra_vars={"openedx_certificates_course_modes": {NO_MODES: {"honor": {}}}})
    assert fixed.rc == 0, fixed.output[-3000:]
    _run, after = diagnose(host, tmp_path, course=NO_MODES)
    modes = [r for r in after["checks"] if r["check"] == "course: certificate modes"][0]
    assert modes["result"] == "ok" and "honor" in modes["detail"], after["checks"]


def test_an_unknown_course_or_learner_fails_clearly(diag_host, tmp_path):
    host = diag_host
    run, _result = diagnose(host, tmp_path, course="course-v1:Nobody+Nothing+2026")
    assert run.rc != 0 and "does not exist on this platform" in run.failure_messages(), run.output[-2000:]
    run, _result = diagnose(host, tmp_path, learner="no_such_learner")
    assert run.rc != 0 and "no user with that username, email or id" in run.failure_messages()
    assert list(tmp_path.iterdir()) == [], "a failed diagnosis wrote files"
