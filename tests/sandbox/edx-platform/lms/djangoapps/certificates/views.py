"""
Certificate HTML view, after lms/djangoapps/certificates/views/webview.py of
edx-platform (hawthorn, lilac, maple), reduced: renders certificates/valid.html
with Mako, or certificates/invalid.html, through a lookup with edxmako's
default filters. The rules, with the files and commits they come from, are in
the toolkit's docs/research/certificate-page-rules.md; page_rules.py holds the
display rule and the branding.

The checks of render_html_view, in the real order; each failure renders the
"invalid certificate" page (HTTP 200) with the header and footer contexts:

1. FEATURES['CERTIFICATES_HTML_VIEW'];
2. the course id parses and the course exists (hawthorn: and the user id
   names a user);
3. the course's own ``cert_html_view_enabled``;
4. certificates_viewable_for_course(course) and the learner's eligible
   ``downloadable`` certificate;
5. an active course certificate configuration (Studio's, with signatories).

/certificates/<verify_uuid> answers 404 before any of these when no eligible
downloadable certificate has that uuid (render_cert_by_uuid), even with the
flag off. On lilac and maple /certificates/user/<id>/course/<course> renders
"URL Not Supported" (unsupported_url) whatever the flag, course or learner.

The context, in the real order (later wins): the configuration's ``default``
(after PLATFORM_NAME and the course id), the course's certificate
configuration, the certificate mode's section, organization, course, user and
certificate values, then the header context (``logo_src``, ``logo_url``:
always branding) and the footer context (``company_tos_url``,
``company_privacy_url``, ``company_about_url``: branding when it has a URL).
Not emulated: catalog, social sharing and badge values, and the course's
``cert_html_view_overrides`` (Advanced Settings), which come last and beat
everything, branding included.
"""
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import Http404, HttpResponse
from mako.lookup import TemplateLookup
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

from common.djangoapps.student.models import UserProfile
from openedx.core.djangoapps.content.course_overviews.models import CourseOverview
from xmodule.modulestore.django import modulestore

from .api import get_active_web_certificate
from .models import CertificateHtmlViewConfiguration, CertificateStatuses, GeneratedCertificate
from .page_rules import (
    certificates_viewable_for_course,
    get_certificate_footer_context,
    get_certificate_header_context,
)

log = logging.getLogger(__name__)
User = get_user_model()

_LOOKUP = None

INVALID_CERTIFICATE_TEMPLATE_PATH = "certificates/invalid.html"
URL_UNSUPPORTED_TEMPLATE_PATH = "certificates/url_unsupported.html"

# GeneratedCertificate.eligible_certificates (EligibleCertificateManager in
# lms/djangoapps/certificates/models.py) leaves these out.
NOT_ELIGIBLE_STATUSES = (CertificateStatuses.audit_passing, CertificateStatuses.audit_notpassing)


# The filters every `${...}` gets before the template's own, as edxmako's
# add_lookup() (common/djangoapps/edxmako/paths.py) sets them on hawthorn,
# lilac and maple alike: decode.utf8 only turns the value into text, it does
# NOT escape HTML. Escaping comes from each template's own
# `<%page expression_filter="h"/>`; a template without it (a theme override,
# for instance) prints values raw, as on a real host.
# See docs/research/certificate-template-escaping.md.
EDXMAKO_DEFAULT_FILTERS = ["decode.utf8"]


def mako_lookup():
    global _LOOKUP  # pylint: disable=global-statement
    if _LOOKUP is None:
        _LOOKUP = TemplateLookup(directories=settings.MAKO_TEMPLATE_DIRS, module_directory=settings.MAKO_MODULE_DIR,
                                 input_encoding="utf-8", output_encoding="utf-8", encoding_errors="replace",
                                 default_filters=list(EDXMAKO_DEFAULT_FILTERS))
    return _LOOKUP


def render_to_response(template_name, context, status=200):
    return HttpResponse(mako_lookup().get_template(template_name).render_unicode(**context), status=status)


def eligible_certificates():
    return GeneratedCertificate.objects.exclude(status__in=NOT_ELIGIBLE_STATUSES)


def _update_context_with_basic_info(context, course_id, platform_name, configuration):
    """webview._update_context_with_basic_info: PLATFORM_NAME and the course id,
    then the configuration's ``default`` over them, then fixed texts."""
    context["platform_name"] = platform_name
    context["course_id"] = course_id
    context.update(configuration.get("default", {}))
    context["document_title"] = "Invalid Certificate"


def _render_invalid_certificate(request, course_id, platform_name, configuration,
                                cert_path=INVALID_CERTIFICATE_TEMPLATE_PATH):
    """webview._render_invalid_certificate: basic info, then the header and
    footer contexts (branding), then the template."""
    context = {}
    _update_context_with_basic_info(context, course_id, platform_name, configuration)
    context.update(get_certificate_header_context(is_secure=request.is_secure()))
    context.update(get_certificate_footer_context())
    return render_to_response(cert_path, context)


