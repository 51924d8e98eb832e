"""
Shared fixtures of the sandbox platform's own tests.

Every test runs the platform as the toolkit does: `manage.py lms|cms ...` in a
subprocess, against a config written in a tmp dir and a copy of one sqlite DB
that is migrated (certificates left at 0001) and loaded once per session.
"""
import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

SANDBOX = Path(__file__).resolve().parent.parent
PLATFORM = SANDBOX / "edx-platform"
EXPECTATIONS = json.loads((SANDBOX / "demo_expectations.json").read_text())
PYTHON = sys.executable

DEMO = "course-v1:edX+DemoX+Demo_Course"
TOY = "edX/toy/2012_Fall"
BENCH = "course-v1:OpenedX+Bench+2026"
NOCERT = "course-v1:OpenedX+NoCert+2025"

RESULT_BEGIN = "--- sandbox-test result begin ---"
RESULT_END = "--- sandbox-test result end ---"


def sqlite_database(path):
    """A DATABASES entry for one test's SQLite file. The sandbox's own rule
    tests keep a file per test (fast, isolated); the hosts run MariaDB. All
    the keys are there because the settings' DB_MIGRATION_* rewrite reads
    each of them, as the real one does."""
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path), "USER": "", "PASSWORD": "",
            "HOST": "", "PORT": "", "OPTIONS": {"timeout": 30}}


class Host:
    """A sandbox platform configured in a tmp dir for one release."""

    def __init__(self, root, release, db, features=None, cutoff=None, extra=None):
        self.root = Path(root)
        self.release = release
        self.db = str(db)
        self.legacy = release == "hawthorn"
        self.settings = "aws" if self.legacy else "production"
        self.start_log = self.root / "log" / "manage-starts.log"
        (self.root / "log").mkdir(exist_ok=True)
        self.write_config(features or {}, cutoff, extra or {})

    def tokens(self, service, features, cutoff, extra):
        env = {"PLATFORM_NAME": "Sandbox Test", "FEATURES": dict(features.get(service, features.get("all", {})))}
        if cutoff is not None:
            env["AUDIT_CERT_CUTOFF_DATE"] = cutoff
        env.update(extra)
        auth = {"SECRET_KEY": "test-secret",
                "DATABASES": getattr(self, "_databases", None) or {"default": sqlite_database(self.db)}}
        return env, auth

    def write_databases(self, databases):
        """Replace DATABASES in the config files (both services)."""
        self._databases = databases
        self.write_config(*self._config_args)

    def write_config(self, features, cutoff, extra):
        self._config_args = (features, cutoff, extra)
        for service in ("lms", "cms"):
            env, auth = self.tokens(service, features, cutoff, extra)
            if self.legacy:
                (self.root / ("%s.env.json" % service)).write_text(json.dumps(env, indent=4, sort_keys=True))
                (self.root / ("%s.auth.json" % service)).write_text(json.dumps(auth, indent=4, sort_keys=True))
            else:
                env.update(auth)
                name = "lms.yml" if service == "lms" else "studio.yml"
                (self.root / name).write_text(yaml.safe_dump(env))

    def env(self, **overrides):
        env = {k: v for k, v in os.environ.items()
               if k not in ("DJANGO_SETTINGS_MODULE", "SERVICE_VARIANT", "CONFIG_ROOT", "LMS_CFG",
                            "STUDIO_CFG", "CMS_CFG")}
        env["SANDBOX_RELEASE_LINE"] = self.release
        env["SANDBOX_MANAGE_LOG"] = str(self.start_log)
        if self.legacy:
            env["CONFIG_ROOT"] = str(self.root)
        else:
            env["LMS_CFG"] = str(self.root / "lms.yml")
            # Redwood's Studio reads CMS_CFG (STUDIO_CFG only as a deprecated
            # fallback), as Tutor v18 sets it, and so does Verawood's (Tutor
            # v22); Lilac and Maple read STUDIO_CFG.
            env["CMS_CFG" if self.release in ("redwood", "verawood") else "STUDIO_CFG"] = str(self.root / "studio.yml")
        env.update(overrides)
        return {k: v for k, v in env.items() if v is not None}

    def manage(self, service, *args, settings=None, env=None, stdin=None, check=False):
        argv = [PYTHON, "manage.py", service, "--settings", settings or self.settings] + list(args)
        proc = subprocess.run(argv, cwd=PLATFORM, env=self.env(**(env or {})), input=stdin,
                              capture_output=True, text=True, timeout=180)
        if check and proc.returncode != 0:
            raise AssertionError("%s failed (%s):\n%s\n%s" % (argv, proc.returncode, proc.stdout, proc.stderr))
        return proc

    def script(self, source, service="lms", env=None):
        """Run Python source in `manage.py shell -c`; it must set `result`; returns it."""
        wrapped = source + "\nimport json as _j\nprint(%r)\nprint(_j.dumps(result, default=str))\nprint(%r)\n" % (
            RESULT_BEGIN, RESULT_END)
        proc = self.manage(service, "shell", "-c", wrapped, env=env, check=True)
        out = proc.stdout
        body = out[out.index(RESULT_BEGIN) + len(RESULT_BEGIN):out.index(RESULT_END)]
        return json.loads(body)

    def sql(self, query, params=()):
        import sqlite3
        conn = sqlite3.connect(self.db)
        try:
            return conn.execute(query, params).fetchall()
        finally:
            conn.close()


