"""
Common settings of the sandbox LMS (names and defaults as in edx-platform's
lms/envs/common.py, reduced to what the sandbox needs).
"""
import os

from openedx.core.settings_helpers import REPO_ROOT

PLATFORM_NAME = "Your Platform Name Here"
SITE_NAME = "localhost"
LMS_ROOT_URL = "http://localhost:8000"
CMS_BASE = "localhost:8010"
SERVICE_VARIANT = os.environ.get("SERVICE_VARIANT", "lms")
ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

DEBUG = False
ALLOWED_HOSTS = ["*"]
SECRET_KEY = "dev key"  # overridden by the auth file / YAML on a host
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

from openedx.core.release import has_flat_features as _flat_features  # noqa: E402
from openedx.core.release import idv_requirement_is_a_feature as _idv_feature  # noqa: E402

if _flat_features():
    # Ulmo on (openedx-platform lms/envs/common.py, store id 7597514517):
    # the shared flat settings, then FEATURES as a proxy over THIS module's
    # globals (see openedx/envs/common.py and features_setting_proxy.py).
    from openedx.envs.common import *  # noqa: E402,F401,F403
    from openedx.core.lib.features_setting_proxy import FeaturesProxy  # noqa: E402

    FEATURES = FeaturesProxy(globals())
else:
    # Before Ulmo FEATURES is a plain dict of lms/envs/common.py; the
    # defaults are those of openedx/envs/common.py (one place for them).
    from openedx.envs import common as _shared  # noqa: E402

    FEATURES = {name: getattr(_shared, name) for name in _shared.FEATURE_FLAGS_BEFORE_ULMO}
    # FEATURES['ENABLE_CERTIFICATES_IDV_REQUIREMENT'] of lms/envs/common.py:
    # default False, a toggle created 2022-04-26 (MST-1458; research
    # release-redwood.md 1.10), so only on the lines that have it.
    if _idv_feature():
        FEATURES["ENABLE_CERTIFICATES_IDV_REQUIREMENT"] = _shared.ENABLE_CERTIFICATES_IDV_REQUIREMENT
    del _shared
del _flat_features, _idv_feature

# The single mode of a course without course_modes_coursemode rows
# (CourseMode.DEFAULT_MODE), as lms/envs/common.py has it (store id
# 12964855367, 2020s; android_sku / ios_sku joined the older list of
# store id 26040810).
COURSE_MODE_DEFAULTS = {
    "android_sku": None,
    "bulk_sku": None,
    "currency": "usd",
    "description": None,
    "expiration_datetime": None,
    "ios_sku": None,
    "min_price": 0,
    "name": "Audit",
    "sku": None,
    "slug": "audit",
    "suggested_prices": "",
}

# The minimum price of each mode that CourseMode.clean() enforces (lms/envs/
# common.py of 2024+, store ids 12625975871 and 9942317822; the entries after
# masters were cut off in the excerpt read and are left out here).
COURSE_ENROLLMENT_MODES = {
    "audit": {"id": 1, "slug": "audit", "display_name": "Audit", "min_price": 0},
    "verified": {"id": 2, "slug": "verified", "display_name": "Verified", "min_price": 1},
    "professional": {"id": 3, "slug": "professional", "display_name": "Professional", "min_price": 1},
    "no-id-professional": {"id": 4, "slug": "no-id-professional", "display_name": "No-Id-Professional",
                           "min_price": 0},
    "credit": {"id": 5, "slug": "credit", "display_name": "Credit", "min_price": 0},
    "honor": {"id": 6, "slug": "honor", "display_name": "Honor", "min_price": 0},
    "masters": {"id": 7, "slug": "masters", "display_name": "Master's", "min_price": 0},
}

# Cutoff date for granting audit certificates (set from the config file)
AUDIT_CERT_CUTOFF_DATE = None

# Run queued tasks (cert_generation) inline instead of through the worker.
CELERY_ALWAYS_EAGER = False

# As lms/envs/common.py of the real platform (Juniper on): MySQL, the
# platform's own user, which a host's config file replaces. The hosts run
# MariaDB (see tests/sandbox/image/provision.sh); only the sandbox's own rule
# tests use SQLite files (test.py and tests/sandbox/tests/conftest.py).
DATABASES = {
    "default": {
        "ATOMIC_REQUESTS": True,
        "CONN_MAX_AGE": 0,
        "ENGINE": "django.db.backends.mysql",
        "HOST": "127.0.0.1",
        "NAME": "edxapp",
        "OPTIONS": {},
        "PASSWORD": "password",
        "PORT": "3306",
        "USER": "edxapp001",
    }
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "edxapp-default",
    }
}

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "rest_framework",
    "config_models",
    # django-waffle: the real platform's switches (table waffle_switch)
    "waffle",
    "openedx.core.djangoapps.content.course_overviews.apps.CourseOverviewsConfig",
    "common.djangoapps.student.apps.StudentConfig",
    "common.djangoapps.course_modes.apps.CourseModesConfig",
    "lms.djangoapps.grades.apps.GradesConfig",
    "lms.djangoapps.verify_student.apps.VerifyStudentConfig",
    "lms.djangoapps.certificates.apps.CertificatesConfig",
    "openedx.core.djangoapps.sandbox.apps.SandboxConfig",
]

MIDDLEWARE = [
    # As edx-platform's lms/envs/common.py (and cms's): the request cache is
    # reset at every request. Without it the TieredCache that
    # ConfigurationModel.current() reads through kept a web process's first
    # answer for good, and a configuration saved later never showed.
    "edx_django_utils.cache.middleware.RequestCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": [
            "django.contrib.auth.context_processors.auth",
            "django.contrib.messages.context_processors.messages",
        ]},
    }
]

# Mako templates, as the real platform renders the certificate pages
MAKO_TEMPLATE_DIRS = [os.path.join(REPO_ROOT, "lms", "templates")]
MAKO_MODULE_DIR = None

STATIC_URL = "/static/"
STATIC_ROOT_BASE = os.path.join(REPO_ROOT, "lms", "static")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler", "level": "WARNING"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
