"""Redwood's and Verawood's certificate eligibility as one table: enrollment mode x ID
verification x grade x the auto-generation switch x the course's
self-generation setting (x the IDV feature flag) -> the certificate status,
or no row.

The rules pinned, each from the real file that has it
(docs/research/release-redwood.md, section 10):

- common/djangoapps/course_modes/models.py: a course without
  course_modes_coursemode rows offers only DEFAULT_MODE (slug ``audit``, from
  lms/envs/common.py COURSE_MODE_DEFAULTS), so its learners enroll as audit;
  ``is_eligible_for_certificate``: every mode but audit;
- lms/djangoapps/certificates/generation_handler.py
  (``_can_generate_regular_certificate``, ``_set_regular_cert_status``,
  ``_id_verification_enforced_and_missing``): a passing grade and an
  eligible mode -> a certificate task -> ``downloadable``; failing or no grade
  without a row -> no row; the ID verification check only with
  FEATURES['ENABLE_CERTIFICATES_IDV_REQUIREMENT'], and then outside the
  non-verified modes a passing learner without one gets ``unverified``;
- lms/djangoapps/certificates/signals.py and config.py: a passing grade being
  saved generates only with the waffle switch
  certificates.auto_certificate_generation on;
- lms/djangoapps/certificates/api.py ``has_self_generated_certificates_enabled``:
  with CertificateGenerationConfiguration enabled and the course's
  CertificateGenerationCourseSetting.self_generation_enabled, the learner may
  ask for the certificate (generate_certificate_task with
  generation_mode="self"; the progress page's button and its view are not
  emulated: the test asks in its place when the api says the button is there).

Nothing else triggers generation here (no cert_generation run).

Verawood runs the same table (docs/research/release-ulmo-verawood.md 2.1-2.3,
3: generation_handler.py, signals.py, config.py, api.py and
course_modes/models.py of 2026 keep these rules), with the flags given as a
YAML FEATURES block that its production.py turns into flat settings. One
platform process per release and IDV flag value.
"""
import itertools
import json
import shutil

import pytest

from conftest import Host

MODES = ("no_course_modes", "audit", "honor", "verified")
GRADES = ("passing", "failing", "none")
NON_VERIFIED_MODES = ("honor", "audit", "no-id-professional")


def expected_status(mode, idv, grade, switch, self_generation, idv_flag):
    eligible = mode in ("honor", "verified")           # course_modes: audit never (also the default mode)
    triggered = (switch and grade == "passing") or self_generation
    if not eligible or not triggered or grade != "passing":
        return None                                    # no row: nothing asked, or nothing to write
    if idv_flag and not idv and mode not in NON_VERIFIED_MODES:
        return "unverified"
    return "downloadable"


CASES = [
    dict(mode=m, idv=i, grade=g, switch=s, self_generation=c, idv_flag=f)
    for m, i, g, s, c, f in itertools.product(MODES, (True, False), GRADES, (True, False), (True, False),
                                              (False, True))
]

# A few rows written out, so that the table does not rest on expected_status alone.
PINNED = [
    (dict(mode="no_course_modes", idv=True, grade="passing", switch=True, self_generation=True, idv_flag=False),
     None),
    (dict(mode="audit", idv=True, grade="passing", switch=True, self_generation=True, idv_flag=False), None),
    (dict(mode="honor", idv=False, grade="passing", switch=False, self_generation=False, idv_flag=False), None),
    (dict(mode="honor", idv=False, grade="passing", switch=True, self_generation=False, idv_flag=False),
     "downloadable"),
    (dict(mode="honor", idv=False, grade="passing", switch=False, self_generation=True, idv_flag=False),
     "downloadable"),
    (dict(mode="verified", idv=False, grade="passing", switch=True, self_generation=False, idv_flag=False),
     "downloadable"),
    (dict(mode="verified", idv=False, grade="passing", switch=True, self_generation=False, idv_flag=True),
     "unverified"),
    (dict(mode="honor", idv=False, grade="passing", switch=True, self_generation=False, idv_flag=True),
     "downloadable"),
    (dict(mode="verified", idv=True, grade="failing", switch=True, self_generation=True, idv_flag=False), None),
    (dict(mode="verified", idv=True, grade="none", switch=True, self_generation=True, idv_flag=True), None),
]


def case_id(c):
    return "%s-%s-%s-switch_%s-selfgen_%s-idvflag_%s" % (
        c["mode"], "idv" if c["idv"] else "no_idv", c["grade"], "on" if c["switch"] else "off",
        "on" if c["self_generation"] else "off", "on" if c["idv_flag"] else "off")


