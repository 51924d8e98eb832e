"""
Legacy (up to Hawthorn) production settings: read $CONFIG_ROOT/cms.env.json and
cms.auth.json.  CONFIG_ROOT defaults to the folder above edx-platform.
"""
# pylint: disable=wildcard-import, unused-wildcard-import
import json
import os

import dateutil.parser

from openedx.core.release import RELEASE_SETTINGS, release_line
from openedx.core.settings_helpers import (
    REPO_ROOT,
    apply_migration_credentials,
    get_logger_config,
    merge_features,
    missing_settings_module,
)

if "aws" not in RELEASE_SETTINGS[release_line()]:
    raise missing_settings_module(__name__)

from .common import *  # noqa

# SERVICE_VARIANT specifies name of the variant used, which decides what JSON
# configuration files are read during startup.
SERVICE_VARIANT = os.environ.get("SERVICE_VARIANT", None)

# CONFIG_ROOT specifies the directory where the JSON configuration
# files are expected to be found. If not specified, use the project
# directory.
CONFIG_ROOT = os.environ.get("CONFIG_ROOT", os.path.dirname(REPO_ROOT))

# CONFIG_PREFIX specifies the prefix of the JSON configuration files,
# based on the service variant. If no variant is use, don't use a
# prefix.
CONFIG_PREFIX = SERVICE_VARIANT + "." if SERVICE_VARIANT else ""

with open(os.path.join(CONFIG_ROOT, CONFIG_PREFIX + "env.json")) as env_file:
    ENV_TOKENS = json.load(env_file)

PLATFORM_NAME = ENV_TOKENS.get("PLATFORM_NAME", PLATFORM_NAME)
SITE_NAME = ENV_TOKENS.get("SITE_NAME", SITE_NAME)
LMS_ROOT_URL = ENV_TOKENS.get("LMS_ROOT_URL", LMS_ROOT_URL)
CMS_BASE = ENV_TOKENS.get("CMS_BASE", CMS_BASE)
CELERY_ALWAYS_EAGER = ENV_TOKENS.get("CELERY_ALWAYS_EAGER", CELERY_ALWAYS_EAGER)
CACHES = ENV_TOKENS.get("CACHES", CACHES)
# The real aws.py builds LOGGING with get_logger_config(LOG_DIR,
# logging_env=ENV_TOKENS['LOGGING_ENV'], local_loglevel=..., ...): a LOGGING
# key in the JSON never takes effect (lms/envs/aws.py of edx-platform, the
# stored copy 00226bf3 of 2015-16, read; the Hawthorn one is taken to be the
# same there, as production.py of the releases after it still is: not read).
LOGGING = get_logger_config(ENV_TOKENS.get("LOG_DIR"),
                            logging_env=ENV_TOKENS.get("LOGGING_ENV", "no_env"),
                            local_loglevel=ENV_TOKENS.get("LOCAL_LOGLEVEL", "INFO"),
                            service_variant=SERVICE_VARIANT)

merge_features(FEATURES, ENV_TOKENS.get("FEATURES", {}))

# Cutoff date for granting audit certificates
if ENV_TOKENS.get("AUDIT_CERT_CUTOFF_DATE", None):
    AUDIT_CERT_CUTOFF_DATE = dateutil.parser.parse(ENV_TOKENS.get("AUDIT_CERT_CUTOFF_DATE"))

############################## SECURE AUTH ITEMS ###############
# Secret things: passwords, access keys, etc.

with open(os.path.join(CONFIG_ROOT, CONFIG_PREFIX + "auth.json")) as auth_file:
    AUTH_TOKENS = json.load(auth_file)

SECRET_KEY = AUTH_TOKENS.get("SECRET_KEY", SECRET_KEY)
DATABASES = AUTH_TOKENS.get("DATABASES", DATABASES)

# The normal database user does not have enough permissions to run
# migrations: see apply_migration_credentials.
apply_migration_credentials(DATABASES)
