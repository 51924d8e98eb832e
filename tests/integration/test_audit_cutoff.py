"""playbooks/audit_cutoff.yml against real sandbox hosts.

Legacy (hawthorn) and, when its image is there, lilac: the finding and the
proposal, the refusals, applying a forced past cutoff, the second run, and
what generation then gives audit learners (compared with the demo data's
expectations). Maple: the playbook says the setting is gone and changes
nothing.
"""
import json
import shlex
from pathlib import Path

import pytest

from conftest import podman, start_host

ROOT = Path(__file__).resolve().parents[2]
EXPECT = json.loads((ROOT / "tests/sandbox/demo_expectations.json").read_text())
DEMO = "course-v1:edX+DemoX+Demo_Course"
BENCH = "course-v1:OpenedX+Bench+2026"
DEMO_END = EXPECT["courses"][DEMO]["end"][:10]
BENCH_END = EXPECT["courses"][BENCH]["end"][:10]

# The report's figures computed with the platform's ORM, independently of
# the toolkit's modules (the same keys as gen_cert_report prints).
REPORT_CODE = """
import json
from django.db.models import Count
from opaque_keys.edx.keys import CourseKey
from common.djangoapps.student.models import CourseEnrollment
from lms.djangoapps.certificates.models import GeneratedCertificate
key = CourseKey.from_string(%r)
enr = CourseEnrollment.objects.filter(course_id=key)
certs = GeneratedCertificate.objects.filter(course_id=key)
out = {'enrolled_current': enr.filter(is_active=True).count(), 'enrolled_total': enr.count(),
       'verified_enrolled': certs.filter(mode='verified').count(),
       'honor_enrolled': certs.filter(mode='honor').count(),
       'audit_enrolled': certs.filter(mode='audit').count()}
for row in certs.values('status').annotate(n=Count('pk')):
    out[row['status']] = row['n']
for row in certs.filter(status='downloadable').values('mode').annotate(n=Count('pk')):
    out[row['mode']] = row['n']
by_user = dict((u.username, s) for u, s in ((c.user, c.status) for c in certs.select_related('user')))
print(json.dumps({'counts': out, 'by_user': by_user}))
"""


REFUSE = "Refuse a date that takes certificates away early"


def image_exists(release):
    return podman("image", "exists", "localhost/openedx-sandbox:" + release, check=False).returncode == 0


@pytest.fixture(params=["hawthorn", "lilac"])
def cutoff_host(request):
    """A fresh host of each release that still reads AUDIT_CERT_CUTOFF_DATE."""
    assert image_exists(request.param), \
        "no %s image: make images builds it (tests/sandbox/sandbox.sh build %s)" % (request.param, request.param)
    host = start_host(request.param)
    yield host
    podman("rm", "--force", "--time", "0", host.name, check=False)


def lms_config(host):
    return "/edx/app/edxapp/lms.env.json" if host.legacy else "/edx/etc/lms.yml"


def configured_cutoff(host):
    """AUDIT_CERT_CUTOFF_DATE as the config file holds it (None when absent)."""
    text = host.read(lms_config(host))
    if host.legacy:
        return json.loads(text).get("AUDIT_CERT_CUTOFF_DATE")
    import yaml
    value = yaml.safe_load(text).get("AUDIT_CERT_CUTOFF_DATE")
    assert value is None or isinstance(value, str), "the date must be a YAML string, not %r" % (value,)
    return value




def enable_html_certificates(host):
    """Test setup (not under test here): FEATURES.CERTIFICATES_HTML_VIEW on in the LMS config,
    as playbooks/site.yml does, without its ~20 tasks."""
    code = ("import json, sys, yaml\n"
            "p = sys.argv[1]\n"
            "data = (json.load if p.endswith('.json') else yaml.safe_load)(open(p))\n"
            "data.setdefault('FEATURES', {})['CERTIFICATES_HTML_VIEW'] = True\n"
            "text = json.dumps(data, indent=4) if p.endswith('.json') else yaml.safe_dump(data)\n"
            "open(p, 'w').write(text)\n")
    host.sh("/edx/app/edxapp/venvs/edxapp/bin/python -c %s %s" % (shlex.quote(code), lms_config(host)))


