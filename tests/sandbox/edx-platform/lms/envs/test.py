"""Settings for the sandbox's own unit tests (no config file): a SQLite file."""
# pylint: disable=wildcard-import, unused-wildcard-import
from .common import *  # noqa

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("SANDBOX_DB", "/tmp/sandbox-test.sqlite3"),
        "ATOMIC_REQUESTS": True,
        "OPTIONS": {"timeout": 30},
    }
}
