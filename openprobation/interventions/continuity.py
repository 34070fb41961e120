"""Read the protective services of a batch of referrals from the database, as plain data for the rules.

``load_services(referrals, today)`` costs a fixed number of queries for the whole batch (the last
session of each referral, replacements, caseworkers' leaving dates, and each kind of transition), never
one per referral.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Max, Q

from openprobation.people.models import Address, AddressStatus
from openprobation.sentences.models import Requirement, Sentence, SentenceKind
from openprobation.staff.models import User

from . import rules
from .models import (
    Contract,
    ContractStatus,
    EndReason,
    ProviderMembership,
    Referral,
    ReferralStatus,
    Session,
    Transition,
    TransitionKind,
)
from .models.referrals import LIVE_STATUSES, WITHDRAWN_STATUSES

ALERT_REASON = "protective_service_at_risk"
CONCERN_REASON = "provider_concern"
# A protective referral that was withdrawn is watched this long for a replacement; its alert, once
# raised, stays open until someone records a decision whatever its age.
WITHDRAWN_WATCH_DAYS = 180

CONTRACT_STATES = {
    ContractStatus.ACTIVE: rules.ContractState.ACTIVE,
    ContractStatus.SUSPENDED: rules.ContractState.SUSPENDED,
    ContractStatus.IN_DISPUTE: rules.ContractState.IN_DISPUTE,
    ContractStatus.ENDED: rules.ContractState.ENDED,
}


def subject_for(referral) -> str:
    pk = referral if isinstance(referral, int) else referral.pk
    return f"referral:{pk}"


def watched_referrals(today: date, *, referral_ids=None, contract_ids=None, person_ids=None):
    """Protective referrals the sweep checks: open ones, and recently withdrawn ones. A scope narrows it."""
    watched = Referral.objects.filter(protective=True).filter(
        Q(status__in=LIVE_STATUSES)
        | Q(status__in=WITHDRAWN_STATUSES, concluded_on__gte=today - timedelta(days=WITHDRAWN_WATCH_DAYS))
    )
    if referral_ids is not None or contract_ids is not None or person_ids is not None:
        scope = Q(pk__in=list(referral_ids or [])) | Q(contract_id__in=list(contract_ids or [])) | Q(
            person_id__in=list(person_ids or [])
        )
        watched = watched.filter(scope)
    # Only the referral's and the person's columns: the contract, the users and the end reason are few and
    # shared by many referrals, so `attach_related` reads each once per batch instead of once per row.
    return watched.select_related("person").only(
        "id", "status", "concluded_on", "protective", "risk_factor", "sessions_per_week", "protective_since",
        "contract_id", "caseworker_id", "end_reason_id", "person__id", "person__crn", "person__team_id",
        "person__practitioner_id",
    ).order_by("pk")


def attach_related(referrals, contracts: dict) -> None:
    """Give a batch its contracts (``contracts`` caches them across batches), users and end reasons:
    two queries, plus one for contracts not seen before."""
    missing = {r.contract_id for r in referrals} - contracts.keys()
    if missing:
        contracts.update(Contract.objects.select_related("provider", "category").in_bulk(missing))
    user_ids = {r.caseworker_id for r in referrals} | {r.person.practitioner_id for r in referrals}
    users = User.objects.only("id", "username", "first_name", "last_name", "is_active").in_bulk(
        user_ids - {None})
    reasons = EndReason.objects.in_bulk({r.end_reason_id for r in referrals} - {None})
    for referral in referrals:
        referral.contract = contracts[referral.contract_id]
        referral.caseworker = users.get(referral.caseworker_id)
        referral.end_reason = reasons.get(referral.end_reason_id)
        referral.person.practitioner = users.get(referral.person.practitioner_id)


def _transitions(person_ids, today: date) -> dict[int, list[rules.TransitionDate]]:
    """Critical transitions near today for each person: recorded ones and those the record implies."""
    low, high = today - timedelta(days=rules.TRANSITION_WINDOW_DAYS), today + timedelta(
        days=rules.TRANSITION_WINDOW_DAYS)
    found: dict[int, list[rules.TransitionDate]] = defaultdict(list)
    recorded = Transition.objects.filter(person_id__in=person_ids, withdrawn_at__isnull=True, date__range=(low, high))
    for person_id, kind, on, description in recorded.values_list("person_id", "kind", "date", "description"):
        label = TransitionKind(kind).label
        found[person_id].append(rules.TransitionDate(kind, f"{label}{f' ({description})' if description else ''}", on))
    licences = Sentence.objects.filter(person_id__in=person_ids, sentence_type__kind=SentenceKind.LICENCE,
                                       terminated_on__isnull=True, start_date__range=(low, high))
    for person_id, on in licences.values_list("person_id", "start_date"):
        found[person_id].append(rules.TransitionDate("licence_start", "Licence start", on))
    moves = Address.objects.filter(person_id__in=person_ids, status=AddressStatus.MAIN, start_date__range=(low, high))
    for person_id, on in moves.values_list("person_id", "start_date"):
        found[person_id].append(rules.TransitionDate("address", "Change of address", on))
    ending = Requirement.objects.filter(sentence__person_id__in=person_ids, terminated_on__isnull=True,
                                        sentence__terminated_on__isnull=True, expected_end_date__range=(low, high))
    for person_id, on, label in ending.values_list("sentence__person_id", "expected_end_date",
                                                   "requirement_type__description"):
        found[person_id].append(rules.TransitionDate("requirement_end", f"End of the requirement: {label}", on))
    return found


def load_services(referrals: list[Referral], today: date) -> list[tuple[Referral, rules.ProtectiveService]]:
    """Each referral (with ``attach_related`` done) and its plain-data ProtectiveService: seven queries."""
    ids = [r.pk for r in referrals]
    last_sessions = dict(
        Session.objects.filter(referral_id__in=ids, happened=True)
        .values("referral_id").annotate(last=Max("delivered_on")).values_list("referral_id", "last")
    )
    replaced = set(
        Referral.objects.filter(replaces_id__in=ids).exclude(status=ReferralStatus.DRAFT)
        .values_list("replaces_id", flat=True)
    )
    caseworker_ids = {r.caseworker_id for r in referrals if r.caseworker_id}
    left = dict(
        ProviderMembership.objects.filter(user_id__in=caseworker_ids, left_on__isnull=False)
        .values_list("user_id", "left_on")
    )
    transitions = _transitions({r.person_id for r in referrals}, today)
    loaded = []
    for referral in referrals:
        contract = referral.contract
        if referral.status in LIVE_STATUSES:
            state = rules.ReferralState.LIVE
        elif referral.status == ReferralStatus.COMPLETED:
            state = rules.ReferralState.COMPLETED
        else:
            state = rules.ReferralState.WITHDRAWN
        service = rules.ProtectiveService(
            referral=referral.reference,
            service=contract.name,
            provider=str(contract.provider),
            contract=contract.reference,
            contract_state=CONTRACT_STATES[contract.status],
            contract_state_since=contract.status_since,
            contract_end=contract.end_date,
            referral_state=state,
            protective_since=referral.protective_since,
            sessions_per_week=float(referral.sessions_per_week),
            last_session=last_sessions.get(referral.pk),
            withdrawn_on=referral.concluded_on if state == rules.ReferralState.WITHDRAWN else None,
            withdrawn_reason=referral.end_reason.description if referral.end_reason_id else "",
            replaced=referral.pk in replaced,
            caseworker=str(referral.caseworker) if referral.caseworker_id else "",
            caseworker_left_on=left.get(referral.caseworker_id),
            transitions=tuple(sorted(transitions.get(referral.person_id, ()), key=lambda t: (t.on, t.label))),
        )
        loaded.append((referral, service))
    return loaded
