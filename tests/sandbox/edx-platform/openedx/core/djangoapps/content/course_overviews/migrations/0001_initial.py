
import django.utils.timezone
import opaque_keys.edx.django.models
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
    ]

    operations = [
        migrations.CreateModel(
            name='CourseOverview',
            fields=[
                ('created', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ('modified', models.DateTimeField(auto_now=True)),
                ('version', models.IntegerField(default=6)),
                ('id', opaque_keys.edx.django.models.CourseKeyField(db_index=True, max_length=255, primary_key=True, serialize=False)),
                ('_location', models.CharField(default='', max_length=255)),
                ('org', models.TextField(default='outdated_entry', max_length=255)),
                ('display_name', models.TextField(null=True)),
                ('display_number_with_default', models.TextField(default='')),
                ('display_org_with_default', models.TextField(default='')),
                ('start', models.DateTimeField(null=True)),
                ('end', models.DateTimeField(null=True)),
                ('advertised_start', models.TextField(null=True)),
                ('announcement', models.DateTimeField(null=True)),
                ('certificate_available_date', models.DateTimeField(default=None, null=True)),
                ('certificates_display_behavior', models.TextField(null=True)),
                ('certificates_show_before_end', models.BooleanField(default=False)),
                ('cert_html_view_enabled', models.BooleanField(default=False)),
                ('has_any_active_web_certificate', models.BooleanField(default=False)),
                ('cert_name_short', models.TextField()),
                ('cert_name_long', models.TextField()),
                ('self_paced', models.BooleanField(default=False)),
                ('catalog_visibility', models.TextField(null=True)),
                ('short_description', models.TextField(null=True)),
            ],
        ),
    ]
