from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('course_overviews', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='courseoverview',
            name='lowest_passing_grade',
            field=models.DecimalField(decimal_places=2, max_digits=5, null=True),
        ),
    ]
