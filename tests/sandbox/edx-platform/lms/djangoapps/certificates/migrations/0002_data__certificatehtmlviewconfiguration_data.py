"""
Seed the certificate HTML view configuration with one DISABLED row holding
placeholder values, as edx-platform's data migration does.
"""
import json

from django.db import migrations


def create_config(apps, schema_editor):
    config = {
        "default": {
            "accomplishment_class_append": "accomplishment-certificate",
            "platform_name": "Your Platform Name Here",
            "company_about_url": "http://www.example.com/about-us",
            "company_privacy_url": "http://www.example.com/privacy-policy",
            "company_tos_url": "http://www.example.com/terms-service",
            "company_verified_certificate_url": "http://www.example.com/verified-certificate",
            "logo_src": "/static/certificates/images/logo.png",
            "logo_url": "http://www.example.com",
        },
        "honor": {
            "certificate_type": "Honor Code",
            "certificate_title": "Certificate of Achievement",
        },
        "verified": {
            "certificate_type": "Verified",
            "certificate_title": "Verified Certificate of Achievement",
        },
    }
    CertificateHtmlViewConfiguration = apps.get_model("certificates", "CertificateHtmlViewConfiguration")
    db_alias = schema_editor.connection.alias
    CertificateHtmlViewConfiguration.objects.using(db_alias).create(
        configuration=json.dumps(config),
        enabled=False,
    )


def remove_config(apps, schema_editor):
    CertificateHtmlViewConfiguration = apps.get_model("certificates", "CertificateHtmlViewConfiguration")
    CertificateHtmlViewConfiguration.objects.using(schema_editor.connection.alias).all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('certificates', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(create_config, remove_config),
    ]
