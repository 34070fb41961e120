"""The read-audit: one AccessEvent per look at a case or one of its parts."""

from django.conf import settings
from django.db import models


class AccessEvent(models.Model):
    """Append-only. Written only by access.access_case and friends."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    crn = models.CharField(max_length=7)
    part = models.CharField(max_length=40, help_text="Which part of the case: overview, personal-details, ...")
    granted = models.BooleanField(default=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    path = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["crn", "-at"])]

    def __str__(self):
        return f"{self.user_id} read {self.crn}/{self.part} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Access events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Access events are append-only.")
