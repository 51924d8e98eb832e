"""ID verification (table verify_student_softwaresecurephotoverification)."""
from django.conf import settings
from django.db import models
from django.utils import timezone


class SoftwareSecurePhotoVerification(models.Model):
    """A photo ID verification attempt; 'approved' means the learner is verified."""

    STATUS = ("created", "ready", "submitted", "must_retry", "approved", "denied")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, db_index=True, on_delete=models.CASCADE)
    status = models.CharField(max_length=100, default="created", db_index=True,
                              choices=[(s, s) for s in STATUS])
    status_changed = models.DateTimeField(default=timezone.now)
    name = models.CharField(blank=True, max_length=255)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    expiration_date = models.DateTimeField(null=True, blank=True, db_index=True)
    face_image_url = models.URLField(blank=True, max_length=255)
    photo_id_image_url = models.URLField(blank=True, max_length=255)
    receipt_id = models.CharField(max_length=255, default="")
    error_msg = models.TextField(blank=True)
    error_code = models.CharField(blank=True, max_length=50)


def _remember_status(sender, instance, **kwargs):
    instance._loaded_status = instance.status


def _send_learner_now_verified(sender, instance, created, **kwargs):
    """verify_student sends LEARNER_NOW_VERIFIED when an attempt is approved
    (PhotoVerification.approve()); the sandbox: when a row is saved approved
    and was not before (bulk_create sends nothing)."""
    from openedx.core.djangoapps.signals.signals import LEARNER_NOW_VERIFIED
    from openedx.core.release import has_auto_generation_policy
    if not has_auto_generation_policy() or instance.status != "approved":
        return
    if not created and getattr(instance, "_loaded_status", None) == "approved":
        return
    instance._loaded_status = instance.status
    LEARNER_NOW_VERIFIED.send(sender=SoftwareSecurePhotoVerification, user=instance.user)


models.signals.post_init.connect(_remember_status, sender=SoftwareSecurePhotoVerification,
                                 dispatch_uid="sandbox_idv_loaded_status")
models.signals.post_save.connect(_send_learner_now_verified, sender=SoftwareSecurePhotoVerification,
                                 dispatch_uid="sandbox_learner_now_verified")


class IDVerificationService:
    """The part of lms/djangoapps/verify_student/services.py that certificates use."""

    @classmethod
    def user_is_verified(cls, user):
        now = timezone.now()
        return SoftwareSecurePhotoVerification.objects.filter(user=user, status="approved").filter(
            models.Q(expiration_date__isnull=True) | models.Q(expiration_date__gt=now)
        ).exists()

    @classmethod
    def verified_user_ids(cls, user_ids):
        now = timezone.now()
        return set(SoftwareSecurePhotoVerification.objects.filter(
            user_id__in=list(user_ids), status="approved").filter(
            models.Q(expiration_date__isnull=True) | models.Q(expiration_date__gt=now)
        ).values_list("user_id", flat=True))
