"""
Sandbox-only command: load the deterministic demo data (users, courses,
modes, enrollments, grades, ID verifications, a few existing certificates).
The exact counts are documented in tests/sandbox/README.md and
tests/sandbox/demo_expectations.json.

Works with only `certificates 0001_initial` and
`0003_allowlist_invalidation_history` applied (the allowlist and invalidation
tables, see image_setup.py).
"""
import datetime
import hashlib
import json
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from opaque_keys.edx.keys import CourseKey

from common.djangoapps.course_modes.models import CourseMode
from common.djangoapps.student.models import CourseAccessRole, CourseEnrollment, UserProfile
from lms.djangoapps.certificates.models import CertificateAllowlist, CertificateInvalidation, GeneratedCertificate
from lms.djangoapps.grades.models import PersistentCourseGrade
from lms.djangoapps.verify_student.models import SoftwareSecurePhotoVerification
from openedx.core.djangoapps.content.course_overviews.models import CourseOverview
from openedx.core.djangoapps.sandbox.models import CourseCertificateSet
from openedx.core.release import release_line

User = get_user_model()
UTC = datetime.timezone.utc


def dt(*args):
    return datetime.datetime(*args, tzinfo=UTC)


TOY = "edX/toy/2012_Fall"
DEMO = "course-v1:edX+DemoX+Demo_Course"
NOCERT = "course-v1:OpenedX+NoCert+2025"
BENCH = "course-v1:OpenedX+Bench+2026"
RULES = "course-v1:OpenedX+Rules+2026"
AUDIT_ONLY = "course-v1:OpenedX+AuditOnly+2024"

COURSES = [
    # id, display name, start, end, modes, has active certificate configuration
    (TOY, "Toy Course", dt(2012, 9, 1), dt(2013, 1, 1), ["honor"], True),
    (DEMO, "Demonstration Course", dt(2024, 2, 5), dt(2030, 12, 31), ["audit", "honor", "verified"], True),
    (NOCERT, "Course Without Certificate Configuration", dt(2025, 1, 6), dt(2029, 6, 30), ["honor"], False),
    (BENCH, "Open edX Benchmark Course", dt(2026, 1, 5), dt(2031, 6, 30), ["audit", "verified"], True),
    # No audit mode: the audit rule is the demo course's (and the audit cutoff's courses stay demo and bench).
    (RULES, "Certificate Rules Course", dt(2026, 1, 5), dt(2031, 6, 30), ["honor", "verified"], True),
]

# Redwood and Verawood only (demo_expectations.json "release_courses"): a course as Studio
# creates it, with NO course_modes_coursemode row. Redwood's
# common/djangoapps/course_modes/models.py then offers the single DEFAULT_MODE
# built from lms/envs/common.py COURSE_MODE_DEFAULTS (slug "audit"), learners
# are enrolled as audit, and is_eligible_for_certificate("audit") is False: a
# learner who completed the course gets no certificate, not even a row
# (docs/research/release-redwood.md section 3). The other releases keep
# exactly their courses and counts.
RELEASE_COURSES = {
    "redwood": [(AUDIT_ONLY, "Audit Only Course", dt(2024, 6, 3), dt(2030, 6, 30), [], True)],
}
# Verawood: the same course, for the same reason (course_modes/models.py of
# 2026, openedx/openedx-platform@6913dfd7: DEFAULT_MODE from
# settings.COURSE_MODE_DEFAULTS, slug "audit"; is_eligible_for_certificate:
# audit never).
RELEASE_COURSES["verawood"] = RELEASE_COURSES["redwood"]

# Course Advanced Setting "Certificates Display Behavior" (CourseOverview
# certificates_display_behavior). The certificate page shows a certificate
# only when certificates_viewable_for_course() says so (self-paced, an early_*
# behaviour or show_before_end, a certificate available date in the past, or
# no such date and the course has ended; see
# lms/djangoapps/certificates/page_rules.py). The ended toy course keeps the
# platform's default "end"; the running courses show certificates as soon as
# they are issued, as their course teams would set it.
DISPLAY_BEHAVIOR = {TOY: "end", DEMO: "early_no_info", NOCERT: "early_no_info", BENCH: "early_no_info",
                    RULES: "early_no_info", AUDIT_ONLY: "early_no_info"}

# (username, mode, active, passing, id_verified, existing certificate status or None)
TOY_LEARNERS = [
    ("toy_learner_%02d" % i, "honor", i not in (8, 9), i <= 5, False,
     {0: "downloadable", 1: "downloadable", 2: "error", 6: "notpassing"}.get(i))
    for i in range(10)
]

