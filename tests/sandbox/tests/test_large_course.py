"""The 30,000-learner course of load_large_course matches demo_expectations.json
"large_courses" (counted with SQL), follows the demo data's users without
moving any of them, and is loaded by image_setup only on the lines of
LARGE_COURSE_RELEASES."""
import sys
import time

from conftest import EXPECTATIONS, PLATFORM, Host, _build_base_db, large_course_releases
from test_demo_data import check_course

sys.path.insert(0, str(PLATFORM))
from openedx.core.release import KNOWN_RELEASES  # noqa: E402

LARGE = EXPECTATIONS["large_courses"]


def demo_users_total(release):
    """The users load_demo_data writes on a line: its release courses'
    users_total when it has some, else users.total."""
    return EXPECTATIONS["release_courses"].get(release, {}).get("users_total", EXPECTATIONS["users"]["total"])


def test_large_course_lines_are_release_lines():
    releases = large_course_releases()
    assert releases
    assert set(releases) <= set(KNOWN_RELEASES)


def test_large_course_only_on_its_lines(tmp_path, base_db_redwood):
    """redwood's base DB is built as its image is (large_course=True) and is
    no line of LARGE_COURSE_RELEASES: image_setup left the course out."""
    assert "redwood" not in large_course_releases()
    host = Host(tmp_path, "redwood", base_db_redwood)
    for course in LARGE:
        assert host.sql("SELECT COUNT(*) FROM course_overviews_courseoverview WHERE id=?", (course,)) == [(0,)]
    assert host.sql("SELECT COUNT(*) FROM auth_user") == [(demo_users_total("redwood"),)]


def test_large_course_counts(tmp_path):
    # The first line whose image carries the course, built as provision.sh builds it.
    release = large_course_releases()[0]
    started = time.monotonic()
    db = _build_base_db(tmp_path, release, large_course=True)
    print("image_setup with the large course on SQLite: %.1f s" % (time.monotonic() - started))
    host = Host(tmp_path, release, db)
    q = host.sql
    first = demo_users_total(release) + 1
    added = sum(exp["users_added"] for exp in LARGE.values())
    assert q("SELECT COUNT(*) FROM auth_user") == [(first - 1 + added,)]
    for course, exp in LARGE.items():
        check_course(q, course, exp, first)
        enr = exp["enrollments"]
        assert enr["total"] == enr["active"] + enr["inactive"] == exp["users_added"]
        assert dict(q("SELECT mode, COUNT(*) FROM student_courseenrollment WHERE course_id=? AND is_active=1 "
                      "GROUP BY mode", (course,))) == enr["active_by_mode"]
        assert q("SELECT MAX(user_id) FROM student_courseenrollment WHERE course_id=?", (course,)) == [
            (first - 1 + exp["users_added"],)]
        by_reason = dict(q(
            "SELECT CASE WHEN e.mode = 'audit' THEN 'audit' WHEN g.passed_timestamp IS NOT NULL "
            "THEN 'honor_passing' ELSE 'honor_not_passing' END, COUNT(*) FROM student_courseenrollment e "
            "JOIN grades_persistentcoursegrade g ON g.user_id = e.user_id AND g.course_id = e.course_id "
            "WHERE e.course_id=? AND e.is_active=1 GROUP BY 1", (course,)))
        assert by_reason == exp["active_by_reason"]
        assert q("SELECT has_any_active_web_certificate FROM course_overviews_courseoverview WHERE id=?",
                 (course,)) == [(int(exp["active_certificate_configuration"]),)]
        assert q("SELECT COUNT(*) FROM sandbox_coursecertificateset WHERE course_id=? AND certificates != '[]'",
                 (course,)) == [(1,)]
    # The demo data is unchanged: every course and first id of demo_expectations.json.
    for course, exp in EXPECTATIONS["courses"].items():
        check_course(q, course, exp, EXPECTATIONS["users"]["first_learner_id"][course])
    # A second run changes nothing.
    host.manage("lms", "load_large_course", check=True)
    assert q("SELECT COUNT(*) FROM auth_user") == [(first - 1 + added,)]
