from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "lms.djangoapps.certificates"
    label = "certificates"
    default_auto_field = "django.db.models.AutoField"

    def ready(self):
        # the receivers of certificates/signals.py, as the real app's ready() imports them
        from . import signals  # noqa: F401
