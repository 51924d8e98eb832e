"""Shared source for the sandbox tests that open certificate pages.

PAGE_SCRIPT runs inside `manage.py lms shell -c` (Host.script) and defines:

- learner_url(user_id, course): the URL the emulated release serves for that
  learner's certificate, as the toolkit's openedx_facts says it
  (certificate_url): /certificates/<verify_uuid> on hawthorn, lilac,
  maple and redwood; None when the learner has no downloadable certificate (there is no
  such URL then);
- user_course_url(user_id, course): /certificates/user/<id>/course/<course>
  (renders the certificate on hawthorn only; "URL Not Supported" later);
- get(url) -> [status, body]; page(user_id, course) = get(learner_url(...)).
"""

RELEASES = ("hawthorn", "lilac", "maple", "redwood")

PAGE_SCRIPT = """
import json
from django.conf import settings
from django.test import Client, override_settings
from django.contrib.auth import get_user_model
from lms.djangoapps.certificates.models import CertificateHtmlViewConfiguration, GeneratedCertificate
from openedx.core.djangoapps.content.course_overviews.models import CourseOverview
c = Client(raise_request_exception=False)
U = get_user_model()
def uid(username):
    return U.objects.get(username=username).id
def learner_url(user_id, course):
    cert = GeneratedCertificate.objects.filter(user_id=user_id, course_id=course, status='downloadable').first()
    return '/certificates/%s' % cert.verify_uuid if cert else None
def user_course_url(user_id, course):
    return '/certificates/user/%s/course/%s' % (user_id, course)
def get(url):
    r = c.get(url)
    return [r.status_code, r.content.decode('utf-8', 'replace')]
def page(user_id, course):
    return get(learner_url(user_id, course))
def save_config(config, enabled=True):
    CertificateHtmlViewConfiguration(enabled=enabled, configuration=json.dumps(config)).save()
result = {}
"""

VALID = 'id="certificate-id"'          # only the valid page prints the certificate id
INVALID = "Cannot Find Certificate"     # the invalid page's title
UNSUPPORTED = "URL Not Supported"       # lilac/maple user/course page