SCRIPT = r'''
import json
from django.contrib.auth import get_user_model
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey
from waffle.models import Switch
from common.djangoapps.course_modes.models import CourseMode
# Paid modes at a price: Verawood's CourseMode.save() refuses one under COURSE_ENROLLMENT_MODES' min_price.
PRICE = {"verified": 49, "professional": 49}
from common.djangoapps.student.models import CourseEnrollment, UserProfile
from lms.djangoapps.certificates import api
from lms.djangoapps.certificates.models import (CertificateGenerationConfiguration,
                                                CertificateGenerationCourseSetting, GeneratedCertificate)
from lms.djangoapps.grades.models import PersistentCourseGrade
from lms.djangoapps.verify_student.models import SoftwareSecurePhotoVerification
from openedx.core.djangoapps.content.course_overviews.models import CourseOverview

User = get_user_model()
CertificateGenerationConfiguration.objects.create(enabled=True)
courses = {}
for modes in ("none", "all"):
    for selfgen in (True, False):
        key = CourseKey.from_string("course-v1:Table+%s%s+2026" % (modes, "Self" if selfgen else "Batch"))
        CourseOverview.objects.create(id=key, display_name=str(key), org=key.org, cert_html_view_enabled=True,
                                      cert_name_short="T", cert_name_long="T")
        if modes == "all":
            for slug in ("audit", "honor", "verified"):
                CourseMode.objects.create(course_id=key, mode_slug=slug, mode_display_name=slug, min_price=PRICE.get(slug, 0))
        CertificateGenerationCourseSetting.objects.create(course_key=key, self_generation_enabled=selfgen)
        courses[(modes, selfgen)] = key

out = {}
for n, c in enumerate(json.loads(CASES)):
    Switch.objects.update_or_create(name="certificates.auto_certificate_generation",
                                    defaults={"active": c["switch"]})
    no_modes = c["mode"] == "no_course_modes"
    key = courses[("none" if no_modes else "all", c["self_generation"])]
    user = User.objects.create_user("t%d" % n, "t%d@example.com" % n, "x")
    UserProfile.objects.create(user=user, name="T %d" % n)
    if no_modes:
        enrollment = CourseEnrollment.objects.create(user=user, course_id=key)   # the default mode
    else:
        enrollment = CourseEnrollment.objects.create(user=user, course_id=key, mode=c["mode"])
    if c["idv"]:
        # approved before the grade exists: the approval's own trigger finds nothing to generate
        SoftwareSecurePhotoVerification.objects.create(user=user, status="approved", name="x")
    if c["grade"] != "none":
        passing = c["grade"] == "passing"
        PersistentCourseGrade.objects.create(user_id=user.id, course_id=key, percent_grade=0.82 if passing else 0.31,
                                             letter_grade="Pass" if passing else "", grading_policy_hash="t",
                                             passed_timestamp=timezone.now() if passing else None)
    button = api.has_self_generated_certificates_enabled(key)
    if button:
        api.generate_certificate_task(user, key, generation_mode="self")
    cert = GeneratedCertificate.certificate_for_student(user, key)
    out[str(n)] = {"status": cert.status if cert else None, "enrolled_mode": enrollment.mode, "button": button,
                   "modes_offered": CourseMode.objects.filter(course_id=key).count()}
result = out
'''


RELEASES = ("redwood", "verawood")


@pytest.fixture(scope="module", params=RELEASES)
def table(request, base_db, tmp_path_factory):
    release = request.param
    results = {}
    for idv_flag in (False, True):
        root = tmp_path_factory.mktemp("table-%s-idvflag-%s" % (release, idv_flag))
        db = root / "edxapp.sqlite3"
        shutil.copy(base_db, db)
        features = {"CERTIFICATES_HTML_VIEW": True, "ENABLE_CERTIFICATES_IDV_REQUIREMENT": idv_flag}
        host = Host(root, release, db, features={"all": features}, extra={"CELERY_ALWAYS_EAGER": True})
        host.manage("lms", "migrate", "--noinput", check=True)
        cases = [c for c in CASES if c["idv_flag"] is idv_flag]
        got = host.script("CASES = %r\n" % json.dumps(cases) + SCRIPT)
        for n, c in enumerate(cases):
            results[case_id(c)] = got[str(n)]
    return results


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_redwood_eligibility(table, case):
    got = table[case_id(case)]
    assert got["status"] == expected_status(**case), got
    assert got["button"] is case["self_generation"]
    if case["mode"] == "no_course_modes":
        assert (got["modes_offered"], got["enrolled_mode"]) == (0, "audit")


@pytest.mark.parametrize("case, status", PINNED, ids=[case_id(c) for c, __ in PINNED])
def test_redwood_eligibility_pinned_rows(table, case, status):
    assert expected_status(**case) == status
    assert table[case_id(case)]["status"] == status
