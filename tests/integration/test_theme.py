"""playbooks/theme.yml against real sandbox hosts, and the certificate pages
in a real browser (headless Chromium through tests/integration/browser.py)."""
import json
import os
import shutil
from pathlib import Path

import yaml

from browser import Chromium, Relay, chromium_binary
from conftest import podman_env

ROOT = Path(__file__).resolve().parents[2]
THEME = ROOT / "examples" / "certificate-theme"
HTML_VIEW = yaml.safe_load((THEME / "html_view.yml").read_text())
PLATFORM = "/edx/app/edxapp/edx-platform"
MANIFEST = "/edx/var/edxapp/openedx-toolkit/theme-manifest.json"
HEADER = PLATFORM + "/lms/templates/certificates/_accomplishment-header.html"
CSS = PLATFORM + "/lms/static/certificates/css/certificates.css"
LOGO = PLATFORM + "/lms/static/certificates/images/logo-example.png"
DEMO = "course-v1:edX+DemoX+Demo_Course"


def sha(host, path):
    return host.sh("sha256sum " + path).stdout.split()[0]


def test_deploy_refuse_broken_template_and_remove(legacy_host, playbook, tmp_path):
    host = legacy_host
    original = {path: sha(host, path) for path in (HEADER, CSS)}

    # Check mode compiles and says what would change, and changes nothing.
    run = playbook("theme.yml", [host], check=True, diff=True)
    assert run.rc == 0, run.output
    assert "replace lms/templates/certificates/_accomplishment-header.html" in run.output
    assert {path: sha(host, path) for path in (HEADER, CSS)} == original
    assert host.sh("test -e " + LOGO, check=False).returncode != 0

    # Deploy: files in place with the platform's owner and mode, backups, manifest.
    run = playbook("theme.yml", [host])
    assert run.rc == 0, run.output
    assert run.changed(host.name) >= 1
    assert host.read(HEADER) == (THEME / "templates" / "_accomplishment-header.html").read_text()
    assert host.read(CSS) == (THEME / "static" / "css" / "certificates.css").read_text()
    for path in (HEADER, CSS, LOGO):
        assert host.stat(path)[:3] == ("edxapp", "www-data", "0640"), path
    manifest = json.loads(host.read(MANIFEST))["files"]
    assert set(manifest) == {
        "lms/templates/certificates/_accomplishment-header.html",
        "lms/static/certificates/css/certificates.css",
        "lms/static/certificates/images/logo-example.png",
        "lms/static/certificates/images/logo-honor.png",
        "lms/static/certificates/images/logo-verified.png",
        "lms/static/certificates/images/logo-audit.png",
    }
    assert manifest["lms/static/certificates/css/certificates.css"]["backup"] is True
    assert manifest["lms/static/certificates/images/logo-honor.png"]["backup"] is False

    # Second run: nothing changes.
    run = playbook("theme.yml", [host])
    assert run.rc == 0, run.output
    assert run.changed(host.name) == 0

    # A theme with one broken template (and a good one) changes nothing and names file and line.
    broken = tmp_path / "broken-theme"
    shutil.copytree(str(THEME), str(broken))
    (broken / "templates" / "_certificate_footer.html").write_text(
        '<%page expression_filter="h"/>\n<footer>\n% for x in items:\n<p>${x}</p>\n</footer>\n')  # no "% endfor"
    (broken / "static" / "css" / "certificates.css").write_text("body { color: red; }\n")
    before = {path: sha(host, path) for path in (HEADER, CSS)}
    footer_before = sha(host, PLATFORM + "/lms/templates/certificates/_certificate_footer.html")
    run = playbook("theme.yml", [host], extra_vars={"theme_src": str(broken)})
    assert run.rc != 0
    assert "templates/_certificate_footer.html line 3" in run.output, run.output[-3000:]
    assert "nothing was deployed" in run.output
    assert {path: sha(host, path) for path in (HEADER, CSS)} == before
    assert sha(host, PLATFORM + "/lms/templates/certificates/_certificate_footer.html") == footer_before

    # Removal gives the platform its files back and removes only what the role put there.
    run = playbook("theme.yml", [host], extra_vars={"theme_state": "absent"})
    assert run.rc == 0, run.output
    assert {path: sha(host, path) for path in (HEADER, CSS)} == original
    assert host.stat(HEADER)[:3] == ("edxapp", "www-data", "0640")
    assert host.sh("test -e " + LOGO, check=False).returncode != 0
    assert host.sh("test -e " + MANIFEST, check=False).returncode != 0
    assert host.sh("test -e %s/lms/static/certificates/images/logo.png" % PLATFORM, check=False).returncode == 0
    run = playbook("theme.yml", [host], extra_vars={"theme_state": "absent"})
    assert run.rc == 0 and run.changed(host.name) == 0


CHECK_PAGE = """(() => {
  const img = document.querySelector('#certificate-logo');
  const header = document.querySelector('header.header-app');
  return {
    title: document.title,
    platform_name: (document.querySelector('#platform-name') || {}).textContent,
    certificate_title: (document.querySelector('.accomplishment-title') || {}).textContent,
    recipient: (document.querySelector('#accomplishment-recipient') || {}).textContent,
    themed: !!document.querySelector('header.theme-example-academy'),
    header_background: header ? getComputedStyle(header).backgroundColor : null,
    logo_src: img ? img.getAttribute('src') : null,
    logo_complete: img ? img.complete : false,
    logo_width: img ? img.naturalWidth : 0,
  };
})()"""

