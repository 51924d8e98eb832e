"""
The sandbox app: things of the sandbox that are not part of edx-platform
(the demo data loader, the task table standing in for Celery, and the
per-release command filter).
"""
from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "openedx.core.djangoapps.sandbox"
    label = "sandbox"
    default_auto_field = "django.db.models.AutoField"

    def ready(self):
        from .release_commands import install_command_filter
        install_command_filter()
