"""playbooks/generate.yml and playbooks/report.yml on fresh sandbox hosts (issue 4's proof).

One host per release for the whole module (generation changes state, so the
tests run in this order on each host):

1. a malformed course id fails before anything starts (no platform process);
2. an unknown (well-formed) course fails in the one checking process, before
   any generation, even next to a real course (the certificate table is
   unchanged);
3. generation of two courses (Maple: three, with the rules course, whose
   invalidated certificate and in-process notpassing must not make the run
   wait for the workers) then the report: the counts are what the demo data
   says they must be (Hawthorn: ``after_ungenerated_certs`` of
   demo_expectations.json; Maple: ``maple_generation_active_learners``, the
   rules of Maple's generation handler applied to the ACTIVE learners
   without a certificate or with an unavailable one, which the toolkit sends
   as the bulk generation would), read by ``gen_cert_report`` on Hawthorn and
   from the ORM on Maple, and written as JSON and CSV on the controller;
4. a second generation changes nothing (``changed=0``, same table);
4b. Maple: regenerating by status (``regenerate_statuses``): an unknown status is
   refused before anything starts; the unverified learners stay unverified
   (changed=0) until an ID verification is approved, then get a certificate;
5. the report has the same keys on both generations.

On Maple the selection is checked too: the learners sent and those left out,
by reason, computed here from the platform's rows (the inactive ones are
demo_expectations.json's), and what the platform did with the rules course's
learners, one by one (published, set in the process, declined and why).

Certificates are enabled first (playbooks/site.yml): without HTML
certificates Hawthorn takes the PDF/XQueue path and every passing learner
ends in ``error``.
"""

import csv
import json
import shlex
from pathlib import Path

import pytest

from conftest import podman, run_playbook, start_host

ROOT = Path(__file__).resolve().parents[2]
EXPECT = json.loads((ROOT / "tests/sandbox/demo_expectations.json").read_text())
DEMO = "course-v1:edX+DemoX+Demo_Course"
TOY = "edX/toy/2012_Fall"
RULES = "course-v1:OpenedX+Rules+2026"
COURSES = [DEMO, TOY]
MAPLE_COURSES = [DEMO, TOY, RULES]
UNKNOWN = "course-v1:edX+Nope+2099"
ENROLLMENT_KEYS = ("enrolled_current", "enrolled_total", "verified_enrolled",
                   "honor_enrolled", "audit_enrolled")
STATUSES = ("deleted", "deleting", "downloadable", "error", "generating", "notpassing", "restricted",
            "unavailable", "auditing", "audit_passing", "audit_notpassing", "honor_passing",
            "unverified", "invalidated", "requesting")

# What each release's report looked like, for the last test (same keys).
REPORTS = {}
# Set by the generation test: the host's generation ran, the second-run test may follow.
GENERATED = {}

# The platform's own data for the courses, read with its ORM, independently
# of the toolkit: every enrollment (user, mode, active), every certificate
# row (user, status, mode), who passed (a persistent grade with a
# passed_timestamp) and who has an approved ID verification.
DATA_CODE = """
import json
from opaque_keys.edx.keys import CourseKey
from common.djangoapps.student.models import CourseEnrollment
from lms.djangoapps.certificates.models import GeneratedCertificate
from lms.djangoapps.grades.models import PersistentCourseGrade
from lms.djangoapps.verify_student.models import IDVerificationService
out = {}
for cid in %r:
    key = CourseKey.from_string(cid)
    enr = list(CourseEnrollment.objects.filter(course_id=key).values_list('user_id', 'mode', 'is_active'))
    out[cid] = {
        'enrollments': enr,
        'certificates': list(GeneratedCertificate.objects.filter(course_id=key)
                             .values_list('user_id', 'status', 'mode')),
        'passed': list(PersistentCourseGrade.objects.filter(course_id=key, passed_timestamp__isnull=False)
                       .values_list('user_id', flat=True)),
        'verified': sorted(IDVerificationService.verified_user_ids([e[0] for e in enr])),
    }
print(json.dumps(out))
"""


# ----------------------------------------------------------------- helpers





def cert_table(host):
    """Every certificate row of the host, as comparable data (the database, not the platform)."""
    return host.sql("select id, user_id, course_id, status, mode, verify_uuid, modified_date "
                    "from certificates_generatedcertificate order by id")


