"""
URLs of the sandbox Studio.

As edx-platform's cms/urls.py ("Enable Web/HTML Certificates"): the
certificate URLs exist only when CERTIFICATES_HTML_VIEW is on in Studio's
settings when the URLconf loads, read as
``settings.FEATURES.get('CERTIFICATES_HTML_VIEW')`` in every release the
sandbox emulates (2023 reference; the Ulmo/Verawood-era copy, store id
779128665; docs/research/release-ulmo-verawood.md 1.5: a flat
``settings.CERTIFICATES_HTML_VIEW`` read is post-Verawood master only). With
the flag off, /certificates/... matches nothing: Django's 404. The sandbox
keeps only the list route (certificates_list_handler); the activation,
detail and signatory routes of the real file are not emulated.
"""
from django.conf import settings
from django.urls import path, re_path

from cms.djangoapps.contentstore import views as contentstore_views
from openedx.core.djangoapps.sandbox import views as sandbox_views

urlpatterns = [
    path("heartbeat", sandbox_views.heartbeat, name="heartbeat"),
]

if settings.FEATURES.get("CERTIFICATES_HTML_VIEW"):
    urlpatterns += [
        re_path(r"^certificates/(?P<course_key_string>[^/]+(?:/[^/]+/[^/]+)?)/?$",
                contentstore_views.certificates_list_handler, name="certificates_list_handler"),
    ]
