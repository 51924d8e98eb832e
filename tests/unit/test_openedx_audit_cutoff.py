"""The audit cutoff decision (module_utils/openedx_audit_cutoff.py): pure logic."""
import datetime

import pytest

from ansible.module_utils.openedx_audit_cutoff import (
    CutoffError,
    affected_courses,
    finding_table,
    parse_cutoff_date,
    plan_cutoff,
)

DEMO = {"course_id": "course-v1:edX+DemoX+Demo_Course", "end_date": "2030-12-31", "audit_learners": 5}
BENCH = {"course_id": "course-v1:OpenedX+Bench+2026", "end_date": "2031-06-30", "audit_learners": 1500}
OPEN = {"course_id": "course-v1:Org+Open+Run", "end_date": None, "audit_learners": 3}
TODAY = "2026-11-28"


@pytest.mark.parametrize("text, expected", [
    ("2031-07-01", datetime.date(2031, 7, 1)),
    ("2024-02-29", datetime.date(2024, 2, 29)),
    (" 2031-07-01 ", datetime.date(2031, 7, 1)),
    (datetime.date(2030, 1, 2), datetime.date(2030, 1, 2)),
    (datetime.datetime(2030, 1, 2, 5, 6), datetime.date(2030, 1, 2)),
])
def test_parse_good_dates(text, expected):
    assert parse_cutoff_date(text) == expected


@pytest.mark.parametrize("text, why", [
    ("2026-02-30", "not a real date"),
    ("2025-02-29", "not a real date"),
    ("2026-13-01", "not a real date"),
    ("2026-1-5", "YYYY-MM-DD"),
    ("01/07/2031", "YYYY-MM-DD"),
    ("2031-07-01T00:00", "YYYY-MM-DD"),
    ("", "YYYY-MM-DD"),
    (None, "YYYY-MM-DD"),
])
def test_parse_refuses_bad_dates_naming_the_field(text, why):
    with pytest.raises(CutoffError) as err:
        parse_cutoff_date(text)
    assert str(err.value).startswith("cutoff_date: ")
    assert why in str(err.value)


def test_proposal_is_the_day_after_the_furthest_end():
    plan = plan_cutoff([DEMO, BENCH], TODAY)
    assert plan["furthest_end"] == "2031-06-30"
    assert plan["proposed"] == "2031-07-01"
    assert plan["cutoff"] == "2031-07-01" and plan["source"] == "proposed"
    assert plan["affected"] == [] and not plan["refused"] and not plan["forced"]


def test_proposal_crosses_year_and_month_ends():
    plan = plan_cutoff([dict(DEMO)], TODAY)
    assert plan["proposed"] == "2031-01-01"


def test_earlier_date_is_refused_naming_the_courses():
    plan = plan_cutoff([DEMO, BENCH], TODAY, requested="2031-01-15")
    assert plan["refused"]
    assert [c["course_id"] for c in plan["affected"]] == [BENCH["course_id"]]
    assert "course-v1:OpenedX+Bench+2026 (ends 2031-06-30)" in plan["msg"]
    assert DEMO["course_id"] not in plan["msg"]
    assert "2031-07-01" in plan["msg"] and "force=true" in plan["msg"]


def test_date_on_an_end_day_is_too_early():
    plan = plan_cutoff([DEMO, BENCH], TODAY, requested="2030-12-31")
    assert plan["refused"]
    assert [c["course_id"] for c in plan["affected"]] == [BENCH["course_id"], DEMO["course_id"]]
    assert "course-v1:edX+DemoX+Demo_Course (ends 2030-12-31)" in plan["msg"]


def test_force_accepts_and_says_who_loses():
    plan = plan_cutoff([DEMO, BENCH], TODAY, requested="2020-01-01", force=True)
    assert not plan["refused"] and plan["forced"]
    assert plan["cutoff"] == "2020-01-01" and plan["source"] == "requested"
    assert len(plan["affected"]) == 2


def test_later_date_is_accepted():
    plan = plan_cutoff([DEMO, BENCH], TODAY, requested="2032-01-01")
    assert plan["cutoff"] == "2032-01-01" and not plan["refused"] and not plan["forced"]
    assert plan["proposed"] == "2031-07-01"


def test_no_running_audit_course_proposes_today():
    plan = plan_cutoff([], TODAY)
    assert plan["proposed"] == TODAY and plan["cutoff"] == TODAY and not plan["refused"]


def test_course_without_end_blocks_the_proposal():
    plan = plan_cutoff([DEMO, OPEN], TODAY)
    assert plan["proposed"] is None and plan["cutoff"] is None and plan["refused"]
    assert OPEN["course_id"] in plan["msg"] and "no end date" in plan["msg"]
    # any date hits it; force accepts
    assert plan_cutoff([DEMO, OPEN], TODAY, requested="2099-01-01")["refused"]
    forced = plan_cutoff([DEMO, OPEN], TODAY, requested="2099-01-01", force=True)
    assert forced["forced"] and forced["cutoff"] == "2099-01-01"
    assert "course-v1:Org+Open+Run (no end date)" in forced["msg"]


def test_bad_requested_date_raises():
    with pytest.raises(CutoffError):
        plan_cutoff([DEMO], TODAY, requested="2026-02-30")


def test_affected_orders_worst_first():
    hit = affected_courses([DEMO, OPEN, BENCH], "2020-01-01")
    assert [c["course_id"] for c in hit] == [OPEN["course_id"], BENCH["course_id"], DEMO["course_id"]]


def test_table_lists_course_end_and_learners():
    lines = finding_table([DEMO, BENCH])
    assert lines[0].split() == ["course", "end", "date", "audit", "learners"]
    assert lines[2].split() == [BENCH["course_id"], "2031-06-30", "1500"]
    assert lines[3].split() == [DEMO["course_id"], "2030-12-31", "5"]
    assert "no running course" in finding_table([])[2]
