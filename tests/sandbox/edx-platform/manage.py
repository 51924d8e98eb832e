#!/usr/bin/env python
"""
Usage: manage.py {lms|cms} [--settings env] ...

Run Django management commands.  Because edx-platform contains multiple Django
projects, the first argument specifies which project to run (cms [Studio] or
lms [Learning Management System]).

By default, those systems run in with a settings file appropriate for
development.  However, by passing the --settings flag, you can specify what
environment specific settings file to use.

Any arguments not understood by this manage.py will be passed to django-admin.py
(this is the sandbox copy of edx-platform; see tests/sandbox/README.md).
"""
import os
import sys
import time
from argparse import ArgumentParser

MANAGE_LOG_DEFAULT = "/edx/var/log/sandbox/manage-starts.log"


def record_start():
    """Append '<unix time> <pid> <argv>' to the sandbox start log, if its folder exists."""
    path = os.environ.get("SANDBOX_MANAGE_LOG") or MANAGE_LOG_DEFAULT
    if not os.path.isdir(os.path.dirname(path) or "."):
        return
    try:
        with open(path, "a") as log:
            log.write("%d %d %s\n" % (int(time.time()), os.getpid(), " ".join(sys.argv)))
    except OSError:
        pass


def parse_args():
    """Parse edx specific arguments to manage.py"""
    parser = ArgumentParser()
    subparsers = parser.add_subparsers(title='system', description='edX service to run')

    lms = subparsers.add_parser(
        'lms',
        help='Learning Management System',
        add_help=False,
        usage='%(prog)s [options] ...'
    )
    lms.add_argument('-h', '--help', action='store_true', help='show this help message and exit')
    lms.add_argument(
        '--settings',
        help="Which django settings module to use under lms.envs. If not provided, the DJANGO_SETTINGS_MODULE "
             "environment variable will be used if it is set, otherwise it will default to lms.envs.devstack")
    lms.add_argument(
        '--service-variant',
        choices=['lms', 'lms-xml', 'lms-preview'],
        default='lms',
        help='Which service variant to run, when using the aws environment')
    lms.set_defaults(
        help_string=lms.format_help(),
        settings_base='lms/envs',
        default_settings='lms.envs.devstack',
    )

    cms = subparsers.add_parser(
        'cms',
        help='Studio',
        add_help=False,
        usage='%(prog)s [options] ...'
    )
    cms.add_argument(
        '--settings',
        help="Which django settings module to use under cms.envs. If not provided, the DJANGO_SETTINGS_MODULE "
             "environment variable will be used if it is set, otherwise it will default to cms.envs.devstack")
    cms.add_argument('-h', '--help', action='store_true', help='show this help message and exit')
    cms.set_defaults(
        help_string=cms.format_help(),
        settings_base='cms/envs',
        default_settings='cms.envs.devstack',
        service_variant='cms',
    )

    edx_args, django_args = parser.parse_known_args()

    if edx_args.help:
        print("edX:")
        print(edx_args.help_string)

    return edx_args, django_args


if __name__ == "__main__":
    record_start()
    edx_args, django_args = parse_args()

    if edx_args.settings:
        os.environ["DJANGO_SETTINGS_MODULE"] = edx_args.settings_base.replace('/', '.') + "." + edx_args.settings
    else:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", edx_args.default_settings)

    os.environ.setdefault("SERVICE_VARIANT", edx_args.service_variant)

    if edx_args.help:
        print("Django:")
        # This will trigger django-admin.py to print out its help
        django_args.append('--help')

    from django.core.management import execute_from_command_line

    execute_from_command_line([sys.argv[0]] + django_args)
