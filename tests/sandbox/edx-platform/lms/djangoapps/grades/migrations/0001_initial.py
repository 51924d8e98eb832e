
import django.utils.timezone
import opaque_keys.edx.django.models
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
    ]

    operations = [
        migrations.CreateModel(
            name='PersistentCourseGrade',
            fields=[
                ('id', models.BigAutoField(primary_key=True, serialize=False)),
                ('created', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ('modified', models.DateTimeField(auto_now=True)),
                ('user_id', models.IntegerField(db_index=True)),
                ('course_id', opaque_keys.edx.django.models.CourseKeyField(max_length=255)),
                ('course_edited_timestamp', models.DateTimeField(blank=True, null=True, verbose_name='Last content edit timestamp')),
                ('course_version', models.CharField(blank=True, max_length=255, verbose_name='Course content version identifier')),
                ('grading_policy_hash', models.CharField(max_length=255, verbose_name='Hash of grading policy')),
                ('percent_grade', models.FloatField()),
                ('letter_grade', models.CharField(max_length=255, verbose_name='Letter grade for course')),
                ('passed_timestamp', models.DateTimeField(blank=True, null=True, verbose_name='Date learner earned a passing grade')),
            ],
            options={
                'unique_together': {('course_id', 'user_id')},
            },
        ),
    ]
