"""
Django's own `shell`, without the automatic model imports of Django >= 5.2
(the real, older platform's shell prints nothing of its own).
"""
from django.core.management.commands.shell import Command as DjangoShellCommand


class Command(DjangoShellCommand):
    def get_namespace(self, **options):
        return super().get_namespace(**dict(options, no_imports=True))
