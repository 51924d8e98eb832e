"""Settings code shared by lms/envs and cms/envs of the sandbox platform."""
import os

from django.core.exceptions import ImproperlyConfigured

# The folder holding manage.py (edx-platform itself).
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def get_env_setting(setting):
    """ Get the environment setting or return exception """
    try:
        return os.environ[setting]
    except KeyError:
        error_msg = "Set the %s env variable" % setting
        raise ImproperlyConfigured(error_msg)


def missing_settings_module(name):
    """Behave as if the module file did not exist on this release."""
    return ModuleNotFoundError("No module named %r" % name, name=name)


def merge_features(features, overrides):
    """FEATURES from the config file are merged key by key over the defaults."""
    for feature, value in (overrides or {}).items():
        features[feature] = value
