"""
The sandbox's task worker (stands in for the Celery workers of edx-platform).

Run from the edx-platform folder, NOT through manage.py:

    DJANGO_SETTINGS_MODULE=lms.envs.production LMS_CFG=/edx/etc/lms.yml \
        python -m sandbox_worker [--once] [--interval SECONDS]

It polls the sandbox_sandboxtask table and runs the queued tasks whose eta
has passed (cert_generation on Maple publishes them with Celery's countdown of
2 seconds).  --once drains the queue (waiting for the tasks not due yet) and
exits.
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
    from django.utils import timezone
    from openedx.core.djangoapps.sandbox.tasks import next_eta, run_pending

    log = logging.getLogger("sandbox_worker")
    log.info("sandbox worker started (pid %s)", os.getpid())
    total = 0
    while True:
        try:
            ran = run_pending()
            upcoming = next_eta() if args.once else None
        except OperationalError as exc:  # e.g. table missing before migrations, DB locked
            log.warning("worker: %s", exc)
            connection.close()
            ran, upcoming = 0, None
        total += ran
        if args.once:
            if upcoming is None:
                print("%d task(s) run" % total)
                return 0
            time.sleep(max(0.05, min(args.interval, (upcoming - timezone.now()).total_seconds())))
            continue
        time.sleep(args.interval)


if __name__ == "__main__":
    sys.exit(main())
