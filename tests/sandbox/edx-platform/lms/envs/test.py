"""Settings for the sandbox's own unit tests (no config file): a SQLite file."""
# pylint: disable=wildcard-import, unused-wildcard-import
from .common import *  # noqa
from openedx.core.release import has_flat_features as _flat_features

if _flat_features():
    # As lms/envs/test.py and cms/envs/test.py of openedx-platform (store ids
    # 38908838877, 53754872944): a proxy over this module's own globals.
    from openedx.core.lib.features_setting_proxy import FeaturesProxy

    FEATURES = FeaturesProxy(globals())
del _flat_features

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("SANDBOX_DB", "/tmp/sandbox-test.sqlite3"),
        "ATOMIC_REQUESTS": True,
        "OPTIONS": {"timeout": 30},
    }
}
