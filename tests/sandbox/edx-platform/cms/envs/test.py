"""Settings for the sandbox's own unit tests (no config file): a SQLite file."""
# pylint: disable=wildcard-import, unused-wildcard-import
from .common import *  # noqa
from lms.envs.test import DATABASES  # noqa
