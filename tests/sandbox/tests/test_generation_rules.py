"""Maple's generation rules, case by case (cert_generation's generate_certificate_task).

Every case is one learner made for it in a course of its own (mode, ID
verification, grade, an existing certificate row, allowlist, invalidation,
beta tester, the course's HTML certificate setting, the FEATURES of the
config).  Per group of FEATURES one platform process runs
``generate_certificate_task`` for each learner, records what it returned and
which generation tasks it published (rows of the sandbox's task table), then
runs those tasks as the worker would; the test of a case compares the row
that is left (or that there is none) with what edx-platform's
generation_handler.py of the Maple era decides (tests/sandbox/README.md,
"Generation rules").
"""
import json
import shutil

import pytest

from conftest import Host

COURSE = "course-v1:Rules+Table+2026"
NO_HTML = "course-v1:Rules+NoHtml+2026"

HTML_ON = {"CERTIFICATES_HTML_VIEW": True}
GROUPS = {
    "default": HTML_ON,
    # No Maple-era release has this flag (edx-platform added it in April 2022):
    # it changes nothing here.
    "idv_flag_on": dict(HTML_ON, ENABLE_CERTIFICATES_IDV_REQUIREMENT=True),
    "idv_flag_off": dict(HTML_ON, ENABLE_CERTIFICATES_IDV_REQUIREMENT=False),
    "html_flag_off": {},
    "no_honor": dict(HTML_ON, DISABLE_HONOR_CERTIFICATES=True),
}

UUID = "0123456789abcdef0123456789abcdef"


def case(name, mode="honor", idv=False, passing=True, row=None, allowlist=False, invalidated=False,
         beta=False, course=COURSE, group="default", active=True, expect=None, task=False, returns=False,
         **checks):
    """row: (status, mode or None, verify_uuid or '') of an existing certificate."""
    return pytest.param({"name": name, "mode": mode, "idv": idv, "passing": passing, "row": row,
                         "allowlist": allowlist, "invalidated": invalidated, "beta": beta, "course": course,
                         "group": group, "active": active},
                        {"status": expect, "task": task, "returns": returns, "checks": checks}, id=name)


CASES = [
    # mode, ID verification, grade
    case("honor_passing", expect="downloadable", task=True, returns=True, grade="0.82", cert_mode="honor"),
    case("honor_failing_no_row", passing=False),
    # without an ID verification the notpassing step is skipped, even with a row
    case("honor_failing_row_no_idv", passing=False, row=("error", None, ""), expect="error"),
    case("honor_failing_row_idv", passing=False, idv=True, row=("error", None, ""), expect="notpassing",
         returns=True, grade="0.31"),
    case("verified_idv_passing", mode="verified", idv=True, expect="downloadable", task=True, returns=True,
         cert_mode="verified"),
    case("verified_idv_failing_no_row", mode="verified", idv=True, passing=False),
    case("verified_idv_failing_row", mode="verified", idv=True, passing=False, row=("unavailable", None, ""),
         expect="notpassing", returns=True),
    # an unverified certificate is written by a published task when there is no row...
    case("verified_no_idv_passing_no_row", mode="verified", expect="unverified", task=True, returns=True),
    case("verified_no_idv_failing_no_row", mode="verified", passing=False),
    # ...and in-process when there is one
    case("verified_no_idv_passing_row", mode="verified", row=("error", None, ""), expect="unverified",
         returns=True),
    case("audit_passing", mode="audit"),
    case("no_id_professional_no_idv", mode="no-id-professional", expect="downloadable", task=True, returns=True),
    case("professional_no_idv", mode="professional", row=("error", None, ""), expect="unverified",
         returns=True),
    case("inactive_enrollment", mode="verified", idv=True, active=False, expect="downloadable", task=True,
         returns=True),
    case("not_enrolled", mode=None),
    # existing rows
    case("downloadable_row", row=("downloadable", None, UUID), expect="downloadable", verify_uuid=UUID),
    case("unavailable_row_keeps_uuid", row=("unavailable", None, UUID), expect="downloadable", task=True,
         returns=True, verify_uuid=UUID),
    case("audit_certificate_now_verified", mode="verified", idv=True, row=("downloadable", "audit", UUID),
         expect="downloadable", task=True, returns=True, verify_uuid=UUID, cert_mode="verified"),
    # allowlist
    case("allowlisted_failing", passing=False, allowlist=True, expect="downloadable", task=True, returns=True),
    case("allowlisted_verified_no_idv_failing", mode="verified", passing=False, allowlist=True,
         expect="unverified", task=True, returns=True),
    case("allowlisted_verified_idv_failing", mode="verified", idv=True, passing=False, allowlist=True,
         expect="downloadable", task=True, returns=True),
    case("allowlisted_audit", mode="audit", passing=False, allowlist=True),
    # invalidation
    case("invalidated_unavailable", mode="verified", idv=True, row=("unavailable", None, UUID), invalidated=True,
         expect="unavailable", returns=True, verify_uuid=UUID),
    case("invalidated_downloadable", mode="verified", idv=True, row=("downloadable", None, UUID),
         invalidated=True, expect="unavailable", returns=True, verify_uuid=UUID),
    case("invalidated_allowlisted", row=("unavailable", None, ""), invalidated=True, allowlist=True,
         expect="unavailable", returns=True),
    # beta testers
    case("beta_tester", beta=True),
    case("beta_tester_row", beta=True, idv=True, passing=False, row=("error", None, ""), expect="error"),
    case("beta_tester_allowlisted", beta=True, allowlist=True, expect="downloadable", task=True, returns=True),
    # the course's HTML certificate setting and the flag
    case("course_html_off", course=NO_HTML),
    case("course_html_off_row", course=NO_HTML, idv=True, passing=False, row=("error", None, ""),
         expect="error"),
    case("html_flag_off", group="html_flag_off"),
    # FEATURES
    case("idv_flag_on_verified_no_idv", mode="verified", group="idv_flag_on", expect="unverified", task=True,
         returns=True),
    case("idv_flag_off_verified_no_idv", mode="verified", group="idv_flag_off", expect="unverified", task=True,
         returns=True),
    case("disable_honor_certificates", group="no_honor"),
    case("disable_honor_certificates_verified", mode="verified", idv=True, group="no_honor",
         expect="downloadable", task=True, returns=True),
]