def _build_base_db(tmp, release="hawthorn", large_course=False):
    """The demo DB as provision.sh's image_setup writes it, without the
    30,000-learner course unless large_course (each test copies this file:
    30,000 more learners would make every copy cost seconds)."""
    host = Host(tmp, release, tmp / "base.sqlite3")
    host.manage("lms", "shell", "-c",
                "from openedx.core.djangoapps.sandbox.image_setup import setup; setup(large_course=%r)"
                % bool(large_course), check=True)
    return tmp / "base.sqlite3"


@pytest.fixture(scope="session")
def base_db(tmp_path_factory):
    return _build_base_db(tmp_path_factory.mktemp("base"))


@pytest.fixture(scope="session")
def base_db_redwood(tmp_path_factory):
    """The demo DB as load_demo_data writes it on redwood: the courses above
    plus demo_expectations.json release_courses.redwood. Built as the image
    is (large_course=True): redwood is no line of LARGE_COURSE_RELEASES, so
    the course must not be in it (test_large_course checks)."""
    return _build_base_db(tmp_path_factory.mktemp("base-redwood"), "redwood", large_course=True)


@pytest.fixture(scope="session")
def base_db_verawood(tmp_path_factory):
    """The demo DB as load_demo_data writes it on verawood (release_courses.verawood),
    without the 30,000-learner course (test_large_course builds that one)."""
    return _build_base_db(tmp_path_factory.mktemp("base-verawood"), "verawood")


@pytest.fixture
def make_host(tmp_path, base_db):
    """make_host(release, features=..., cutoff=...) -> Host with a fresh copy of the demo DB."""
    counter = [0]

    def make(release="hawthorn", **kwargs):
        counter[0] += 1
        root = tmp_path / ("host%d-%s" % (counter[0], release))
        root.mkdir()
        db = root / "edxapp.sqlite3"
        shutil.copy(base_db, db)
        return Host(root, release, db, **kwargs)

    return make


HTML_ON = {"all": {"CERTIFICATES_HTML_VIEW": True}}


def report_counts(host, course_id):
    """The gen_cert_report dict, computed independently with SQL from the reference's rules."""
    q = host.sql
    data = {
        "enrolled_current": q("SELECT COUNT(*) FROM student_courseenrollment WHERE course_id=? AND is_active=1",
                              (course_id,))[0][0],
        "enrolled_total": q("SELECT COUNT(*) FROM student_courseenrollment WHERE course_id=?", (course_id,))[0][0],
    }
    for mode in ("verified", "honor", "audit"):
        data["%s_enrolled" % mode] = q(
            "SELECT COUNT(*) FROM certificates_generatedcertificate WHERE course_id=? AND mode=?",
            (course_id, mode))[0][0]
    for status, n in q("SELECT status, COUNT(*) FROM certificates_generatedcertificate WHERE course_id=? "
                       "GROUP BY status", (course_id,)):
        data[status] = n
    for mode, n in q("SELECT mode, COUNT(*) FROM certificates_generatedcertificate WHERE course_id=? "
                     "AND status='downloadable' GROUP BY mode", (course_id,)):
        data[mode] = n
    return data


def expected_report(course_id, data):
    keys = sorted(data)
    return ("Looking up certificate states for %s\n" % course_id
            + "{:>26}".format("course ID") + " " + " ".join("{:>16}".format(k) for k in keys) + "\n"
            + "{:>26}".format(course_id) + " " + "".join("{:>16} ".format(data[k]) for k in keys) + "\n")


def parse_report(text):
    lines = text.splitlines()
    header, values = lines[1].split(), lines[2].split()
    assert header[:2] == ["course", "ID"]
    return dict(zip(header[2:], [int(v) for v in values[1:]]))


LARGE_COURSE_COMMAND = PLATFORM / "openedx/core/djangoapps/sandbox/management/commands/load_large_course.py"


def large_course_releases():
    """LARGE_COURSE_RELEASES as the command module writes it (read without
    importing it: the module needs Django's settings)."""
    for node in ast.parse(LARGE_COURSE_COMMAND.read_text()).body:
        if isinstance(node, ast.Assign) and [t.id for t in node.targets] == ["LARGE_COURSE_RELEASES"]:
            return tuple(ast.literal_eval(node.value))
    raise AssertionError("no LARGE_COURSE_RELEASES in %s" % LARGE_COURSE_COMMAND)
