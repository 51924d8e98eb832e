"""gen_cert_report byte for byte, and the generation rules per release."""
import json
import subprocess
import sys

import pytest

from conftest import (BENCH, DEMO, EXPECTATIONS, HTML_ON, NOCERT, PLATFORM, TOY, expected_report, parse_report,
                      report_counts)

RULES = "course-v1:OpenedX+Rules+2026"


def statuses(host, course):
    return dict(host.sql("SELECT status, COUNT(*) FROM certificates_generatedcertificate WHERE course_id=? "
                         "GROUP BY status", (course,)))


@pytest.mark.parametrize("course", [TOY, DEMO, NOCERT, "course-v1:edX+Nope+2020"])
def test_report_layout_byte_for_byte(make_host, course):
    host = make_host("hawthorn", features=HTML_ON)
    host.manage("lms", "ungenerated_certs", "-c", DEMO, check=True)
    proc = host.manage("lms", "gen_cert_report", "-c", course, check=True)
    assert proc.stdout == expected_report(course, report_counts(host, course))


def test_reports_match_expectations(make_host):
    host = make_host("hawthorn", features=HTML_ON)
    for course in (TOY, DEMO, BENCH):
        exp = EXPECTATIONS["courses"][course]
        assert parse_report(host.manage("lms", "gen_cert_report", "-c", course, check=True).stdout) == \
            exp["report_before"]
        host.manage("lms", "ungenerated_certs", "-c", course, check=True)
        out = host.manage("lms", "gen_cert_report", "-c", course, check=True).stdout
        assert parse_report(out) == exp["after_ungenerated_certs"]
        assert out == expected_report(course, report_counts(host, course))


def test_generation_rules_demo_no_cutoff(make_host):
    host = make_host("hawthorn", features=HTML_ON)
    host.manage("lms", "ungenerated_certs", "-c", DEMO, check=True)
    rows = host.sql(
        "SELECT u.username, e.mode, c.status, c.mode, c.verify_uuid, c.download_url, c.name, g.passed_timestamp "
        "FROM certificates_generatedcertificate c JOIN auth_user u ON u.id=c.user_id "
        "JOIN student_courseenrollment e ON e.user_id=c.user_id AND e.course_id=c.course_id "
        "JOIN grades_persistentcoursegrade g ON g.user_id=c.user_id AND g.course_id=c.course_id "
        "WHERE c.course_id=?", (DEMO,))
    assert len(rows) == 20
    uuids = set()
    for username, enr_mode, status, cert_mode, uuid, url, name, passed in rows:
        if passed:
            assert status == "downloadable", username
            assert len(uuid) == 32 and int(uuid, 16) >= 0 and url == ""
            uuids.add(uuid)
        else:
            assert status == "notpassing" and uuid == ""
        assert name  # the profile name
    assert len(uuids) == 13
    by_user = {r[0]: r for r in rows}
    # no cutoff: audit learners are treated like honor ones (legacy rule)
    assert by_user["audit"][2:4] == ("downloadable", "audit")
    # verified without ID verification in a course with an honor mode: honor certificate
    assert by_user["demo_learner_16"][2:4] == ("downloadable", "honor")
    assert by_user["verified"][2:4] == ("downloadable", "verified")


@pytest.mark.parametrize("release", ["hawthorn", "lilac"])
def test_audit_after_cutoff(make_host, release):
    host = make_host(release, features=HTML_ON, cutoff="2016-01-01")
    host.manage("lms", "ungenerated_certs", "-c", DEMO, check=True)
    assert report_counts(host, DEMO) == EXPECTATIONS["courses"][DEMO]["after_ungenerated_certs_with_past_cutoff"]


def test_cutoff_in_future_keeps_legacy_audit_rule(make_host):
    host = make_host("hawthorn", features=HTML_ON, cutoff="2999-01-01")
    host.manage("lms", "ungenerated_certs", "-c", DEMO, check=True)
    assert report_counts(host, DEMO) == EXPECTATIONS["courses"][DEMO]["after_ungenerated_certs"]


def test_unverified_without_honor_mode(make_host):
    host = make_host("hawthorn", features=HTML_ON)
    host.manage("lms", "ungenerated_certs", "-c", BENCH, check=True)
    assert statuses(host, BENCH)["unverified"] == 200
    bad = host.sql("SELECT COUNT(*) FROM certificates_generatedcertificate c "
                   "WHERE c.course_id=? AND c.status='unverified' AND c.user_id IN "
                   "(SELECT user_id FROM verify_student_softwaresecurephotoverification WHERE status='approved')",
                   (BENCH,))
    assert bad == [(0,)]


