"""Run the daily sweeps that notice what people miss, then escalate whatever is overdue.

``settings.OPENPROBATION["SWEEPS"]`` lists each sweep as a dotted path to ``sweep(today, **scope) -> dict``
of counts. A sweep that cannot be imported (an app not installed yet) is skipped with a warning; one that
fails is logged and the others still run. Every sweep is idempotent, so running twice, or again after a
crash halfway, leaves the same alerts.
"""

from __future__ import annotations

import logging
import time
from datetime import date

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from .actions import escalate_overdue_alerts

logger = logging.getLogger(__name__)
ESCALATION = "openprobation.alerts.actions.escalate_overdue_alerts"


def configured_sweeps() -> list[str]:
    return list(getattr(settings, "OPENPROBATION", {}).get("SWEEPS", []))


def load_sweep(path: str):
    """The sweep function at ``path``, or None (logged) when it cannot be imported."""
    try:
        return import_string(path)
    except ImportError:
        logger.warning("Sweep %s is configured but cannot be imported: skipped", path)
        return None


def run_sweep(path: str, today: date | None = None, **scope) -> dict | None:
    sweep = load_sweep(path)
    if sweep is None:
        return None
    return sweep(today or timezone.localdate(), **scope)


def run_all_sweeps(today: date | None = None, *, only: list[str] | None = None, raise_errors=False) -> dict:
    """Run every configured sweep (or those whose path ends with one of ``only``), then the escalation.

    Returns {path: counts, or {"error": ...}, or {"skipped": ...}} with each sweep's seconds.
    """
    today = today or timezone.localdate()
    results = {}
    for path in [*configured_sweeps(), ESCALATION]:
        if only and not any(path.endswith(name) for name in only):
            continue
        started = time.monotonic()
        try:
            sweep = escalate_overdue_alerts if path == ESCALATION else load_sweep(path)
            if sweep is None:
                results[path] = {"skipped": "cannot be imported"}
                continue
            counts = dict(sweep(today))
        except Exception as error:  # one failing sweep must not stop the others
            if raise_errors:
                raise
            logger.exception("Sweep %s failed", path)
            counts = {"error": f"{type(error).__name__}: {error}"}
        counts["seconds"] = round(time.monotonic() - started, 3)
        results[path] = counts
        logger.info("Sweep %s: %s", path, counts)
    return results