_DEMO_TABLE = [
    # mode, active, passing, idv
    ("audit", True, True, False), ("audit", True, True, False), ("audit", True, True, False),
    ("audit", True, False, False), ("audit", True, False, False), ("audit", False, True, False),
    ("honor", True, True, False), ("honor", True, True, False), ("honor", True, True, False),
    ("honor", True, False, False), ("honor", True, False, False), ("honor", False, False, False),
    ("verified", True, True, True), ("verified", True, True, True), ("verified", True, True, True),
    ("verified", True, False, True), ("verified", True, True, False), ("verified", True, False, False),
    ("verified", True, True, False), ("verified", False, True, True),
]
_DEMO_NAMES = {0: "audit", 6: "honor", 12: "verified"}
DEMO_LEARNERS = [
    (_DEMO_NAMES.get(i, "demo_learner_%02d" % i), mode, active, passing, idv, None)
    for i, (mode, active, passing, idv) in enumerate(_DEMO_TABLE)
]

NOCERT_LEARNERS = [("nocert_learner_%02d" % i, "honor", True, True, False, "downloadable") for i in range(2)]

BENCH_SIZE = 3000
BENCH_LEARNERS = [
    ("bench_learner_%04d" % i,
     "audit" if i % 2 == 0 else "verified",
     i % 50 != 49,
     i % 3 != 0,
     i % 2 == 1 and i % 10 != 9,
     None)
    for i in range(BENCH_SIZE)
]

# One learner per rule of Maple's generation handler that the other courses
# do not show (their users come after the bench learners, so the ids above
# are unchanged).  Extras: allowlist (CertificateAllowlist), invalidated (an
# active CertificateInvalidation of the existing certificate, which the
# instructor's invalidation left "unavailable"), beta (CourseAccessRole
# beta_testers), uuid (the existing row keeps a verify_uuid).
RULES_LEARNERS = [
    ("rules_allowlisted_failing", "honor", True, False, False, None),
    ("rules_allowlisted_unverified", "verified", True, False, False, None),
    ("rules_invalidated", "verified", True, True, True, "unavailable"),
    ("rules_beta_tester", "honor", True, True, False, None),
    ("rules_verified_without_idv", "verified", True, True, False, None),
    ("rules_failing_with_row", "verified", True, False, True, "unavailable"),
    ("rules_failing_without_row", "verified", True, False, True, None),
    ("rules_regenerated", "honor", True, True, False, "unavailable"),
    ("rules_honor_failing", "honor", True, False, False, None),
]
RULES_EXTRAS = {
    "rules_allowlisted_failing": {"allowlist"},
    "rules_allowlisted_unverified": {"allowlist"},
    "rules_invalidated": {"invalidated", "uuid"},
    "rules_beta_tester": {"beta"},
    "rules_regenerated": {"uuid"},
}

LEARNERS = [(TOY, TOY_LEARNERS), (DEMO, DEMO_LEARNERS), (NOCERT, NOCERT_LEARNERS), (BENCH, BENCH_LEARNERS),
            (RULES, RULES_LEARNERS)]

# Enrolled in the default mode (audit); "completed" = a passing grade. Their
# users come after the rules learners, so no id of the other courses moves.
AUDIT_ONLY_LEARNERS = [
    ("auditonly_completed_%02d" % i, "audit", True, i < 3, i == 0, None) for i in range(4)
]
RELEASE_LEARNERS = {"redwood": [(AUDIT_ONLY, AUDIT_ONLY_LEARNERS)], "verawood": [(AUDIT_ONLY, AUDIT_ONLY_LEARNERS)]}


def stable_hex(text):
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def course_certificates(course_id, display_name):
    return [{
        "id": 1, "name": "Certificate for %s" % display_name, "description": "", "version": 1,
        "is_active": True, "course_title": display_name,
        "signatories": [{"id": 1, "name": "Ada Lovelace", "title": "Course Director",
                         "organization": "edX", "signature_image_path": "/static/certificates/images/logo.png"}],
    }]


