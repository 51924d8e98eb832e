"""Hostile HTML view configuration values on the certificate page, per release.

What the real releases do (docs/research/certificate-template-escaping.md):
edxmako renders with default_filters=['decode.utf8'], which does not escape;
every certificate template of hawthorn, lilac and maple starts with
<%page expression_filter="h"/> and prints no configuration field with `| n`.
So the platform's own pages escape every field, and a template without the
page tag (a theme override) prints them raw. The rows are written straight
into the table (model save, as the Django admin does), bypassing the toolkit.

Branding comes last in the page context (docs/research/certificate-page-rules.md):
logo_src and logo_url never reach the page (the site's logo and root replace
them), and company_about_url / company_privacy_url only where the site has no
page of its own: the pages are rendered for a site whose MKTG_URL_LINK_MAP has
ABOUT and PRIVACY set to None, so those two fields do reach the footer.
company_verified_certificate_url is printed by no template of these releases.
The page is the one each release serves: /certificates/<verify_uuid>.
"""
import json
import re

import pytest

from conftest import HTML_ON, PLATFORM, TOY
from pages import INVALID, RELEASES, UNSUPPORTED, VALID

TEMPLATES = PLATFORM / "lms" / "templates" / "certificates"


def text_value(field):
    return '<img src=x onerror="window.pwned_%s=1">\'&' % field


def url_value(field):
    return 'https://x.example/"><script>window.pwned_%s=1</script>' % field


def escaped_text(field):
    return "&lt;img src=x onerror=&#34;window.pwned_%s=1&#34;&gt;&#39;&amp;" % field


def escaped_url(field):
    return "https://x.example/&#34;&gt;&lt;script&gt;window.pwned_%s=1&lt;/script&gt;" % field


DEFAULT_TEXT = ("platform_name", "accomplishment_class_append")
DEFAULT_URLS = ("company_about_url", "company_privacy_url", "company_tos_url")
# Never on the page: branding replaces the first two, no template prints the third.
NOT_ON_PAGE = ("logo_src", "logo_url", "company_verified_certificate_url")
MODE_TEXT = ("certificate_title", "certificate_type", "document_body_class_append")


def hostile_config():
    default = {f: text_value(f) for f in DEFAULT_TEXT}
    default.update({f: url_value(f) for f in DEFAULT_URLS + NOT_ON_PAGE})
    honor = {f: text_value(f) for f in MODE_TEXT}
    return {"default": default, "honor": honor}


# Writes the row the way the Django admin does (a ConfigurationModel save
# appends the current row), then renders a toy learner's page (honor mode,
# downloadable in the demo data) at /certificates/<verify_uuid>, the same page
# once the course's HTML certificates are off (the invalid page), and the
# user/course URL (the invalid page on hawthorn for a learner without a
# certificate, "URL Not Supported" on lilac and maple). All for a site without
# about and privacy pages of its own.
SCRIPT = """
import json, os
from django.conf import settings
from django.test import Client, override_settings
from django.contrib.auth import get_user_model
from lms.djangoapps.certificates.models import CertificateHtmlViewConfiguration, GeneratedCertificate
from lms.djangoapps.certificates.page_rules import DEFAULT_MKTG_URL_LINK_MAP
from openedx.core.djangoapps.content.course_overviews.models import CourseOverview
CertificateHtmlViewConfiguration(enabled=True, configuration=json.dumps(%(config)s)).save()
override = %(override)r
if override:
    from lms.djangoapps.certificates.views import mako_lookup
    mako_lookup().directories.insert(0, override)
U = get_user_model()
c = Client(raise_request_exception=False)
def get(url):
    r = c.get(url)
    return [r.status_code, r.content.decode('utf-8')]
link_map = dict(getattr(settings, 'MKTG_URL_LINK_MAP', None) or DEFAULT_MKTG_URL_LINK_MAP, ABOUT=None, PRIVACY=None)
toy = U.objects.get(username='toy_learner_00')
uuid = GeneratedCertificate.objects.get(user=toy, course_id=%(toy)r).verify_uuid
with override_settings(MKTG_URL_LINK_MAP=link_map):
    result = {'valid': get('/certificates/' + uuid),
              'user_course': get('/certificates/user/%%s/course/%%s' %% (U.objects.get(username='demo_learner_09').id,
                                                                        %(toy)r))}
    CourseOverview.objects.filter(id=%(toy)r).update(cert_html_view_enabled=False)
    result['invalid'] = get('/certificates/' + uuid)
"""


def render(host, override=None):
    host.manage("lms", "migrate", "certificates", "--noinput", check=True)
    return host.script(SCRIPT % {"config": json.dumps(hostile_config()), "override": override and str(override),
                                 "toy": TOY})


@pytest.mark.parametrize("release", RELEASES)
def test_platform_templates_escape_every_configuration_field(make_host, release):
    host = make_host(release, features=HTML_ON)
    res = render(host)
    status, body = res["valid"]
    assert status == 200, body[-2000:]
    assert "toy_learner_00" in body or "Toy Course" in body  # the valid page, not the invalid one
    assert VALID in body
    fields = [(f, text_value(f), escaped_text(f)) for f in DEFAULT_TEXT + MODE_TEXT]
    fields += [(f, url_value(f), escaped_url(f)) for f in DEFAULT_URLS]
    for field, raw, escaped in fields:
        assert raw not in body, "%s reached the page unescaped on %s" % (field, release)
        assert escaped in body, "%s is not on the page, escaped once, on %s" % (field, release)
    for field in NOT_ON_PAGE:
        assert "pwned_%s" % field not in body, "%s reached the page on %s" % (field, release)
    assert "<script>" not in body and "onerror=\"" not in body

    for case, title in (("invalid", INVALID), ("user_course", INVALID if release == "hawthorn" else UNSUPPORTED)):
        status, body = res[case]
        assert status == 200 and title in body, case
        assert text_value("platform_name") not in body
        assert escaped_text("platform_name") in body, case


@pytest.mark.parametrize("release", RELEASES)
def test_template_without_page_filter_prints_configuration_raw(make_host, tmp_path, release):
    # A theme override of the header without <%page expression_filter="h"/>:
    # edxmako's default filter (decode.utf8) does not escape, so the value is raw.
    override = tmp_path / "override"
    (override / "certificates").mkdir(parents=True)
    (override / "certificates" / "_accomplishment-header.html").write_text(
        '<header class="override"><a class="about" href="${company_about_url}">'
        '<span id="platform-name">${platform_name}</span></a></header>\n')
    host = make_host(release, features=HTML_ON)
    res = render(host, override=override)
    status, body = res["valid"]
    assert status == 200, body[-2000:]
    assert '<header class="override">' in body
    assert '<span id="platform-name">%s</span>' % text_value("platform_name") in body
    assert 'href="%s"' % url_value("company_about_url") in body
    # the platform's own templates on the same page still escape
    assert escaped_text("certificate_title") in body


def test_every_certificate_template_starts_with_the_page_filter():
    names = sorted(p.name for p in TEMPLATES.glob("*.html"))
    assert {"valid.html", "invalid.html", "url_unsupported.html", "_accomplishment-header.html",
            "_certificate_footer.html", "_accomplishment-rendering.html"} <= set(names)
    for name in names:
        text = (TEMPLATES / name).read_text()
        assert text.splitlines()[0] == '<%page expression_filter="h"/>', name
        assert not re.search(r"\$\{[^}]*\|\s*n\b", text), "%s prints an expression with | n" % name
