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


def apply_migration_credentials(databases):
    """
    The DB_MIGRATION_* rewrite of DATABASES that every production settings
    file of the real platform runs after loading its config: "The normal
    database user does not have enough permissions to run migrations", so
    the migration commands are given other credentials in the environment.

    For every database except `read_replica`, each of ENGINE, USER, PASSWORD,
    NAME, HOST and PORT is taken from DB_MIGRATION_ENGINE, _USER, _PASS,
    _NAME, _HOST, _PORT when set, else kept. The real code reads each key
    with `database['KEY']`, so a database entry without one of them fails
    with KeyError, here too. Real files: lms/envs/production.py and
    cms/envs/production.py (2023 master and the edx-platform file read
    for this, lines around "Migrations are run with separate credentials";
    Lilac and Maple have the same loop), and lms/envs/aws.py and
    cms/envs/aws.py of the Hawthorn era (copies of 2018 with
    `DATABASES = AUTH_TOKENS['DATABASES']` followed by the same loop). The
    old Ansible repository's edxapp-migrate-lms|cms scripts
    (openedx/configuration, open-release/hawthorn.2 to maple.3) run
    `manage.py lms|cms migrate --database DB --settings $EDX_PLATFORM_SETTINGS`
    for each database but read_replica, with DB_MIGRATION_USER and
    DB_MIGRATION_PASS set to COMMON_MYSQL_MIGRATE_USER / _PASS ("migrate").
    """
    for name, database in databases.items():
        if name != "read_replica":
            database.update({
                "ENGINE": os.environ.get("DB_MIGRATION_ENGINE", database["ENGINE"]),
                "USER": os.environ.get("DB_MIGRATION_USER", database["USER"]),
                "PASSWORD": os.environ.get("DB_MIGRATION_PASS", database["PASSWORD"]),
                "NAME": os.environ.get("DB_MIGRATION_NAME", database["NAME"]),
                "HOST": os.environ.get("DB_MIGRATION_HOST", database["HOST"]),
                "PORT": os.environ.get("DB_MIGRATION_PORT", database["PORT"]),
            })
    return databases


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
