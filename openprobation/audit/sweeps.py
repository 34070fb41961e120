"""The daily sweep's part of the audit: seal any access events the five-minute task has not.

Listed in ``settings.OPENPROBATION["SWEEPS"]`` as ``openprobation.audit.sweeps.seal_access_events_sweep``,
it is a safety net (cron-only installations, a worker that was down); the sealing itself is idempotent.
"""

from .chain import seal_access_events


def seal_access_events_sweep(today, **scope) -> dict:
    return {"access_events_sealed": seal_access_events()}
