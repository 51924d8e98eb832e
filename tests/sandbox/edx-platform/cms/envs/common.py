"""
Common settings of the sandbox Studio (CMS). As in edx-platform, Studio's
settings start from the LMS's (cms/envs/common.py imports lms.envs.common)
and change what differs; a broken LMS settings module breaks Studio too.
"""
# pylint: disable=wildcard-import, unused-wildcard-import
import os

from lms.envs.common import *  # noqa
from openedx.core.release import has_flat_features as _flat_features

if _flat_features():
    # The star import brought the LMS's proxy, bound to lms.envs.common's
    # globals; Studio binds its own (openedx-platform cms/envs/common.py,
    # store id 7205722340: FEATURES = FeaturesProxy(globals()) at the top).
    from openedx.core.lib.features_setting_proxy import FeaturesProxy

    FEATURES = FeaturesProxy(globals())
del _flat_features

SERVICE_VARIANT = os.environ.get("SERVICE_VARIANT", "cms")
ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

# Studio has its own INSTALLED_APPS on the real platform (cms/envs/common.py),
# and the certificates app is not in it: not in Hawthorn's, nor in the
# Lilac-era, Maple-era and later copies read, nor on 2023 master
# (apps.is_installed('lms.djangoapps.certificates') is False in cms).
# Studio's certificate pages read the course's certificate configurations
# from the modulestore (here: the sandbox app), and the certificates models
# still import in Studio because each names its app_label; Studio's
# `migrate` does not touch their tables.
INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "lms.djangoapps.certificates.apps.CertificatesConfig"]
