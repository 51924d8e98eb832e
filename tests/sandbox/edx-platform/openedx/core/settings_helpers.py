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


def get_logger_config(log_dir=None, logging_env="no_env", local_loglevel="INFO", service_variant=""):
    """
    Stand-in for edx-platform's openedx/core/lib/logsettings.py get_logger_config,
    which production.py calls AFTER loading the config file, so that a LOGGING
    key in the file never takes effect. The real one also logs to syslog
    (/dev/log) and a tracking log; the sandbox keeps one console handler
    (WARNING and up on stderr), the same as lms/envs/common.py's LOGGING.
    The arguments are those of the real function; the stand-in ignores them.
    """
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "handlers": {"console": {"class": "logging.StreamHandler", "level": "WARNING"}},
        "root": {"handlers": ["console"], "level": "INFO"},
    }