def test_propose_refuse_apply_and_generate(cutoff_host, playbook):
    host = cutoff_host
    enable_html_certificates(host)
    config_before = host.read(lms_config(host))

    # 1. The finding: both running audit courses, the furthest end, the proposal.
    run = playbook("audit_cutoff.yml", [host])
    assert run.rc == 0, run.output
    assert run.changed(host.name) == 0
    finding = run.results("Read the running courses with an audit track")[0]
    assert finding["proposed"] == "2031-07-01"
    assert finding["furthest_end"] == BENCH_END
    by_id = {c["course_id"]: c for c in finding["courses"]}
    assert set(by_id) == {DEMO, BENCH}  # toy has ended, NoCert has no audit mode
    assert by_id[DEMO]["end_date"] == DEMO_END
    assert by_id[DEMO]["audit_learners"] == 5  # 6 audit enrollments, 1 inactive
    assert by_id[BENCH]["audit_learners"] == EXPECT["courses"][BENCH]["enrollments"]["by_mode"]["audit"]
    table = "\n".join(finding["table"])
    assert BENCH in table and "2031-06-30" in table and "1500" in table
    assert host.read(lms_config(host)) == config_before

    # 2. A date on the end of the demo course is refused, naming both courses.
    run = playbook("audit_cutoff.yml", [host], extra_vars={"cutoff_date": DEMO_END, "apply": True})
    assert run.rc != 0
    refusal = run.results(REFUSE)[0]["msg"]
    assert "%s (ends %s)" % (BENCH, BENCH_END) in refusal
    assert "%s (ends %s)" % (DEMO, DEMO_END) in refusal
    assert "force=true" in refusal and "2031-07-01" in refusal
    assert host.read(lms_config(host)) == config_before

    # ... one after the demo course's end names only the bench course.
    run = playbook("audit_cutoff.yml", [host], extra_vars={"cutoff_date": "2031-01-15", "apply": True})
    assert run.rc != 0
    refusal = run.results(REFUSE)[0]["msg"]
    assert "%s (ends %s)" % (BENCH, BENCH_END) in refusal
    assert DEMO not in refusal

    # 3. Not a real date: refused before the platform is started.
    starts = len(host.manage_starts())
    run = playbook("audit_cutoff.yml", [host], extra_vars={"cutoff_date": "2026-02-30", "apply": True})
    assert run.rc != 0
    assert "2026-02-30 is not a real date" in run.output
    assert len(host.manage_starts()) == starts
    assert host.read(lms_config(host)) == config_before

    # 4. A past cutoff, forced and applied: config set, LMS restarted.
    pid_before = host.service_pid("lms")
    past = {"cutoff_date": "2020-01-01", "force": True, "apply": True}
    run = playbook("audit_cutoff.yml", [host], extra_vars=past)
    assert run.rc == 0, run.output
    assert run.changed(host.name) >= 2  # the config, the restart
    assert configured_cutoff(host) == "2020-01-01"
    assert host.service_pid("lms") != pid_before
    host.wait_http("http://127.0.0.1:8000/heartbeat")

    # 5. The same date again changes nothing.
    pid_after = host.service_pid("lms")
    run = playbook("audit_cutoff.yml", [host], extra_vars=past)
    assert run.rc == 0, run.output
    assert run.changed(host.name) == 0
    assert host.service_pid("lms") == pid_after
    current = run.results("Read the running courses with an audit track")[0]["current_cutoff"]
    assert current.startswith("2020-01-01")  # the platform itself reads it now

    # 6. Generation: audit learners get audit_*; honor and verified as without a cutoff.
    run = playbook("generate.yml", [host], extra_vars={"course_id": DEMO})
    assert run.rc == 0, run.output
    report = host.platform_json(REPORT_CODE % DEMO)
    assert report["counts"] == EXPECT["courses"][DEMO]["after_ungenerated_certs_with_past_cutoff"]
    no_cutoff = EXPECT["courses"][DEMO]["after_ungenerated_certs"]
    assert report["counts"]["honor"] == no_cutoff["honor"]
    assert report["counts"]["verified"] == no_cutoff["verified"]
    assert "audit" not in report["counts"]  # no downloadable audit certificate
    assert report["by_user"]["audit"] == "audit_passing"
    assert report["by_user"]["honor"] == "downloadable"
    assert report["by_user"]["verified"] == "downloadable"


def test_check_mode_and_diff_change_nothing(legacy_host, playbook):
    run = playbook("audit_cutoff.yml", [legacy_host], check=True, diff=True,
                   extra_vars={"apply": True})
    assert run.rc == 0, run.output
    # The edit task itself reports the change it would make, in its diff.
    edit = run.results("Set AUDIT_CERT_CUTOFF_DATE in the LMS config")
    assert len(edit) == 1 and edit[0]["changed"] is True, edit
    assert "2031-07-01" in json.dumps(edit[0].get("diff")), edit[0]
    assert configured_cutoff(legacy_host) is None


def test_maple_has_no_cutoff(modern_host, playbook):
    config_before = modern_host.read("/edx/etc/lms.yml")
    starts = len(modern_host.manage_starts())
    run = playbook("audit_cutoff.yml", [modern_host],
                   extra_vars={"cutoff_date": "2031-07-01", "apply": True})
    assert run.rc == 0, run.output
    assert run.changed(modern_host.name) == 0
    assert "no longer has AUDIT_CERT_CUTOFF_DATE" in run.output
    assert "Nothing was changed on this host" in run.output
    assert modern_host.read("/edx/etc/lms.yml") == config_before
    assert len(modern_host.manage_starts()) == starts
