"""Verawood's regenerate_noidv_cert, after openedx/openedx-platform@e57a655d
lms/djangoapps/certificates/management/commands/regenerate_noidv_cert.py
(docs/research/release-ulmo-verawood.md 2.5; see the sandbox command's
docstring): options, errors, which rows it picks (status ``unverified``, by
course or all but the excluded), the regeneration through
generate_certificate_task, the rolling batch count and its sleeps, and the
count printed on stdout. Redwood's "Unknown command" is in test_commands.py.
"""
import pytest

from conftest import BENCH, DEMO, HTML_ON

RULES = "course-v1:OpenedX+Rules+2026"

SCRIPT = r'''
import io, time
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from opaque_keys.edx.keys import CourseKey
from lms.djangoapps.certificates.models import GeneratedCertificate
from lms.djangoapps.grades.models import PersistentCourseGrade
from common.djangoapps.student.models import CourseEnrollment

sleeps = []
time.sleep = sleeps.append   # the command's pauses, recorded instead of slept

def learners(course, mode, passing, n):
    key = CourseKey.from_string(course)
    passed = set(PersistentCourseGrade.objects.filter(course_id=key, passed_timestamp__isnull=False)
                 .values_list("user_id", flat=True))
    ids = [e.user_id for e in CourseEnrollment.objects.filter(course_id=key, mode=mode, is_active=True).order_by("user_id")
           if (e.user_id in passed) is passing]
    return ids[:n]

rows = {}
def unverified(course, mode, passing, n, status="unverified"):
    for uid in learners(course, mode, passing, n):
        GeneratedCertificate.objects.create(user_id=uid, course_id=CourseKey.from_string(course), status=status,
                                            mode=mode, grade="0.5", name="old")
        rows.setdefault(course, []).append(uid)

unverified(DEMO, "verified", True, 2)          # passing: regenerated -> downloadable
unverified(DEMO, "verified", False, 1)         # failing: the rules give notpassing
# rules_regenerated: an honor learner, passing, with an unavailable row (demo data)
regenerated = GeneratedCertificate.objects.get(user__username="rules_regenerated")
regenerated.status = "unverified"
regenerated.save()
rows[RULES] = [regenerated.user_id]
unverified(BENCH, "verified", True, 2)
GeneratedCertificate.objects.filter(user_id=rows[BENCH][1]).update(status="downloadable")  # not picked

def status(course):
    return [GeneratedCertificate.objects.get(user_id=u, course_id=CourseKey.from_string(course)).status
            for u in rows[course]]

def run(*args):
    out = io.StringIO()
    del sleeps[:]
    try:
        call_command("regenerate_noidv_cert", *args, stdout=out)
    except CommandError as error:
        return ["error", str(error)]
    return [out.getvalue(), list(sleeps)]

result = {
    "both": run("-c", DEMO, "--excluded-keys", BENCH),
    "bad": run("-c", DEMO, "nope"),
    "bad_excluded": run("--excluded-keys", "nope"),
    "untouched": [status(DEMO), status(RULES), status(BENCH)],
    # rolling count across the courses given: 1 (rules) + 1 (bench) + 3 (demo)
    "given": run("-c", RULES, BENCH, DEMO, "--batch_size", "2", "--sleep_seconds", "7"),
    "after_given": [status(DEMO), status(RULES), status(BENCH)],
}
GeneratedCertificate.objects.filter(user_id__in=rows[DEMO] + rows[RULES]).update(status="unverified")
result["excluded"] = run("--excluded-keys", DEMO, "--batch_size", "1", "--sleep_seconds", "3")
result["after_excluded"] = [status(DEMO), status(RULES)]
result["all"] = run()
result["after_all"] = [status(DEMO), status(RULES)]
'''


@pytest.fixture(scope="module")
def host(tmp_path_factory, base_db):
    import shutil
    from conftest import Host
    root = tmp_path_factory.mktemp("regenerate")
    db = root / "edxapp.sqlite3"
    shutil.copy(base_db, db)
    host = Host(root, "verawood", db, features=HTML_ON, extra={"CELERY_ALWAYS_EAGER": True})
    host.manage("lms", "migrate", "--noinput", check=True)
    return host


def test_regenerate_noidv_cert_rules(host):
    r = host.script("DEMO, RULES, BENCH = %r, %r, %r\n" % (DEMO, RULES, BENCH) + SCRIPT)
    assert r["both"] == ["error", "You may not specify both course keys and excluded course keys."]
    assert r["bad"] == ["error", "nope is not a valid course-key"]
    assert r["bad_excluded"] == ["error", "nope is not a valid course-key"]
    assert r["untouched"] == [["unverified"] * 3, ["unverified"], ["unverified", "downloadable"]]
    # 5 unverified rows (the downloadable one is not picked); a pause after the 2nd and the 4th
    assert r["given"] == ["5\n", [7, 7]]
    # no ID verification required on Verawood by default: regenerated as the rules say
    assert r["after_given"] == [["downloadable", "downloadable", "notpassing"], ["downloadable"],
                                ["downloadable", "downloadable"]]
    assert r["excluded"] == ["1\n", [3]]                      # only the rules course's row
    assert r["after_excluded"] == [["unverified"] * 3, ["downloadable"]]
    assert r["all"] == ["3\n", []]                             # default batch 200: no pause
    assert r["after_all"] == [["downloadable", "downloadable", "notpassing"], ["downloadable"]]


def test_regenerate_noidv_cert_prints_the_count_and_fails_on_a_bad_key(make_host):
    host = make_host("verawood")   # the demo data: no unverified certificate
    proc = host.manage("lms", "regenerate_noidv_cert", "-c", "nope")
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr == "CommandError: nope is not a valid course-key\n"
    proc = host.manage("lms", "regenerate_noidv_cert", "--excluded-keys", DEMO, check=True)
    assert proc.stdout == "0\n"
    help_text = host.manage("lms", "regenerate_noidv_cert", "--help", check=True).stdout
    for option in ("-c COURSE_KEYS [COURSE_KEYS ...], --course-keys", "--excluded-keys", "--batch_size",
                   "--sleep_seconds"):
        assert option in help_text, option
