"""Commissioned services for the demo: providers and their staff, contracts, referrals, sessions, protection.

Runs once after the teams are written, reading people back in chunks (a fixed number of queries per chunk)
and bulk-inserting rows shaped exactly as ``interventions.actions`` writes them, with due dates from the same
rules (``interventions.rules``) and the working-day calendar. Then it writes the alerts the protective-service
sweep would raise today (same rules, same words), so the demo opens with live alerts. Deterministic: each
person's services come from the seed and CRN.

What the demo shows:
- eight providers with caseworkers in every region, and a contract per provider and category in each
  region; in the first region the Hope Mentoring Trust's mentoring contract is in dispute and the
  employment contract ends within 10 days;
- about three referrals per allocated person: some live (sent, assigned, assessed, planned, in delivery with
  sessions on the timeline at the expected frequency), most concluded before the contact history begins;
- about a quarter of live services marked protective; a few whose sessions stopped, a few ended early with no
  replacement, and a caseworker who left without handing over;
- on the fixed practitioner's caseload: a protective mentoring service on the disputed contract for a man who
  leaves approved premises in 10 days (an alert escalated to the manager), a lapsed recovery service, a
  withdrawn accommodation service, a caseworker who left, and a provider's concern about a session.
The `provider` demo sign-in manages the Hope Mentoring Trust: it sees the referrals sent to the Trust's
contracts, the disputed mentoring service among them.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta

from django.utils import timezone

from openprobation.alerts.models import Alert
from openprobation.alerts.sync import plain
from openprobation.interventions.continuity import ALERT_REASON, CONCERN_REASON, watched_referrals
from openprobation.interventions.models import (
    Contract,
    ContractStatus,
    ContractStatusChange,
    DesiredOutcome,
    EndReason,
    Provider,
    ProviderMembership,
    ServiceCategory,
)
from openprobation.interventions.sweeps import specs_for
from openprobation.people.models import Person
from openprobation.sentences.models import Requirement, Sentence
from openprobation.staff.models import Region, Role, User
from openprobation.supervision.models import ContactType, Outcome

from .service_referrals import (
    CHUNK,
    PROVIDERS,
    SERVICE_NAMES,
    STAMPED,
    Builder,
    historical_timestamps,
)
from .util import at, stable_int

EMAIL_DOMAIN = "provider.openprobation.example"
CASEWORKERS_PER_PROVIDER = 3


class Setup:
    """Providers, their staff and the contracts in every region: upserted, so a --reset run keeps them."""

    def __init__(self, run, admin, provider_manager):
        self.run, self.admin, self.provider_manager = run, admin, provider_manager
        today = run.today
        self.providers = {}
        for code, name, _ in PROVIDERS:
            self.providers[code], _ = Provider.objects.update_or_create(
                code=code, defaults={"name": name, "email": f"referrals@{code.lower()}.example.org"})
        regions = list(Region.objects.order_by("code"))
        self.first_region = min(regions, key=lambda r: r.pk)
        self.caseworkers = self._staff(regions)
        self.contracts = {}  # (region id, category) -> [contract, ...]
        for region in regions:
            for code, _, categories in PROVIDERS:
                for category in categories:
                    self.contracts.setdefault((region.pk, category), []).append(
                        self._contract(region, self.providers[code], category, today))
        self.outcomes = {}
        for outcome in DesiredOutcome.objects.filter(selectable=True).order_by("code"):
            self.outcomes.setdefault(outcome.category, []).append(outcome)
        self.types = {t.code: t for t in ContactType.objects.filter(code__in=["CRSAPT", "CRSSES", "CRSREF"])}
        self.attended = Outcome.objects.get(code="ATTC")
        self.service_absence = Outcome.objects.get(code="CO05")
        self.end_reasons = {r.code: r for r in EndReason.objects.all()}

    def _staff(self, regions) -> dict:
        """(provider code, region id) -> [caseworker, ...]. The "provider" sign-in manages Hope Mentoring."""
        pools, rng = self.run.pools, random.Random(stable_int(self.run.seed, "provider-staff"))
        planned = []
        for code, _, _ in PROVIDERS:
            for region in regions:
                for n in range(1, CASEWORKERS_PER_PROVIDER + 1):
                    username = f"{code.lower()}.{region.code.lower()}.{n}"
                    first, last = pools.first_name(rng, rng.choice("MF")), rng.choice(pools.surname)
                    planned.append((code, region, username, first, last))
        users = [User(username=u, first_name=f, last_name=s, email=f"{u}@{EMAIL_DOMAIN}", role=Role.PROVIDER,
                      team=None, staff_code=None, password=self.run.unusable_hash, is_active=True)
                 for _, _, u, f, s in planned]
        User.objects.bulk_create(users, update_conflicts=True, unique_fields=["username"],
                                 update_fields=["first_name", "last_name", "email", "role", "team", "staff_code",
                                                "password", "is_active"])
        saved = User.objects.in_bulk([u.username for u in users], field_name="username")
        start = self.run.today - timedelta(days=900)
        memberships = [ProviderMembership(user=saved[u], provider=self.providers[code], is_manager=False,
                                          started_on=start) for code, _, u, _, _ in planned]
        self.fixed_provider = self.provider_manager
        memberships.append(ProviderMembership(user=self.fixed_provider, provider=self.providers["HOPE"],
                                              is_manager=True, started_on=start))
        ProviderMembership.objects.bulk_create(memberships, update_conflicts=True, unique_fields=["user"],
                                               update_fields=["provider", "is_manager", "started_on", "left_on",
                                                              "left_recorded_by"])
        by = {}
        for code, region, username, _, _ in planned:
            by.setdefault((code, region.pk), []).append(saved[username])
        return by

    def _contract(self, region, provider, category, today) -> Contract:
        reference = f"{region.code}-{category}-{provider.code}"
        status, since, end = ContractStatus.ACTIVE, today - timedelta(days=730), today + timedelta(days=700)
        first = region.pk == self.first_region.pk
        if first and (provider.code, category) == ("HOPE", "MTR"):
            status, since = ContractStatus.IN_DISPUTE, today - timedelta(days=3)
        if first and category == "ETE":
            end = today + timedelta(days=10)
        contract = Contract.objects.filter(reference=reference).first()
        if contract is None:
            with historical_timestamps(*STAMPED):
                contract = Contract.objects.create(
                    reference=reference, name=f"{SERVICE_NAMES[category]}, {region.name}", provider=provider,
                    category=ServiceCategory.objects.get(code=category), region=region, complexity_levels=[
                        "low", "medium", "high"], start_date=today - timedelta(days=730), end_date=end, status=status,
                    status_since=since, created_by=self.admin, created_at=at(today - timedelta(days=760), 9, 0,
                                                                              self.run.tz))
                contract.desired_outcomes.set(DesiredOutcome.objects.filter(category=category))
                ContractStatusChange.objects.create(
                    contract=contract, status=ContractStatus.ACTIVE, effective_on=contract.start_date,
                    reason="Contract created", changed_by=self.admin, changed_at=contract.created_at)
                if status != ContractStatus.ACTIVE:
                    ContractStatusChange.objects.create(
                        contract=contract, previous_status=ContractStatus.ACTIVE, status=status, effective_on=since,
                        reason="Payment dispute between the provider and the commissioning department",
                        changed_by=self.admin, changed_at=at(since, 9, 30, self.run.tz))
        return contract


def _chunk_context(people):
    """Each person's current sentence (the latest) and its RAR requirement: two queries."""
    ids = [p.pk for p in people]
    sentences = {}
    for sentence in Sentence.objects.filter(person_id__in=ids, terminated_on__isnull=True).select_related(
            "sentence_type").order_by("person_id", "start_date"):
        sentences[sentence.person_id] = sentence
    rars = {r.sentence_id: r for r in Requirement.objects.filter(
        sentence_id__in=[s.pk for s in sentences.values()], requirement_type__code="RAR", terminated_on__isnull=True)}
    return sentences, rars


