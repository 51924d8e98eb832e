"""
Sandbox-only command: load the 30,000-learner course
course-v1:OpenedX+Bench30k+2026, for the benchmark on the newest release line.

image_setup.py runs it after load_demo_data on the lines of
LARGE_COURSE_RELEASES only (the one place that list lives: adding a line is
one edit there); run by hand it loads the course on any line. Its exact
counts are in tests/sandbox/demo_expectations.json "large_courses".

Made as load_demo_data makes course-v1:OpenedX+Bench+2026 (the same tables
and the same row shapes: a course overview, its course modes, its
certificate configuration, then users, profiles, enrollments, persistent
course grades, approved ID verifications; no certificate rows), at ten times
the size and in honor mode: honor is a non-verified mode, so an active
passing honor learner is what generation certifies, and a deterministic
minority of audit enrollments and of inactive enrollments gives a selection
of learners by reason something to count. (Audit is the one mode that earns
no certificate: CourseMode.is_eligible_for_certificate in edx-platform's
common/djangoapps/course_modes/models.py is "mode_slug != AUDIT", with honor
also refused only under FEATURES['DISABLE_HONOR_CERTIFICATES'].) Rows are written with bulk_create, in chunks of
CHUNK learners, so that the image build stays fast and its memory small.

Its users come after every user of the demo data (whatever load_demo_data
added on this line), so no id of the demo data moves.
"""
import json
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from opaque_keys.edx.keys import CourseKey

from common.djangoapps.course_modes.models import CourseMode
from common.djangoapps.student.models import CourseEnrollment, UserProfile
from lms.djangoapps.grades.models import PersistentCourseGrade
from lms.djangoapps.verify_student.models import SoftwareSecurePhotoVerification
from openedx.core.djangoapps.content.course_overviews.models import CourseOverview
from openedx.core.djangoapps.sandbox.management.commands.load_demo_data import course_certificates, dt, stable_hex
from openedx.core.djangoapps.sandbox.models import CourseCertificateSet

User = get_user_model()

# The release lines whose images carry the course (image_setup.py reads
# this; tests/sandbox/tests/test_large_course.py reads it without Django).
LARGE_COURSE_RELEASES = ("verawood",)

LARGE_COURSE = "course-v1:OpenedX+Bench30k+2026"
DISPLAY_NAME = "Open edX Benchmark Course (30,000 learners)"
START, END = dt(2026, 1, 5), dt(2031, 6, 30)
MODES = ("honor", "audit")
SIZE = 30000
CHUNK = 5000
USERNAME = "bench30k_learner_%05d"


def learner(i):
    """(username, mode, active, passing, id_verified) of learner number i:
    one in ten audit, one in twenty-five inactive, one in three failing,
    one in twenty with an approved ID verification (which honor does not
    need: the rows are there as a real course has them)."""
    return (USERNAME % i, "audit" if i % 10 == 9 else "honor", i % 25 != 24, i % 3 != 0, i % 20 == 0)


class Command(BaseCommand):
    help = "Load the sandbox's 30,000-learner benchmark course %s." % LARGE_COURSE

    def handle(self, *args, **options):
        key = CourseKey.from_string(LARGE_COURSE)
        if CourseOverview.objects.filter(id=key).exists():
            self.stdout.write("%s already loaded" % LARGE_COURSE)
            return
        with transaction.atomic():
            self._course(key)
            for first in range(0, SIZE, CHUNK):
                self._learners(key, [learner(i) for i in range(first, min(first + CHUNK, SIZE))])
        self.stdout.write("%s loaded: %d learners" % (LARGE_COURSE, SIZE))

    def _course(self, key):
        CourseOverview.objects.create(
            id=key, display_name=DISPLAY_NAME, org=key.org, display_number_with_default=key.course,
            display_org_with_default=key.org, start=START, end=END, cert_html_view_enabled=True,
            has_any_active_web_certificate=True, cert_name_short="Certificate",
            cert_name_long="Certificate of Achievement", certificates_display_behavior="early_no_info",
            lowest_passing_grade=Decimal("0.50"),
            _location="i4x://%s/%s/course/%s" % (key.org, key.course, key.run))
        for slug in MODES:
            CourseMode.objects.create(course_id=key, mode_slug=slug, mode_display_name=slug.capitalize(),
                                      min_price=0)
        CourseCertificateSet.objects.create(
            course_id=key, certificates=json.dumps(course_certificates(LARGE_COURSE, DISPLAY_NAME)))

    def _learners(self, key, rows):
        User.objects.bulk_create([
            User(username=name, email="%s@example.com" % name, password="!sandbox", is_active=True,
                 date_joined=dt(2026, 1, 5))
            for name, *__ in rows
        ], batch_size=1000)
        # The usernames are zero-padded, so one range reads the chunk's ids
        # (bulk_create returns none on MySQL).
        ids = dict(User.objects.filter(username__range=(rows[0][0], rows[-1][0]))
                   .values_list("username", "id"))
        profiles, enrollments, grades, verifications = [], [], [], []
        for name, mode, active, passing, idv in rows:
            uid = ids[name]
            full_name = name.replace("_", " ").title()
            profiles.append(UserProfile(user_id=uid, name=full_name))
            enrollments.append(CourseEnrollment(user_id=uid, course_id=key, mode=mode, is_active=active))
            grades.append(PersistentCourseGrade(
                user_id=uid, course_id=key, percent_grade=0.82 if passing else 0.31,
                letter_grade="Pass" if passing else "", passed_timestamp=dt(2026, 5, 4) if passing else None,
                grading_policy_hash="sandbox", course_version="sandbox"))
            if idv:
                verifications.append(SoftwareSecurePhotoVerification(
                    user_id=uid, status="approved", name=full_name, receipt_id=stable_hex(name)))
        UserProfile.objects.bulk_create(profiles, batch_size=1000)
        CourseEnrollment.objects.bulk_create(enrollments, batch_size=1000)
        PersistentCourseGrade.objects.bulk_create(grades, batch_size=1000)
        SoftwareSecurePhotoVerification.objects.bulk_create(verifications, batch_size=1000)
