"""The in-platform runner, executed for real in a throwaway Django project.

``make_platform`` builds a tiny edx-platform look-alike in a temporary
directory: a ``manage.py`` that takes ``lms|cms --settings=NAME`` the way
edx-platform's does, settings modules ``lms.envs.NAME`` / ``cms.envs.NAME``,
and a ``certificates`` app whose ``CertificateHtmlViewConfiguration`` is a
real django-config-models ``ConfigurationModel``, with an initial migration
and a data migration that seeds the placeholder row like the platform's.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ansible.module_utils.openedx_runner import (
    RESULT_BEGIN,
    RESULT_END,
    RUNNER_SOURCE,
    build_script,
)

PYTHON = sys.executable
VERMIN = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "vermin"

MANAGE_PY = '''
import os
import sys

if __name__ == "__main__":
    service = sys.argv.pop(1)
    rest = []
    settings = "devstack"
    for arg in sys.argv[1:]:
        if arg.startswith("--settings="):
            settings = arg.split("=", 1)[1]
        else:
            rest.append(arg)
    os.environ["DJANGO_SETTINGS_MODULE"] = "%s.envs.%s" % (service, settings)
    os.environ.setdefault("SERVICE_VARIANT", service)
    from django.core.management import execute_from_command_line
    execute_from_command_line([sys.argv[0]] + rest)
'''

SETTINGS = '''
import os
BASE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SECRET_KEY = "throwaway"
USE_TZ = True
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "config_models",
    "certificates",
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3",
                         "NAME": os.path.join(BASE_DIR, "db.sqlite3")}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
'''

MODELS = '''
import json
from django.core.exceptions import ValidationError
from django.db import models
from config_models.models import ConfigurationModel


class CertificateHtmlViewConfiguration(ConfigurationModel):
    configuration = models.TextField(help_text="Certificate HTML View Parameters (JSON)")

    class Meta:
        app_label = "certificates"

    def clean(self):
        try:
            json.loads(self.configuration)
        except ValueError:
            raise ValidationError("Must be valid JSON string.")
'''

SEED_MIGRATION = '''
import json
from django.db import migrations

SEED = {
    "default": {
        "accomplishment_class_append": "accomplishment-certificate",
        "platform_name": "Your Platform Name Here",
        "company_about_url": "http://www.example.com/about-us",
        "company_privacy_url": "http://www.example.com/privacy-policy",
        "company_tos_url": "http://www.example.com/terms-service",
        "company_verified_certificate_url": "http://www.example.com/verified-certificate",
        "logo_src": "/static/certificates/images/logo.png",
        "logo_url": "http://www.example.com",
    },
    "honor": {"certificate_type": "Honor Code", "certificate_title": "Certificate of Achievement"},
}


def forwards(apps, schema_editor):
    model = apps.get_model("certificates", "CertificateHtmlViewConfiguration")
    if not model.objects.exists():
        model.objects.create(enabled=False, configuration=json.dumps(SEED))


class Migration(migrations.Migration):
    dependencies = [("certificates", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
'''


def _write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))


def _manage(platform, *args, data=None, check=True):
    proc = subprocess.run(
        [PYTHON, str(platform / "manage.py")] + list(args),
        cwd=str(platform), input=data, capture_output=True, text=True, timeout=120)
    if check and proc.returncode != 0:
        raise AssertionError("manage.py %s failed: %s" % (args, proc.stderr))
    return proc


@pytest.fixture(scope="session")
def platform_template(tmp_path_factory):
    """The project with both migrations written, database not created."""
    root = tmp_path_factory.mktemp("platform") / "edx-platform"
    _write(root / "manage.py", MANAGE_PY)
    for service in ("lms", "cms"):
        _write(root / service / "__init__.py", "")
        _write(root / service / "envs" / "__init__.py", "")
    _write(root / "lms" / "envs" / "test.py", SETTINGS)
    _write(root / "cms" / "envs" / "test.py", "from lms.envs.test import *  # noqa\n")
    _write(root / "certificates" / "__init__.py", "")
    _write(root / "certificates" / "models.py", MODELS)
    _write(root / "certificates" / "migrations" / "__init__.py", "")
    _manage(root, "lms", "--settings=test", "makemigrations", "certificates")
    assert (root / "certificates" / "migrations" / "0001_initial.py").exists()
    _write(root / "certificates" / "migrations" / "0002_seed.py", SEED_MIGRATION)
    return root


@pytest.fixture
def make_platform(platform_template, tmp_path):
    """make_platform(migrated=True): a fresh copy of the project.

    ``migrated`` True: everything applied; False: nothing applied;
    "partial": everything except certificates.0002_seed (so a seed row is
    missing and one migration is pending, like an upgraded host).
    """
    def build(migrated=True):
        root = tmp_path / "edx-platform"
        shutil.copytree(str(platform_template), str(root))
        if migrated == "partial":
            for target in (["contenttypes"], ["auth"], ["certificates", "0001"]):
                _manage(root, "lms", "--settings=test", "migrate", "--noinput", *target)
        elif migrated:
            _manage(root, "lms", "--settings=test", "migrate", "--noinput")
        return root
    return build


def run_ops(platform, ops, extra_sources=(), service="lms"):
    proc = _manage(platform, service, "--settings=test", "shell", "-c",
                   build_script(extra_sources), data=json.dumps(ops))
    lines = proc.stdout.splitlines()
    assert RESULT_BEGIN in lines, proc.stdout + proc.stderr
    body = lines[lines.index(RESULT_BEGIN) + 1:lines.index(RESULT_END)]
    return json.loads("\n".join(body))


def db_rows(platform):
    with sqlite3.connect(str(platform / "db.sqlite3")) as conn:
        return conn.execute(
            "SELECT id, enabled, configuration, changed_by_id FROM "
            "certificates_certificatehtmlviewconfiguration ORDER BY id").fetchall()


GOOD = {
    "default": {
        "accomplishment_class_append": "accomplishment-certificate",
        "platform_name": "Example Academy",
        "company_about_url": "https://academy.example.com/about",
        "company_privacy_url": "https://academy.example.com/privacy",
        "company_tos_url": "https://academy.example.com/tos",
        "company_verified_certificate_url": "https://academy.example.com/verified",
        "logo_src": "/static/certificates/images/logo.png",
        "logo_url": "https://academy.example.com",
    },
    "verified": {"certificate_type": "Verified", "certificate_title": "Verified Certificate"},
}


# ------------------------------------------------------------ the source text

def test_runner_source_is_ascii_and_compiles():
    RUNNER_SOURCE.encode("ascii")
    compile(RUNNER_SOURCE, "<runner>", "exec")
    compile(build_script(), "<script>", "exec")


def test_runner_source_runs_on_python_27_and_35(tmp_path):
    source = tmp_path / "runner.py"
    source.write_text(RUNNER_SOURCE)
    proc = subprocess.run([str(VERMIN), "-t=2.7-", "-t=3.5-", "--no-tips", "--violations", str(source)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_vermin_check_can_fail(tmp_path):
    """The check above is able to fail: an f-string is refused."""
    source = tmp_path / "bad.py"
    source.write_text(RUNNER_SOURCE + "\nx = 1\ny = f'{x}'\n")
    proc = subprocess.run([str(VERMIN), "-t=2.7-", "-t=3.5-", "--no-tips", "--violations", str(source)],
                          capture_output=True, text=True)
    assert proc.returncode != 0


def test_build_script_dedents_extra_sources():
    script = build_script(["\n    @register_op('x')\n    def x():\n        return {}\n"])
    compile(script, "<script>", "exec")


# ------------------------------------------------------------ real platform runs

def test_platform_info_and_unknown_op(make_platform):
    platform = make_platform()
    results = run_ops(platform, [{"op": "platform_info"}, {"op": "nope"}, {"op": "platform_info"}])
    assert results[0]["django_version"].split(".")[0].isdigit()
    assert results[0]["settings_module"] == "lms.envs.test"
    assert results[0]["release_line"] is None
    assert results[1]["failed"] is True and "unknown op 'nope'" in results[1]["msg"]
    assert len(results) == 2, "a failed op stops the later ops"


def test_extra_sources_register_ops(make_platform):
    platform = make_platform()
    extra = '''
        @register_op('echo')
        def op_echo(value, twice=False):
            if value == 'bad':
                raise OpError('value must not be bad')
            return {'value': value * (2 if twice else 1),
                    'same': canonical_json({'a': 1, 'b': True}) == canonical_json({'b': True, 'a': 1})}

        @register_op('boom')
        def op_boom():
            return 1 / 0
    '''
    results = run_ops(platform, [{"op": "echo", "value": "ab", "twice": True},
                                 {"op": "echo", "value": "bad"}], [extra])
    assert results[0] == {"op": "echo", "value": "abab", "same": True}
    assert results[1] == {"failed": True, "op": "echo", "msg": "value must not be bad"}
    results = run_ops(platform, [{"op": "boom"}], [extra])
    assert results[0]["failed"] and "ZeroDivisionError" in results[0]["msg"]
    assert "Traceback" in results[0]["traceback"]


def test_migrate_lists_then_applies(make_platform):
    platform = make_platform(migrated="partial")
    listed = run_ops(platform, [{"op": "migrate", "apply": False}])[0]
    assert listed["pending"] == ["certificates.0002_seed"]
    assert listed["applied"] == []
    assert db_rows(platform) == [], "listing applies nothing"

    applied = run_ops(platform, [{"op": "migrate", "apply": True}])[0]
    assert applied["pending"] == ["certificates.0002_seed"]
    assert applied["applied"] == ["certificates.0002_seed"]
    assert applied["remaining"] == []
    assert len(db_rows(platform)) == 1

    again = run_ops(platform, [{"op": "migrate", "apply": True}], service="cms")[0]
    assert again["pending"] == [] and again["applied"] == []


def test_migrate_fresh_database(make_platform):
    platform = make_platform(migrated=False)
    result = run_ops(platform, [{"op": "migrate", "apply": True}])[0]
    assert "certificates.0001_initial" in result["pending"]
    assert "auth.0001_initial" in result["pending"]
    assert sorted(result["applied"]) == sorted(result["pending"])


BOOM_MIGRATION = '''
from django.db import migrations


def forwards(apps, schema_editor):
    raise RuntimeError("boom: the column is too small for the data")


class Migration(migrations.Migration):
    dependencies = [("certificates", "0002_seed")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
'''


def add_failing_migration(platform):
    """certificates.0003_boom: fails after everything else of a fresh
    database (auth, contenttypes, config_models, certificates 0001-0002)
    could be applied."""
    _write(platform / "certificates" / "migrations" / "0003_boom.py", BOOM_MIGRATION)
    return "certificates.0003_boom"


def test_migrate_failing_midway_reports_what_was_applied(make_platform):
    platform = make_platform(migrated=False)
    boom = add_failing_migration(platform)
    plan = run_ops(platform, [{"op": "migrate", "apply": False}])[0]["pending"]
    assert plan[-1] == boom and len(plan) > 10
    results = run_ops(platform, [{"op": "migrate", "apply": True}, {"op": "platform_info"}])
    assert len(results) == 1, "a failed migrate stops the later ops"
    failed = results[0]
    assert failed["failed"] is True and failed["op"] == "migrate"
    assert failed["failed_migration"] == boom
    assert "migration %s failed" % boom in failed["msg"] and "RuntimeError: boom" in failed["msg"]
    assert "%d of the %d pending migrations were applied before it" % (len(plan) - 1, len(plan)) \
        in failed["msg"]
    assert failed["pending"] == plan, "the plan as it was before the run"
    assert failed["applied"] == plan[:-1] and failed["remaining"] == [boom]
    assert "RuntimeError: boom" in failed["traceback"]
    assert "Applying %s..." % boom in failed["output"]
    assert len(db_rows(platform)) == 1, "what was applied stays applied (the seed row)"


def test_migrate_failing_before_any_migration_names_none(make_platform):
    platform = make_platform(migrated="partial")
    # Two leaf migrations of one app: migrate refuses before applying anything.
    _write(platform / "certificates" / "migrations" / "0002_other.py", SEED_MIGRATION)
    failed = run_ops(platform, [{"op": "migrate", "apply": True}])[0]
    assert failed["failed"] is True and failed["failed_migration"] is None
    assert "Conflicting migrations" in failed["msg"]
    assert failed["applied"] == [] and failed["remaining"] == failed["pending"]


def test_html_view_config_before_its_table_exists(make_platform):
    # A check run on a host whose certificates migrations are pending: the
    # op says the table is missing; a real run fails on it (it migrates first).
    platform = make_platform(migrated=False)
    wanted = {"enabled": True, "configuration": GOOD}
    check = run_ops(platform, [{"op": "html_view_config", "wanted": wanted, "apply": False}])[0]
    assert check.get("failed") is not True, check
    assert check["table_missing"] is True and check["changed"] is True and check["written"] is False
    real = run_ops(platform, [{"op": "html_view_config", "wanted": wanted, "apply": True}])[0]
    assert real["failed"] is True and "table" in real["msg"].lower()


def test_html_view_config_append_only(make_platform):
    platform = make_platform()
    seed = db_rows(platform)
    assert len(seed) == 1 and seed[0][1] == 0

    wanted = {"enabled": True, "configuration": GOOD}
    check = run_ops(platform, [{"op": "html_view_config", "wanted": wanted, "apply": False}])[0]
    assert check["changed"] is True and check["written"] is False
    assert check["before"]["enabled"] is False
    assert check["before"]["configuration"]["default"]["platform_name"] == "Your Platform Name Here"
    assert db_rows(platform) == seed, "check mode writes nothing"

    done = run_ops(platform, [{"op": "html_view_config", "wanted": wanted, "apply": True}])[0]
    assert done["changed"] is True and done["written"] is True
    rows = db_rows(platform)
    assert rows[0] == seed[0], "the old row is untouched"
    assert len(rows) == 2 and done["row_id"] == rows[1][0] and done["rows"] == 2
    assert json.loads(rows[1][2]) == GOOD and rows[1][1] == 1
    assert rows[1][2] == json.dumps(GOOD, sort_keys=True, indent=2, separators=(",", ": "))
    assert done["after"]["configuration"] == GOOD

    # Same content, other key order and a JSON text round trip: no new row.
    reordered = json.loads(json.dumps(GOOD, sort_keys=False))
    reordered = dict(reversed(list(reordered.items())))
    same = run_ops(platform, [{"op": "html_view_config", "apply": True,
                               "wanted": {"enabled": True, "configuration": reordered}}])[0]
    assert same["changed"] is False and same["written"] is False
    assert len(db_rows(platform)) == 2

    # Only the flag differs: a new row.
    off = run_ops(platform, [{"op": "html_view_config", "apply": True,
                              "wanted": {"enabled": False, "configuration": GOOD}}])[0]
    assert off["changed"] is True and len(db_rows(platform)) == 3


def test_html_view_config_semantic_compare_is_strict_on_types(make_platform):
    platform = make_platform()
    config = json.loads(json.dumps(GOOD))
    config["default"]["flag"] = True
    run_ops(platform, [{"op": "html_view_config", "apply": True,
                        "wanted": {"enabled": True, "configuration": config}}])
    config["default"]["flag"] = 1     # == True in Python, not in JSON
    result = run_ops(platform, [{"op": "html_view_config", "apply": True,
                                 "wanted": {"enabled": True, "configuration": config}}])[0]
    assert result["changed"] is True


def test_html_view_config_user(make_platform):
    platform = make_platform()
    _manage(platform, "lms", "--settings=test", "shell", "-c",
            "from django.contrib.auth.models import User; User.objects.create(username='staff')")
    wanted = {"enabled": True, "configuration": GOOD}
    missing = run_ops(platform, [{"op": "html_view_config", "wanted": wanted, "apply": True,
                                  "username": "ghost"}])[0]
    assert missing["failed"] and "'ghost' does not exist" in missing["msg"]
    assert len(db_rows(platform)) == 1
    done = run_ops(platform, [{"op": "html_view_config", "wanted": wanted, "apply": True,
                               "username": "staff"}])[0]
    assert done["after"]["changed_by"] == "staff"
    assert db_rows(platform)[-1][3] is not None


def test_migrate_then_html_view_config_in_one_process(make_platform):
    platform = make_platform(migrated="partial")
    results = run_ops(platform, [
        {"op": "migrate", "apply": True},
        {"op": "html_view_config", "apply": True, "wanted": {"enabled": True, "configuration": GOOD}},
    ])
    assert results[0]["applied"] == ["certificates.0002_seed"]
    assert results[1]["before"]["enabled"] is False, "sees the row seeded by the migration"
    assert results[1]["rows"] == 2


def test_non_ascii_configuration(make_platform):
    platform = make_platform()
    config = json.loads(json.dumps(GOOD))
    config["default"]["platform_name"] = "\u0643\u0648\u0651\u0650\u0646 Acad\u00e9mie"
    wanted = {"enabled": True, "configuration": config}
    first = run_ops(platform, [{"op": "html_view_config", "wanted": wanted, "apply": True}])[0]
    assert first["after"]["configuration"]["default"]["platform_name"] == config["default"]["platform_name"]
    second = run_ops(platform, [{"op": "html_view_config", "wanted": wanted, "apply": True}])[0]
    assert second["changed"] is False
