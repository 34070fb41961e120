"""Read models for the case overview: what needs attention, and the case at a glance."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, Min, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from openprobation.alerts.queries import open_alerts_for_case
from openprobation.assessments.queries import risk_summary
from openprobation.sentences.models import Sentence
from openprobation.supervision.models import Breach, Contact, EnforcementRecord


@dataclass
class AttentionItem:
    text: str
    link: str
    overdue: bool = False


@dataclass
class Overview:
    sentences: list
    next_appointment: Contact | None
    last_appointment: Contact | None
    attention: list[AttentionItem] = field(default_factory=list)
    main_address: object = None
    risk: object = None  # assessments.queries.RiskSummary: RoSH, tier (and a recent change), plan, requests


def _d(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def case_overview(person, today: date | None = None) -> Overview:
    now = timezone.now()
    today = today or timezone.localdate()
    crn = person.crn
    sentences = list(
        Sentence.objects.filter(person=person, terminated_on__isnull=True)
        .select_related("sentence_type", "event__court")
        .prefetch_related("requirements__requirement_type", "event__offences__offence_type")
    )
    appointments = Contact.objects.filter(person=person, contact_type__attendance=True).select_related(
        "contact_type", "location", "staff", "outcome"
    )
    next_appointment = (
        appointments.filter(starts_at__gte=now, rescheduled_to__isnull=True).order_by("starts_at").first()
    )
    last_appointment = appointments.filter(starts_at__lt=now).order_by("-starts_at").first()

    counts = Contact.objects.filter(person=person).aggregate(
        outcomes_due=Count("pk", filter=Q(contact_type__outcome_required=True, outcome__isnull=True, starts_at__lt=now)),
        awaiting=Count("pk", filter=Q(outcome__awaiting_evidence=True, rescheduled_to__isnull=True)),
        evidence_due=Min("evidence_due", filter=Q(outcome__awaiting_evidence=True)),
    )
    attention = []
    appointments_url = reverse("supervision:appointments", args=[crn])
    if counts["outcomes_due"]:
        n = counts["outcomes_due"]
        attention.append(AttentionItem(f"{n} appointment{'s' if n != 1 else ''} need{'' if n != 1 else 's'} an outcome",
                                       appointments_url + "#outcome-due", overdue=True))
    if counts["awaiting"]:
        due = counts["evidence_due"]
        attention.append(AttentionItem(
            f"Evidence for {counts['awaiting']} absence{'s' if counts['awaiting'] != 1 else ''} is awaited"
            + (f", due by {_d(due)}" if due else ""),
            appointments_url, overdue=bool(due and due < today),
        ))
    undecided = (
        Contact.objects.filter(person=person, outcome__enforceable=True, contact_type__national_standards=True,
                               sentence__terminated_on__isnull=True)
        .exclude(Exists(EnforcementRecord.objects.filter(contact=OuterRef("pk"))))
        .select_related("outcome")
        .order_by("starts_at")
    )
    for contact in undecided[:5]:
        attention.append(AttentionItem(
            f"Decide the enforcement action for the {contact.outcome.description.lower()} on "
            f"{_d(timezone.localdate(contact.starts_at))}",
            reverse("supervision:enforcement", args=[crn, contact.pk]), overdue=True,
        ))
    open_responses = (
        EnforcementRecord.objects.filter(
            sentence__person=person, response_due__isnull=False, withdrawn_on__isnull=True,
            response_due__gte=today - timezone.timedelta(days=14),
        )
        .select_related("action", "contact")
        .order_by("response_due")
    )
    for record in open_responses[:5]:
        overdue = record.response_due < today
        attention.append(AttentionItem(
            f"{record.action}: response {'was ' if overdue else ''}due by {_d(record.response_due)}",
            reverse("supervision:appointment", args=[crn, record.contact_id]), overdue=overdue,
        ))
    for breach in Breach.objects.filter(sentence__person=person, ended_on__isnull=True).select_related("sentence__sentence_type"):
        attention.append(AttentionItem(
            f"{breach.get_status_display()} on the {breach.sentence.sentence_type}: breach pack due by {_d(breach.pack_due)}",
            reverse("supervision:compliance", args=[crn]), overdue=breach.pack_due < today,
        ))
    # Open alerts on the case (protective services at risk, provider concerns, ...): one query.
    for alert in open_alerts_for_case(person).order_by("due", "-raised_at")[:10]:
        attention.append(AttentionItem(f"{alert.title}: due by {_d(alert.due)}",
                                       reverse("alerts:detail", args=[alert.pk]), overdue=alert.due < today))
    if sentences and next_appointment is None:
        attention.append(AttentionItem("No appointment is arranged", reverse("supervision:arrange", args=[crn])))
    main_address = person.addresses.filter(status="main").first()
    return Overview(sentences, next_appointment, last_appointment, attention, main_address,
                    risk=risk_summary(person, today))
