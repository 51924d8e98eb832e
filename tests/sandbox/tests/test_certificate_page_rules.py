"""The rules of the certificate page, per release (issue 11).

What the real releases do is in docs/research/certificate-page-rules.md:
- URLs: /certificates/<verify_uuid> renders a learner's certificate on
  hawthorn, lilac and maple (404 unless an eligible downloadable certificate
  has that uuid, before any other check); /certificates/user/<id>/course/<c>
  renders it on hawthorn only and answers "URL Not Supported" (HTTP 200) on
  lilac and maple;
- a valid page needs: the flag, the course, its cert_html_view_enabled,
  certificates_viewable_for_course and an eligible downloadable certificate,
  an active course certificate configuration;
- context: default, then the mode's section, ..., then branding: logo_src and
  logo_url always, the footer URLs where the site has them;
- a missing key of "default" is not a server error.
"""
import json
import re

import pytest

from conftest import DEMO, HTML_ON, NOCERT, TOY
from pages import INVALID, PAGE_SCRIPT, RELEASES, UNSUPPORTED, VALID

TOY_UUID = "SELECT verify_uuid FROM certificates_generatedcertificate c JOIN auth_user u ON u.id = c.user_id " \
           "WHERE u.username = 'toy_learner_00'"

CONFIG = {
    "default": {
        "accomplishment_class_append": "accomplishment-certificate",
        "platform_name": "Default Academy",
        "company_about_url": "https://configured.example/about",
        "company_privacy_url": "https://configured.example/privacy",
        "company_tos_url": "https://configured.example/tos",
        "company_verified_certificate_url": "https://configured.example/verified",
        "logo_src": "/static/certificates/images/logo-default.png",
        "logo_url": "https://configured.example/",
    },
    "honor": {"certificate_type": "Honor Code", "certificate_title": "Honor Certificate",
              "document_body_class_append": "is-honorcode", "platform_name": "Honor Mode Academy",
              "logo_src": "/static/certificates/images/logo-honor.png", "logo_url": "https://honor.example/"},
}


def prepared(make_host, release, features=HTML_ON, config=CONFIG):
    host = make_host(release, features=features)
    host.manage("lms", "migrate", "certificates", "--noinput", check=True)
    if config is not None:
        host.script(PAGE_SCRIPT + "save_config(%s)\n" % json.dumps(config))
    return host


def anchor(body, css_class):
    match = re.search(r'<a class="%s" href="([^"]*)"' % css_class, body)
    return match.group(1) if match else None


@pytest.mark.parametrize("release", RELEASES)
def test_learner_certificate_urls(make_host, release):
    host = prepared(make_host, release)
    (uuid,), = host.sql(TOY_UUID)
    assert re.match(r"^[0-9a-f]{32}$", uuid)
    res = host.script(PAGE_SCRIPT + """
toy00 = uid('toy_learner_00')
result['uuid'] = get('/certificates/%s' % {uuid!r})
result['user_course'] = get(user_course_url(toy00, {toy!r}))
result['user_course_slash'] = get(user_course_url(toy00, {toy!r}) + '/')
result['bad_user_id'] = get(user_course_url('abc', {toy!r}))
result['unknown_user'] = get(user_course_url(999999, {toy!r}))
result['unknown_uuid'] = get('/certificates/' + '0' * 32)
result['upper_uuid'] = get('/certificates/%s' % {uuid!r}.upper())
GeneratedCertificate.objects.filter(user_id=uid('toy_learner_06')).update(verify_uuid='ab' * 16)
result['notpassing_uuid'] = get('/certificates/' + 'ab' * 16)
""".format(uuid=uuid, toy=TOY))
    status, body = res["uuid"]
    assert status == 200 and VALID in body and uuid in body and "Toy Learner 00" in body
    assert res["unknown_uuid"][0] == 404
    assert res["upper_uuid"][0] == 404           # 32 lower-case hex only
    assert res["notpassing_uuid"][0] == 404      # a uuid, but not a downloadable certificate
    status, body = res["user_course"]
    if release == "hawthorn":
        assert status == 200 and VALID in body and uuid in body
        assert res["user_course_slash"][0] == 200 and VALID in res["user_course_slash"][1]
        assert res["bad_user_id"][0] == 404      # int(user_id) fails: Http404
        assert res["unknown_user"][0] == 200 and INVALID in res["unknown_user"][1]
    else:
        assert status == 200 and UNSUPPORTED in body
        assert VALID not in body and uuid not in body and "Toy Learner 00" not in body
        for case in ("user_course_slash", "bad_user_id", "unknown_user"):
            assert res[case][0] == 200 and UNSUPPORTED in res[case][1], case