def protective_alerts(today) -> list[Alert]:
    """The alerts the protective-service sweep would raise today, as rows: judged by the same rules and
    worded by the same code (``interventions.sweeps.specs_for``), bulk-loaded like the rest of the demo."""
    alerts, last, moment = [], 0, timezone.now()
    watched = watched_referrals(today)
    while True:
        batch = list(watched.filter(pk__gt=last)[:CHUNK])
        if not batch:
            return alerts
        last = batch[-1].pk
        for spec in specs_for(batch, today, Counter()):
            alerts.append(Alert(
                person=spec.person, reason=ALERT_REASON, subject_key=spec.subject_key, owner=spec.owner,
                due=spec.due, title=spec.title, summary=spec.summary, next_step=spec.next_step,
                evidence=plain(spec.evidence), severity=spec.severity, escalated_to=spec.escalate_to,
                escalated_at=moment if spec.escalate_to else None,
                escalation_reason=spec.escalation_reason if spec.escalate_to else "",
            ))


def build_interventions(*, run, sign_ins) -> Counter:
    """Providers, contracts and every allocated person's services; then the alerts the sweep would raise."""
    setup = Setup(run, sign_ins["admin"], sign_ins["provider"])
    counts = setup_counts(setup)
    counts.update(build_services(run=run, setup=setup, sign_ins=sign_ins))
    counts.update(finish_interventions(run=run))
    return counts


