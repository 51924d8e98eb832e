"""Settings resolution, as edx-platform's manage.py / aws.py / production.py."""
import json
import shutil
import subprocess
import sys

import pytest
import yaml

from conftest import PLATFORM, SANDBOX, Host, sqlite_database

SHOW = ("import json; from django.conf import settings as s; "
        "result = {'module': s.SETTINGS_MODULE, "
        # Verawood's FEATURES is a view of every global of the settings module
        "'features': {k: v for k, v in s.FEATURES.items() if k.isupper()}, "
        "'cutoff': s.AUDIT_CERT_CUTOFF_DATE, "
        "'db': s.DATABASES['default']['NAME'], 'platform': s.PLATFORM_NAME, 'secret': s.SECRET_KEY, "
        "'config_root': getattr(s, 'CONFIG_ROOT', None), 'variant': s.SERVICE_VARIANT}")


def test_common_defaults(make_host):
    host = make_host("hawthorn")
    for service in ("lms", "cms"):
        proc = host.manage(service, "shell", "-c",
                           "from django.conf import settings as s; "
                           "print(s.FEATURES['CERTIFICATES_HTML_VIEW'], s.AUDIT_CERT_CUTOFF_DATE)",
                           settings="test", env={"SANDBOX_DB": host.db})
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.strip().splitlines()[-1] == "False None"


def test_legacy_reads_json_and_merges_features(make_host):
    host = make_host("hawthorn", features={"lms": {"CERTIFICATES_HTML_VIEW": True}, "cms": {}},
                     cutoff="2016-03-01")
    r = host.script(SHOW)
    assert r["module"] == "lms.envs.aws"
    assert r["variant"] == "lms"
    assert r["features"]["CERTIFICATES_HTML_VIEW"] is True
    assert r["features"]["ENABLE_DISCUSSION_SERVICE"] is True  # default kept: merged key by key
    assert r["cutoff"].startswith("2016-03-01 00:00:00")
    assert r["db"] == host.db and r["secret"] == "test-secret" and r["platform"] == "Sandbox Test"
    cms = host.script(SHOW, service="cms")
    assert cms["module"] == "cms.envs.aws" and cms["variant"] == "cms"
    assert cms["features"]["CERTIFICATES_HTML_VIEW"] is False


