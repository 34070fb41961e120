"""The protective-service sweep: check every protective service, raise or refresh its alert.

``sweep_protective_services(today)`` walks the watched referrals (``continuity.watched_referrals``) in
batches by primary key. Each batch costs a fixed number of queries however many cases it holds (the
referrals, their last sessions, replacements, leavers, four kinds of transition, the team managers, the
open alerts and the latest decisions), plus a few writes for each alert that actually changes. Nothing is
held across batches, so memory stays flat at any scale. Each alert is written in its own transaction:
a crash halfway leaves whole alerts, and the next run completes the rest and changes nothing already done.

A scope (``referral_ids``, ``contract_ids``, ``person_ids``) narrows the sweep to what an action changed.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import date

from django.utils import timezone

from openprobation.alerts.routing import owner_of, team_managers
from openprobation.alerts.sync import AlertSpec, sync_alerts
from openprobation.core.calendar import format_date

from . import rules
from .continuity import ALERT_REASON, attach_related, load_services, subject_for, watched_referrals
from .models import RiskFactor

logger = logging.getLogger(__name__)
BATCH_SIZE = 2000

NEXT_STEPS = {
    rules.Code.REFERRAL_WITHDRAWN: "Arrange a replacement service, or record how the risk is now managed.",
    rules.Code.CONTRACT_IN_DISPUTE: "Arrange a replacement provider or interim cover, then record your decision.",
    rules.Code.CONTRACT_SUSPENDED: "Arrange a replacement provider or interim cover, then record your decision.",
    rules.Code.CONTRACT_ENDED: "Arrange a replacement provider, then record your decision.",
    rules.Code.CONTRACT_ENDING: "Arrange what follows before the contract ends, then record your decision.",
    rules.Code.CASEWORKER_LEFT: "Ask the provider to reassign the referral, or arrange a replacement.",
    rules.Code.NO_RECENT_SESSION: "Find out from the provider why sessions stopped; arrange cover if they cannot "
                                  "resume at once.",
}


def _as_date(today) -> date:
    if today is None:
        return timezone.localdate()
    if isinstance(today, str):
        return date.fromisoformat(today)
    return today


def alert_for(referral, service: rules.ProtectiveService, verdict: rules.Verdict, *, owner, manager) -> AlertSpec:
    """The alert a verdict calls for: naming the service, the contract, the last session and the reasons."""
    contract = referral.contract
    risk = RiskFactor(referral.risk_factor).label.lower() if referral.risk_factor else "a risk factor"
    last = format_date(verdict.last_session) if verdict.last_session else "none yet"
    summary = " ".join(
        [reason.text for reason in verdict.reasons]
        + [f"Last session: {last}.",
           f"It is protective: it manages {risk} and is expected {rules.frequency_words(service.sessions_per_week)}."]
    )
    return AlertSpec(
        person=referral.person,
        subject_key=subject_for(referral),
        owner=owner,
        due=verdict.due,
        title=f"Protective {contract.category.service_name} at risk: {contract.name} ({contract.provider})",
        summary=summary,
        next_step=NEXT_STEPS[verdict.reasons[0].code],
        onset=verdict.onset,
        severity=str(verdict.severity),
        evidence={
            "referral": referral.pk,
            "reference": referral.reference,
            "service": contract.name,
            "provider": str(contract.provider),
            "contract": contract.reference,
            "contract_status": contract.get_status_display(),
            "last_session": verdict.last_session,
            "threshold_days": verdict.threshold_days,
            "reasons": [{"code": str(r.code), "text": r.text, "since": r.since} for r in verdict.reasons],
            "transition": (
                {"label": verdict.transition.label, "on": verdict.transition.on} if verdict.transition else None
            ),
        },
        escalate_to=manager if verdict.escalate and manager is not None and manager != owner else None,
        escalation_reason=verdict.escalation_reason,
    )


def specs_for(referrals, today: date, counts: Counter, contracts: dict | None = None) -> list[AlertSpec]:
    """The alert each at-risk referral of the batch calls for. ``contracts`` caches contracts across batches."""
    attach_related(referrals, {} if contracts is None else contracts)
    managers = team_managers({r.person.team_id for r in referrals})
    specs = []
    for referral, service in load_services(referrals, today):
        counts["examined"] += 1
        verdict = rules.assess(service, today)
        if not verdict.at_risk:
            continue
        counts["at_risk"] += 1
        owner = owner_of(referral.person, managers)
        if owner is None:
            counts["no_owner"] += 1
            logger.warning("Protective service %s is at risk but case %s has nobody to alert",
                           referral.reference, referral.person.crn)
            continue
        specs.append(alert_for(referral, service, verdict, owner=owner,
                               manager=managers.get(referral.person.team_id)))
    return specs


def sweep_batch(referrals, today: date, counts: Counter, contracts: dict | None = None) -> None:
    specs = specs_for(referrals, today, counts, contracts)
    examined = {subject_for(r): r.person_id for r in referrals}
    counts.update(sync_alerts(reason=ALERT_REASON, examined=examined, specs=specs, today=today))


def sweep_protective_services(today=None, *, referral_ids=None, contract_ids=None, person_ids=None,
                              batch_size: int = BATCH_SIZE) -> dict:
    """Check every watched protective service (or those in scope); returns counts of what it did."""
    today = _as_date(today)
    counts: Counter = Counter()
    watched = watched_referrals(today, referral_ids=referral_ids, contract_ids=contract_ids, person_ids=person_ids)
    last, contracts = 0, {}
    while True:
        batch = list(watched.filter(pk__gt=last)[:batch_size])
        if not batch:
            break
        last = batch[-1].pk
        counts["batches"] += 1
        sweep_batch(batch, today, counts, contracts)
    return dict(counts)
