"""URLs of the sandbox Studio."""
from django.urls import path, re_path

from cms.djangoapps.contentstore import views as contentstore_views
from openedx.core.djangoapps.sandbox import views as sandbox_views

urlpatterns = [
    path("heartbeat", sandbox_views.heartbeat, name="heartbeat"),
    re_path(r"^certificates/(?P<course_key_string>[^/]+(?:/[^/]+/[^/]+)?)/?$",
            contentstore_views.certificates_list_handler, name="certificates_list_handler"),
]
