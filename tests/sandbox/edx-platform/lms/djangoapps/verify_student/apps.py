from django.apps import AppConfig


class VerifyStudentConfig(AppConfig):
    name = "lms.djangoapps.verify_student"
    label = "verify_student"
    default_auto_field = "django.db.models.AutoField"
