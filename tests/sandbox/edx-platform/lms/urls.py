"""URLs of the sandbox LMS."""
from django.urls import path, re_path

from lms.djangoapps.certificates import views as certificates_views
from openedx.core.djangoapps.sandbox import views as sandbox_views

urlpatterns = [
    path("heartbeat", sandbox_views.heartbeat, name="heartbeat"),
    re_path(r"^certificates/user/(?P<user_id>[^/]*)/course/(?P<course_id>[^/]+(?:/[^/]+/[^/]+)?)/?$",
            certificates_views.render_html_view, name="html_view"),
    re_path(r"^static/(?P<path>.+)$", sandbox_views.static_file, name="static"),
]
