"""
Studio's certificates page (cms/djangoapps/contentstore/views/certificates.py,
reduced). The flag CERTIFICATES_HTML_VIEW is checked where the real
platform checks it, in cms/urls.py (no route without it).
"""
from django.http import Http404, JsonResponse
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

from openedx.core.djangoapps.content.course_overviews.models import CourseOverview
from openedx.core.djangoapps.sandbox.models import CourseCertificateSet


def certificates_list_handler(request, course_key_string):
    try:
        course_key = CourseKey.from_string(course_key_string)
    except InvalidKeyError:
        raise Http404
    course = CourseOverview.get_from_id(course_key)
    if course is None:
        raise Http404
    return JsonResponse({
        "course_id": str(course_key),
        "cert_html_view_enabled": course.cert_html_view_enabled,
        "certificates": CourseCertificateSet.for_course(course_key),
    })
