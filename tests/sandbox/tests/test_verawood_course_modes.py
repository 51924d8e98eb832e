"""CourseMode as the toolkit meets it when it writes rows through the ORM.

Rules of common/djangoapps/course_modes/models.py, openedx/openedx-platform@6913dfd7
(2026; see the sandbox model's docstring), and COURSE_MODE_DEFAULTS /
COURSE_ENROLLMENT_MODES of lms/envs/common.py. The schema is the same on
every line (one set of migrations); the save() validation is Verawood's
only, Redwood is pinned unchanged.
"""
import pytest

from conftest import DEMO

SCRIPT = r'''
from django.core.exceptions import FieldError, ValidationError
from django.db import IntegrityError, transaction
from opaque_keys.edx.keys import CourseKey
from common.djangoapps.course_modes.models import CourseMode
from openedx.core.djangoapps.content.course_overviews.models import CourseOverview

demo = CourseKey.from_string(DEMO)
fresh = CourseKey.from_string("course-v1:Toolkit+Fresh+2026")   # no overview, no modes
out = {}

def attempt(**fields):
    try:
        with transaction.atomic():
            mode = CourseMode(**fields)
            mode.save()
        return ["saved", mode.currency, mode.expiration_datetime_is_explicit]
    except ValidationError as error:
        return ["ValidationError"] + error.messages
    except IntegrityError:
        return ["IntegrityError"]

out["field"] = [CourseMode._meta.get_field("course").get_attname_column(),
                CourseMode._meta.get_field("course").related_model.__name__,
                CourseMode._meta.get_field("_expiration_datetime").column,
                sorted(CourseMode._meta.unique_together[0])]
out["demo_modes"] = sorted(CourseMode.objects.filter(course_id=demo).values_list("mode_slug", flat=True))
out["demo_course"] = CourseMode.objects.filter(course_id=demo).first().course == CourseOverview.objects.get(id=demo)
out["verified_free"] = attempt(course_id=fresh, mode_slug="verified", mode_display_name="Verified")
out["verified_paid"] = attempt(course_id=fresh, mode_slug="verified", mode_display_name="Verified", min_price=10,
                               currency="USD")
out["duplicate"] = attempt(course_id=fresh, mode_slug="verified", mode_display_name="Again", min_price=10)
out["honor_dated"] = attempt(course_id=fresh, mode_slug="honor", mode_display_name="Honor",
                             expiration_datetime="2031-01-01T00:00:00Z")
out["professional_dated"] = attempt(course_id=fresh, mode_slug="professional", mode_display_name="P",
                                    min_price=10, expiration_datetime="2031-01-01T00:00:00Z")
try:
    CourseMode.objects.filter(expiration_datetime=None).count()
    out["filter_by_property"] = "ok"
except FieldError:
    out["filter_by_property"] = "FieldError"
try:
    # full_clean also checks the course (an overview must exist: the demo course)
    CourseMode(course_id=demo, mode_slug="credit", mode_display_name="C", suggested_prices="10,x").full_clean()
    out["suggested_prices"] = "ok"
except ValidationError as error:
    out["suggested_prices"] = sorted(error.message_dict)
nomodes = CourseKey.from_string("course-v1:OpenedX+NoModes+2026")
out["default"] = [list(CourseMode.modes_for_course(nomodes)[0][:5]), CourseMode.DEFAULT_MODE_SLUG,
                  CourseMode.mode_for_course(nomodes, "honor")]
out["non_verified"] = CourseMode.NON_VERIFIED_MODES
out["eligible"] = [CourseMode.is_eligible_for_certificate(m, s) for m, s in
                   (("audit", None), ("honor", None), ("honor", "downloadable"), ("verified", None))]
result = out
'''


@pytest.mark.parametrize("release", ["redwood", "verawood"])
def test_course_mode_rules(make_host, release):
    host = make_host(release)
    host.manage("lms", "migrate", "--noinput", check=True)
    r = host.script("DEMO = %r\n" % DEMO + SCRIPT)
    verawood = release == "verawood"
    assert r["field"] == [["course_id", "course_id"], "CourseOverview", "expiration_datetime",
                          ["course", "currency", "mode_slug"]]
    assert r["demo_modes"] == ["audit", "honor", "verified"] and r["demo_course"] is True
    # the mode's minimum price (COURSE_ENROLLMENT_MODES: verified 1), checked by save() on Verawood
    assert r["verified_free"] == (
        ["ValidationError", "The Verified course mode has a minimum price of 1. You must set a price greater "
         "than or equal to 1."] if verawood else ["saved", "usd", False])
    assert r["verified_paid"] == ["saved", "usd" if verawood else "USD", False]
    # unique (course, mode_slug, currency): ("verified", "usd") is there on both lines
    assert r["duplicate"] == ["IntegrityError"]
    assert r["honor_dated"] == ["saved", "usd", True]          # a date given locks it
    assert r["professional_dated"] == (
        ["ValidationError", "Professional education modes are not allowed to have expiration_datetime set."]
        if verawood else ["saved", "usd", True])
    assert r["filter_by_property"] == "FieldError"
    assert r["suggested_prices"] == ["suggested_prices"]
    assert r["default"] == [["audit", "Audit", 0, "", "usd"], "audit", None]
    assert r["non_verified"] == ["honor", "audit", "no-id-professional"]
    assert r["eligible"] == [False, True, True, True]


@pytest.mark.parametrize("release", ["redwood", "verawood"])
def test_disable_honor_certificates(make_host, release):
    """With DISABLE_HONOR_CERTIFICATES (a YAML FEATURES entry, flat on Verawood)
    honor is eligible only for an already downloadable certificate."""
    host = make_host(release, features={"all": {"DISABLE_HONOR_CERTIFICATES": True}})
    code = ("from common.djangoapps.course_modes.models import CourseMode as M\n"
            "result = [M.is_eligible_for_certificate(m, s) for m, s in "
            "(('honor', None), ('honor', 'notpassing'), ('honor', 'downloadable'), ('verified', None))]")
    assert host.script(code) == [False, False, True, True]
