"""What happened: one AuditEvent per action, with a before/after summary, in a tamper-evident chain.

Every AuditEvent carries its position in the chain (``seq``) and ``hash``: SHA-256 over the previous
row's hash and a canonical JSON of this row's fields (see ``audit.chain``). Reads of a case
(``access.AccessEvent``) are sealed into the same kind of chain in batches by ``AccessSeal`` rows, so
that the read path stays one INSERT. ``ChainHead`` holds the end of each chain: writers lock its row,
which gives every chain one strict order whatever the number of web processes.

Both event tables are append-only: the models refuse to save an existing row or to delete one, and
database triggers (``audit.guards``) refuse UPDATE and DELETE underneath the application.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    """Append-only. Written only by audit.record, which every action calls."""

    # Set before the hash is computed (not auto_now_add, which would change it after).
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    verb = models.CharField(max_length=60)
    crn = models.CharField(max_length=7, blank=True)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    summary = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    seq = models.BigIntegerField("position in the chain", unique=True)
    hash = models.CharField(max_length=64, help_text="SHA-256 of the previous hash and this row.")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["crn", "-at"], name="audit_event_crn_at")]
        constraints = [models.CheckConstraint(condition=models.Q(seq__gte=1), name="audit_event_seq_positive")]

    def __str__(self):
        return f"{self.verb} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are append-only.")


class ChainHead(models.Model):
    """The last link of one chain. Writers lock this row, so links are added one at a time."""

    AUDIT = "audit"
    ACCESS = "access"

    name = models.CharField(max_length=20, primary_key=True)
    seq = models.BigIntegerField(default=0, help_text="Position of the last link (0: empty chain).")
    hash = models.CharField(max_length=64, default="0" * 64)
    last_event_id = models.BigIntegerField(default=0, help_text="Access chain: the last access event sealed.")
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.name} chain at {self.seq}"


class AccessSeal(models.Model):
    """A batch of access events, sealed in order: one digest per event, chained to the previous seal.

    ``digests`` holds, for every access event with an id in (previous seal's last id, last_event_id],
    its id (8 bytes, big-endian) and the first 16 bytes of the SHA-256 of its canonical JSON. The
    verifier recomputes each event's digest, so it names the first event altered, removed or added.
    ``fields`` lists the AccessEvent columns the digests cover, so a column added later does not
    break seals made before it existed.
    """

    seq = models.BigIntegerField("position in the chain", unique=True)
    first_event_id = models.BigIntegerField()
    last_event_id = models.BigIntegerField()
    count = models.PositiveIntegerField()
    fields = models.JSONField()
    digests = models.BinaryField()
    hash = models.CharField(max_length=64)
    sealed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["seq"]
        constraints = [
            models.CheckConstraint(condition=models.Q(seq__gte=1), name="access_seal_seq_positive"),
            models.CheckConstraint(
                condition=models.Q(last_event_id__gte=models.F("first_event_id")), name="access_seal_range"
            ),
        ]

    def __str__(self):
        return f"Seal {self.seq}: access events {self.first_event_id}–{self.last_event_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Access seals are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Access seals are append-only.")


# Version history of the main records (django-simple-history): the historical models live in this app.
from . import history  # noqa: E402,F401
