"""
WSGI config for lms.

This module contains the WSGI application used by Django's development server
and any production WSGI deployments.  DJANGO_SETTINGS_MODULE must be set by the
service (e.g. lms.envs.aws or lms.envs.production), as on the real platform.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("SERVICE_VARIANT", "lms")

from django.core.wsgi import get_wsgi_application  # pylint: disable=wrong-import-position

application = get_wsgi_application()
