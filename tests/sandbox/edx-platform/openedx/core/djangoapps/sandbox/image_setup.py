"""
What provision.sh runs inside ONE platform process (`manage.py lms shell`):
migrate every app except `certificates`, migrate `certificates` to 0001 and
0003_allowlist_invalidation_history only (so 0002,
0003_certificategenerationcoursesetting, 0004_merge and
0005_certificategenerationconfiguration stay pending, as on an upgraded real
host; django-waffle's tables are migrated with the other apps, with no switch
row, so certificates.auto_certificate_generation is off; the applied one holds the allowlist and invalidation
tables that the demo data fills), create
the cache table, load the demo data, and on the lines of
load_large_course.LARGE_COURSE_RELEASES the 30,000-learner course (unless
large_course=False: the sandbox's own rule tests build their base database
without it, as copying 30,000 learners into every test's database would
cost more than the tests themselves; test_large_course builds it).

    python manage.py lms --settings=S shell -c \
        "from openedx.core.djangoapps.sandbox.image_setup import setup; setup()"
"""
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from openedx.core.djangoapps.sandbox.management.commands.load_large_course import LARGE_COURSE_RELEASES
from openedx.core.release import release_line


def migrate_all_but_certificates(verbosity=0):
    loader = MigrationLoader(connection)
    labels = sorted({app for app, __ in loader.disk_migrations} - {"certificates"})
    for label in labels:
        call_command("migrate", label, interactive=False, verbosity=verbosity)
    call_command("migrate", "certificates", "0001", interactive=False, verbosity=verbosity)
    call_command("migrate", "certificates", "0003_allowlist_invalidation_history", interactive=False,
                 verbosity=verbosity)


def setup(load_data=True, verbosity=0, large_course=True):
    migrate_all_but_certificates(verbosity)
    call_command("createcachetable", verbosity=verbosity)
    if load_data:
        call_command("load_demo_data")
        if large_course and release_line() in LARGE_COURSE_RELEASES:
            call_command("load_large_course")
