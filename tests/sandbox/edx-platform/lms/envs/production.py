"""
Modern (Ironwood onward) production settings: one YAML file named by LMS_CFG.

Follows edx-platform's lms/envs/production.py of Lilac and Maple
(open-release/lilac.master, open-release/maple.master), and for Redwood the
same file as docs/research/release-redwood.md section 1 gives it (no
Redwood-branch copy could be read there: 2023 master and 2025 copies agree). Each rule below names
the real statement. No byte-exact copy of those two branches could be read
here; the line numbers are those of a Maple-based copy
(eduNEXT/edunext-platform@1d89d8f5, lms/envs/production.py), whose YAML block
sits on the same lines as 2023 master's (63-91) because both list eight
merged keys; Lilac and Maple as cut list seven, one line less.

- `CONFIG_FILE = get_env_setting('LMS_CFG')` (line 63): unset is
  `ImproperlyConfigured: Set the LMS_CFG env variable`.
- `__config__ = yaml.safe_load(f)` (line 66), with no fallback: an empty
  file is None, and the real code then fails with
  `TypeError: argument of type 'NoneType' is not iterable`.
- `ENV_TOKENS = AUTH_TOKENS = __config__` (lines 70-71).
- `vars().update(__config_copy__)` (line 91): EVERY top-level key becomes a
  setting, except KEYS_WITH_MERGED_VALUES (lines 77-86), which the file
  merges itself further down. Lilac and Maple as cut list seven keys;
  `REST_FRAMEWORK` joined the list on master in March 2022 (PR #30112, with
  a backport PR #30142 to a branch not identified here). The sandbox has
  none of the settings those six keys (other than FEATURES) merge into, so
  they are only kept out of the splat. Redwood lists nine: the seven,
  `REST_FRAMEWORK` and `EVENT_BUS_PRODUCER_CONFIG` (PR #33458, October 2023;
  research 1.4, "likely"); `MKTG_URL_OVERRIDES` left only in January 2025.
- `FEATURES[feature] = value` for each YAML feature: merged key by key.
- `TIME_ZONE = ENV_TOKENS.get('CELERY_TIMEZONE', CELERY_TIMEZONE)`: the
  YAML's TIME_ZONE never takes effect (CELERY_TIMEZONE is 'UTC' in
  lms/envs/common.py).
- `LOGGING = get_logger_config(LOG_DIR, ...)`, after the splat: a LOGGING
  key in the YAML never takes effect (the sandbox's get_logger_config is a
  stand-in, see settings_helpers.py).
- `AUDIT_CERT_CUTOFF_DATE = dateutil.parser.parse(...)` until Lilac; Maple
  dropped those lines, so there the YAML key is just a string setting that
  nothing reads. Redwood has no AUDIT_CERT_CUTOFF_DATE anywhere (research
  1.11): the same.

Verawood follows the 2026 file, openedx/openedx-platform@0217ff87
lms/envs/production.py (docs/research/release-ulmo-verawood.md 1.3; no
release/verawood copy could be read, the logic below is unchanged on master
since the FEATURES flattening of PR #37067, September 2025), in its order:

- `from .common import *`, then `FEATURES = FeaturesProxy(globals())`: the
  proxy is bound to THIS module's namespace (features_setting_proxy.py);
- `LMS_CFG` required as before; `_YAML_TOKENS = yaml.safe_load(f)` (an empty
  file: `AttributeError: 'NoneType' object has no attribute 'items'`);
- `vars().update({key: value ...})` for every top-level key but FEATURES,
  TRACKING_BACKENDS, EVENT_TRACKING_BACKENDS, JWT_AUTH, CELERY_QUEUES,
  REST_FRAMEWORK, EVENT_BUS_PRODUCER_CONFIG, DEFAULT_FILE_STORAGE and
  STATICFILES_STORAGE (no deep copy any more: the values are aliased);
  MKTG_URL_LINK_MAP and MKTG_URL_OVERRIDES are splatted now;
- then `FEATURES[feature] = value` for each YAML FEATURES entry, through the
  proxy: each becomes a flat setting (one hidden DeprecationWarning each),
  after the splat, so it wins over a flat top-level key of the same name;
- `TIME_ZONE = CELERY_TIMEZONE` (a top-level CELERY_TIMEZONE was splatted);
  `LOGGING = get_logger_config(LOG_DIR, ...)` after the splat; the
  DB_MIGRATION_* loop; at the end `ENV_TOKENS = AUTH_TOKENS = _YAML_TOKENS`
  and `ENV_FEATURES` = the YAML's FEATURES dict "for old plugins" (research
  1.3 step 7; that tail of the file was not re-read here).
"""
# pylint: disable=wildcard-import, unused-wildcard-import
import codecs
import copy

