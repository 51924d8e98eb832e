"""Settings resolution, as edx-platform's manage.py / aws.py / production.py."""
import json
import shutil

import pytest

from conftest import PLATFORM, Host

SHOW = ("import json; from django.conf import settings as s; "
        "result = {'module': s.SETTINGS_MODULE, 'features': s.FEATURES, 'cutoff': s.AUDIT_CERT_CUTOFF_DATE, "
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


@pytest.mark.parametrize("release", ["lilac", "maple"])
def test_modern_reads_yaml(make_host, release):
    host = make_host(release, features={"all": {"CERTIFICATES_HTML_VIEW": True}}, cutoff="2016-03-01")
    r = host.script(SHOW)
    assert r["module"] == "lms.envs.production"
    assert r["features"]["CERTIFICATES_HTML_VIEW"] is True
    assert r["features"]["ENABLE_DISCUSSION_SERVICE"] is True
    assert r["db"] == host.db
    # the cutoff is honoured until Lilac, removed in Maple
    assert (r["cutoff"] is not None) == (release == "lilac")


def test_lms_cfg_missing_is_improperly_configured(make_host):
    host = make_host("lilac")
    proc = host.manage("lms", "showmigrations", env={"LMS_CFG": None})
    assert proc.returncode != 0
    assert "django.core.exceptions.ImproperlyConfigured: Set the LMS_CFG env variable" in proc.stderr


def test_cms_cfg_falls_back_to_studio_cfg(make_host, tmp_path):
    host = make_host("maple", features={"cms": {"CERTIFICATES_HTML_VIEW": True}, "lms": {}})
    code = "from django.conf import settings as s; result = [s.CONFIG_FILE, s.FEATURES['CERTIFICATES_HTML_VIEW']]"
    assert host.script(code, service="cms") == [str(host.root / "studio.yml"), True]
    other = tmp_path / "cms-other.yml"
    other.write_text((host.root / "studio.yml").read_text().replace("CERTIFICATES_HTML_VIEW: true",
                                                                   "CERTIFICATES_HTML_VIEW: false"))
    assert host.script(code, service="cms", env={"CMS_CFG": str(other)}) == [str(other), False]
    proc = host.manage("cms", "showmigrations", env={"STUDIO_CFG": None, "CMS_CFG": None})
    assert "ImproperlyConfigured: Set the STUDIO_CFG env variable" in proc.stderr


@pytest.mark.parametrize("release,missing", [("hawthorn", "production"), ("lilac", "aws"), ("maple", "aws")])
def test_settings_module_absent_on_release(make_host, release, missing):
    host = make_host(release)
    proc = host.manage("lms", "showmigrations", settings=missing)
    assert proc.returncode != 0
    assert "No module named 'lms.envs.%s'" % missing in proc.stderr


def test_manage_start_log(make_host, tmp_path):
    host = make_host("hawthorn")
    host.manage("lms", "showmigrations", "certificates", check=True)
    host.manage("cms", "showmigrations", "certificates", check=True)
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
