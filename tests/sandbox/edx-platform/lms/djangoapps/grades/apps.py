from django.apps import AppConfig


class GradesConfig(AppConfig):
    name = "lms.djangoapps.grades"
    label = "grades"
    default_auto_field = "django.db.models.AutoField"
