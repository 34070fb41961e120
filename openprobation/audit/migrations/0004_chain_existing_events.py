"""Chain the audit events written before the chain existed, oldest first, and create the chain heads.

Access events need no backfill here: the first run of `seal_access_events` seals every access event
not sealed yet, the old ones included.
"""

from django.db import migrations

from openprobation.audit.chain.audit import AUDIT_FIELDS
from openprobation.audit.chain.canonical import GENESIS, link_hash

BATCH = 1000


def chain_existing(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    ChainHead = apps.get_model("audit", "ChainHead")
    previous, seq, batch = GENESIS, 0, []
    for event in AuditEvent.objects.filter(seq__isnull=True).order_by("at", "id").iterator(chunk_size=BATCH):
        seq += 1
        event.seq = seq
        event.hash = link_hash(previous, {name: getattr(event, name) for name in AUDIT_FIELDS})
        previous = event.hash
        batch.append(event)
        if len(batch) == BATCH:
            AuditEvent.objects.bulk_update(batch, ["seq", "hash"])
            batch = []
    if batch:
        AuditEvent.objects.bulk_update(batch, ["seq", "hash"])
    ChainHead.objects.update_or_create(name="audit", defaults={"seq": seq, "hash": previous})
    ChainHead.objects.get_or_create(name="access", defaults={"seq": 0, "hash": GENESIS, "last_event_id": 0})


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0003_chain_and_history"),
    ]

    operations = [
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
    ]