# user id -> mode of one learner with a downloadable certificate per mode
DOWNLOADABLE_CODE = """
import json
from opaque_keys.edx.keys import CourseKey
from lms.djangoapps.certificates.models import GeneratedCertificate
rows = GeneratedCertificate.objects.filter(course_id=CourseKey.from_string(%r), status='downloadable')
found = {}
for cert in rows.order_by('user_id'):
    found.setdefault(cert.mode, [cert.user_id, cert.user.username])
print(json.dumps(found))
""" % DEMO


def test_certificate_pages_in_chromium(legacy_host, playbook, tmp_path):
    # scripts/install-system-packages.sh installs Debian's chromium.
    assert chromium_binary() is not None, "Debian's chromium is not installed (make setup installs it)"
    host = legacy_host
    run = playbook("site.yml", [host], extra_vars=HTML_VIEW)
    assert run.rc == 0, run.output
    run = playbook("theme.yml", [host])
    assert run.rc == 0, run.output
    run = playbook("generate.yml", [host], extra_vars={"course_id": DEMO})
    assert run.rc == 0, run.output
    downloadable = host.platform_json(DOWNLOADABLE_CODE)
    assert set(downloadable) == {"audit", "honor", "verified"}  # no cutoff: audit learners get one too

    # Screenshots go to .sandbox/screenshots (the test must not dirty the
    # work tree); SCREENSHOTS_DIR=docs/images refreshes the README's.
    images = Path(os.environ.get("SCREENSHOTS_DIR") or ROOT / ".sandbox" / "screenshots")
    images.mkdir(parents=True, exist_ok=True)
    with Relay(host.name, 8000, podman_env=podman_env()) as relay, Chromium() as browser:
        for mode, (user_id, username) in sorted(downloadable.items()):
            browser.open("%s/certificates/user/%d/course/%s" % (relay.base_url, user_id, DEMO))
            page = browser.evaluate(CHECK_PAGE)
            wanted = HTML_VIEW["openedx_certificates_modes"][mode]
            assert page["platform_name"] == HTML_VIEW["openedx_certificates_platform_name"], page
            assert page["certificate_title"] == wanted["certificate_title"], page
            assert wanted["certificate_title"] in page["title"], page
            assert page["themed"] and page["header_background"] == "rgb(31, 78, 121)", page
            # The branding replaces logo_src on the page; the theme prints the mode's own key.
            assert page["logo_src"] == wanted["certificate_logo_src"], page
            assert page["logo_complete"] and page["logo_width"] > 0, page
            assert page["recipient"], page
            shot = browser.screenshot(str(images / ("certificate-%s.png" % mode)))
            assert Path(shot).stat().st_size > 5000
        # The check can fail: a learner without a certificate gets the invalid page, no logo.
        browser.open("%s/certificates/user/%d/course/%s" % (relay.base_url, 1, DEMO))
        page = browser.evaluate(CHECK_PAGE)
        assert page.get("certificate_title") is None and page["logo_width"] == 0
        assert page.get("platform_name") is None

        # Issue 10: what a hostile value would do, had the toolkit let it
        # through. It goes straight into the database, past the toolkit.
        honor_id = downloadable["honor"][0]
        rows = host.platform_json(HOSTILE_ROW_CODE)
        page_url = "%s/certificates/user/%d/course/%s" % (relay.base_url, honor_id, DEMO)
        # The deployed header has the page filter: the value is shown as text, nothing runs.
        browser.open(page_url)
        page = browser.evaluate(HOSTILE_CHECK)
        assert page["pwned"] is None and page["platform_name"] == HOSTILE, page
        # A header without it (as a theme override of someone else's might
        # be) writes the value raw, and the script runs.
        host.sh("sed -i 1d " + HEADER)
        browser.open(page_url)
        page = browser.evaluate(HOSTILE_CHECK)
        assert page["pwned"] == "1", page

    # The toolkit refuses both: such a template, and such a value.
    unescaped = tmp_path / "unescaped-theme"
    shutil.copytree(str(THEME), str(unescaped))
    header = unescaped / "templates" / "_accomplishment-header.html"
    header.write_text("".join(header.read_text().splitlines(True)[1:]))
    before = sha(host, HEADER)
    run = playbook("theme.yml", [host], extra_vars={"theme_src": str(unescaped)})
    assert run.rc != 0
    assert 'templates/_accomplishment-header.html line 1: has no <%page expression_filter="h"/>' \
        in run.failure_messages(), run.output[-3000:]
    assert sha(host, HEADER) == before
    run = playbook("site.yml", [host], extra_vars=dict(HTML_VIEW, openedx_certificates_platform_name=HOSTILE))
    assert run.rc != 0
    assert "configuration.default.platform_name (variable openedx_certificates_platform_name)" \
        in run.failure_messages(), run.output[-3000:]
    assert host.platform_json(ROW_COUNT_CODE) == rows


HOSTILE = "<img src=x onerror=\"document.body.setAttribute('data-pwned', '1')\">"
HOSTILE_CHECK = """(() => ({
  pwned: document.body.getAttribute('data-pwned'),
  platform_name: (document.querySelector('#platform-name') || {}).textContent,
}))()"""
ROW_COUNT_CODE = """
import json
from lms.djangoapps.certificates.models import CertificateHtmlViewConfiguration
print(json.dumps(CertificateHtmlViewConfiguration.objects.count()))
"""
HOSTILE_ROW_CODE = """
import json
from lms.djangoapps.certificates.models import CertificateHtmlViewConfiguration
config = json.loads(CertificateHtmlViewConfiguration.current().configuration)
config["default"]["platform_name"] = %r
CertificateHtmlViewConfiguration(enabled=True, configuration=json.dumps(config)).save()
print(json.dumps(CertificateHtmlViewConfiguration.objects.count()))
""" % HOSTILE
