from django.apps import AppConfig


class CourseModesConfig(AppConfig):
    name = "common.djangoapps.course_modes"
    label = "course_modes"
    default_auto_field = "django.db.models.AutoField"
