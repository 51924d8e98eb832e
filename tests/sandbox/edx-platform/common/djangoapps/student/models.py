"""Enrollments and profiles (tables student_courseenrollment, auth_userprofile)."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from opaque_keys.edx.django.models import CourseKeyField


class UserProfile(models.Model):
    """Extra information about a user (only what the sandbox needs)."""

    class Meta:
        db_table = "auth_userprofile"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, unique=True, db_index=True,
                                related_name="profile", on_delete=models.CASCADE)
    name = models.CharField(blank=True, max_length=255, db_index=True)
    meta = models.TextField(blank=True)
    language = models.CharField(blank=True, max_length=255, db_index=True)
    location = models.CharField(blank=True, max_length=255, db_index=True)
    year_of_birth = models.IntegerField(blank=True, null=True, db_index=True)
    gender = models.CharField(blank=True, null=True, max_length=6, db_index=True)
    level_of_education = models.CharField(blank=True, null=True, max_length=6, db_index=True)
    mailing_address = models.TextField(blank=True, null=True)
    city = models.TextField(blank=True, null=True)
    country = models.CharField(blank=True, null=True, max_length=2)
    goals = models.TextField(blank=True, null=True)
    allow_certificate = models.BooleanField(default=1)
    bio = models.CharField(blank=True, null=True, max_length=3000, db_index=False)
    profile_image_uploaded_at = models.DateTimeField(null=True, blank=True)


class CourseEnrollment(models.Model):
    """Represents a Student's Enrollment record for a single Course."""

    class Meta:
        unique_together = (("user", "course_id"),)
        ordering = ("user", "course_id")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    course_id = CourseKeyField(max_length=255, db_index=True)
    created = models.DateTimeField(auto_now_add=True, null=True, db_index=True)
    # If is_active is False, then the student is not considered to be enrolled
    # in the course (is_enrolled() will return False)
    is_active = models.BooleanField(default=True)
    # Represents the modes that are possible. We'll update this later with a
    # list of possible values.
    mode = models.CharField(default="audit", max_length=100)

    @classmethod
    def enrollment_mode_for_user(cls, user, course_id):
        """Returns (mode, is_active) or (None, None) when not enrolled."""
        row = cls.objects.filter(user=user, course_id=course_id).values_list("mode", "is_active").first()
        if row is None:
            return None, None
        return row[0], row[1]

    @classmethod
    def enrollments_for_user(cls, user):
        """student/models.py: the ACTIVE enrollments (is_active=1), in every copy read."""
        return cls.objects.filter(user=user, is_active=1)

    def __str__(self):
        return "[CourseEnrollment] %s: %s (%s); active: (%s)" % (self.user, self.course_id, self.created, self.is_active)


def now():
    return timezone.now()


class CourseAccessRole(models.Model):
    """
    Maps users to org, courses, and roles (table student_courseaccessrole).
    A course's beta testers are the rows with role ``beta_testers`` for the
    course and its org (student/roles.py CourseBetaTesterRole, read by
    lms/djangoapps/instructor/access.py ``list_with_level(course_key, 'beta')``).
    """

    class Meta:
        unique_together = ("user", "org", "course_id", "role")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    # blank org is for global group based roles such as course creator (may be deprecated)
    org = models.CharField(max_length=64, db_index=True, blank=True)
    # blank course_id implies org wide role
    course_id = CourseKeyField(max_length=255, db_index=True, blank=True)
    role = models.CharField(max_length=64, db_index=True)

    def __str__(self):
        return "[CourseAccessRole] user: {}   role: {}   org: {}   course: {}".format(
            self.user.username, self.role, self.org, self.course_id)


def is_beta_tester(user, course_key):
    """instructor.access.is_beta_tester: the user holds the course's beta_testers role."""
    return CourseAccessRole.objects.filter(user=user, role="beta_testers", course_id=course_key,
                                           org=course_key.org).exists()