import dateutil.parser
import yaml

from openedx.core.release import RELEASE_SETTINGS, has_flat_features, honours_audit_cutoff, release_line
from openedx.core.settings_helpers import (
    apply_migration_credentials,
    get_env_setting,
    get_logger_config,
    missing_settings_module,
)

if "production" not in RELEASE_SETTINGS[release_line()]:
    raise missing_settings_module(__name__)

from .common import *  # noqa

# lms/envs/common.py of the real platform (not in the sandbox's common.py)
CELERY_TIMEZONE = "UTC"

if has_flat_features():
    from openedx.core.lib.features_setting_proxy import FeaturesProxy

    # A proxy for feature flags stored in this module's namespace
    FEATURES = FeaturesProxy(globals())

# A file path to a YAML file from which to load all the configuration for the edx platform
CONFIG_FILE = get_env_setting("LMS_CFG")

if has_flat_features():
    with codecs.open(CONFIG_FILE, encoding="utf-8") as f:
        _YAML_TOKENS = yaml.safe_load(f)
        vars().update({
            key: value
            for key, value in _YAML_TOKENS.items()
            if key not in [
                "FEATURES",
                "TRACKING_BACKENDS",
                "EVENT_TRACKING_BACKENDS",
                "JWT_AUTH",
                "CELERY_QUEUES",
                "REST_FRAMEWORK",
                "EVENT_BUS_PRODUCER_CONFIG",
                "DEFAULT_FILE_STORAGE",
                "STATICFILES_STORAGE",
            ]
        })

    # Each YAML feature becomes a flat setting through the proxy.
    for feature, value in _YAML_TOKENS.get("FEATURES", {}).items():
        FEATURES[feature] = value

    TIME_ZONE = CELERY_TIMEZONE
    LOGGING = get_logger_config(globals().get("LOG_DIR"),
                                logging_env=globals().get("LOGGING_ENV", "no_env"),
                                local_loglevel=globals().get("LOCAL_LOGLEVEL", "INFO"),
                                service_variant=SERVICE_VARIANT)
    apply_migration_credentials(DATABASES)

    # For backward compatibility with old plugins (end of the real file).
    ENV_TOKENS = AUTH_TOKENS = _YAML_TOKENS
    ENV_FEATURES = _YAML_TOKENS.get("FEATURES", {})
else:
    with codecs.open(CONFIG_FILE, encoding="utf-8") as f:
        __config__ = yaml.safe_load(f)

        # ENV_TOKENS and AUTH_TOKENS are included for reverse compatibility.
        ENV_TOKENS = __config__
        AUTH_TOKENS = __config__

        # Add the key/values from config into the global namespace of this module.
        # But don't override the FEATURES dict because we do that in an additive way.
        __config_copy__ = copy.deepcopy(__config__)

        KEYS_WITH_MERGED_VALUES = [
            "FEATURES",
            "TRACKING_BACKENDS",
            "EVENT_TRACKING_BACKENDS",
            "JWT_AUTH",
            "CELERY_QUEUES",
            "MKTG_URL_LINK_MAP",
            "MKTG_URL_OVERRIDES",
        ]
        if release_line() == "redwood":
            KEYS_WITH_MERGED_VALUES += ["REST_FRAMEWORK", "EVENT_BUS_PRODUCER_CONFIG"]
        for key in KEYS_WITH_MERGED_VALUES:
            if key in __config_copy__:
                del __config_copy__[key]

        vars().update(__config_copy__)

    for feature, value in ENV_TOKENS.get("FEATURES", {}).items():
        FEATURES[feature] = value

    # Timezone overrides
    TIME_ZONE = ENV_TOKENS.get("CELERY_TIMEZONE", CELERY_TIMEZONE)

    LOGGING = get_logger_config(ENV_TOKENS.get("LOG_DIR"),
                                logging_env=ENV_TOKENS.get("LOGGING_ENV", "no_env"),
                                local_loglevel=ENV_TOKENS.get("LOCAL_LOGLEVEL", "INFO"),
                                service_variant=SERVICE_VARIANT)

    # Cutoff date for granting audit certificates (removed in Maple)
    if honours_audit_cutoff() and ENV_TOKENS.get("AUDIT_CERT_CUTOFF_DATE", None):
        AUDIT_CERT_CUTOFF_DATE = dateutil.parser.parse(ENV_TOKENS.get("AUDIT_CERT_CUTOFF_DATE"))

    # The normal database user does not have enough permissions to run
    # migrations: see apply_migration_credentials.
    apply_migration_credentials(DATABASES)
