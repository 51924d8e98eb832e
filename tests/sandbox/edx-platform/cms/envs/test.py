"""Settings for the sandbox's own unit tests (no config file)."""
# pylint: disable=wildcard-import, unused-wildcard-import
from .common import *  # noqa
