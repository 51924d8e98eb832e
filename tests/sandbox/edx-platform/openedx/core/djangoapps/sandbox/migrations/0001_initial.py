
import django.utils.timezone
import opaque_keys.edx.django.models
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
    ]

    operations = [
        migrations.CreateModel(
            name='CourseCertificateSet',
            fields=[
                ('id', models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('course_id', opaque_keys.edx.django.models.CourseKeyField(max_length=255, unique=True)),
                ('certificates', models.TextField(default='[]', help_text='JSON list of certificate configurations')),
            ],
        ),
        migrations.CreateModel(
            name='SandboxTask',
            fields=[
                ('id', models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=255)),
                ('kwargs', models.TextField(default='{}')),
                ('status', models.CharField(db_index=True, default='pending', max_length=16)),
                ('result', models.TextField(blank=True, default='')),
                ('created', models.DateTimeField(default=django.utils.timezone.now)),
                ('finished', models.DateTimeField(blank=True, null=True)),
            ],
        ),
    ]
