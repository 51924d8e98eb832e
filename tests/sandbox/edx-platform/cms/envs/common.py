"""
Common settings of the sandbox Studio (CMS). As in edx-platform, Studio's
settings start from the LMS's (cms/envs/common.py imports lms.envs.common)
and change what differs; a broken LMS settings module breaks Studio too.
"""
# pylint: disable=wildcard-import, unused-wildcard-import
import os

from lms.envs.common import *  # noqa

SERVICE_VARIANT = os.environ.get("SERVICE_VARIANT", "cms")
ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"
