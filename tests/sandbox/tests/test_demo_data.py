"""The demo data loader matches demo_expectations.json (counted with SQL)."""
import pytest

from conftest import EXPECTATIONS, Host


def check_course(q, course, exp, first_learner_id):
    row = q("SELECT display_name, end, cert_html_view_enabled FROM course_overviews_courseoverview WHERE id=?",
            (course,))
    assert row and row[0][0] == exp["display_name"], course
    assert row[0][1].replace(" ", "T").startswith(exp["end"][:19])
    assert sorted(m for (m,) in q("SELECT mode_slug FROM course_modes_coursemode WHERE course_id=?",
                                  (course,))) == sorted(exp["modes"])
    enr = exp["enrollments"]
    assert q("SELECT COUNT(*) FROM student_courseenrollment WHERE course_id=?", (course,)) == [(enr["total"],)]
    assert q("SELECT COUNT(*) FROM student_courseenrollment WHERE course_id=? AND is_active=1",
             (course,)) == [(enr["active"],)]
    assert dict(q("SELECT mode, COUNT(*) FROM student_courseenrollment WHERE course_id=? GROUP BY mode",
                  (course,))) == enr["by_mode"]
    assert q("SELECT COUNT(*) FROM grades_persistentcoursegrade WHERE course_id=? AND passed_timestamp "
             "IS NOT NULL", (course,)) == [(exp["passing"],)]
    assert q("SELECT COUNT(*) FROM verify_student_softwaresecurephotoverification v JOIN "
             "student_courseenrollment e ON e.user_id=v.user_id WHERE e.course_id=? AND v.status='approved'",
             (course,)) == [(exp["id_verified"],)]
    if "verified_without_id_verification" in exp:
        assert q("SELECT COUNT(*) FROM student_courseenrollment e WHERE e.course_id=? AND e.mode='verified' "
                 "AND e.user_id NOT IN (SELECT user_id FROM verify_student_softwaresecurephotoverification)",
                 (course,)) == [(exp["verified_without_id_verification"],)]
    assert dict(q("SELECT status, COUNT(*) FROM certificates_generatedcertificate WHERE course_id=? "
                  "GROUP BY status", (course,))) == exp["existing_certificates"]
    first = q("SELECT MIN(user_id) FROM student_courseenrollment WHERE course_id=?", (course,))[0][0]
    assert first == first_learner_id


def test_demo_data_matches_expectations(base_db, tmp_path):
    host = Host(tmp_path, "hawthorn", base_db)
    q = host.sql
    assert q("SELECT COUNT(*) FROM auth_user") == [(EXPECTATIONS["users"]["total"],)]
    assert q("SELECT is_superuser FROM auth_user WHERE username='edx'") == [(1,)]
    for course, exp in EXPECTATIONS["courses"].items():
        check_course(q, course, exp, EXPECTATIONS["users"]["first_learner_id"][course])
    for courses in EXPECTATIONS["release_courses"].values():
        for course in courses["courses"]:
            assert q("SELECT COUNT(*) FROM course_overviews_courseoverview WHERE id=?", (course,)) == [(0,)]
    demo = "course-v1:edX+DemoX+Demo_Course"
    named = q("SELECT u.username, e.mode FROM auth_user u JOIN student_courseenrollment e ON e.user_id=u.id "
              "WHERE e.course_id=? AND u.username IN ('audit','honor','verified')", (demo,))
    assert dict(named) == EXPECTATIONS["courses"][demo]["named_learners"]


@pytest.mark.parametrize("release", ["redwood", "verawood"])
def test_release_demo_data_adds_an_audit_only_course(release, request, tmp_path):
    """Redwood's load_demo_data: every course and count above, plus a course
    without course_modes_coursemode rows (research section 3: the default mode
    is audit), whose learners are all audit."""
    """Verawood: the same course (course_modes/models.py of 2026 keeps
    DEFAULT_MODE audit), loaded by load_demo_data running on verawood."""
    host = Host(tmp_path, release, request.getfixturevalue("base_db_" + release))
    q = host.sql
    release = EXPECTATIONS["release_courses"][release]
    # The base databases leave the 30,000-learner course out (test_large_course has it).
    assert q("SELECT COUNT(*) FROM auth_user") == [(release["users_total"],)]
    for course, exp in EXPECTATIONS["courses"].items():
        check_course(q, course, exp, EXPECTATIONS["users"]["first_learner_id"][course])
    for course, exp in release["courses"].items():
        check_course(q, course, exp, exp["first_learner_id"])
        assert exp["modes"] == [] and exp["default_mode"] == "audit"
