"""
CourseOverview: the SQL cache of course metadata (table
course_overviews_courseoverview), with the columns the certificates code reads.
"""
from django.db import models
from django.utils import timezone
from opaque_keys.edx.django.models import CourseKeyField


class CourseOverview(models.Model):
    """Model for storing and caching basic information about a course."""

    class Meta:
        app_label = "course_overviews"

    created = models.DateTimeField(default=timezone.now, editable=False)
    modified = models.DateTimeField(auto_now=True)

    # Source: None
    version = models.IntegerField(default=6)

    # Cache entry versioning.
    id = CourseKeyField(db_index=True, primary_key=True, max_length=255)
    _location = models.CharField(max_length=255, default="")
    org = models.TextField(max_length=255, default="outdated_entry")
    display_name = models.TextField(null=True)
    display_number_with_default = models.TextField(default="")
    display_org_with_default = models.TextField(default="")

    start = models.DateTimeField(null=True)
    end = models.DateTimeField(null=True)
    advertised_start = models.TextField(null=True)
    announcement = models.DateTimeField(null=True)

    certificate_available_date = models.DateTimeField(default=None, null=True)
    certificates_display_behavior = models.TextField(null=True)
    certificates_show_before_end = models.BooleanField(default=False)
    cert_html_view_enabled = models.BooleanField(default=False)
    has_any_active_web_certificate = models.BooleanField(default=False)
    cert_name_short = models.TextField()
    cert_name_long = models.TextField()

    # Grading: the lowest grade cutoff of the course's grading policy, a fraction: edx-platform's
    # openedx/core/djangoapps/content/course_overviews/models.py, DecimalField(max_digits=5,
    # decimal_places=2, null=True). Five stored copies of that file have it; which release line each
    # is could not be told from the store, so the sandbox gives it to every line.
    lowest_passing_grade = models.DecimalField(max_digits=5, decimal_places=2, null=True)

    self_paced = models.BooleanField(default=False)
    catalog_visibility = models.TextField(null=True)
    short_description = models.TextField(null=True)

    def __str__(self):
        return str(self.id)

    def has_ended(self):
        return self.end is not None and self.end < timezone.now()

    @classmethod
    def get_from_id(cls, course_id):
        return cls.objects.filter(id=course_id).first()
