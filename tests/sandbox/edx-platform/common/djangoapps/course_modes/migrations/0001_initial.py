
import opaque_keys.edx.django.models
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
    ]

    operations = [
        migrations.CreateModel(
            name='CourseMode',
            fields=[
                ('id', models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('course_id', opaque_keys.edx.django.models.CourseKeyField(db_index=True, max_length=255, verbose_name='Course')),
                ('mode_slug', models.CharField(max_length=100, verbose_name='Mode')),
                ('mode_display_name', models.CharField(max_length=255, verbose_name='Display Name')),
                ('min_price', models.IntegerField(default=0, verbose_name='Price')),
                ('currency', models.CharField(default='usd', max_length=8)),
                ('expiration_datetime', models.DateTimeField(blank=True, default=None, null=True)),
                ('expiration_date', models.DateField(blank=True, default=None, null=True)),
                ('suggested_prices', models.CharField(blank=True, default='', max_length=255)),
                ('description', models.TextField(blank=True, null=True)),
                ('sku', models.CharField(blank=True, max_length=255, null=True)),
                ('bulk_sku', models.CharField(blank=True, default=None, max_length=255, null=True)),
            ],
            options={
                'unique_together': {('course_id', 'mode_slug', 'currency')},
            },
        ),
    ]
