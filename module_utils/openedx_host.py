# -*- coding: utf-8 -*-
# Copyright: contributors to the Open edX Ansible toolkit
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Find out what an Open edX host runs, from files only (never imports or
starts the platform). Used by the openedx_facts module.

Generations (see the project's reference notes):
- legacy (up to Hawthorn): ``--settings=aws`` (lms/envs/aws.py) reading
  ``$CONFIG_ROOT/lms.env.json`` (CONFIG_ROOT = the folder above edx-platform);
- modern (Ironwood on): ``--settings=production`` reading the YAML files named
  by ``LMS_CFG`` / ``STUDIO_CFG`` (``/edx/etc/lms.yml``, ``/edx/etc/studio.yml``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re

try:
    import yaml

    HAS_YAML = True
except ImportError:  # pragma: no cover
    yaml = None
    HAS_YAML = False

DEFAULT_PLATFORM_DIR = "/edx/app/edxapp/edx-platform"
DEFAULT_YAML_CONFIG_DIR = "/edx/etc"
DEFAULT_PYTHON = "/edx/app/edxapp/venvs/edxapp/bin/python"
SUPERVISORCTL = "/edx/bin/supervisorctl"
SYSTEMD_UNIT_DIRS = ("/etc/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system")

CERT_COMMANDS_DIR = "lms/djangoapps/certificates/management/commands"
CERT_COMMANDS = ("ungenerated_certs", "gen_cert_report", "cert_generation", "regenerate_noidv_cert")

# Release lines, oldest first. AUDIT_CERT_CUTOFF_DATE exists up to Lilac and
# was removed in Maple.
LEGACY_RELEASES = ("aspen", "birch", "cypress", "dogwood", "eucalyptus", "ficus", "ginkgo", "hawthorn")
MODERN_WITH_CUTOFF = ("ironwood", "juniper", "koa", "lilac")
MODERN_WITHOUT_CUTOFF = ("maple", "nutmeg", "olive", "palm", "quince", "redwood", "sumac", "teak",
                         "ulmo", "verawood")
CUTOFF_RELEASES = LEGACY_RELEASES + MODERN_WITH_CUTOFF
# Every release this module can place, oldest first. A RELEASE_LINE naming
# any other release (a newer one, a fork's own name) is refused: what it
# reads and can do is not known here, and guessing would write the flag
# where the platform may not read it.
KNOWN_RELEASES = LEGACY_RELEASES + MODERN_WITH_CUTOFF + MODERN_WITHOUT_CUTOFF
# RELEASE_LINE of an unreleased checkout (edx-platform's master says
# "master"); such a host is placed from the files on disk instead.
UNNAMED_RELEASE_LINES = ("master", "")

# From Ulmo on (edx-platform PR #37067, September 2025; see
# docs/research/release-ulmo-verawood.md 1.1-1.4) FEATURES is a proxy over
# the flat settings (openedx/core/lib/features_setting_proxy.py): the YAML
# FEATURES block is still copied into flat settings, and a flat top-level
# YAML key is a setting of its own. Ulmo and Verawood read the certificate
# flag through FEATURES; Studio's URLconf on master after Verawood reads the
# flat setting. Writing both keys (FEATURES block and flat key) turns the
# flag on for both kinds of reader.
FEATURES_PROXY_FILE = "openedx/core/lib/features_setting_proxy.py"
FIRST_FEATURES_PROXY_RELEASE = "ulmo"
HTML_VIEW_FLAG_FEATURES_KEY = "FEATURES.CERTIFICATES_HTML_VIEW"
HTML_VIEW_FLAG_FLAT_KEY = "CERTIFICATES_HTML_VIEW"

# The generation policy (docs/research/release-redwood.md 2.1, 2.4): the
# waffle switch certificates.auto_certificate_generation (created
# 2017-09-14, so Hawthorn on) is defined in the certificates app's config.py;
# CertificateGenerationConfiguration and CertificateGenerationCourseSetting
# (self-generated certificates) are in its models.py; the files on disk say
# whether a host has them.
CERTIFICATES_CONFIG_PY = "lms/djangoapps/certificates/config.py"
CERTIFICATES_MODELS_PY = "lms/djangoapps/certificates/models.py"

# The URL of a learner's certificate page, as a pattern for str.format
# (lms/djangoapps/certificates/urls.py; see the toolkit's
# docs/research/certificate-page-rules.md): /certificates/<verify_uuid>
# (render_cert_by_uuid, added at the end of 2015) renders the certificate on
# every release from Eucalyptus on, and it is the only URL that does from
# Lilac on, where /certificates/user/<id>/course/<course> answers "URL Not
# Supported". Up to Hawthorn (and later until the change) the user/course URL
# renders it too. Releases before Eucalyptus only have the user/course URL.
CERTIFICATE_URL_BY_UUID = "/certificates/{verify_uuid}"
CERTIFICATE_URL_BY_USER_COURSE = "/certificates/user/{user_id}/course/{course_id}"
RELEASES_WITHOUT_UUID_URL = ("aspen", "birch", "cypress", "dogwood")

_RELEASE_RE = re.compile(r"""^\s*RELEASE_LINE\s*=\s*(?:u|r)?['"]([^'"]*)['"]""", re.M)
_EXPORT_RE = re.compile(r"""^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*?)\s*$""")


class DetectionError(Exception):
    pass


def _read_text(path, limit=4 << 20):
    try:
        with open(path, "rb") as handle:
            return handle.read(limit).decode("utf-8", "replace")
    except (IOError, OSError):
        return None


def read_release_line(platform_dir):
    """RELEASE_LINE from openedx/core/release.py, read with a regex."""
    text = _read_text(os.path.join(platform_dir, "openedx", "core", "release.py"))
    if text is None:
        return None
    match = _RELEASE_RE.search(text)
    return match.group(1).strip() if match else None


def release_name(release_line):
    """'lilac' from 'lilac', 'open-release/lilac.3', 'Lilac'; 'ulmo' from
    'release/ulmo.3' (the branch name from Teak on); None when unknown."""
    if not release_line:
        return None
    value = release_line.strip().lower()
    for prefix in ("open-release/", "release/"):
        if value.startswith(prefix):
            value = value[len(prefix):]
    match = re.match(r"[a-z]+", value)
    return match.group(0) if match else None


def release_generation(release_line):
    name = release_name(release_line)
    if name in LEGACY_RELEASES:
        return "legacy"
    if name in MODERN_WITH_CUTOFF or name in MODERN_WITHOUT_CUTOFF:
        return "modern"
    return None


def release_index(name):
    """Position of a release name in KNOWN_RELEASES (oldest first), or None."""
    return KNOWN_RELEASES.index(name) if name in KNOWN_RELEASES else None


def is_release_at_least(name, first):
    index = release_index(name)
    return index is not None and index >= KNOWN_RELEASES.index(first)


def place_release(platform_dir, release_line, commands):
    """(release name, how it was placed, problem) for a host.

    A RELEASE_LINE naming a known release places it ("release_line"). For
    an unnamed line (master, none at all) the files place it at the oldest
    release they prove ("files"): the FEATURES proxy file means Ulmo or
    later, regenerate_noidv_cert Nutmeg or later (the research read it in a
    January 2022 copy), cert_generation Maple or later. When nothing
    places it the name is None and ``problem`` says why. A RELEASE_LINE
    naming a release this module does not know raises DetectionError.
    """
    name = release_name(release_line)
    if release_line and release_line.strip().lower() not in UNNAMED_RELEASE_LINES:
        if name in KNOWN_RELEASES:
            return name, "release_line", None
        raise DetectionError(
            "RELEASE_LINE %r in %s names a release this toolkit does not know (it knows %s to %s): where "
            "it reads the certificate flag and which generation policy it has cannot be told, and guessing "
            "could write the flag where the platform never reads it. Use a toolkit version that knows this "
            "release" % (release_line, os.path.join(platform_dir, "openedx/core/release.py"),
                         KNOWN_RELEASES[0], KNOWN_RELEASES[-1]))
    if os.path.isfile(os.path.join(platform_dir, FEATURES_PROXY_FILE)):
        return FIRST_FEATURES_PROXY_RELEASE, "files", None
    if commands.get("regenerate_noidv_cert"):
        return "nutmeg", "files", None
    if commands.get("cert_generation"):
        return "maple", "files", None
    return None, None, (
        "cannot place the release of %s: RELEASE_LINE is %s, and none of %s, %s/regenerate_noidv_cert.py or "
        "%s/cert_generation.py exists" % (
            platform_dir, repr(release_line) if release_line else "missing", FEATURES_PROXY_FILE,
            CERT_COMMANDS_DIR, CERT_COMMANDS_DIR))


def html_view_flag_keys(release, features_proxy):
    """The dotted config keys that turn the certificate flag on for every
    reader of this release: the FEATURES block always; with the FEATURES
    proxy (Ulmo on) also the flat top-level key."""
    if features_proxy:
        return [HTML_VIEW_FLAG_FEATURES_KEY, HTML_VIEW_FLAG_FLAT_KEY]
    return [HTML_VIEW_FLAG_FEATURES_KEY]


def _file_mentions(path, marker):
    text = _read_text(path)
    return bool(text and marker in text)


def certificate_policy_support(platform_dir):
    """What of the generation policy the platform on disk has, from the files
    that define it (see the constants above): never from a release table,
    which would be a guess for releases whose files were not read."""
    models_py = os.path.join(platform_dir, CERTIFICATES_MODELS_PY)
    return {
        "auto_generation_switch": _file_mentions(os.path.join(platform_dir, CERTIFICATES_CONFIG_PY),
                                                 "auto_certificate_generation"),
        "self_generation_configuration": _file_mentions(models_py, "class CertificateGenerationConfiguration"),
        "course_generation_settings": _file_mentions(models_py, "class CertificateGenerationCourseSetting"),
    }


def read_env_file(path):
    """``export NAME=value`` lines of an edxapp_env-style file -> dict."""
    text = _read_text(path)
    result = {}
    if text is None:
        return result
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            continue
        match = _EXPORT_RE.match(line)
        if not match:
            continue
        value = match.group(2)
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        result[match.group(1)] = value
    return result


def _https_from_config(path, fmt):
    """True/False from LMS_ROOT_URL's scheme (or the legacy HTTPS key);
    None when the file cannot be read or says nothing. Only a boolean ever
    leaves this function: the config holds secrets."""
    text = _read_text(path)
    if text is None:
        return None, "cannot read %s" % path
    try:
        if fmt == "json":
            data = json.loads(text)
        elif HAS_YAML:
            data = yaml.safe_load(text)
        else:
            return None, "PyYAML is missing: cannot read %s" % path
    except Exception:
        return None, "%s does not parse as %s" % (path, fmt.upper())
    if not isinstance(data, dict):
        return None, None
    root_url = data.get("LMS_ROOT_URL")
    if isinstance(root_url, str) and "://" in root_url:
        scheme = root_url.split("://", 1)[0].lower()
        if scheme in ("http", "https"):
            return scheme == "https", None
    https = data.get("HTTPS")
    if isinstance(https, bool):
        return https, None
    if isinstance(https, str) and https.lower() in ("on", "off", "true", "false", "yes", "no", "1", "0"):
        return https.lower() in ("on", "true", "yes", "1"), None
    return None, None


def _generation_on_disk(has, by_release):
    """"legacy", "modern" or None, from the settings modules and config files
    found (RELEASE_LINE decides only when the files do not)."""
    if has["aws_py"] and has["lms_json"] and not has["lms_yml"]:
        return "legacy"
    if has["lms_yml"] and (has["production_py"] or not has["aws_py"]):
        return "modern"
    if has["production_py"] and not has["aws_py"]:
        return "modern"
    if has["aws_py"] and not has["production_py"]:
        return "legacy"
    return by_release or None


def _chosen_generation(generation, on_disk, has, paths, release_line, by_release, warnings):
    """The generation to use: detected, or the one asked for when the host agrees."""
    if generation in (None, "", "auto"):
        if on_disk is None:
            raise DetectionError(
                "cannot tell which Open edX generation %s runs: looked for %s with %s (legacy, Hawthorn and "
                "earlier) and for %s with %s (Ironwood and later), and for RELEASE_LINE in %s; set generation "
                "(and config_root, yaml_config_dir or lms_cfg) to say it"
                % (paths["platform_dir"], paths["aws_py"], paths["lms_json"], paths["production_py"],
                   paths["lms_yml"], os.path.join(paths["platform_dir"], "openedx/core/release.py")))
        if by_release and by_release != on_disk:
            warnings.append("RELEASE_LINE %r suggests the %s generation but the files on disk say %s; using %s"
                            % (release_line, by_release, on_disk, on_disk))
        return on_disk
    problems = []
    if generation == "legacy":
        if not has["aws_py"]:
            if has["lms_yml"]:
                problems.append("%s exists" % paths["lms_yml"])
            problems.append("%s is missing" % paths["aws_py"])
        if by_release == "modern":
            problems.append("RELEASE_LINE is %r" % release_line)
        verdict = "this host runs Ironwood or later"
    else:
        if not has["production_py"]:
            problems.append("%s is missing" % paths["production_py"])
            if has["lms_json"]:
                problems.append("%s exists" % paths["lms_json"])
        if by_release == "legacy":
            problems.append("RELEASE_LINE is %r" % release_line)
        verdict = "this host runs Hawthorn or earlier"
    if problems:
        raise DetectionError("generation=%s was asked but %s: %s" % (generation, " and ".join(problems), verdict))
    return generation


def _settings_name(chosen, env_vars, envs_dir, env_file, evidence, warnings):
    """aws or production, or the edxapp_env file's EDX_PLATFORM_SETTINGS when that module exists."""
    settings = "aws" if chosen == "legacy" else "production"
    custom = env_vars.get("EDX_PLATFORM_SETTINGS")
    if custom and custom != settings:
        if os.path.isfile(os.path.join(envs_dir, custom + ".py")):
            evidence.append("EDX_PLATFORM_SETTINGS=%s in %s" % (custom, env_file))
            return custom
        warnings.append("%s sets EDX_PLATFORM_SETTINGS=%s but lms/envs/%s.py does not exist; using %s"
                        % (env_file, custom, custom, settings))
    return settings


def _config_layout(chosen, has, paths, config_root, given_root, warnings):
    """(config files, their format, the environment manage.py needs) of the generation."""
    if chosen == "legacy":
        config_files = {
            "lms": paths["lms_json"],
            "cms": paths["cms_json"],
            "lms_auth": os.path.join(config_root, "lms.auth.json"),
            "cms_auth": os.path.join(config_root, "cms.auth.json"),
        }
        environment = {"CONFIG_ROOT": config_root} if given_root else {}
        if not has["lms_json"]:
            warnings.append("legacy generation but %s does not exist" % paths["lms_json"])
        return config_files, "json", environment
    lms_yml, studio_yml = paths["lms_yml"], paths["studio_yml"]
    if not has["lms_yml"]:
        warnings.append("modern generation but %s does not exist (the platform will fail with "
                        "ImproperlyConfigured until LMS_CFG names an existing file)" % lms_yml)
    if has["lms_json"]:
        warnings.append("%s exists but this host reads %s: edits to the JSON file change nothing"
                        % (paths["lms_json"], lms_yml))
    return ({"lms": lms_yml, "cms": studio_yml}, "yaml",
            {"LMS_CFG": lms_yml, "STUDIO_CFG": studio_yml, "CMS_CFG": studio_yml})


def _audit_cutoff_support(name, envs_dir):
    """(whether AUDIT_CERT_CUTOFF_DATE is read, what says so)."""
    if name in CUTOFF_RELEASES:
        return True, "release_line"
    if name in MODERN_WITHOUT_CUTOFF:
        return False, "release_line"
    common = _read_text(os.path.join(envs_dir, "common.py"))
    return bool(common and "AUDIT_CERT_CUTOFF_DATE" in common), "lms/envs/common.py"


def _service_manager():
    """(supervisor, systemd or unknown, the program or unit of each service)."""
    if os.path.exists(SUPERVISORCTL):
        return "supervisor", {"lms": "lms", "cms": "cms", "workers": "edxapp_worker:"}
    units = dict((unit, any(os.path.exists(os.path.join(d, unit + ".service")) for d in SYSTEMD_UNIT_DIRS))
                 for unit in ("lms", "cms", "edxapp-workers"))
    if not units["lms"]:
        return "unknown", {"lms": None, "cms": None, "workers": None}
    return "systemd", {"lms": "lms", "cms": "cms" if units["cms"] else None,
                       "workers": "edxapp-workers" if units["edxapp-workers"] else None}


def detect(platform_dir=DEFAULT_PLATFORM_DIR, generation="auto", config_root=None,
           yaml_config_dir=DEFAULT_YAML_CONFIG_DIR, lms_cfg=None, studio_cfg=None,
           python=DEFAULT_PYTHON, env_file=None):
    """Return the ``openedx`` facts dict and a list of warnings.

    Raises DetectionError when there is no platform, or when ``generation``
    contradicts what is on disk.
    """
    warnings = []
    evidence = []
    platform_dir = os.path.normpath(platform_dir)
    envs_dir = os.path.join(platform_dir, "lms", "envs")
    if not os.path.isdir(platform_dir) or not (
            os.path.isfile(os.path.join(platform_dir, "manage.py")) or os.path.isdir(envs_dir)):
        raise DetectionError(
            "no Open edX platform found at %s: looked for %s and %s (set platform_dir if the platform "
            "lives elsewhere)" % (platform_dir, os.path.join(platform_dir, "manage.py"), envs_dir))

    given_root = config_root
    config_root = os.path.normpath(config_root or os.path.dirname(platform_dir))
    env_file = env_file or os.path.join(config_root, "edxapp_env")
    env_vars = read_env_file(env_file)
    if env_vars:
        evidence.append("read %s" % env_file)

    paths = {
        "platform_dir": platform_dir,
        "lms_yml": lms_cfg or env_vars.get("LMS_CFG") or os.path.join(yaml_config_dir, "lms.yml"),
        "studio_yml": (studio_cfg or env_vars.get("STUDIO_CFG") or env_vars.get("CMS_CFG")
                       or os.path.join(yaml_config_dir, "studio.yml")),
        "lms_json": os.path.join(config_root, "lms.env.json"),
        "cms_json": os.path.join(config_root, "cms.env.json"),
        "aws_py": os.path.join(envs_dir, "aws.py"),
        "production_py": os.path.join(envs_dir, "production.py"),
    }
    has = {}
    for name in ("lms_yml", "lms_json", "aws_py", "production_py"):
        has[name] = os.path.isfile(paths[name])
        evidence.append("%s %s" % ("found" if has[name] else "no", paths[name]))

    release_line = read_release_line(platform_dir)
    by_release = release_generation(release_line)
    if release_line:
        evidence.append("RELEASE_LINE = %r" % release_line)

    on_disk = _generation_on_disk(has, by_release)
    chosen = _chosen_generation(generation, on_disk, has, paths, release_line, by_release, warnings)
    settings = _settings_name(chosen, env_vars, envs_dir, env_file, evidence, warnings)
    config_files, config_format, environment = _config_layout(chosen, has, paths, config_root, given_root,
                                                              warnings)
    config_files_exist = dict((k, os.path.isfile(v)) for k, v in config_files.items())

    commands_dir = os.path.join(platform_dir, CERT_COMMANDS_DIR)
    commands = dict((name, os.path.isfile(os.path.join(commands_dir, name + ".py"))) for name in CERT_COMMANDS)
    release, release_source, release_problem = place_release(platform_dir, release_line, commands)
    features_proxy = os.path.isfile(os.path.join(platform_dir, FEATURES_PROXY_FILE))
    if release_source == "release_line":
        by_release = is_release_at_least(release, FIRST_FEATURES_PROXY_RELEASE)
        if features_proxy != by_release:
            warnings.append("RELEASE_LINE %r says the FEATURES proxy %s but %s %s; trusting the release line"
                            % (release_line, "exists" if by_release else "does not exist",
                               FEATURES_PROXY_FILE, "exists" if features_proxy else "is missing"))
        features_proxy = by_release
    if release:
        placed_by = "RELEASE_LINE" if release_source == "release_line" else "the files on disk"
        evidence.append("release %s placed from %s" % (release, placed_by))

    name = release_name(release_line)
    cutoff, cutoff_source = _audit_cutoff_support(name, envs_dir)
    certificate_url = (CERTIFICATE_URL_BY_USER_COURSE if name in RELEASES_WITHOUT_UUID_URL
                       else CERTIFICATE_URL_BY_UUID)
    service_manager, services = _service_manager()

    lms_https = None
    if config_files_exist["lms"]:
        lms_https, problem = _https_from_config(config_files["lms"], config_format)
        if problem:
            warnings.append("lms_https unknown: %s" % problem)

    facts = {
        "generation": chosen,
        "generation_detected": on_disk,
        "release_line": release_line,
        "settings": settings,
        "platform_dir": platform_dir,
        "manage_py": os.path.join(platform_dir, "manage.py"),
        "config_root": config_root,
        "config_files": config_files,
        "config_files_exist": config_files_exist,
        "config_format": config_format,
        "environment": environment,
        "env_file": env_file if os.path.isfile(env_file) else None,
        "service_manager": service_manager,
        "supervisorctl": SUPERVISORCTL if service_manager == "supervisor" else None,
        "services": services,
        "commands": commands,
        "release": release,
        "release_source": release_source,
        "release_problem": release_problem,
        "features_proxy": features_proxy,
        "html_view_flag_keys": html_view_flag_keys(release, features_proxy),
        "certificate_policy": certificate_policy_support(platform_dir),
        "audit_cert_cutoff_supported": cutoff,
        "audit_cert_cutoff_source": cutoff_source,
        "lms_https": lms_https,
        "certificate_url": certificate_url,
        "python": python if os.path.isfile(python) else None,
        "evidence": evidence,
    }
    return facts, warnings
