"""
CourseMode as the real model has it (see models.py): ``course`` a
ForeignKey to CourseOverview on the existing ``course_id`` column (no
constraint), ``_expiration_datetime`` on the existing ``expiration_datetime``
column, and the columns expiration_datetime_is_explicit, android_sku and
ios_sku. The first two change the model state only: the table keeps its
columns and its unique index on (course_id, mode_slug, currency).
"""
import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("course_modes", "0001_initial"),
        ("course_overviews", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterUniqueTogether(name="coursemode", unique_together=set()),
                migrations.RemoveField(model_name="coursemode", name="course_id"),
                migrations.AddField(
                    model_name="coursemode",
                    name="course",
                    field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING,
                                            related_name="modes", to="course_overviews.courseoverview",
                                            default=None),
                    preserve_default=False,
                ),
                migrations.AlterUniqueTogether(name="coursemode",
                                               unique_together={("course", "mode_slug", "currency")}),
                migrations.RemoveField(model_name="coursemode", name="expiration_datetime"),
                migrations.AddField(
                    model_name="coursemode",
                    name="_expiration_datetime",
                    field=models.DateTimeField(blank=True, db_column="expiration_datetime", default=None, null=True,
                                               verbose_name="Upgrade Deadline"),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="coursemode",
            name="expiration_datetime_is_explicit",
            field=models.BooleanField(default=False, verbose_name="Lock upgrade deadline date"),
        ),
        migrations.AddField(
            model_name="coursemode",
            name="android_sku",
            field=models.CharField(blank=True, max_length=255, null=True, verbose_name="Android SKU"),
        ),
        migrations.AddField(
            model_name="coursemode",
            name="ios_sku",
            field=models.CharField(blank=True, max_length=255, null=True, verbose_name="iOS SKU"),
        ),
        migrations.AlterField(
            model_name="coursemode",
            name="suggested_prices",
            field=models.CharField(blank=True, default="", max_length=255,
                                   validators=[django.core.validators.validate_comma_separated_integer_list]),
        ),
        migrations.AlterField(
            model_name="coursemode",
            name="sku",
            field=models.CharField(blank=True, max_length=255, null=True, verbose_name="SKU"),
        ),
        migrations.AlterField(
            model_name="coursemode",
            name="bulk_sku",
            field=models.CharField(blank=True, default=None, max_length=255, null=True, verbose_name="Bulk SKU"),
        ),
    ]
