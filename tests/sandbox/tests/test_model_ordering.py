"""The sandbox's models sort like the real ones, and their migrations agree.

A model's ``Meta.ordering`` changes what the toolkit's queries compile to
(up to Django 3.2 it joins the GROUP BY of ``values().annotate()``; in every
version it joins a ``SELECT DISTINCT``), so the sandbox carries the real
orderings (edx-platform master of 2023): ``CourseEnrollment`` orders by
``('user', 'course')`` (the sandbox keeps the older ``course_id`` key field,
the same column), ``CertificateHtmlViewConfiguration`` by ``-change_date``
(django-config-models' ``ConfigurationModel``), and ``GeneratedCertificate``,
``CourseMode`` and ``CourseOverview`` by nothing. The runner's counts under
the older Django majors are tested in
``tests/unit/test_openedx_runner_old_django.py``.
"""
from conftest import Host

ORDERING = '''
from django.apps import apps
result = {}
for label in ("student.CourseEnrollment", "certificates.GeneratedCertificate",
              "certificates.CertificateHtmlViewConfiguration", "course_modes.CourseMode",
              "course_overviews.CourseOverview"):
    model = apps.get_model(label)
    sql = str(model.objects.all().query)
    result[label] = {"ordering": list(model._meta.ordering),
                     "order_by": sql.split(" ORDER BY ", 1)[1] if " ORDER BY " in sql else None}
'''


def test_real_orderings(base_db, tmp_path):
    found = Host(tmp_path, "hawthorn", base_db).script(ORDERING)
    enrollment = found["student.CourseEnrollment"]
    assert enrollment["ordering"] == ["user", "course_id"]
    assert enrollment["order_by"] == ('"student_courseenrollment"."user_id" ASC, '
                                      '"student_courseenrollment"."course_id" ASC')
    assert found["certificates.CertificateHtmlViewConfiguration"]["ordering"] == ["-change_date"]
    for label in ("certificates.GeneratedCertificate", "course_modes.CourseMode",
                  "course_overviews.CourseOverview"):
        assert found[label] == {"ordering": [], "order_by": None}, label


def test_migrations_match_the_models(base_db, tmp_path):
    """Meta.ordering is migration state: a model and its migrations that
    disagree would make Django want a new migration."""
    proc = Host(tmp_path, "hawthorn", base_db).manage("lms", "makemigrations", "--check", "--dry-run")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No changes detected" in proc.stdout
