"""Joins the two branches of the sandbox's certificates migrations (see 0003_allowlist_invalidation_history)."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('certificates', '0003_certificategenerationcoursesetting'),
        ('certificates', '0003_allowlist_invalidation_history'),
    ]

    operations = []