def clear_starts(host):
    host.sh("truncate -s 0 /edx/var/log/sandbox/manage-starts.log")


def flat(report):
    """The flat mapping gen_cert_report prints, from a report dict of the toolkit."""
    out = {key: report[key] for key in ENROLLMENT_KEYS}
    out.update(report["statuses"])
    out.update(report["downloadable_by_mode"])
    return out


def flat_from_rows(enrollments, certificates):
    """gen_cert_report's figures computed from enrollment and certificate rows."""
    out = {"enrolled_current": len({u for u, _m, active in enrollments if active}),
           "enrolled_total": len({u for u, _m, _a in enrollments})}
    for mode in ("verified", "honor", "audit"):
        out[mode + "_enrolled"] = sum(1 for _u, _s, m in certificates if m == mode)
    for _u, status, mode in certificates:
        out[status] = out.get(status, 0) + 1
        if status == "downloadable":
            out[mode] = out.get(mode, 0) + 1
    return out


def courses_of(host):
    return COURSES if host.legacy else MAPLE_COURSES


def maple_sent(data):
    """The learners the toolkit sends to cert_generation: active, without a certificate or with an
    unavailable one (what the instructor dashboard's bulk generation picks), less audit, which the
    platform never certifies (the sandbox runs without DISABLE_HONOR_CERTIFICATES)."""
    status = {u: s for u, s, _m in data["certificates"]}
    return sum(1 for user, mode, active in data["enrollments"]
               if active and status.get(user, "unavailable") == "unavailable" and mode != "audit")


def maple_left_out(data):
    """What the toolkit must say it left out, computed here from the platform's rows, in its order."""
    status = {u: s for u, s, _m in data["certificates"]}
    left_out = {}
    for user, mode, active in data["enrollments"]:
        if not active:
            reason, detail = "inactive_enrollment", mode
        elif status.get(user, "unavailable") != "unavailable":
            reason, detail = "has_certificate", status[user]
        elif mode == "audit":
            reason, detail = "mode_not_eligible", mode
        else:
            continue
        left_out.setdefault(reason, {})
        left_out[reason][detail] = left_out[reason].get(detail, 0) + 1
    return left_out


def read_report_files(directory, host):
    """The JSON and CSV report files of one run in `directory`."""
    jsons = sorted(directory.glob("cert-report-{}-*.json".format(host.name)))
    csvs = sorted(directory.glob("cert-report-{}-*.csv".format(host.name)))
    assert len(jsons) == 1 and len(csvs) == 1, sorted(p.name for p in directory.iterdir())
    assert jsons[0].stem == csvs[0].stem, "the JSON and CSV files of one run have different stamps"
    document = json.loads(jsons[0].read_text())
    with csvs[0].open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    return document, rows


def report(host, tmp_dir, courses=None):
    courses = courses or courses_of(host)
    run = run_playbook("report.yml", [host], extra_vars={"course_ids": courses,
                                                        "openedx_reports_dir": str(tmp_dir)})
    assert run.rc == 0, run.output
    assert run.total_changed == 0, "a report changed something"
    result = run.results("Read the figures")[0]
    return run, result


# ----------------------------------------------------------------- the host

@pytest.fixture(scope="module", params=["hawthorn", "maple"])
def gen_host(request):
    """One fresh host per release, certificates enabled (site.yml, not under test here)."""
    host = start_host(request.param)
    try:
        run = run_playbook("site.yml", [host])
        assert run.rc == 0, "site.yml failed:\n" + run.output
        yield host
    finally:
        podman("rm", "--force", "--time", "0", host.name, check=False)


# ----------------------------------------------------------------- 1. malformed ids

@pytest.mark.parametrize("bad_id,problem", [
    pytest.param("/edX/toy/2012_Fall/", "slash", id="slashes"),
    pytest.param("course-v1:bad", "three parts", id="new-style-without-parts"),
])
def test_malformed_course_id_starts_nothing(gen_host, bad_id, problem):
    host = gen_host
    before = cert_table(host)
    clear_starts(host)
    run = run_playbook("generate.yml", [host],
                       extra_vars={"course_ids": [DEMO, bad_id], "openedx_progress_window": 5})
    assert run.rc != 0, run.output
    failed = [r for r in run.generation_results() if r.get("failed")]
    assert failed, run.output
    msg = failed[0]["msg"]
    assert bad_id in msg and "malformed" in msg and problem in msg, msg
    assert failed[0]["invalid_course_ids"] == [bad_id], "only the malformed id is blamed"
    assert failed[0]["platform_starts"] == 0
    assert host.manage_starts() == [], "the platform was started for a malformed id"
    assert cert_table(host) == before