def setup_counts(setup: Setup) -> Counter:
    return Counter({"interventions.Provider": len(setup.providers),
                    "interventions.Contract": sum(len(c) for c in setup.contracts.values())})


def build_services(*, run, setup: Setup, sign_ins, people=None) -> Counter:
    """Every allocated person's services (or those of ``people``, a Person queryset), with the fixed
    practitioner's scenarios: a caseworker who left, and the provider's concern about a session."""
    today = run.today
    builder = Builder(run, setup, sign_ins.get("practitioner"))
    counts = Counter()
    people = Person.objects.all() if people is None else people
    people = (people.filter(practitioner__isnull=False, team__isnull=False)
              .select_related("practitioner", "team__delivery_unit").order_by("pk"))
    last = 0
    while True:
        chunk = list(people.filter(pk__gt=last)[:CHUNK])
        if not chunk:
            break
        last = chunk[-1].pk
        sentences, rars = _chunk_context(chunk)
        for person in chunk:
            sentence = sentences.get(person.pk)
            if sentence is None:
                continue  # supervision has ended: nobody refers them any more
            builder.person(person, person.team.delivery_unit.region_id, sentence, rars.get(sentence.pk))
        counts.update(builder.write())
    if builder.left_caseworker is not None:
        ProviderMembership.objects.filter(user=builder.left_caseworker).update(
            left_on=today - timedelta(days=10), left_recorded_by=setup.fixed_provider)
    if builder.concern is not None:
        referral, session = builder.concern
        practitioner = Person.objects.select_related("practitioner").get(pk=referral.person_id).practitioner
        provider = referral.contract.provider
        Alert.objects.create(
            person_id=referral.person_id, reason=CONCERN_REASON, subject_key=f"session:{session.pk}",
            owner=practitioner, due=run.cal.add_working_days(today, 1), severity="high",
            title=f"{provider} asks you to look at session {session.number} of {referral.contract.name}",
            summary=f"{provider} reported on the session of {session.delivered_on:%-d %B %Y} "
                    f"({referral.reference}). Concerns: {session.concerns}",
            next_step="Read the session feedback, speak to the provider if needed, and record what you decided.",
            evidence={"referral": referral.pk, "session": session.pk, "contact": session.contact_id},
        )
        counts["alerts.Alert"] += 1
    return counts


def finish_interventions(*, run) -> Counter:
    """The alerts the protective-service sweep would raise today, once every person's services are written."""
    alerts = protective_alerts(run.today)
    Alert.objects.bulk_create(alerts, batch_size=CHUNK)
    return Counter({"alerts.Alert": len(alerts)})
