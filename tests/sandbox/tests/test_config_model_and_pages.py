"""CertificateHtmlViewConfiguration (append-only, populate_model, migration seed) and the HTTP pages."""
import json

import pytest

from conftest import DEMO, HTML_ON, NOCERT, TOY
from pages import INVALID, PAGE_SCRIPT, RELEASES, UNSUPPORTED, VALID

GOOD_CONFIG = {
    "default": {
        "accomplishment_class_append": "accomplishment-certificate",
        "platform_name": "Sandbox Academy",
        "company_about_url": "https://sandbox.example.com/about",
        "company_privacy_url": "https://sandbox.example.com/privacy",
        "company_tos_url": "https://sandbox.example.com/tos",
        "company_verified_certificate_url": "https://sandbox.example.com/verified",
        "logo_src": "/static/certificates/images/logo.png",
        "logo_url": "https://sandbox.example.com",
    },
    "honor": {"certificate_type": "Honor Code", "certificate_title": "Honor Certificate of Achievement",
              "document_body_class_append": "is-honorcode"},
    "verified": {"certificate_type": "Verified", "certificate_title": "Verified Certificate of Achievement",
                 "document_body_class_append": "is-idverified"},
    "audit": {"certificate_type": "Audit", "certificate_title": "Audit Certificate",
              "document_body_class_append": "is-audit"},
}


def populate(host, tmp_path, config, enabled=True, name="cfg.json"):
    path = tmp_path / name
    path.write_text(json.dumps({"model": "certificates.CertificateHtmlViewConfiguration",
                                "data": [{"enabled": enabled, "configuration": json.dumps(config)}]}))
    return host.manage("lms", "populate_model", "-f", str(path), "-u", "edx"), path


def test_migration_seed_and_append_only(make_host, tmp_path):
    host = make_host("hawthorn")
    # pending in the image: the table is empty until certificates 0002 runs
    assert host.sql("SELECT COUNT(*) FROM certificates_certificatehtmlviewconfiguration") == [(0,)]
    out = host.manage("lms", "showmigrations", "certificates", check=True).stdout
    assert " [X] 0001_initial\n [ ] 0002_data__certificatehtmlviewconfiguration_data\n" in out
    host.manage("lms", "migrate", "--noinput", check=True)
    rows = host.sql("SELECT enabled, configuration FROM certificates_certificatehtmlviewconfiguration")
    assert len(rows) == 1 and rows[0][0] == 0
    seed = json.loads(rows[0][1])
    assert seed["default"]["platform_name"] == "Your Platform Name Here"
    assert seed["default"]["logo_src"] == "/static/certificates/images/logo.png"
    assert seed["default"]["company_tos_url"].startswith("http://www.example.com")

    proc, path = populate(host, tmp_path, GOOD_CONFIG)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "Importing JSON data from file %s\nImport complete, 1 new entries created\n" % path
    changed = dict(GOOD_CONFIG, default=dict(GOOD_CONFIG["default"], platform_name="Second"))
    populate(host, tmp_path, changed, name="cfg2.json")
    rows = host.sql("SELECT id, enabled FROM certificates_certificatehtmlviewconfiguration ORDER BY id")
    assert [r[1] for r in rows] == [0, 1, 1]
    result = host.script(
        "from lms.djangoapps.certificates.models import CertificateHtmlViewConfiguration as C\n"
        "c = C.current()\n"
        "result = [c.id, C.get_config()['default']['platform_name'], C.objects.count()]")
    assert result == [rows[-1][0], "Second", 3]


def test_clean_rejects_bad_json(make_host):
    host = make_host("hawthorn")
    result = host.script(
        "from django.core.exceptions import ValidationError\n"
        "from lms.djangoapps.certificates.models import CertificateHtmlViewConfiguration as C\n"
        "try:\n    C(configuration='{not json').clean(); result = 'ok'\n"
        "except ValidationError as e:\n    result = e.messages\n")
    assert result == ["Must be valid JSON string."]


@pytest.mark.parametrize("release", RELEASES)
def test_pages(make_host, tmp_path, release):
    """Each learner's page at the URL the release serves for it (/certificates/<verify_uuid>)."""
    host = make_host(release, features=HTML_ON)
    host.manage("lms", "migrate", "certificates", "--noinput", check=True)
    populate(host, tmp_path, GOOD_CONFIG)
    # The certificates are written directly (the generation rules have their own tests).
    res = host.script(PAGE_SCRIPT + """
honor, verified, failing = uid('honor'), uid('verified'), uid('demo_learner_09')
for user_id, mode, uuid in ((honor, 'honor', 'a' * 32), (verified, 'verified', 'b' * 32)):
    GeneratedCertificate.objects.create(user_id=user_id, course_id=%(demo)r, mode=mode, status='downloadable',
                                        verify_uuid=uuid, name=mode.title())
GeneratedCertificate.objects.create(user_id=failing, course_id=%(demo)r, mode='honor', status='notpassing')
result['urls'] = {'honor': learner_url(honor, %(demo)r), 'failing': learner_url(failing, %(demo)r)}
result['honor'] = page(honor, %(demo)r)
result['verified'] = page(verified, %(demo)r)
result['nocert'] = page(uid('nocert_learner_00'), %(nocert)r)
result['toy'] = page(uid('toy_learner_00'), %(toy)r)
result['failing_user_course'] = get(user_course_url(failing, %(demo)r))
result['honor_user_course'] = get(user_course_url(honor, %(demo)r))
CourseOverview.objects.filter(id=%(demo)r).update(cert_html_view_enabled=False)
result['course_off'] = page(honor, %(demo)r)
result['logo'] = c.get('/static/certificates/images/logo.png').status_code
result['heartbeat'] = [c.get('/heartbeat').status_code, c.get('/heartbeat').json()]
""" % {"demo": DEMO, "nocert": NOCERT, "toy": TOY})
    assert res["urls"]["honor"].startswith("/certificates/") and len(res["urls"]["honor"]) == 14 + 32
    assert res["urls"]["failing"] is None      # a failing learner has no certificate, so no URL
    status, body = res["honor"]
    assert status == 200 and VALID in body
    assert "Sandbox Academy" in body and "Honor Certificate of Achievement" in body
    # branding replaces the configuration's logo_src and logo_url
    assert '<img class="logo-img" src="/static/images/logo.png"' in body
    assert "Honor" in body and "Demonstration Course" in body
    assert "https://sandbox.example.com/tos" in body
    assert "is-honorcode" in body
    assert res["verified"][0] == 200 and "Verified Certificate of Achievement" in res["verified"][1]
    assert res["toy"][0] == 200 and "Toy Course" in res["toy"][1]
    for case in ("nocert", "course_off"):
        assert res[case][0] == 200 and INVALID in res[case][1], case
    if release == "hawthorn":
        assert res["failing_user_course"][0] == 200 and INVALID in res["failing_user_course"][1]
        assert res["honor_user_course"][0] == 200 and VALID in res["honor_user_course"][1]
    else:
        for case in ("failing_user_course", "honor_user_course"):
            assert res[case][0] == 200 and UNSUPPORTED in res[case][1], case
    assert res["logo"] == 200
    assert res["heartbeat"][0] == 200