def test_html_view_off_takes_pdf_path(make_host):
    host = make_host("hawthorn")
    host.manage("lms", "ungenerated_certs", "-c", DEMO, check=True)
    st = statuses(host, DEMO)
    assert st == {"error": 13, "notpassing": 7}
    reasons = host.sql("SELECT DISTINCT error_reason FROM certificates_generatedcertificate "
                       "WHERE course_id=? AND status='error'", (DEMO,))
    assert len(reasons) == 1 and "XQueue" in reasons[0][0]


def test_maple_cert_generation_inline(make_host):
    host = make_host("maple", features=HTML_ON, extra={"CELERY_ALWAYS_EAGER": True})
    ids = [str(i) for i in range(13, 33)]
    proc = host.manage("lms", "cert_generation", "-u", *ids, "-c", DEMO)
    assert (proc.returncode, proc.stdout) == (0, ""), proc.stderr
    exp = dict(EXPECTATIONS["courses"][DEMO]["maple_cert_generation_all_learners"])
    no_row, tasks = exp.pop("no_row"), exp.pop("tasks")
    assert statuses(host, DEMO) == exp
    assert 20 - sum(exp.values()) == no_row
    # a failing learner without a certificate gets no row (no notpassing)
    assert host.sql("SELECT COUNT(*) FROM certificates_generatedcertificate c JOIN grades_persistentcoursegrade g "
                    "ON g.user_id=c.user_id AND g.course_id=c.course_id WHERE c.course_id=? AND "
                    "g.passed_timestamp IS NULL", (DEMO,)) == [(0,)]
    # the unverified certificates were written by tasks too (published with status=unverified)
    assert host.sql("SELECT status, COUNT(*) FROM sandbox_sandboxtask GROUP BY status") == [("done", tasks)]
    kinds = sorted(json.loads(k).get("status", "downloadable")
                   for (k,) in host.sql("SELECT kwargs FROM sandbox_sandboxtask"))
    assert kinds == ["downloadable"] * exp["downloadable"] + ["unverified"] * exp["unverified"]
    # already generated learners are skipped
    host.manage("lms", "cert_generation", "-u", *ids, "-c", DEMO, check=True)
    assert host.sql("SELECT COUNT(*) FROM sandbox_sandboxtask") == [(tasks,)]


