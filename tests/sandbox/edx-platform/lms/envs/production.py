"""
Modern (Ironwood onward) production settings: one YAML file named by LMS_CFG.
"""
# pylint: disable=wildcard-import, unused-wildcard-import
import codecs
import os

import dateutil.parser
import yaml

from openedx.core.release import RELEASE_SETTINGS, honours_audit_cutoff, release_line
from openedx.core.settings_helpers import get_env_setting, merge_features, missing_settings_module

if "production" not in RELEASE_SETTINGS[release_line()]:
    raise missing_settings_module(__name__)

from .common import *  # noqa

# A file path to a YAML file from which to load all the configuration for the edx platform
CONFIG_FILE = get_env_setting("LMS_CFG")

with codecs.open(CONFIG_FILE, encoding="utf-8") as f:
    __config__ = yaml.safe_load(f) or {}

    # ENV_TOKENS and AUTH_TOKENS are included for reverse compatibility.
    ENV_TOKENS = __config__
    AUTH_TOKENS = __config__

SERVICE_VARIANT = os.environ.get("SERVICE_VARIANT", "lms")

# Settings that are plain copies of the YAML keys
for _key in ("PLATFORM_NAME", "SITE_NAME", "LMS_ROOT_URL", "CMS_BASE", "SECRET_KEY",
             "DATABASES", "CACHES", "CELERY_ALWAYS_EAGER", "LOGGING"):
    if _key in __config__:
        globals()[_key] = __config__[_key]

merge_features(FEATURES, __config__.get("FEATURES", {}))

# Cutoff date for granting audit certificates (removed in Maple)
if honours_audit_cutoff() and __config__.get("AUDIT_CERT_CUTOFF_DATE", None):
    AUDIT_CERT_CUTOFF_DATE = dateutil.parser.parse(__config__.get("AUDIT_CERT_CUTOFF_DATE"))