@pytest.mark.parametrize("release", RELEASES)
def test_page_flag_off_and_missing_keys(make_host, tmp_path, release):
    host = make_host(release)  # CERTIFICATES_HTML_VIEW off
    host.manage("lms", "migrate", "certificates", "--noinput", check=True)
    res = host.script(PAGE_SCRIPT + "result['toy'] = page(uid('toy_learner_00'), %r)" % TOY)
    assert res["toy"][0] == 200 and INVALID in res["toy"][1]

    # A default without the footer keys is not a server error on these releases
    # (the footer leaves out what neither the configuration nor branding has).
    host = make_host(release, features=HTML_ON)
    host.manage("lms", "migrate", "certificates", "--noinput", check=True)
    broken = {"default": {"platform_name": "X", "logo_src": "/static/certificates/images/logo.png"},
              "honor": {"certificate_title": "T", "certificate_type": "H"}}
    populate(host, tmp_path, broken)
    res = host.script(PAGE_SCRIPT + "result['toy'] = page(uid('toy_learner_00'), %r)" % TOY)
    assert res["toy"][0] == 200 and VALID in res["toy"][1]
    assert "https://" not in res["toy"][1].split("<footer", 1)[1]   # only branding's own /about, /privacy
    # with the disabled seed row only, the configuration is {}: still a page
    host = make_host(release, features=HTML_ON)
    host.manage("lms", "migrate", "certificates", "--noinput", check=True)
    res = host.script(PAGE_SCRIPT + "result['toy'] = page(uid('toy_learner_00'), %r)" % TOY)
    assert res["toy"][0] == 200 and VALID in res["toy"][1]


def test_studio_certificates_page(make_host):
    script = ("from django.test import Client\nc = Client()\n"
              "r = c.get('/certificates/course-v1:edX+DemoX+Demo_Course')\n"
              "result = [r.status_code, r.json() if r.status_code == 200 else None, c.get('/heartbeat').status_code]")
    off = make_host("hawthorn", features={"lms": {"CERTIFICATES_HTML_VIEW": True}, "cms": {}})
    assert off.script(script, service="cms")[0::2] == [404, 200]
    on = make_host("lilac", features={"lms": {}, "cms": {"CERTIFICATES_HTML_VIEW": True}})
    status, body, hb = on.script(script, service="cms")
    assert status == 200 and hb == 200
    assert body["certificates"][0]["is_active"] is True and body["course_id"] == DEMO


def test_a_saved_configuration_shows_on_the_next_request(make_host, tmp_path):
    """A web process sees a configuration saved after its first request (the
    platform resets its request cache per request: RequestCacheMiddleware in
    lms/envs/common.py), as a real LMS does after the toolkit writes a row."""
    # A cache the processes share, as memcached on a real host (the images
    # use this same DatabaseCache).
    shared = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "edxapp_cache"}}
    host = make_host("hawthorn", features=HTML_ON, extra={"CACHES": shared})
    host.manage("lms", "createcachetable", check=True)
    host.manage("lms", "ungenerated_certs", "-c", DEMO, check=True)
    host.manage("lms", "migrate", "certificates", "--noinput", check=True)
    populate(host, tmp_path, GOOD_CONFIG)
    res = host.script(PAGE_SCRIPT + """
honor = uid('honor')
result['before'] = page(honor, 'course-v1:edX+DemoX+Demo_Course')
# Another process saves (as the toolkit's manage.py does beside the web process).
import os, subprocess, sys
save = ("import json\\n"
        "from lms.djangoapps.certificates.models import CertificateHtmlViewConfiguration as C\\n"
        "config = json.loads(C.current().configuration)\\n"
        "config['default']['platform_name'] = 'Renamed Academy'\\n"
        "C(enabled=True, configuration=json.dumps(config)).save()\\n")
subprocess.run([sys.executable, 'manage.py', 'lms', 'shell', '-c', save], check=True)
result['after'] = page(honor, 'course-v1:edX+DemoX+Demo_Course')
""")
    assert "Sandbox Academy" in res["before"][1]
    assert "Renamed Academy" in res["after"][1] and "Sandbox Academy" not in res["after"][1]
