"""
The sandbox's task worker (stands in for the Celery workers of edx-platform).

Run from the edx-platform folder, NOT through manage.py:

    DJANGO_SETTINGS_MODULE=lms.envs.production LMS_CFG=/edx/etc/lms.yml \
        python -m sandbox_worker [--once] [--interval SECONDS]

It polls the sandbox_sandboxtask table and runs the queued tasks
(cert_generation on Maple queues them).  --once drains the queue and exits.
"""
import argparse
import logging
import os
import sys
import time


def main(argv=None):
    parser = argparse.ArgumentParser(prog="sandbox_worker")
    parser.add_argument("--once", action="store_true", help="run the pending tasks, then exit")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
    args = parser.parse_args(argv)

    os.environ.setdefault("SERVICE_VARIANT", "lms")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.envs.production")
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import django
    django.setup()
    from django.db import connection, OperationalError
    from openedx.core.djangoapps.sandbox.tasks import run_pending

    log = logging.getLogger("sandbox_worker")
    log.info("sandbox worker started (pid %s)", os.getpid())
    while True:
        try:
            ran = run_pending()
        except OperationalError as exc:  # e.g. table missing before migrations, DB locked
            log.warning("worker: %s", exc)
            connection.close()
            ran = 0
        if args.once:
            print("%d task(s) run" % ran)
            return 0
        time.sleep(args.interval)


if __name__ == "__main__":
    sys.exit(main())
