"""The runner's counting queries under the Django of each emulated release.

The sandbox platform runs one recent Django, but the real releases it
emulates run older ones: hawthorn Django 1.11, lilac 2.2, maple 3.2 (and
edx-platform master until 2023). Up to 3.2, a model's ``Meta.ordering`` ends
up in the GROUP BY of ``values(field).annotate(Count(...))`` unless the query
clears its ordering; Django 4.0 stopped doing that. The real
``CourseEnrollment`` has ``Meta.ordering = ('user', 'course')``, so an
uncleared count of enrollments by mode came out as one group per learner on
the real platform, and right on the sandbox.

Here the ops ``course_info`` and ``cert_report`` run for real, through the
runner, in a throwaway Django project whose models have the real names, app
labels, columns and ``Meta`` (ordering included), once per Django: the venvs
of ``make old-django`` (pinned in ``requirements/old-django/``) and the
project's own ``.venv`` Django.
"""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ansible.module_utils.openedx_runner import RESULT_BEGIN, RESULT_END, build_script
from ansible.module_utils.openedx_runner_certs import CERTS_SOURCE

ROOT = Path(__file__).resolve().parents[2]
OLD_DJANGO_DIR = ROOT / ".sandbox" / "old-django"
COURSE = "course-v1:edX+DemoX+Demo_Course"
OTHER = "course-v1:edX+Other+2030"

# (release, Django major); None: the .venv's own Django (the sandbox's).
DJANGOS = [("hawthorn", "1.11"), ("lilac", "2.2"), ("maple", "3.2"), ("sandbox", None)]

MANAGE_PY = '''
import collections
import collections.abc
import os
import sys

# Django 1.11 (hawthorn's) imports these ABCs from collections; Python 3.10
# removed them there. Only the ORM and sqlite are under test here.
for _name in ("Callable", "Iterable", "Iterator", "Mapping", "MutableMapping", "Sequence", "Set"):
    if not hasattr(collections, _name):
        setattr(collections, _name, getattr(collections.abc, _name))

if __name__ == "__main__":
    service = sys.argv.pop(1)
    rest = []
    settings = "test"
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
# Django 1.11's translation setup fails on Python 3.11 (no
# GNUTranslations.set_output_charset); nothing here is translated.
USE_I18N = False
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "course_overviews",
    "student",
    "certificates",
    "course_modes",
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3",
                         "NAME": os.path.join(BASE_DIR, "db.sqlite3")}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
'''

# The models, after edx-platform master of 2023 (the fields the ops read).
MODELS = {
    "course_overviews": '''
        from django.db import models
        from opaque_keys.edx.django.models import CourseKeyField


        class CourseOverview(models.Model):
            class Meta:
                app_label = "course_overviews"

            id = CourseKeyField(db_index=True, primary_key=True, max_length=255)
            display_name = models.TextField(null=True)
            end = models.DateTimeField(null=True)
            cert_html_view_enabled = models.BooleanField(default=False)
    ''',
    # common/djangoapps/student/models/course_enrollment.py:293-297
    "student": '''
        from django.conf import settings
        from django.db import models

        from course_overviews.models import CourseOverview


        class CourseEnrollment(models.Model):
            user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
            course = models.ForeignKey(CourseOverview, db_constraint=False, on_delete=models.DO_NOTHING)
            created = models.DateTimeField(auto_now_add=True, null=True, db_index=True)
            is_active = models.BooleanField(default=True)
            mode = models.CharField(default="audit", max_length=100)

            class Meta:
                app_label = "student"
                unique_together = (("user", "course"),)
                ordering = ("user", "course")
    ''',
    # lms/djangoapps/certificates/models.py: no Meta.ordering.
    "certificates": '''
        from django.conf import settings
        from django.db import models
        from opaque_keys.edx.django.models import CourseKeyField


        class GeneratedCertificate(models.Model):
            user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
            course_id = CourseKeyField(max_length=255, blank=True, default=None)
            status = models.CharField(max_length=32, default="unavailable")
            mode = models.CharField(max_length=32, default="honor")
            created_date = models.DateTimeField(auto_now_add=True)
            modified_date = models.DateTimeField(auto_now=True)

            class Meta:
                app_label = "certificates"
                unique_together = (("user", "course_id"),)
    ''',
    "course_modes": '''
        from django.db import models
        from opaque_keys.edx.django.models import CourseKeyField


        class CourseMode(models.Model):
            course_id = CourseKeyField(max_length=255, db_index=True)
            mode_slug = models.CharField(max_length=100)

            class Meta:
                app_label = "course_modes"
                unique_together = ("course_id", "mode_slug")
    ''',
}