# ----------------------------------------------------------------- 2. unknown course

def test_unknown_course_generates_nothing(gen_host):
    host = gen_host
    before = cert_table(host)
    clear_starts(host)
    # Next to a real course that has learners to generate for: nothing may run for it either.
    run = run_playbook("generate.yml", [host],
                       extra_vars={"course_ids": [DEMO, UNKNOWN], "openedx_progress_window": 5})
    assert run.rc != 0, run.output
    failed = [r for r in run.generation_results() if r.get("failed")]
    assert failed, run.output
    msg = failed[0]["msg"]
    assert UNKNOWN in msg and "does not exist" in msg, msg
    assert failed[0]["platform_starts"] <= 1
    starts = host.manage_starts()
    assert len(starts) <= 1, starts
    # ...and that one is the toolkit's checking process (manage.py lms shell), not a command.
    assert all(s.split()[5] == "shell" for s in starts), starts
    assert cert_table(host) == before, "certificates were written for a run that failed its checks"

    # The report refuses it the same way.
    run = run_playbook("report.yml", [host], extra_vars={"course_id": UNKNOWN,
                                                         "openedx_reports_dir": "/nonexistent"})
    assert run.rc != 0
    failed = [r for r in run.results("Read the figures") if r.get("failed")]
    assert failed and UNKNOWN in failed[0]["msg"] and "does not exist" in failed[0]["msg"], run.output


# ----------------------------------------------------------------- 3. generate, then report