@pytest.mark.parametrize("release", RELEASES)
def test_uuid_lookup_comes_before_the_flag(make_host, release):
    host = prepared(make_host, release, features={})
    (uuid,), = host.sql(TOY_UUID)
    res = host.script(PAGE_SCRIPT + """
result['known'] = get('/certificates/%s' % {uuid!r})
result['unknown'] = get('/certificates/' + 'f' * 32)
result['user_course'] = get(user_course_url(uid('toy_learner_00'), {toy!r}))
""".format(uuid=uuid, toy=TOY))
    assert res["known"][0] == 200 and INVALID in res["known"][1]
    assert res["unknown"][0] == 404
    if release == "hawthorn":
        assert res["user_course"][0] == 200 and INVALID in res["user_course"][1]
    else:
        # unsupported_url checks nothing, not even the flag
        assert res["user_course"][0] == 200 and UNSUPPORTED in res["user_course"][1]
        assert "Default Academy" in res["user_course"][1]


BREAK = {
    "flag_off": None,  # the host is built without the flag
    "course_html_off": "CourseOverview.objects.filter(id={toy!r}).update(cert_html_view_enabled=False)",
    "not_viewable": ("CourseOverview.objects.filter(id={toy!r}).update(certificate_available_date="
                     "datetime.datetime(2999, 1, 1, tzinfo=datetime.timezone.utc))"),
    "not_downloadable": ("GeneratedCertificate.objects.filter(user_id=uid('toy_learner_00'))"
                         ".update(status='generating')"),
    "no_active_configuration": ("from openedx.core.djangoapps.sandbox.models import CourseCertificateSet\n"
                                "CourseCertificateSet.objects.filter(course_id={toy!r}).update(certificates='[]')"),
}


@pytest.mark.parametrize("release", RELEASES)
@pytest.mark.parametrize("broken", sorted(BREAK))
def test_a_valid_page_needs_each_condition(make_host, release, broken):
    host = prepared(make_host, release, features={} if broken == "flag_off" else HTML_ON)
    (uuid,), = host.sql(TOY_UUID)
    code = (BREAK[broken] or "pass").format(toy=TOY)
    # hawthorn's user/course URL does not need the certificate row: it shows
    # the invalid page; by uuid, a row that is not downloadable is a 404.
    res = host.script(PAGE_SCRIPT + """
import datetime
result['before'] = get('/certificates/%s' % {uuid!r})
{code}
result['uuid'] = get('/certificates/%s' % {uuid!r})
result['user_course'] = get(user_course_url(uid('toy_learner_00'), {toy!r}))
""".format(uuid=uuid, toy=TOY, code=code))
    if broken != "flag_off":
        assert res["before"][0] == 200 and VALID in res["before"][1]
    status, body = res["uuid"]
    if broken == "not_downloadable":
        assert status == 404
    else:
        assert status == 200 and INVALID in body and VALID not in body
    if release == "hawthorn":
        assert res["user_course"][0] == 200 and INVALID in res["user_course"][1]


VIEWABLE_CASES = [
    # (course overview fields, viewable?) for the running demo course (ends 2030)
    ({"certificates_display_behavior": "end"}, False),
    ({"certificates_display_behavior": "early_no_info"}, True),
    ({"certificates_display_behavior": "early_with_info"}, True),
    ({"certificates_display_behavior": "end", "certificates_show_before_end": True}, True),
    ({"certificates_display_behavior": "end", "self_paced": True}, True),
    ({"certificates_display_behavior": "end", "certificate_available_date": "past"}, True),
    ({"certificates_display_behavior": "end", "certificate_available_date": "future"}, False),
    ({"certificates_display_behavior": "end", "end": "past"}, True),
    ({"certificates_display_behavior": "end", "end": "past", "certificate_available_date": "future"}, False),
]


@pytest.mark.parametrize("release", RELEASES)
def test_certificates_viewable_for_course(make_host, release):
    host = prepared(make_host, release)
    res = host.script(PAGE_SCRIPT + """
import datetime
utc = datetime.timezone.utc
when = {'past': datetime.datetime(2020, 1, 1, tzinfo=utc), 'future': datetime.datetime(2999, 1, 1, tzinfo=utc)}
honor = uid('honor')
GeneratedCertificate.objects.create(user_id=honor, course_id=%(demo)r, status='downloadable', mode='honor',
                                    name='Honor Learner', verify_uuid='c0ffee' + '0' * 26)
cases = %(cases)r
result['pages'] = []
for fields, viewable in cases:
    values = dict(certificates_display_behavior=None, certificates_show_before_end=False, self_paced=False,
                  certificate_available_date=None, end=datetime.datetime(2030, 12, 31, tzinfo=utc))
    values.update({k: when.get(v, v) if isinstance(v, str) else v for k, v in fields.items()})
    CourseOverview.objects.filter(id=%(demo)r).update(**values)
    status, body = get('/certificates/' + 'c0ffee' + '0' * 26)
    result['pages'].append([status, %(valid)r in body, %(invalid)r in body])
""" % {"demo": DEMO, "cases": VIEWABLE_CASES, "valid": VALID, "invalid": INVALID})
    for (fields, viewable), (status, valid, invalid) in zip(VIEWABLE_CASES, res["pages"]):
        assert status == 200, fields
        assert (valid, invalid) == (viewable, not viewable), (release, fields)