def test_maple_rules_course(make_host):
    """Each learner of the rules course ends as demo_expectations.json says, and the task table shows
    which outcomes were published to the workers and which were decided in-process."""
    host = make_host("maple", features=HTML_ON)
    host.manage("lms", "migrate", "--noinput", check=True)
    exp = EXPECTATIONS["courses"][RULES]
    result = host.script(
        "from django.contrib.auth import get_user_model\n"
        "from opaque_keys.edx.keys import CourseKey\n"
        "from lms.djangoapps.certificates.api import generate_certificate_task\n"
        "from openedx.core.djangoapps.sandbox.models import SandboxTask\n"
        "key = CourseKey.from_string(%r)\n"
        "result = {}\n"
        "for name in %r:\n"
        "    user = get_user_model().objects.get(username=name)\n"
        "    before = SandboxTask.objects.count()\n"
        "    result[name] = [generate_certificate_task(user, key), SandboxTask.objects.count() - before]\n"
        % (RULES, list(exp["maple_per_learner"])))
    uuids = dict(host.sql("SELECT u.username, c.verify_uuid FROM certificates_generatedcertificate c "
                          "JOIN auth_user u ON u.id=c.user_id WHERE c.course_id=?", (RULES,)))
    env = host.env(DJANGO_SETTINGS_MODULE="lms.envs.production")
    proc = subprocess.run([sys.executable, "-m", "sandbox_worker", "--once"], cwd=PLATFORM, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    rows = dict(host.sql("SELECT u.username, c.status FROM certificates_generatedcertificate c JOIN auth_user u "
                         "ON u.id=c.user_id WHERE c.course_id=?", (RULES,)))
    after = dict(host.sql("SELECT u.username, c.verify_uuid FROM certificates_generatedcertificate c "
                          "JOIN auth_user u ON u.id=c.user_id WHERE c.course_id=?", (RULES,)))
    for name, want in exp["maple_per_learner"].items():
        assert rows.get(name) == want["status"], name
        assert result[name] == [want["returns"], 1 if want["task"] else 0], name
        if want.get("verify_uuid_kept"):
            assert after[name] == uuids[name] and len(after[name]) == 32
    assert statuses(host, RULES) == exp["maple_generation_active_learners"]


def test_maple_cert_generation_through_worker(make_host):
    host = make_host("maple", features=HTML_ON)
    host.manage("lms", "migrate", "--noinput", check=True)
    host.manage("lms", "cert_generation", "-u", "19", "25", "-c", DEMO, check=True)
    assert statuses(host, DEMO) == {}
    rows = host.sql("SELECT name, status, kwargs, eta IS NOT NULL FROM sandbox_sandboxtask")
    assert [(r[0], r[1], r[3]) for r in rows] == [("lms.djangoapps.certificates.tasks.generate_certificate",
                                                   "pending", 1)] * 2
    assert json.loads(rows[0][2]) == {"student": "19", "course_key": DEMO, "enrollment_mode": "honor",
                                      "course_grade": "0.82"}
    env = host.env(DJANGO_SETTINGS_MODULE="lms.envs.production")
    before = host.start_log.read_text()
    proc = subprocess.run([sys.executable, "-m", "sandbox_worker", "--once"], cwd=PLATFORM, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "2 task(s) run"
    assert statuses(host, DEMO) == {"downloadable": 2}
    assert host.start_log.read_text() == before  # the worker is not a manage.py start
    # the task table is a queue: the same learner published twice runs twice (a second history row)
    host.script("from django.contrib.auth import get_user_model\n"
                "from opaque_keys.edx.keys import CourseKey\n"
                "from lms.djangoapps.certificates.api import generate_certificate, generate_certificate_task\n"
                "user = get_user_model().objects.get(id=19)\n"
                "for _ in range(2):\n"
                "    generate_certificate.apply_async(countdown=0, kwargs={'student': '19', 'course_key': %r, "
                "'enrollment_mode': 'honor', 'course_grade': '0.82'})\n"
                "result = None\n" % DEMO)
    proc = subprocess.run([sys.executable, "-m", "sandbox_worker", "--once"], cwd=PLATFORM, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "2 task(s) run"
    assert host.sql("SELECT COUNT(*) FROM certificates_historicalgeneratedcertificate WHERE user_id=19") == [(3,)]


def test_maple_has_no_cutoff(make_host):
    host = make_host("maple", features=HTML_ON, cutoff="2016-01-01", extra={"CELERY_ALWAYS_EAGER": True})
    host.manage("lms", "cert_generation", "-u", "13", "14", "-c", DEMO, check=True)  # audit learners
    assert statuses(host, DEMO) == {}


@pytest.mark.parametrize("release", ["redwood", "verawood"])
def test_audit_only_course_completed_but_no_certificate(release, request, tmp_path):
    """Redwood: a course without course_modes_coursemode rows enrolls its
    learners as audit (course_modes/models.py DEFAULT_MODE, slug from
    COURSE_MODE_DEFAULTS), and generation_handler.py's
    is_eligible_for_certificate('audit') is False: the learners who completed
    it (passing grade, one with an approved ID verification) get no row, and
    generate_certificate_task returns False, with cert_generation and with the
    auto-generation switch on (research section 3 and 2.2). Verawood: the
    same (release-ulmo-verawood.md 2.1, 3)."""
    import shutil
    from conftest import Host
    (course, exp), = EXPECTATIONS["release_courses"][release]["courses"].items()
    db = tmp_path / "edxapp.sqlite3"
    shutil.copy(request.getfixturevalue("base_db_" + release), db)
    host = Host(tmp_path, release, db, features=HTML_ON, extra={"CELERY_ALWAYS_EAGER": True})
    host.manage("lms", "migrate", "--noinput", check=True)
    first = exp["first_learner_id"]
    ids = [str(i) for i in range(first, first + exp["enrollments"]["total"])]
    proc = host.manage("lms", "cert_generation", "-u", *ids, "-c", course)
    assert (proc.returncode, proc.stdout) == (0, ""), proc.stderr
    code = ("from django.contrib.auth import get_user_model\n"
            "from opaque_keys.edx.keys import CourseKey\n"
            "from waffle.models import Switch\n"
            "from lms.djangoapps.certificates.api import generate_certificate_task\n"
            "from lms.djangoapps.grades.models import PersistentCourseGrade\n"
            "Switch.objects.create(name='certificates.auto_certificate_generation', active=True)\n"
            "key = CourseKey.from_string(%r)\n"
            "users = get_user_model().objects.filter(id__in=%r).order_by('id')\n"
            "for row in PersistentCourseGrade.objects.filter(course_id=key):\n"
            "    row.save()\n"
            "result = [generate_certificate_task(u, key) for u in users]\n" % (course, [int(i) for i in ids]))
    assert host.script(code) == [False] * len(ids)
    assert statuses(host, course) == exp["existing_certificates"] == {}
    assert host.sql("SELECT COUNT(*) FROM sandbox_sandboxtask") == [(exp["cert_generation_all_learners"]["tasks"],)]
    assert exp["cert_generation_all_learners"] == {"rows": 0, "tasks": 0, "returns_false": len(ids)}