def unsupported_url(request, user_id, course_id, **kwargs):  # pylint: disable=unused-argument
    """lilac/maple webview.unsupported_url: the user/course URL is no longer
    supported; certificates/url_unsupported.html, HTTP 200, no check at all."""
    configuration = CertificateHtmlViewConfiguration.get_config()
    return _render_invalid_certificate(request, course_id, settings.PLATFORM_NAME, configuration,
                                       cert_path=URL_UNSUPPORTED_TEMPLATE_PATH)


def render_cert_by_uuid(request, certificate_uuid):
    """webview.render_cert_by_uuid (hawthorn, lilac, maple): 404 unless an
    eligible downloadable certificate has this verify_uuid; then the page of
    its learner and course."""
    certificate = eligible_certificates().filter(
        verify_uuid=certificate_uuid, status=CertificateStatuses.downloadable).first()
    if certificate is None:
        raise Http404
    return _render_html_view(request, str(certificate.course_id), user_id=certificate.user_id)


def render_html_view(request, user_id, course_id, **kwargs):  # pylint: disable=unused-argument
    """hawthorn webview.render_html_view(request, user_id, course_id): a user
    id that is not a number is a 404; the rest as _render_html_view."""
    try:
        user_id = int(user_id)
    except ValueError:
        raise Http404
    return _render_html_view(request, course_id, user_id=user_id)


def _render_html_view(request, course_id, user_id):
    platform_name = settings.PLATFORM_NAME
    configuration = CertificateHtmlViewConfiguration.get_config()

    # 1. the feature flag
    if not settings.FEATURES.get("CERTIFICATES_HTML_VIEW", False):
        return _render_invalid_certificate(request, course_id, platform_name, configuration)

    # 2. the course (and, on hawthorn's user/course URL, the user)
    try:
        course_key = CourseKey.from_string(course_id)
    except InvalidKeyError:
        log.info("Invalid cert: error finding course %s", course_id)
        return _render_invalid_certificate(request, course_id, platform_name, configuration)
    course = CourseOverview.get_from_id(course_key)
    user = User.objects.filter(id=user_id).first()
    if course is None or user is None:
        log.info("Invalid cert: error finding course %s or user with id %d", course_id, user_id)
        return _render_invalid_certificate(request, course_id, platform_name, configuration)

    # 3. the course's own HTML certificate setting
    if not course.cert_html_view_enabled:
        log.info("Invalid cert: HTML certificates disabled for %s. User id: %d", course_id, user_id)
        return _render_invalid_certificate(request, course_id, platform_name, configuration)

    # 4. viewable now, and the learner's eligible downloadable certificate
    user_certificate = None
    if certificates_viewable_for_course(course):
        user_certificate = eligible_certificates().filter(
            user_id=user.id, course_id=course_key, status=CertificateStatuses.downloadable).first()
    if user_certificate is None:
        log.info("Invalid cert: User %d does not have eligible cert for %s.", user_id, course_id)
        return _render_invalid_certificate(request, course_id, platform_name, configuration)

    # 5. an active course certificate configuration
    active_configuration = get_active_web_certificate(modulestore().get_course(course_key))
    if active_configuration is None:
        log.info("Invalid cert: course %s does not have an active configuration. User id: %d", course_id, user_id)
        return _render_invalid_certificate(request, course_id, platform_name, configuration)

    context = {}
    _update_context_with_basic_info(context, str(course_key), platform_name, configuration)
    context["certificate_data"] = active_configuration
    # the certificate mode's section over default
    context.update(configuration.get(user_certificate.mode, {}))
    # organization and course
    context["organization_short_name"] = course.display_org_with_default or course.org
    context["accomplishment_copy_course_org"] = context["organization_short_name"]
    context["accomplishment_copy_course_name"] = active_configuration.get("course_title") or course.display_name
    context["course_number"] = course.display_number_with_default
    # user
    profile = UserProfile.objects.filter(user_id=user.id).first()
    context["username"] = user.username
    context["course_mode"] = user_certificate.mode
    context["accomplishment_user_id"] = user.id
    context["accomplishment_copy_name"] = (profile.name if profile else "") or user.username
    context["accomplishment_copy_username"] = user.username
    # certificate
    context["certificate_id_number"] = user_certificate.verify_uuid
    context["certificate_date_issued"] = user_certificate.modified_date.strftime("%B %d, %Y")
    context["document_title"] = "{platform} {cert} | {course}".format(
        platform=platform_name, cert=context.get("certificate_title", "Certificate"), course=course.display_name)
    prefix = context.get("certificate_verify_url_prefix")
    if prefix:
        context["certificate_verify_url"] = "{prefix}{uuid}{suffix}".format(
            prefix=prefix, uuid=user_certificate.verify_uuid, suffix=context.get("certificate_verify_url_suffix", ""))
    # branding last: the header always, the footer where the site has URLs
    context.update(get_certificate_header_context(is_secure=request.is_secure()))
    context.update(get_certificate_footer_context())
    return render_to_response("certificates/valid.html", context)


def static_template_view(request, key):  # pylint: disable=unused-argument
    """The platform's own page of a MKTG_URL_LINK_MAP entry (edx-platform's
    static_template_view renders lms/templates/static_templates/<key>.html);
    the sandbox answers a minimal page."""
    return HttpResponse("<!DOCTYPE html><html><head><title>%s</title></head><body><h1>%s</h1></body></html>"
                        % (key.title(), key.title()))
