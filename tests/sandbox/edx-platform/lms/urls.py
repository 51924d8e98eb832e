"""URLs of the sandbox LMS.

The certificate URLs follow lms/djangoapps/certificates/urls.py of the
release (mounted under ``^certificates/`` by edx-platform's lms/urls.py);
see lms/djangoapps/certificates/page_rules.py and the toolkit's
docs/research/certificate-page-rules.md:

* hawthorn: ``user/<user_id>/course/<course_id>`` renders that learner's
  certificate (views.render_html_view); ``<verify_uuid>`` (32 hex) renders
  the certificate with that uuid (views.render_cert_by_uuid);
* lilac, maple: ``user/<user_id>/course/<course_id>`` answers "URL Not
  Supported" (views.unsupported_url, HTTP 200); ``<verify_uuid>`` as above.
  The Studio preview ``course/<course_id>?preview=MODE`` (login required)
  is not emulated (no login in the sandbox).

Plus, as edx-platform's lms/urls.py does with the marketing site off, one
page per MKTG_URL_LINK_MAP entry (``/about``, ``/privacy``, ...): the
footer's branded links point there.
"""
from django.urls import path, re_path

from lms.djangoapps.certificates import page_rules
from lms.djangoapps.certificates import views as certificates_views
from openedx.core.djangoapps.sandbox import views as sandbox_views

# settings.COURSE_ID_PATTERN of edx-platform (lms/envs/common.py: COURSE_KEY_PATTERN
# with the group named course_id): a new-style key or an old-style ORG/COURSE/RUN id.
COURSE_ID_PATTERN = r"(?P<course_id>[^/+]+(/|\+)[^/+]+(/|\+)[^/?]+)"

if page_rules.user_course_url_renders_certificate():
    _user_course_view = certificates_views.render_html_view
    _user_course_name = "html_view"
else:
    _user_course_view = certificates_views.unsupported_url
    _user_course_name = "unsupported_url"

urlpatterns = [
    path("heartbeat", sandbox_views.heartbeat, name="heartbeat"),
    re_path(r"^certificates/user/(?P<user_id>[^/]*)/course/" + COURSE_ID_PATTERN,
            _user_course_view, name=_user_course_name),
    re_path(r"^certificates/(?P<certificate_uuid>[0-9a-f]{32})$",
            certificates_views.render_cert_by_uuid, name="render_cert_by_uuid"),
    re_path(r"^static/(?P<path>.+)$", sandbox_views.static_file, name="static"),
]

for _path, _name, _key in page_rules.marketing_pages():
    urlpatterns.append(re_path(r"^%s$" % _path.replace(".", r"\."), certificates_views.static_template_view,
                               {"key": _key}, name=_name))