def test_settings_equals_form_and_service_variant(make_host):
    host = make_host("hawthorn")
    proc = __import__("subprocess").run(
        [__import__("sys").executable, "manage.py", "cms", "--settings=aws", "shell", "-c",
         "import os; print(os.environ['DJANGO_SETTINGS_MODULE'], os.environ['SERVICE_VARIANT'])"],
        cwd=PLATFORM, env=host.env(), capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "cms.envs.aws cms"


def test_config_root_defaults_to_folder_above_platform(tmp_path, base_db):
    root = tmp_path / "app"
    shutil.copytree(PLATFORM, root / "edx-platform", ignore=shutil.ignore_patterns("__pycache__"))
    db = tmp_path / "db.sqlite3"
    shutil.copy(base_db, db)
    host = Host(root, "hawthorn", db)
    env = host.env(CONFIG_ROOT=None)
    env.pop("CONFIG_ROOT", None)
    import subprocess
    import sys
    proc = subprocess.run([sys.executable, "manage.py", "lms", "--settings", "aws", "shell", "-c",
                           "from django.conf import settings as s; print(s.CONFIG_ROOT, s.PLATFORM_NAME)"],
                          cwd=root / "edx-platform", env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "%s Sandbox Test" % root


@pytest.mark.parametrize("release", ["lilac", "maple", "redwood", "verawood"])
def test_modern_reads_yaml(make_host, release):
    host = make_host(release, features={"all": {"CERTIFICATES_HTML_VIEW": True}}, cutoff="2016-03-01")
    r = host.script(SHOW)
    assert r["module"] == "lms.envs.production"
    assert r["features"]["CERTIFICATES_HTML_VIEW"] is True
    assert r["features"]["ENABLE_DISCUSSION_SERVICE"] is True
    assert r["db"] == host.db
    # Lilac parses the cutoff (lms/envs/production.py); Maple removed that, so
    # the YAML key is only splatted: the raw string, which nothing reads.
    kind = host.script("from django.conf import settings as s; "
                       "result = type(s.AUDIT_CERT_CUTOFF_DATE).__name__")
    assert kind == ("datetime" if release == "lilac" else "str")
    if release == "lilac":
        assert r["cutoff"].startswith("2016-03-01 00:00:00")
    else:
        assert r["cutoff"] == "2016-03-01"


def test_lms_cfg_missing_is_improperly_configured(make_host):
    host = make_host("lilac")
    proc = host.manage("lms", "showmigrations", env={"LMS_CFG": None})
    assert proc.returncode != 0
    assert "django.core.exceptions.ImproperlyConfigured: Set the LMS_CFG env variable" in proc.stderr


@pytest.mark.parametrize("release,missing", [("hawthorn", "production"), ("lilac", "aws"), ("maple", "aws"),
                                             ("redwood", "aws"), ("verawood", "aws")])
def test_settings_module_absent_on_release(make_host, release, missing):
    host = make_host(release)
    proc = host.manage("lms", "showmigrations", settings=missing)
    assert proc.returncode != 0
    assert "No module named 'lms.envs.%s'" % missing in proc.stderr


def test_manage_start_log(make_host, tmp_path):
    host = make_host("hawthorn")
    host.manage("lms", "showmigrations", "certificates", check=True)
    host.manage("cms", "showmigrations", "config_models", check=True)
    lines = host.start_log.read_text().splitlines()
    assert len(lines) == 2
    stamp, pid, argv = lines[0].split(" ", 2)
    assert stamp.isdigit() and pid.isdigit()
    assert argv == "manage.py lms --settings aws showmigrations certificates"
    # a missing folder is skipped silently
    proc = host.manage("lms", "showmigrations", "certificates",
                       env={"SANDBOX_MANAGE_LOG": str(tmp_path / "nowhere" / "x.log")})
    assert proc.returncode == 0 and not (tmp_path / "nowhere").exists()


def test_shell_reads_script_on_stdin(make_host):
    host = make_host("maple")
    proc = host.manage("lms", "shell", stdin="from django.conf import settings\nprint('RELEASE-OK', settings.SETTINGS_MODULE)\n")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "RELEASE-OK lms.envs.production\n"


# --- modern production settings: the rules of Lilac's and Maple's
# lms/envs/production.py and cms/envs/production.py (see their docstrings) ---

MODERN = ["lilac", "maple", "redwood", "verawood"]


@pytest.mark.parametrize("release", MODERN)
def test_every_yaml_key_becomes_a_setting(make_host, release):
    host = make_host(release, extra={"SOME_NEW_SETTING": 5, "LANGUAGE_CODE": "fr",
                                     "FEATURES": {"CERTIFICATES_HTML_VIEW": True}})
    code = ("from django.conf import settings as s; "
            "result = [s.SOME_NEW_SETTING, s.LANGUAGE_CODE, s.ENV_TOKENS['SOME_NEW_SETTING'], "
            "s.FEATURES['CERTIFICATES_HTML_VIEW'], s.FEATURES['ENABLE_DISCUSSION_SERVICE']]")
    for service in ("lms", "cms"):
        # FEATURES is one of the merged keys: merged key by key, not replaced
        assert host.script(code, service=service) == [5, "fr", 5, True, True], service


@pytest.mark.parametrize("release", ["hawthorn"] + list(MODERN))
def test_yaml_logging_does_not_replace_the_logging_config(make_host, release, tmp_path):
    log = tmp_path / "from-yaml.log"
    yaml_logging = {"version": 1, "disable_existing_loggers": False,
                    "handlers": {"yaml_file": {"class": "logging.FileHandler", "filename": str(log)}},
                    "root": {"handlers": ["yaml_file"], "level": "DEBUG"}}
    host = make_host(release, extra={"LOGGING": yaml_logging})
    code = ("import logging; from django.conf import settings as s\n"
            "logging.getLogger('sandbox.test').warning('written through the YAML handler?')\n"
            "result = [sorted(s.LOGGING['handlers']), s.ENV_TOKENS['LOGGING'] == s.LOGGING]")
    for service in ("lms", "cms"):
        handlers, same = host.script(code, service=service)
        assert "yaml_file" not in handlers and not same, service
        assert not log.exists(), "%s: the YAML's LOGGING took effect" % service


@pytest.mark.parametrize("release", MODERN)
def test_time_zone_comes_from_celery_timezone(make_host, release):
    code = "from django.conf import settings as s; result = s.TIME_ZONE"
    # write_config.py writes TIME_ZONE: America/New_York; production.py resets it
    host = make_host(release, extra={"TIME_ZONE": "America/New_York"})
    assert host.script(code) == host.script(code, service="cms") == "UTC"
    host = make_host(release, extra={"TIME_ZONE": "America/New_York", "CELERY_TIMEZONE": "Europe/Paris"})
    assert host.script(code) == host.script(code, service="cms") == "Europe/Paris"


@pytest.mark.parametrize("release", MODERN)
def test_empty_yaml_fails_as_on_the_platform(make_host, release):
    host = make_host(release)
    (host.root / "lms.yml").write_text("")
    proc = host.manage("lms", "showmigrations")
    assert proc.returncode == 1
    if release == "verawood":
        # 2026 lms/envs/production.py: `_YAML_TOKENS.items()` on None
        assert "AttributeError: 'NoneType' object has no attribute 'items'" in proc.stderr
    else:
        assert "TypeError: argument of type 'NoneType' is not iterable" in proc.stderr


@pytest.mark.parametrize("release", ["lilac", "maple"])
def test_studio_reads_studio_cfg_only(make_host, release, tmp_path):
    """CMS_CFG came with edx-platform PR #29534 (January 2022, Nutmeg); Lilac
    and Maple read STUDIO_CFG and nothing else, and say nothing about CMS_CFG."""
    host = make_host(release, features={"cms": {"CERTIFICATES_HTML_VIEW": True}, "lms": {}})
    code = "from django.conf import settings as s; result = [s.CONFIG_FILE, s.FEATURES['CERTIFICATES_HTML_VIEW']]"
    other = tmp_path / "cms-other.yml"
    other.write_text((host.root / "studio.yml").read_text().replace("CERTIFICATES_HTML_VIEW: true",
                                                                   "CERTIFICATES_HTML_VIEW: false"))
    assert host.script(code, service="cms", env={"CMS_CFG": str(other)}) == [str(host.root / "studio.yml"), True]
    proc = host.manage("cms", "showmigrations", env={"STUDIO_CFG": None, "CMS_CFG": str(other)})
    assert proc.returncode == 1
    assert "django.core.exceptions.ImproperlyConfigured: Set the STUDIO_CFG env variable" in proc.stderr
    proc = host.manage("cms", "showmigrations", "config_models", env={"CMS_CFG": str(other)})
    assert proc.returncode == 0 and "deprecat" not in proc.stderr.lower(), proc.stderr


@pytest.mark.parametrize("release", ["redwood", "verawood"])
def test_studio_reads_cms_cfg_then_studio_cfg_with_a_warning(make_host, tmp_path, release):
    """Redwood's cms/envs/production.py: CMS_CFG; unset, STUDIO_CFG and a
    DeprecationWarning ("STUDIO_CFG environment variable is deprecated. Use
    CMS_CFG instead.", hidden by Python's default filters); both unset: the
    STUDIO_CFG error (docs/research/release-redwood.md 1.2). Verawood: the
    same statements (openedx-platform@02c8a181 cms/envs/production.py)."""
    host = make_host(release, features={"cms": {"CERTIFICATES_HTML_VIEW": True}, "lms": {}})
    code = "from django.conf import settings as s; result = [s.CONFIG_FILE, s.FEATURES['CERTIFICATES_HTML_VIEW']]"
    studio = str(host.root / "studio.yml")
    other = tmp_path / "cms-other.yml"
    other.write_text((host.root / "studio.yml").read_text().replace("CERTIFICATES_HTML_VIEW: true",
                                                                   "CERTIFICATES_HTML_VIEW: false"))
    # CMS_CFG wins over STUDIO_CFG
    assert host.script(code, service="cms", env={"STUDIO_CFG": str(other)}) == [studio, True]
    # the fallback, warned
    env = {"CMS_CFG": None, "STUDIO_CFG": str(other)}
    assert host.script(code, service="cms", env=env) == [str(other), False]
    proc = host.manage("cms", "showmigrations", "config_models", env=env)
    assert proc.returncode == 0 and "deprecat" not in proc.stderr.lower(), proc.stderr
    proc = host.manage("cms", "showmigrations", "config_models", env=dict(env, PYTHONWARNINGS="default"))
    assert proc.returncode == 0, proc.stderr
    assert "DeprecationWarning: STUDIO_CFG environment variable is deprecated. Use CMS_CFG instead." in proc.stderr
    proc = host.manage("cms", "showmigrations", env={"CMS_CFG": None, "STUDIO_CFG": None})
    assert proc.returncode == 1
    assert "django.core.exceptions.ImproperlyConfigured: Set the STUDIO_CFG env variable" in proc.stderr


@pytest.mark.parametrize("release, merged", [
    ("maple", False),
    # lms/envs/production.py KEYS_WITH_MERGED_VALUES of Redwood (research 1.4, 1.5)
    ("redwood", True),
])
def test_redwood_keeps_rest_framework_and_event_bus_out_of_the_splat(make_host, release, merged):
    host = make_host(release, extra={"REST_FRAMEWORK": {"PAGE_SIZE": 7},
                                     "EVENT_BUS_PRODUCER_CONFIG": {"x": {}}})
    code = ("from django.conf import settings as s; "
            "result = [s.KEYS_WITH_MERGED_VALUES[-2:], getattr(s, 'REST_FRAMEWORK', None) == {'PAGE_SIZE': 7},"
            " hasattr(s, 'EVENT_BUS_PRODUCER_CONFIG')]")
    for service in ("lms", "cms"):
        keys, rest, bus = host.script(code, service=service)
        assert (keys == ["REST_FRAMEWORK", "EVENT_BUS_PRODUCER_CONFIG"]) is merged, service
        assert rest is (not merged) and bus is (not merged), service


@pytest.mark.parametrize("release", ["hawthorn", "lilac", "maple", "redwood", "verawood"])
def test_studio_does_not_install_the_certificates_app(make_host, release):
    host = make_host(release)
    code = ("from django.apps import apps\n"
            "from lms.djangoapps.certificates.models import CertificateHtmlViewConfiguration as C\n"
            "result = [apps.is_installed('lms.djangoapps.certificates'), C._meta.app_label, C.current().enabled]")
    # the model still imports (it names its app_label) and its table is shared
    assert host.script(code, service="cms") == [False, "certificates", False]
    assert host.script(code) == [True, "certificates", False]
    proc = host.manage("cms", "showmigrations", "certificates")
    assert proc.returncode != 0
    assert "No installed app with label 'certificates'" in proc.stderr
    assert "certificates" not in host.manage("cms", "showmigrations", check=True).stdout


@pytest.mark.parametrize("release", MODERN)
def test_write_config_yaml_gives_a_working_sandbox(make_host, release, tmp_path):
    """The image's own YAML (write_config.py), now that every key is a setting."""
    subprocess.run([sys.executable, str(SANDBOX / "image" / "files" / "write_config.py"), release,
                    str(tmp_path / "dest")], check=True, capture_output=True)
    host = make_host(release)
    for name in ("lms.yml", "studio.yml"):
        data = yaml.safe_load((tmp_path / "dest" / "edx" / "etc" / name).read_text())
        # The hosts' MariaDB stays out of this test: the test's SQLite file.
        data["DATABASES"] = {"default": sqlite_database(host.db)}
        (host.root / name).write_text(yaml.safe_dump(data))
    host.manage("lms", "createcachetable", check=True)
    code = ("from django.conf import settings as s; from django.core.cache import cache\n"
            "cache.set('k', 'v')\n"
            "result = [s.TIME_ZONE, s.CACHES['default']['BACKEND'], s.CELERY_ALWAYS_EAGER, s.PLATFORM_NAME,"
            " s.DATABASES['default']['OPTIONS'], s.FEATURES['CERTIFICATES_HTML_VIEW'], cache.get('k'),"
            " sorted(s.LOGGING['handlers'])]")
    expected = ["UTC", "django.core.cache.backends.db.DatabaseCache", False, "Sandbox edX",
                {"timeout": 30}, False, "v", ["console"]]
    assert host.script(code) == expected
    assert host.script(code, service="cms") == expected


DATABASES_SHOWN = ("from django.conf import settings as s\n"
                   "result = {alias: [d['USER'], d['PASSWORD'], d['NAME'], d['HOST']]"
                   " for alias, d in s.DATABASES.items()}")


@pytest.mark.parametrize("release", ["hawthorn", "maple", "redwood", "verawood"])
def test_db_migration_variables_replace_every_database_but_the_read_replica(make_host, release):
    """lms/envs/production.py (and aws.py of the Hawthorn era): DB_MIGRATION_*
    from the environment replace the credentials of every database except
    read_replica; unset, the config's stay."""
    host = make_host(release)
    entry = dict(sqlite_database(host.db), USER="edxapp001", PASSWORD="app-pw", HOST="localhost", PORT="3306")
    host.write_databases({"default": entry, "read_replica": dict(entry), "student_module_history": dict(entry)})
    for service in ("lms", "cms"):
        assert host.script(DATABASES_SHOWN, service=service) == {
            alias: ["edxapp001", "app-pw", host.db, "localhost"]
            for alias in ("default", "read_replica", "student_module_history")}
        migrating = host.script(DATABASES_SHOWN, service=service,
                                env={"DB_MIGRATION_USER": "migrate", "DB_MIGRATION_PASS": "migrate-pw"})
        assert migrating == {"default": ["migrate", "migrate-pw", host.db, "localhost"],
                             "read_replica": ["edxapp001", "app-pw", host.db, "localhost"],
                             "student_module_history": ["migrate", "migrate-pw", host.db, "localhost"]}


@pytest.mark.parametrize("release", ["hawthorn", "maple"])
def test_a_database_entry_without_user_fails_as_the_real_rewrite_does(make_host, release):
    host = make_host(release)
    entry = sqlite_database(host.db)
    del entry["USER"]
    host.write_databases({"default": entry})
    proc = host.manage("lms", "shell", "-c", "pass")
    assert proc.returncode != 0 and "KeyError: 'USER'" in proc.stderr