@pytest.mark.parametrize("release", RELEASES)
def test_context_order_and_branding(make_host, release):
    host = prepared(make_host, release)
    (uuid,), = host.sql(TOY_UUID)
    res = host.script(PAGE_SCRIPT + """
url = '/certificates/%(uuid)s'
result['default'] = get(url)
link_map = dict(settings.MKTG_URL_LINK_MAP) if hasattr(settings, 'MKTG_URL_LINK_MAP') else None
from lms.djangoapps.certificates.page_rules import DEFAULT_MKTG_URL_LINK_MAP
base = dict(DEFAULT_MKTG_URL_LINK_MAP if link_map is None else link_map)
# A site whose terms page is the platform's /tos and that has no about page.
with override_settings(MKTG_URL_LINK_MAP=dict(base, TOS_AND_HONOR='tos', ABOUT=None)):
    result['site_pages'] = get(url)
# A marketing site that has an about and a terms page, but no privacy page.
features = dict(settings.FEATURES, ENABLE_MKTG_SITE=True)
with override_settings(FEATURES=features, MKTG_URLS={'ROOT': 'https://www.example.org',
                                                     'ABOUT': '/about-us', 'TOS_AND_HONOR': '/terms'}):
    result['marketing'] = get(url)
with override_settings(SITE_NAME='learn.example.org'):
    result['site_name'] = get(url)
result['secure'] = [c.get(url, secure=True).content.decode()]
""" % {"uuid": uuid})
    status, body = res["default"]
    assert status == 200 and VALID in body
    # the mode's section over default; then branding over both
    assert '<span class="platform-name">Honor Mode Academy</span>' in body
    assert "Default Academy" not in body
    assert '<img class="logo-img" src="/static/images/logo.png"' in body
    assert '<a class="logo" href="http://localhost">' in body
    for configured in ("logo-default.png", "logo-honor.png", "https://configured.example/\"",
                       "https://honor.example/", "https://configured.example/verified"):
        assert configured not in body, configured
    # the platform's default map has ABOUT and PRIVACY but no TOS_AND_HONOR
    assert anchor(body, "company-about") == "/about"
    assert anchor(body, "company-privacy") == "/privacy"
    assert anchor(body, "company-tos") == "https://configured.example/tos"
    body = res["site_pages"][1]
    assert anchor(body, "company-tos") == "/tos"
    assert anchor(body, "company-about") == "https://configured.example/about"
    assert anchor(body, "company-privacy") == "/privacy"
    body = res["marketing"][1]
    assert anchor(body, "company-about") == "https://www.example.org/about-us"
    assert anchor(body, "company-tos") == "https://www.example.org/terms"
    assert anchor(body, "company-privacy") == "https://configured.example/privacy"
    assert '<a class="logo" href="http://learn.example.org">' in res["site_name"][1]
    assert '<a class="logo" href="https://localhost">' in res["secure"][0]


@pytest.mark.parametrize("release", RELEASES)
def test_branded_footer_pages_exist(make_host, release):
    host = prepared(make_host, release)
    res = host.script(PAGE_SCRIPT + "result = [get('/about')[0], get('/privacy')[0], get('/tos')[0]]\n")
    assert res == [200, 200, 200]


@pytest.mark.parametrize("release", RELEASES)
def test_missing_default_keys_are_not_a_server_error(make_host, release):
    host = prepared(make_host, release, config={"default": {"platform_name": "Bare Academy"},
                                                "honor": {"certificate_title": "Bare Title"}})
    (uuid,), = host.sql(TOY_UUID)
    res = host.script(PAGE_SCRIPT + """
result['bare'] = get('/certificates/%(uuid)s')
save_config({}, enabled=False)     # only a disabled row: get_config() is {}
result['disabled'] = get('/certificates/%(uuid)s')
""" % {"uuid": uuid})
    status, body = res["bare"]
    assert status == 200 and VALID in body, body[-2000:]
    assert "Bare Academy" in body and "Bare Title" in body
    assert anchor(body, "company-about") == "/about" and anchor(body, "company-privacy") == "/privacy"
    assert anchor(body, "company-tos") is None
    status, body = res["disabled"]
    assert status == 200 and VALID in body, body[-2000:]
    assert '<span class="platform-name">Sandbox Test</span>' in body   # PLATFORM_NAME of the config file


@pytest.mark.parametrize("release", ["lilac", "maple"])
def test_unsupported_url_page(make_host, release):
    host = prepared(make_host, release, features={})
    res = host.script(PAGE_SCRIPT + """
result['toy'] = get(user_course_url(uid('toy_learner_00'), %(toy)r))
result['unknown_course'] = get(user_course_url(1, 'course-v1:No+Such+Course'))
result['nocert'] = get(user_course_url(uid('nocert_learner_00'), %(nocert)r))
""" % {"toy": TOY, "nocert": NOCERT})
    for case, (status, body) in res.items():
        assert status == 200 and UNSUPPORTED in body and INVALID not in body, case
        assert "Default Academy" in body, case       # the configuration's default reaches it
