"""
The rules of the certificate page, per release line, written here after
edx-platform (the findings, with files and commits, are in
docs/research/certificate-page-rules.md of the toolkit):

* which URL renders a learner's certificate
  (lms/djangoapps/certificates/urls.py);
* certificates_viewable_for_course, the display-behaviour rule
  (openedx/core/djangoapps/certificates/api.py on hawthorn and lilac,
  lms/djangoapps/certificates/api.py later; the same body in every stored
  version from 2017 up to the CertificatesDisplayBehaviors rewrite after
  maple);
* the branding the page context takes last: get_certificate_header_context
  and get_certificate_footer_context (lms/djangoapps/certificates/api.py)
  with the helpers of lms/djangoapps/branding/api.py and
  edxmako.shortcuts.marketing_link that they call.

Branding, as on a real host without site configuration (the sandbox has no
SiteConfiguration model: site values such as ``logo_image_url``,
``university`` and ``urls`` are never set):

* ``logo_src`` is ALWAYS replaced, by get_logo_url(): the static file
  ``images/logo.png`` (STATIC_URL + images/logo.png); ``logo_url`` is ALWAYS
  replaced, by get_base_url(): ``http(s)://SITE_NAME``. The HTML view
  configuration's ``logo_src`` / ``logo_url`` (default or per mode) never
  reach the page.
* ``company_tos_url``, ``company_privacy_url``, ``company_about_url`` are
  replaced when the marketing link of ``TOS_AND_HONOR``, ``PRIVACY``,
  ``ABOUT`` is not ``#``: with ``FEATURES['ENABLE_MKTG_SITE']`` off, a name
  of ``MKTG_URL_LINK_MAP`` becomes the platform's own page (``/about``,
  ``/privacy``: lms/urls.py serves one page per entry); with it on, a name of
  ``MKTG_URLS`` becomes ROOT joined with its path. The platform's default map
  has ``ABOUT`` and ``PRIVACY`` but no ``TOS_AND_HONOR``, so on a default host
  the page links the platform's /about and /privacy, and the configured
  ``company_tos_url``.

Settings read, with the real names: SITE_NAME, STATIC_URL,
FEATURES['ENABLE_MKTG_SITE'], MKTG_URLS, MKTG_URL_LINK_MAP. When the
sandbox settings do not define MKTG_URL_LINK_MAP, the default of
lms/envs/common.py is used (DEFAULT_MKTG_URL_LINK_MAP below).
"""
from datetime import datetime, timezone
from urllib.parse import urljoin, urlunparse

from django.conf import settings
from django.urls import reverse

from openedx.core.release import release_line

EMPTY_URL = "#"

# lms/envs/common.py, "MARKETING SITE": the same entries in the stored
# versions of 2015 (lms/envs/common.py store id 28800645) and of the
# Juniper era (id 26040810); a 2023 version (id 7597514517) adds
# 'TOS_AND_HONOR': 'edx-terms-service'. The hawthorn, lilac and maple files
# themselves were not found; the sandbox uses the map without TOS_AND_HONOR
# for all three (a Ficus-era fork's PR says the map had to be extended for
# the certificate footer's terms link: raccoongang/edx-platform#783).
DEFAULT_MKTG_URL_LINK_MAP = {
    "ABOUT": "about",
    "CONTACT": "contact",
    "FAQ": "help",
    "COURSES": "courses",
    "ROOT": "root",
    "TOS": "tos",
    "HONOR": "honor",
    "PRIVACY": "privacy",
    "PRESS": "press",
    "BLOG": "blog",
    "DONATE": "donate",
    "SITEMAP.XML": "sitemap_xml",
    "WHAT_IS_VERIFIED_CERT": "verified-certificate",
}


# ---------------------------------------------------------------- URLs

def user_course_url_renders_certificate():
    """True where /certificates/user/<id>/course/<course> renders the
    learner's certificate (hawthorn: views.render_html_view); False where it
    renders "URL Not Supported" (lilac, maple: views.unsupported_url with
    certificates/url_unsupported.html). /certificates/<verify_uuid> renders
    the certificate on all three (views.render_cert_by_uuid, since 2015)."""
    return release_line() == "hawthorn"


# ---------------------------------------------------------------- display rule