def test_generate_then_report(gen_host, tmp_path):
    host = gen_host
    courses = courses_of(host)
    data = host.platform_json(DATA_CODE % (courses,))
    for cid in courses:
        # The data is the demo data the expectations were written for.
        by_mode = {}
        for _u, mode, _a in data[cid]["enrollments"]:
            by_mode[mode] = by_mode.get(mode, 0) + 1
        assert by_mode == EXPECT["courses"][cid]["enrollments"]["by_mode"], cid
        assert flat_from_rows(data[cid]["enrollments"], data[cid]["certificates"]) == \
            EXPECT["courses"][cid]["report_before"], cid

    if host.legacy:
        expected = {cid: EXPECT["courses"][cid]["after_ungenerated_certs"] for cid in courses}
        # ungenerated_certs walks every enrollment (inactive too) without a certificate.
        sent = {cid: sum(1 for u, _m, _a in data[cid]["enrollments"]
                         if u not in {c[0] for c in data[cid]["certificates"]}) for cid in courses}
    else:
        # The statuses the demo design says Maple's rules give the learners the toolkit sends
        # (tests/sandbox checks them against the platform's own code, learner by learner).
        expected = {cid: EXPECT["courses"][cid]["maple_generation_active_learners"] for cid in courses}
        sent = {cid: maple_sent(data[cid]) for cid in courses}

    # Generation.
    clear_starts(host)
    run = run_playbook("generate.yml", [host], extra_vars={"course_ids": courses})
    assert run.rc == 0, run.output
    assert run.changed(host.name) > 0
    result = run.generation_results()[0]
    assert result["method"] == ("ungenerated_certs" if host.legacy else "cert_generation")
    assert result["platform_starts"] == 1, "all courses of a run share one platform process"
    assert len(host.manage_starts()) == 1, host.manage_starts()
    for cid in courses:
        course = result["courses"][cid]
        assert course["learners"] == sent[cid], (cid, course)
        if not host.legacy:
            selection = course["selection"]
            assert selection["selected"] == sent[cid]
            assert selection["left_out"] == maple_left_out(data[cid]), cid
            # Every learner is sent or counted under one reason; the inactive ones are the demo data's.
            assert selection["selected"] + selection["left_out_total"] == EXPECT["courses"][cid]["enrollments"]["total"]
            assert sum((selection["left_out"].get("inactive_enrollment") or {}).values()) == \
                EXPECT["courses"][cid]["enrollments"]["inactive"], cid
        assert course["after"] == {k: v for k, v in expected[cid].items() if k in STATUSES}, (cid, course)
        if not host.legacy:
            gen = course["generation"]
            assert gen["timed_out"] is False and gen["processed"] == gen["queued"], gen
    if not host.legacy:
        # The rules course: 4 tasks published; the invalidated certificate (unavailable) and the
        # notpassing were decided in the platform process and were not waited for.
        gen = result["courses"][RULES]["generation"]
        assert (gen["queued"], gen["decided_in_process"], gen["not_eligible"]) == (4, 2, 3), gen
        # ... and why, learner by learner of the rules course (load_demo_data RULES_LEARNERS).
        assert gen["outcomes"] == {"published": {"downloadable": 2, "unverified": 2},
                                   "decided_in_process": {"notpassing": 1, "unavailable": 1},
                                   "declined": {"beta_tester": {"regular": 1}, "not_passing": {"regular": 2}}}, gen
        assert result["reasons"]["not_passing"]["how"] == "inferred"
        assert result["reasons"]["mode_not_eligible"]["how"] == "read"
        assert gen["waited_seconds"] < 60, gen
        # Every published task was written: the queue file (written only when it holds some) has none.
        queue = host.sh("cat /edx/var/edxapp/openedx-toolkit/generation-queue.json 2>/dev/null "
                        "|| echo '{\"courses\": {}}'").stdout
        assert json.loads(queue)["courses"] == {}, queue
    # The summary table is printed.
    table = "\n".join(run.results("Certificates by status, before and after")[0]["msg"])
    assert DEMO in table and TOY in table and "downloadable" in table
    after = host.platform_json(DATA_CODE % (courses,))
    if not host.legacy:
        # gen_cert_report's figures of the rows that are there now (the statuses were checked above).
        expected = {cid: flat_from_rows(after[cid]["enrollments"], after[cid]["certificates"])
                    for cid in courses}

    # Report, from the platform's command (Hawthorn) or its tables (Maple).
    run, result = report(host, tmp_path)
    source = "gen_cert_report" if host.legacy else "orm"
    assert result["source"] == source
    reports = {r["course_id"]: r for r in result["reports"]}
    assert list(reports) == courses
    for cid in courses:
        assert reports[cid]["source"] == source
        assert reports[cid]["exists"] is True
        assert reports[cid]["warnings"] == []
        assert flat(reports[cid]) == expected[cid], cid
    # ...which is what the certificate table holds now.
    for cid in courses:
        assert flat(reports[cid]) == flat_from_rows(after[cid]["enrollments"], after[cid]["certificates"])
        active_by_mode = {}
        for _u, mode, active in after[cid]["enrollments"]:
            if active:
                active_by_mode[mode] = active_by_mode.get(mode, 0) + 1
        assert reports[cid]["enrollments_by_mode"] == active_by_mode
    # Every new downloadable certificate has a verify_uuid.
    rows = cert_table(host)
    assert all(r[5] for r in rows if r[3] == "downloadable" and r[2] in courses)

    # The files on the controller.
    document, csv_rows = read_report_files(tmp_path, host)
    assert document["host"] == host.name and document["source"] == source
    assert document["reports"] == result["reports"]
    assert [row["course_id"] for row in csv_rows] == courses
    for row in csv_rows:
        figures = expected[row["course_id"]]
        assert row["source"] == source
        for key in ENROLLMENT_KEYS:
            assert int(row[key]) == figures[key], (row["course_id"], key)
        for status in STATUSES:
            if "status:" + status in row:
                assert int(row["status:" + status]) == figures.get(status, 0), (row["course_id"], status)
            else:
                assert status not in figures
        assert int(row["certificates_total"]) == sum(v for k, v in figures.items() if k in STATUSES)

    REPORTS[host.release] = {"reports": result["reports"], "document": document,
                             "csv_columns": list(csv_rows[0].keys())}
    GENERATED[host.release] = {cid: flat(reports[cid]) for cid in courses}


# ----------------------------------------------------------------- 4. second run

