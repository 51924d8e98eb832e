"""
Generate a report of certificate statuses (Hawthorn; removed in Lilac).
"""
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from opaque_keys.edx.keys import CourseKey

from lms.djangoapps.certificates.models import GeneratedCertificate

User = get_user_model()


class Command(BaseCommand):
    """
    Management command to generate a certificate status
    report for a given course.
    """

    help = """

    Generate a certificate status report for a given course.
    This command does not do anything other than report the current
    certificate status.

    generating   - A request has been made to generate a certificate,
                   but it has not been generated yet.
    regenerating - A request has been made to regenerate a certificate,
                   but it has not been generated yet.
    deleting     - A request has been made to delete a certificate.

    deleted      - The certificate has been deleted.
    downloadable - The certificate is available for download.
    notpassing   - The student was graded but is not passing

    """

    def add_arguments(self, parser):
        parser.add_argument('-c', '--course', metavar='COURSE_ID', dest='course', default=None,
                            help='Only generate for COURSE_ID')

    def handle(self, *args, **options):
        if options['course']:
            course_id = CourseKey.from_string(options['course'])
        else:
            raise CommandError("You must specify a course")

        # Counts: enrolled users (active / all) and certificate rows per mode,
        # per status, and per mode among downloadable certificates.
        certs = GeneratedCertificate.objects.filter(course_id__exact=course_id)
        data = {
            'enrolled_current': User.objects.filter(courseenrollment__course_id=course_id,
                                                    courseenrollment__is_active=True).count(),
            'enrolled_total': User.objects.filter(courseenrollment__course_id=course_id).count(),
            'verified_enrolled': certs.filter(mode__exact='verified').count(),
            'honor_enrolled': certs.filter(mode__exact='honor').count(),
            'audit_enrolled': certs.filter(mode__exact='audit').count(),
        }
        for row in certs.values('status').annotate(dcount=Count('status')):
            data[row['status']] = row['dcount']
        for row in certs.filter(status__exact='downloadable').values('mode').annotate(dcount=Count('mode')):
            data[row['mode']] = row['dcount']

        headings = sorted(data)
        out = ["Looking up certificate states for {0}\n".format(options['course'])]
        out.append("{:>26}".format("course ID") + " " + " ".join("{:>16}".format(h) for h in headings) + "\n")
        out.append("{0:>26} ".format(str(course_id)) + "".join("{:>16} ".format(data[h]) for h in headings) + "\n")
        self.stdout.write("".join(out), ending="")
