"""
CertificateGenerationConfiguration (table
certificates_certificategenerationconfiguration), the site-wide switch of
self-generated certificates. After 0004_merge, so it stays pending on an
image as 0002, 0003_certificategenerationcoursesetting and 0004_merge do
(see openedx/core/djangoapps/sandbox/image_setup.py): a host's
`migrate` (the toolkit's openedx_migrate) creates it with the others.
"""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('certificates', '0004_merge'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='CertificateGenerationConfiguration',
            fields=[
                ('id', models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('change_date', models.DateTimeField(auto_now_add=True, verbose_name='Change date')),
                ('enabled', models.BooleanField(default=False, verbose_name='Enabled')),
                ('changed_by', models.ForeignKey(editable=False, null=True,
                                                 on_delete=django.db.models.deletion.PROTECT,
                                                 to=settings.AUTH_USER_MODEL, verbose_name='Changed by')),
            ],
            options={
                'ordering': ('-change_date',),
                'abstract': False,
            },
        ),
    ]
