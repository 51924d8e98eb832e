"""
The modulestore entry point, after edx-platform's xmodule/modulestore/django.py
(common/lib/xmodule/xmodule/modulestore/django.py up to Palm): ``modulestore()``
returns the store, whose ``get_course(course_key)`` answers the course, or
None for a course it does not have (the mixed store's default).

The sandbox has no Mongo and no course content. Its store knows the courses
that have a course overview, and holds of each only what the certificate
code reads from the course: ``id``, ``display_name`` and ``certificates``,
the dict Studio's certificates page writes (``{"certificates": [...]}``,
each configuration with ``is_active`` and its signatories;
cms/djangoapps/contentstore/views/certificates.py, CertificateManager),
kept in the sandbox table CourseCertificateSet. The LMS reads the active one
with certificates/api.py's ``get_active_web_certificate(course)``, as the
real certificate page does (lms/djangoapps/certificates/views/webview.py).
"""
from openedx.core.djangoapps.content.course_overviews.models import CourseOverview
from openedx.core.djangoapps.sandbox.models import CourseCertificateSet


class _Course:
    """The fields of a course block that the certificate code reads."""

    def __init__(self, overview):
        self.id = overview.id
        self.display_name = overview.display_name
        self.certificates = {"certificates": CourseCertificateSet.for_course(overview.id)}


class _Store:
    def get_course(self, course_key, depth=0, **kwargs):  # pylint: disable=unused-argument
        overview = CourseOverview.objects.filter(id=course_key).first()
        return _Course(overview) if overview is not None else None


_STORE = _Store()


def modulestore():
    return _STORE
