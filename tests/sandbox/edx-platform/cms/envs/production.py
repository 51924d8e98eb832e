"""
Modern (Ironwood onward) production settings of Studio: one YAML file named by
STUDIO_CFG (Lilac, Maple) or CMS_CFG (Redwood).

Follows edx-platform's cms/envs/production.py of Lilac and Maple
(open-release/lilac.master, open-release/maple.master); the rules are those
of lms/envs/production.py (see its docstring), with these differences:

- `CONFIG_FILE = get_env_setting('STUDIO_CFG')` (line 54 of the Lilac-era
  copy read, fccn/edx-platform@11af82ca cms/envs/production.py; the same
  statement in the Maple-based eduNEXT/edunext-platform@2a28fdb2): Lilac and
  Maple read STUDIO_CFG and nothing else. CMS_CFG came later: edx-platform
  PR #29534 (ADR docs/decisions/0013-cms-vs-studio.rst, merged January 2022,
  after Maple was cut; first release Nutmeg) made CMS_CFG the variable and
  kept STUDIO_CFG as a deprecated fallback that warns. So here CMS_CFG is
  ignored, without a word, and an unset STUDIO_CFG is
  `ImproperlyConfigured: Set the STUDIO_CFG env variable`.
- Redwood: cms/envs/production.py reads `get_env_setting('CMS_CFG')` in a
  try; on ImproperlyConfigured it reads `get_env_setting('STUDIO_CFG')` and
  warns `STUDIO_CFG environment variable is deprecated. Use CMS_CFG instead.`
  (DeprecationWarning, stacklevel 2) (docs/research/release-redwood.md 1.2:
  the 2025/26 openedx-platform copy, same as the 2023 reference). Python's
  default filters hide that warning; with both unset the error names
  STUDIO_CFG. KEYS_WITH_MERGED_VALUES is the LMS's Redwood list (research
  1.4, 1.5: "same list for Studio"; whether Studio's has REST_FRAMEWORK is
  not confirmed there). The sandbox has none of the settings the extra keys
  merge into, so they only stay out of the splat.
- Verawood: the 2026 file, openedx/openedx-platform@02c8a181
  cms/envs/production.py (docs/research/release-ulmo-verawood.md 1.3), as the
  LMS's Verawood branch (see lms/envs/production.py): `FEATURES =
  FeaturesProxy(globals())` right after `from .common import *`; CMS_CFG
  else STUDIO_CFG with the same DeprecationWarning; `_YAML_TOKENS`, the
  2026 list of keys kept out of the splat; `TIME_ZONE = CELERY_TIMEZONE`,
  then the YAML FEATURES entries through the proxy, `LOGGING`, the
  DB_MIGRATION_* loop, and at the end `ENV_TOKENS = AUTH_TOKENS =
  _YAML_TOKENS` (no ENV_FEATURES in Studio's 2026 file).
- Studio's production.py does not parse AUDIT_CERT_CUTOFF_DATE (the LMS's
  did, until Lilac): in Studio that key is only a string setting.
"""
# pylint: disable=wildcard-import, unused-wildcard-import
import codecs
import copy
import warnings

import yaml

from django.core.exceptions import ImproperlyConfigured

from openedx.core.release import RELEASE_SETTINGS, has_flat_features, reads_cms_cfg, release_line
from openedx.core.settings_helpers import (
    apply_migration_credentials,
    get_env_setting,
    get_logger_config,
    missing_settings_module,
)

if "production" not in RELEASE_SETTINGS[release_line()]:
    raise missing_settings_module(__name__)

from .common import *  # noqa

# cms/envs/common.py of the real platform (not in the sandbox's common.py)
CELERY_TIMEZONE = "UTC"

if has_flat_features():
    from openedx.core.lib.features_setting_proxy import FeaturesProxy

    # A proxy for feature flags stored in this module's namespace
    FEATURES = FeaturesProxy(globals())

# A file path to a YAML file from which to load all the configuration for the edx platform
if reads_cms_cfg():
    try:
        CONFIG_FILE = get_env_setting("CMS_CFG")
    except ImproperlyConfigured:
        CONFIG_FILE = get_env_setting("STUDIO_CFG")
        warnings.warn(
            "STUDIO_CFG environment variable is deprecated. Use CMS_CFG instead.",
            DeprecationWarning,
            stacklevel=2,
        )
else:
    CONFIG_FILE = get_env_setting("STUDIO_CFG")

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

    TIME_ZONE = CELERY_TIMEZONE

    # Each YAML feature becomes a flat setting through the proxy.
    for feature, value in _YAML_TOKENS.get("FEATURES", {}).items():
        FEATURES[feature] = value

    LOGGING = get_logger_config(globals().get("LOG_DIR"),
                                logging_env=globals().get("LOGGING_ENV", "no_env"),
                                service_variant=SERVICE_VARIANT)
    apply_migration_credentials(DATABASES)

    # For backward compatibility with old plugins (end of the real file).
    ENV_TOKENS = AUTH_TOKENS = _YAML_TOKENS
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

    # Timezone overrides
    TIME_ZONE = ENV_TOKENS.get("CELERY_TIMEZONE", CELERY_TIMEZONE)

    ENV_FEATURES = ENV_TOKENS.get("FEATURES", {})
    for feature, value in ENV_FEATURES.items():
        FEATURES[feature] = value

    LOGGING = get_logger_config(ENV_TOKENS.get("LOG_DIR"),
                                logging_env=ENV_TOKENS.get("LOGGING_ENV", "no_env"),
                                service_variant=SERVICE_VARIANT)

    # The normal database user does not have enough permissions to run
    # migrations: see apply_migration_credentials.
    apply_migration_credentials(DATABASES)