SCRIPT = r'''
import json
from django.contrib.auth import get_user_model
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey
from common.djangoapps.course_modes.models import CourseMode
from common.djangoapps.student import models as student_models
from lms.djangoapps.certificates import models as cert_models
from lms.djangoapps.certificates.api import generate_certificate_task
from lms.djangoapps.grades.models import PersistentCourseGrade
from lms.djangoapps.verify_student.models import SoftwareSecurePhotoVerification
from openedx.core.djangoapps.content.course_overviews.models import CourseOverview
from openedx.core.djangoapps.sandbox.models import SandboxTask
from openedx.core.djangoapps.sandbox import tasks as sandbox_tasks

User = get_user_model()
cases = json.loads(CASES)
missing = [name for name in ("CertificateAllowlist", "CertificateInvalidation") if not hasattr(cert_models, name)]
if not hasattr(student_models, "CourseAccessRole"):
    missing.append("CourseAccessRole")
for cid, html in ((COURSE, True), (NO_HTML, False)):
    key = CourseKey.from_string(cid)
    CourseOverview.objects.create(id=key, display_name=cid, org=key.org, cert_html_view_enabled=html,
                                  cert_name_short="C", cert_name_long="C")
    for slug in ("audit", "honor", "verified", "professional", "no-id-professional"):
        CourseMode.objects.create(course_id=key, mode_slug=slug, mode_display_name=slug)
staff = User.objects.get(username="staff")
users = {}
unsupported = {}
for c in cases:
    key = CourseKey.from_string(c["course"])
    user = User.objects.create_user("case_" + c["name"], "%s@example.com" % c["name"], "x")
    student_models.UserProfile.objects.create(user=user, name="Case " + c["name"])
    users[c["name"]] = user
    if c["mode"]:
        student_models.CourseEnrollment.objects.create(user=user, course_id=key, mode=c["mode"],
                                                       is_active=c["active"])
    PersistentCourseGrade.objects.create(user_id=user.id, course_id=key, percent_grade=0.82 if c["passing"] else 0.31,
                                         letter_grade="Pass" if c["passing"] else "", grading_policy_hash="t",
                                         passed_timestamp=timezone.now() if c["passing"] else None)
    if c["idv"]:
        SoftwareSecurePhotoVerification.objects.create(user=user, status="approved", name="x")
    cert = None
    if c["row"]:
        status, mode, uuid = c["row"]
        cert = cert_models.GeneratedCertificate.objects.create(user=user, course_id=key, status=status,
                                                               mode=mode or c["mode"], verify_uuid=uuid,
                                                               grade="0.5", name="old")
    needs = [n for n, flag in (("CertificateAllowlist", c["allowlist"]), ("CertificateInvalidation", c["invalidated"]),
                               ("CourseAccessRole", c["beta"])) if flag and n in missing]
    if needs:
        unsupported[c["name"]] = needs
        continue
    if c["allowlist"]:
        cert_models.CertificateAllowlist.objects.create(user=user, course_id=key, allowlist=True)
    if c["invalidated"]:
        cert_models.CertificateInvalidation.objects.create(generated_certificate=cert, invalidated_by=staff)
    if c["beta"]:
        student_models.CourseAccessRole.objects.create(user=user, org=key.org, course_id=key, role="beta_testers")

start = timezone.now()
out = {}
for c in cases:
    if c["name"] in unsupported:
        out[c["name"]] = {"unsupported": unsupported[c["name"]]}
        continue
    user = users[c["name"]]
    key = CourseKey.from_string(c["course"])
    before = set(SandboxTask.objects.values_list("id", flat=True))
    returned = generate_certificate_task(user, key)
    published = [t for t in SandboxTask.objects.exclude(id__in=before)
                 if str(t.get_kwargs().get("student")) == str(user.id)]
    out[c["name"]] = {"returns": returned, "tasks": len(published)}
# the worker
for task in SandboxTask.objects.filter(status="pending").order_by("id"):
    sandbox_tasks.run_task(task)
history = getattr(cert_models.GeneratedCertificate, "history", None)
for c in cases:
    if "unsupported" in out[c["name"]]:
        continue
    user = users[c["name"]]
    row = cert_models.GeneratedCertificate.objects.filter(user=user, course_id=CourseKey.from_string(c["course"])).first()
    entry = out[c["name"]]
    entry["row"] = None if row is None else {"status": row.status, "mode": row.mode, "grade": row.grade,
                                             "verify_uuid": row.verify_uuid}
    entry["history"] = None if history is None else list(
        history.filter(user_id=user.id, history_date__gte=start).order_by("history_id")
        .values_list("history_type", "status"))
result = out
'''


