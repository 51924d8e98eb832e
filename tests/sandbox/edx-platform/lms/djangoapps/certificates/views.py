"""
Certificate HTML view (lms/djangoapps/certificates/views/webview.py in
edx-platform, reduced): renders certificates/valid.html with Mako, or
certificates/invalid.html, through a lookup with edxmako's default filters.
"""
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import Http404, HttpResponse
from mako.lookup import TemplateLookup
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

from openedx.core.djangoapps.content.course_overviews.models import CourseOverview
from openedx.core.djangoapps.sandbox.models import CourseCertificateSet

from .api import has_html_certificates_enabled
from .models import CertificateHtmlViewConfiguration, CertificateStatuses, GeneratedCertificate

log = logging.getLogger(__name__)
User = get_user_model()

_LOOKUP = None


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


def _render_invalid_certificate(course_id, platform_name, configuration):
    context = {"platform_name": platform_name, "course_id": str(course_id),
               "document_title": "Invalid Certificate", "page_type": "invalid"}
    context.update(configuration.get("default", {}))
    return render_to_response("certificates/invalid.html", context)


def render_html_view(request, user_id, course_id):
    """This public view generates an HTML representation of the specified user and course."""
    try:
        user_id = int(user_id)
    except ValueError:
        raise Http404
    platform_name = settings.PLATFORM_NAME
    configuration = CertificateHtmlViewConfiguration.get_config()

    try:
        course_key = CourseKey.from_string(course_id)
    except InvalidKeyError:
        return _render_invalid_certificate(course_id, platform_name, configuration)

    course = CourseOverview.get_from_id(course_key)
    if not has_html_certificates_enabled(course):
        log.info("Invalid cert: HTML certificates disabled for %s.", course_id)
        return _render_invalid_certificate(course_id, platform_name, configuration)

    user = User.objects.filter(id=user_id).first()
    cert = GeneratedCertificate.objects.filter(user_id=user_id, course_id=course_key,
                                               status=CertificateStatuses.downloadable).first()
    if user is None or cert is None:
        log.info("Invalid cert: no downloadable certificate for user %s in %s.", user_id, course_id)
        return _render_invalid_certificate(course_id, platform_name, configuration)

    active_configuration = CourseCertificateSet.active_certificate(course_key)
    if active_configuration is None:
        log.info("Invalid cert: no active certificate configuration for %s.", course_id)
        return _render_invalid_certificate(course_id, platform_name, configuration)

    context = {"platform_name": platform_name, "course_id": str(course_key), "user": user}
    # Base configuration, then the certificate mode's overrides
    context.update(configuration.get("default", {}))
    context.update(configuration.get(cert.mode, {}))
    context.update({
        "accomplishment_copy_name": cert.name or user.username,
        "accomplishment_copy_course_name": active_configuration.get("course_title") or course.display_name,
        "course_number": course.display_number_with_default,
        "certificate_data": active_configuration,
        "certificate_id_number": cert.verify_uuid,
        "certificate_date_issued": cert.modified_date.strftime("%B %d, %Y"),
        "document_title": "{platform} {cert} | {course}".format(
            platform=platform_name, cert=context.get("certificate_title", "Certificate"),
            course=course.display_name),
    })
    prefix = context.get("certificate_verify_url_prefix")
    if prefix:
        context["certificate_verify_url"] = "{prefix}{uuid}{suffix}".format(
            prefix=prefix, uuid=cert.verify_uuid, suffix=context.get("certificate_verify_url_suffix", ""))
    return render_to_response("certificates/valid.html", context)