def certificates_viewable_for_course(course):
    """openedx/core/djangoapps/certificates/api.py certificates_viewable_for_course
    (hawthorn-era store id 23446313408, lilac-era id 386870785;
    lms/djangoapps/certificates/api.py id 6485816321 after the move): a
    self-paced course, an early display behaviour or show_before_end, a
    certificate available date in the past, or no such date and an ended
    course."""
    if course.self_paced:
        return True
    if (course.certificates_display_behavior in ("early_with_info", "early_no_info")
            or course.certificates_show_before_end):
        return True
    if course.certificate_available_date and course.certificate_available_date <= datetime.now(timezone.utc):
        return True
    if course.certificate_available_date is None and course.has_ended():
        return True
    return False


# ---------------------------------------------------------------- branding

def _mktg_url_link_map():
    value = getattr(settings, "MKTG_URL_LINK_MAP", None)
    return DEFAULT_MKTG_URL_LINK_MAP if value is None else value


def marketing_link(name):
    """common/djangoapps/edxmako/shortcuts.py marketing_link (no site
    configuration): the marketing site's URL when it is enabled, else the
    platform's own page named in MKTG_URL_LINK_MAP, else '#'. An entry whose
    value is None gives None (get_url turns it into '#')."""
    link_map = _mktg_url_link_map()
    enable_mktg_site = settings.FEATURES.get("ENABLE_MKTG_SITE", False)
    marketing_urls = getattr(settings, "MKTG_URLS", {}) or {}
    if enable_mktg_site and name in marketing_urls:
        if name == "ROOT":
            return marketing_urls.get("ROOT")
        return urljoin(marketing_urls.get("ROOT"), marketing_urls.get(name))
    elif not enable_mktg_site and name in link_map:
        if link_map[name] is not None:
            return reverse(link_map[name])
        return None
    return EMPTY_URL


def get_url(name):
    """lms/djangoapps/branding/api.py get_url: the site configuration's
    ``urls`` override (none in the sandbox), else the marketing link."""
    return marketing_link(name) or EMPTY_URL


def get_tos_and_honor_code_url():
    return get_url("TOS_AND_HONOR")


def get_privacy_url():
    return get_url("PRIVACY")


def get_about_url():
    return get_url("ABOUT")


def get_base_url(is_secure):
    """branding api get_base_url: scheme + SITE_NAME (site configuration's
    SITE_NAME first on a real host)."""
    return urlunparse(("https" if is_secure else "http", settings.SITE_NAME, "", "", "", ""))


def get_logo_url(is_secure=True):  # pylint: disable=unused-argument
    """branding api get_logo_url with no site configuration (no
    ``logo_image_url``, no ``university``): staticfiles_storage.url of
    images/logo.png. (is_secure only matters for a site's logo_image_url.)"""
    return settings.STATIC_URL + "images/logo.png"


def get_certificate_header_context(is_secure=True):
    """lms/djangoapps/certificates/api.py get_certificate_header_context:
    always both keys."""
    return {"logo_src": get_logo_url(is_secure), "logo_url": get_base_url(is_secure)}


def get_certificate_footer_context():
    """lms/djangoapps/certificates/api.py get_certificate_footer_context: each
    key only when branding has a URL for it (not '#')."""
    data = {}
    terms_of_service_and_honor_code = get_tos_and_honor_code_url()
    if terms_of_service_and_honor_code != EMPTY_URL:
        data["company_tos_url"] = terms_of_service_and_honor_code
    privacy_policy = get_privacy_url()
    if privacy_policy != EMPTY_URL:
        data["company_privacy_url"] = privacy_policy
    about = get_about_url()
    if about != EMPTY_URL:
        data["company_about_url"] = about
    return data


def marketing_pages():
    """The (path, url name, key) of the platform's own pages that lms/urls.py
    serves for MKTG_URL_LINK_MAP when the marketing site is off (skipping
    ROOT, COURSES and entries set to None), as edx-platform's lms/urls.py
    does: the path is the key in lower case."""
    if settings.FEATURES.get("ENABLE_MKTG_SITE", False):
        return []
    pages = []
    for key, value in _mktg_url_link_map().items():
        if value is None or key in ("ROOT", "COURSES"):
            continue
        pages.append((key.lower(), value, key))
    return pages
