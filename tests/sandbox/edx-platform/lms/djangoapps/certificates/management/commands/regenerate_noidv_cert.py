"""
Regenerate the certificates left ``unverified`` (Verawood only).

After edx-platform's lms/djangoapps/certificates/management/commands/
regenerate_noidv_cert.py as openedx/openedx-platform@e57a655d has it (a 2026
copy; docs/research/release-ulmo-verawood.md 2.5, "likely" for Verawood). An
older copy, openedx/edx-platform@1d19c807, also skipped every course whose
integrity signature (course waffle flag ``agreements.enable_integrity_signature``)
was off, with the warning "Skipping KEY which does not have honor code
enabled"; the 2026 copy has no such check and its agreements/toggles.py no
longer has that flag. When the check went is NOT known (so Redwood, which
may still have it, does not get this command; release.py). Written here
from the real file, not copied:

- ``-c/--course-keys KEY...`` and ``--excluded-keys KEY...`` (nargs +,
  default empty); both given -> CommandError "You may not specify both course
  keys and excluded course keys."; each key parsed with
  ``CourseKey.from_string``, a bad one -> CommandError "KEY is not a valid
  course-key" (excluded keys too, before anything is done);
- ``--batch_size`` (int, 200) and ``--sleep_seconds`` (int, 20);
- with course keys: for each course in the order given, its
  GeneratedCertificate rows of status ``unverified`` (any mode, any
  enrollment state: the filter is course and status only); without: every
  ``unverified`` row of every course but the excluded ones;
- for each row: ``generate_certificate_task(user, course, generation_mode=
  'batch', delay_seconds=0)`` (the full generation rules of api.py decide
  the outcome: a learner still not ID verified stays ``unverified``), and the
  count goes up by one whatever that call decided; after each multiple of
  batch_size (a count that rolls on across the given courses) it logs and
  sleeps sleep_seconds; a missing user row is an uncaught DoesNotExist
  (``User.objects.get``), as there;
- ``handle`` returns the count as a string, so Django prints it on stdout
  (``0`` too).
"""
import logging
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

from lms.djangoapps.certificates.api import generate_certificate_task
from lms.djangoapps.certificates.models import CertificateStatuses, GeneratedCertificate

log = logging.getLogger(__name__)
User = get_user_model()


class Command(BaseCommand):
    """Regenerate unverified certificates when a course moves to honor code."""

    help = "Regenerate the unverified certificates of some or all courses."

    def add_arguments(self, parser):
        parser.add_argument("-c", "--course-keys", nargs="+", dest="course_keys", default="",
                            help="Course run key(s); none given: every course's unverified certificates.")
        parser.add_argument("--excluded-keys", nargs="+", dest="excluded_keys", default="",
                            help="Course run key(s) to leave alone.")
        parser.add_argument("--batch_size", action="store", dest="batch_size", type=int, default=200,
                            help="Number of certs per batch")
        parser.add_argument("--sleep_seconds", action="store", dest="sleep_seconds", type=int, default=20,
                            help="Seconds to sleep between batches")

    def handle(self, *args, **options):
        wanted, excluded = options["course_keys"], options["excluded_keys"]
        if wanted and excluded:
            raise CommandError("You may not specify both course keys and excluded course keys.")
        if not wanted:
            log.info("No course keys provided: regenerating the unverified certificates of every course "
                     "not excluded")
        course_keys = _course_keys(wanted)
        excluded_keys = _course_keys(excluded)
        batch = _Batches(options["batch_size"], options["sleep_seconds"])
        unverified = GeneratedCertificate.objects.filter(status=CertificateStatuses.unverified)
        if course_keys:
            for course_key in course_keys:
                certs = unverified.filter(course_id=course_key)
                log.info("Regenerating %d unverified certificates for %s", len(certs), course_key)
                batch.regenerate(certs)
        else:
            certs = unverified.exclude(course_id__in=excluded_keys)
            log.info("Regenerating %d unverified certificates in all courses except for excluded keys", len(certs))
            batch.regenerate(certs)
        return str(batch.count)


def _course_keys(strings):
    keys = []
    for course_id in strings:
        try:
            keys.append(CourseKey.from_string(course_id))
        except InvalidKeyError as error:
            raise CommandError("%s is not a valid course-key" % course_id) from error
    return keys


class _Batches:
    """The running count, with a pause after each full batch."""

    def __init__(self, batch_size, sleep_seconds):
        self.batch_size = batch_size
        self.sleep_seconds = sleep_seconds
        self.count = 0

    def regenerate(self, certs):
        for cert in certs:
            user = User.objects.get(id=cert.user_id)
            generate_certificate_task(user, cert.course_id, generation_mode="batch", delay_seconds=0)
            self.count += 1
            if self.count % self.batch_size == 0:
                log.info("Regenerated %d unverified certificates. Sleeping for %d seconds.",
                         self.count, self.sleep_seconds)
                time.sleep(self.sleep_seconds)