# The measured case: 1 audit, 3 honor, 1 verified active learner, one more
# honor learner inactive, and a learner of the course in another course.
DATA = '''
import datetime
import json
from django.contrib.auth.models import User
from django.db.models import Count
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey
from certificates.models import GeneratedCertificate
from course_modes.models import CourseMode
from course_overviews.models import CourseOverview
from student.models import CourseEnrollment

key = CourseKey.from_string(%(course)r)
other = CourseKey.from_string(%(other)r)
end = timezone.now() + datetime.timedelta(days=365)
CourseOverview.objects.create(id=key, display_name="Demo", end=end, cert_html_view_enabled=True)
CourseOverview.objects.create(id=other, display_name="Other", end=end)
for slug in ("audit", "honor", "verified"):
    CourseMode.objects.create(course_id=key, mode_slug=slug)
learners = [("u1", "audit", True, "downloadable"), ("u2", "honor", True, "downloadable"),
            ("u3", "honor", True, "notpassing"), ("u4", "honor", True, "downloadable"),
            ("u5", "verified", True, "unverified"), ("u6", "honor", False, None)]
for name, mode, active, status in learners:
    user = User.objects.create(username=name)
    CourseEnrollment.objects.create(user=user, course_id=key, mode=mode, is_active=active)
    if status:
        GeneratedCertificate.objects.create(user=user, course_id=key, mode=mode, status=status)
CourseEnrollment.objects.create(user=User.objects.get(username="u1"), course_id=other, mode="honor")
naive = CourseEnrollment.objects.filter(course_id=key, is_active=True).values("mode").annotate(n=Count("pk"))
print("NAIVE " + json.dumps({"sql": str(naive.query),
                             "by_mode": dict((row["mode"], row["n"]) for row in naive)}))
''' % {"course": COURSE, "other": OTHER}

TRUE_BY_MODE = {"audit": 1, "honor": 3, "verified": 1}


def _write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))


def _python(major):
    """The interpreter of that Django: a venv of ``make old-django`` (which
    ``make setup`` builds; asked again here, so that a plain pytest run works
    too: up to date, it costs nothing, and it builds under a lock)."""
    if major is None:
        return sys.executable
    proc = subprocess.run(["make", "-s", "old-django"], cwd=str(ROOT), capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, "make old-django failed:\n" + proc.stdout + proc.stderr
    python = OLD_DJANGO_DIR / major / "bin" / "python"
    assert python.exists(), "make old-django did not build %s" % python
    return str(python)


def _manage(python, project, *args, data=None):
    proc = subprocess.run([python, "manage.py"] + list(args), cwd=str(project), input=data,
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, "manage.py %s failed:\n%s%s" % (args[:3], proc.stdout, proc.stderr)
    return proc.stdout


def _shell_script(source):
    # Django 1.11's shell -c runs the text in a function's locals, where the
    # generator above could not see its neighbours: run it in a namespace.
    return "exec(compile(%r, '<data>', 'exec'), {'__name__': '__data__'})\n" % source


@pytest.fixture(scope="module", params=DJANGOS, ids=[release for release, _ in DJANGOS])
def platform(request, tmp_path_factory):
    release, major = request.param
    python = _python(major)
    project = tmp_path_factory.mktemp("platform-%s" % release) / "edx-platform"
    _write(project / "manage.py", MANAGE_PY)
    for package in ("lms", "lms/envs"):
        _write(project / package / "__init__.py", "")
    _write(project / "lms" / "envs" / "test.py", SETTINGS)
    for app, models in MODELS.items():
        _write(project / app / "__init__.py", "")
        _write(project / app / "models.py", models)
    version = _manage(python, project, "lms", "--settings=test", "shell", "-c",
                      "import django; print(django.get_version())").strip()
    if major is not None:
        assert version.startswith(major + "."), "%s runs Django %s, not %s" % (python, version, major)
    _manage(python, project, "lms", "--settings=test", "migrate", "--run-syncdb", "--noinput")
    out = _manage(python, project, "lms", "--settings=test", "shell", "-c", _shell_script(DATA))
    naive = json.loads(out.split("NAIVE ", 1)[1].splitlines()[0])
    return {"release": release, "major": major, "version": version, "python": python,
            "project": project, "naive": naive}


def run_ops(platform, ops):
    out = _manage(platform["python"], platform["project"], "lms", "--settings=test", "shell", "-c",
                  build_script([CERTS_SOURCE]), data=json.dumps(ops))
    lines = out.splitlines()
    assert RESULT_BEGIN in lines, out
    results = json.loads("\n".join(lines[lines.index(RESULT_BEGIN) + 1:lines.index(RESULT_END)]))
    for result in results:
        assert not result.get("failed"), result
    return results


def test_the_platform_groups_per_learner_without_order_by(platform):
    """The premise, on this Django: an uncleared count by mode of the real
    CourseEnrollment groups by its Meta.ordering columns too (up to 3.2)."""
    naive = platform["naive"]
    group_by = naive["sql"].split("GROUP BY", 1)[1].split("ORDER BY", 1)[0]
    if platform["major"] is not None:  # 1.11, 2.2, 3.2
        assert '"user_id"' in group_by and '"course_id"' in group_by, naive["sql"]
        assert naive["by_mode"] == {"audit": 1, "honor": 1, "verified": 1}, naive
    else:
        assert '"user_id"' not in group_by, naive["sql"]
        assert naive["by_mode"] == TRUE_BY_MODE, naive


def test_course_info_counts_enrollments_by_mode(platform):
    info = run_ops(platform, [{"op": "course_info", "course_id": COURSE}])[0]
    assert info["enrollments"] == {"total": 6, "active": 5, "by_mode": TRUE_BY_MODE}, platform["version"]
    assert info["certificates"] == {"downloadable": 3, "notpassing": 1, "unverified": 1}
    assert info["certificates_total"] == 5
    assert info["modes"] == ["audit", "honor", "verified"] and info["exists"] is True


def test_cert_report_counts(platform):
    report = run_ops(platform, [{"op": "cert_report", "course_id": COURSE}])[0]
    assert report["counts"] == {
        "enrolled_current": 5, "enrolled_total": 6,
        "verified_enrolled": 1, "honor_enrolled": 3, "audit_enrolled": 1,
        "downloadable": 3, "notpassing": 1, "unverified": 1,
        "audit": 1, "honor": 2,
    }, platform["version"]