def test_second_generation_changes_nothing(gen_host, tmp_path):
    host = gen_host
    if host.release not in GENERATED:
        pytest.fail("the first generation did not complete on this host (see its failure)")
    table = cert_table(host)
    courses = courses_of(host)
    run = run_playbook("generate.yml", [host], extra_vars={"course_ids": courses})
    assert run.rc == 0, run.output
    assert run.total_changed == 0, run.stats
    result = run.generation_results()[0]
    assert result["changed"] is False and result["generated"] == 0
    for cid in courses:
        assert result["courses"][cid]["changes"] == {}, result["courses"][cid]
    assert cert_table(host) == table, "a second generation rewrote certificates"
    _run, again = report(host, tmp_path)
    assert {r["course_id"]: flat(r) for r in again["reports"]} == GENERATED[host.release]


# ----------------------------------------------------------------- 4b. regenerate by status

def test_regenerate_by_status(gen_host):
    host = gen_host
    if host.legacy:
        pytest.skip("the statuses of Maple's generation handler (unverified); Hawthorn's --force-gen is "
                    "checked by the unit tests")
    if host.release not in GENERATED:
        pytest.fail("the first generation did not complete on this host (see its failure)")
    # An unknown status is refused before anything starts, naming it.
    clear_starts(host)
    run = run_playbook("generate.yml", [host], extra_vars={"course_id": RULES,
                                                           "regenerate_statuses": "unverified,verfied"})
    assert run.rc != 0
    failed = [r for r in run.generation_results() if r.get("failed")]
    assert failed and failed[0]["unknown_statuses"] == ["verfied"] and "verfied" in failed[0]["msg"], run.output
    assert host.manage_starts() == []
    # Still no ID verification: the platform keeps them unverified, nothing changes.
    unverified = host.sql("select c.user_id from certificates_generatedcertificate c join auth_user u on "
                          "u.id = c.user_id where c.course_id = '%s' and c.status = 'unverified' "
                          "and u.username = 'rules_verified_without_idv'" % RULES)
    assert len(unverified) == 1, unverified
    run = run_playbook("generate.yml", [host], extra_vars={"course_id": RULES, "regenerate_statuses": "unverified"})
    assert run.rc == 0, run.output
    assert run.total_changed == 0, run.stats
    course = run.generation_results()[0]["courses"][RULES]
    assert course["selection"]["selected"] == 2 and course["changes"] == {}
    assert course["generation"]["outcomes"]["decided_in_process"] == {"unverified": 2}, course["generation"]
    # The learner's ID verification is approved: regenerating the unverified gives that one a certificate.
    host.sql("insert into verify_student_softwaresecurephotoverification (user_id, status, status_changed, name, "
             "created_at, updated_at, face_image_url, photo_id_image_url, receipt_id, error_msg, error_code) "
             "values (%s, 'approved', now(), '', now(), now(), '', '', '', '', '')" % unverified[0][0])
    run = run_playbook("generate.yml", [host], extra_vars={"course_id": RULES, "regenerate_statuses": ["unverified"]})
    assert run.rc == 0, run.output
    course = run.generation_results()[0]["courses"][RULES]
    assert course["changes"] == {"downloadable": 1, "unverified": -1}, course
    assert course["generation"]["outcomes"]["published"] == {"downloadable": 1}, course["generation"]
    # And again: nothing left to do.
    run = run_playbook("generate.yml", [host], extra_vars={"course_id": RULES, "regenerate_statuses": "unverified"})
    assert run.rc == 0 and run.total_changed == 0, run.stats


# ----------------------------------------------------------------- 5. same keys

def test_report_keys_are_the_same_on_both_generations():
    if set(REPORTS) != {"hawthorn", "maple"}:
        pytest.fail("needs the reports of both releases (ran: %s)" % sorted(REPORTS))
    legacy, modern = REPORTS["hawthorn"], REPORTS["maple"]
    assert legacy["reports"][0]["source"] == "gen_cert_report"
    assert modern["reports"][0]["source"] == "orm"
    for old, new in zip(legacy["reports"], modern["reports"]):
        assert set(old) == set(new)
        for key in ENROLLMENT_KEYS:
            assert isinstance(old[key], int) and isinstance(new[key], int)
    assert set(legacy["document"]) == set(modern["document"])
    fixed = ["course_id", "source"] + list(ENROLLMENT_KEYS) + ["certificates_total"]
    assert legacy["csv_columns"][:len(fixed)] == fixed == modern["csv_columns"][:len(fixed)]