@pytest.fixture(scope="module")
def outcomes(base_db, tmp_path_factory):
    """{case name: what the platform did}, one platform process per FEATURES group."""
    results = {}
    for group, features in GROUPS.items():
        cases = [p.values[0] for p in CASES if p.values[0]["group"] == group]
        root = tmp_path_factory.mktemp("rules-" + group)
        db = root / "edxapp.sqlite3"
        shutil.copy(base_db, db)
        host = Host(root, "maple", db, features={"all": features})
        host.manage("lms", "migrate", "--noinput", check=True)
        source = "CASES = %r\nCOURSE = %r\nNO_HTML = %r\n" % (json.dumps(cases), COURSE, NO_HTML) + SCRIPT
        results.update(host.script(source))
    return results


@pytest.mark.parametrize("learner, expected", CASES)
def test_maple_rule(outcomes, learner, expected):
    got = outcomes[learner["name"]]
    assert "unsupported" not in got, "the sandbox has no %s" % got.get("unsupported")
    assert (got["row"] or {}).get("status") == expected["status"], got
    assert got["returns"] is expected["returns"], got
    assert got["tasks"] == (1 if expected["task"] else 0), got
    checks = expected["checks"]
    if "grade" in checks:
        assert got["row"]["grade"] == checks["grade"], got
    if "cert_mode" in checks:
        assert got["row"]["mode"] == checks["cert_mode"], got
    if "verify_uuid" in checks:
        assert got["row"]["verify_uuid"] == checks["verify_uuid"], got
    if expected["task"] and expected["status"] == "downloadable":
        assert len(got["row"]["verify_uuid"]) == 32


def test_history_rows(outcomes):
    """GeneratedCertificate keeps history (django-simple-history): one row per save."""
    assert outcomes["honor_passing"]["history"] == [["+", "downloadable"]]
    # the unverified task saves twice: the generation, then mark_unverified
    assert outcomes["verified_no_idv_passing_no_row"]["history"] == [["+", "unverified"], ["~", "unverified"]]
    assert outcomes["honor_failing_row_idv"]["history"] == [["~", "notpassing"]]
    assert outcomes["invalidated_unavailable"]["history"] == []  # already unavailable: nothing written


@pytest.mark.parametrize("release, rows", [("hawthorn", False), ("lilac", True)])
def test_history_per_release(make_host, release, rows):
    """The history table came with Juniper: Hawthorn writes none, Lilac does."""
    host = make_host(release, features={"all": HTML_ON})
    host.manage("lms", "migrate", "--noinput", check=True)
    host.manage("lms", "ungenerated_certs", "-c", "edX/toy/2012_Fall", check=True)
    count = host.sql("SELECT COUNT(*) FROM certificates_historicalgeneratedcertificate")[0][0]
    assert (count > 0) is rows, count


def test_legacy_beta_tester_gets_nothing(make_host):
    """Hawthorn's generate_user_certificates cancels the generation for a beta tester."""
    host = make_host("hawthorn", features={"all": HTML_ON})
    rules = "course-v1:OpenedX+Rules+2026"
    host.manage("lms", "ungenerated_certs", "-c", rules, check=True)
    rows = dict(host.sql("SELECT u.username, c.status FROM certificates_generatedcertificate c JOIN auth_user u "
                         "ON u.id = c.user_id WHERE c.course_id = ?", (rules,)))
    assert "rules_beta_tester" not in rows
    assert rows["rules_regenerated"] == "downloadable"