class Command(BaseCommand):
    help = "Load the sandbox's deterministic demo data (courses, learners, grades, certificates)."

    def handle(self, *args, **options):
        if CourseOverview.objects.filter(id=CourseKey.from_string(DEMO)).exists():
            self.stdout.write("Demo data already loaded")
            return
        with transaction.atomic():
            self._load()
        self.stdout.write("Demo data loaded: %d users, %d courses, %d enrollments" % (
            User.objects.count(), CourseOverview.objects.count(), CourseEnrollment.objects.count()))

    def _load(self):
        User.objects.create_superuser("edx", "edx@example.com", "edx")
        User.objects.create_user("staff", "staff@example.com", "edx", is_staff=True)
        for username, full in (("edx", "edX Admin"), ("staff", "Staff User")):
            UserProfile.objects.create(user=User.objects.get(username=username), name=full)

        release = release_line()
        courses = COURSES + RELEASE_COURSES.get(release, [])
        learners = LEARNERS + RELEASE_LEARNERS.get(release, [])
        for course_id, name, start, end, modes, active in courses:
            key = CourseKey.from_string(course_id)
            CourseOverview.objects.create(
                id=key, display_name=name, org=key.org, display_number_with_default=key.course,
                display_org_with_default=key.org, start=start, end=end, cert_html_view_enabled=True,
                has_any_active_web_certificate=active, cert_name_short="Certificate",
                cert_name_long="Certificate of Achievement",
                certificates_display_behavior=DISPLAY_BEHAVIOR[course_id],
                # Studio's default grading policy: {"Pass": 0.5}; the persisted grades below pass at 0.82.
                lowest_passing_grade=Decimal("0.50"),
                _location="i4x://%s/%s/course/%s" % (key.org, key.course, key.run))
            for slug in modes:
                CourseMode.objects.create(course_id=key, mode_slug=slug, mode_display_name=slug.capitalize(),
                                          min_price=49 if slug == "verified" else 0)
            CourseCertificateSet.objects.create(
                course_id=key,
                certificates=json.dumps(course_certificates(course_id, name) if active else []))

        # users, in a fixed order so that ids are deterministic on a fresh DB
        all_rows = [(course_id, row) for course_id, rows in learners for row in rows]
        User.objects.bulk_create([
            User(username=row[0], email="%s@example.com" % row[0], password="!sandbox", is_active=True,
                 date_joined=dt(2012, 8, 1))
            for __, row in all_rows
        ], batch_size=500)
        ids = dict(User.objects.values_list("username", "id"))

        profiles, enrollments, grades, verifications, certs = [], [], [], [], []
        allowlist, roles, invalidated = [], [], []
        for n, (course_id, (username, mode, active, passing, idv, cert_status)) in enumerate(all_rows):
            key = CourseKey.from_string(course_id)
            uid = ids[username]
            full_name = username.replace("_", " ").title()
            profiles.append(UserProfile(user_id=uid, name=full_name))
            enrollments.append(CourseEnrollment(user_id=uid, course_id=key, mode=mode, is_active=active))
            percent = 0.82 if passing else 0.31
            grades.append(PersistentCourseGrade(
                user_id=uid, course_id=key, percent_grade=percent, letter_grade="Pass" if passing else "",
                passed_timestamp=dt(2012, 12, 20) if passing else None, grading_policy_hash="sandbox",
                course_version="sandbox"))
            if idv:
                verifications.append(SoftwareSecurePhotoVerification(
                    user_id=uid, status="approved", name=full_name, receipt_id=stable_hex(username)))
            extras = RULES_EXTRAS.get(username, set())
            if cert_status:
                keep_uuid = cert_status == "downloadable" or "uuid" in extras
                certs.append(GeneratedCertificate(
                    user_id=uid, course_id=key, status=cert_status, mode=mode, name=full_name,
                    grade="" if cert_status == "unavailable" else "%s" % percent,
                    verify_uuid=stable_hex("cert-" + username) if keep_uuid else "",
                    error_reason="(1, 'cannot connect to server')" if cert_status == "error" else "",
                    created_date=dt(2026, 3, 2) if course_id == RULES else dt(2013, 1, 5)))
            if "allowlist" in extras:
                allowlist.append(CertificateAllowlist(user_id=uid, course_id=key, allowlist=True,
                                                      notes="sandbox demo: allowlisted", created=dt(2026, 3, 1)))
            if "beta" in extras:
                roles.append(CourseAccessRole(user_id=uid, org=key.org, course_id=key, role="beta_testers"))
            if "invalidated" in extras:
                invalidated.append(uid)
        UserProfile.objects.bulk_create(profiles, batch_size=500)
        CourseEnrollment.objects.bulk_create(enrollments, batch_size=500)
        PersistentCourseGrade.objects.bulk_create(grades, batch_size=500)
        SoftwareSecurePhotoVerification.objects.bulk_create(verifications, batch_size=500)
        GeneratedCertificate.objects.bulk_create(certs, batch_size=500)
        CertificateAllowlist.objects.bulk_create(allowlist)
        CourseAccessRole.objects.bulk_create(roles)
        staff = User.objects.get(username="staff")
        CertificateInvalidation.objects.bulk_create([
            CertificateInvalidation(generated_certificate=cert, invalidated_by=staff, active=True,
                                    notes="sandbox demo: invalidated", created=dt(2026, 3, 2))
            for cert in GeneratedCertificate.objects.filter(course_id=CourseKey.from_string(RULES),
                                                            user_id__in=invalidated)])
