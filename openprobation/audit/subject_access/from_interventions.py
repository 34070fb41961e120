"""Commissioned services in the subject access export: referrals with their whole history, and transitions.

A referral is exported with its desired outcomes (and how far each was achieved), who held it at the provider,
every recorded change with its reason, the action plans, the sessions with the provider's feedback and the
end-of-service report. A session is the provider's side of an appointment on the case's timeline (a
supervision Contact): when that appointment is a sensitive contact, and so withheld, the session is withheld
with it and listed the same way. Nothing else here carries a sensitive flag.

One query per kind of record, whatever the number of referrals or sessions.
"""

from __future__ import annotations

from openprobation.interventions.models import (
    ActionPlan,
    EndOfServiceReport,
    Referral,
    ReferralAssignment,
    ReferralChange,
    ReferralOutcome,
    Session,
    Transition,
)

from .records import Section, Withheld, grouped, local_date, row

SESSION_KIND = "Session of a commissioned service"


def referral_sections(person, *, sensitive_contacts: set) -> tuple[list[Section], list[Withheld], set[int]]:
    """The referrals and transitions sections, what is withheld, and the ids of the sessions withheld."""
    referrals = list(
        Referral.objects.filter(person=person)
        .select_related("contract__provider", "sentence__sentence_type", "requirement__requirement_type",
                        "end_reason", "created_by", "sent_by", "caseworker")
        .order_by("created_at", "id")
    )
    by_referral = {"referral__person": person}
    outcomes = grouped(ReferralOutcome.objects.filter(**by_referral).select_related("outcome").order_by("id"),
                       "referral_id", leave_out=("referral",))
    assignments = grouped(
        ReferralAssignment.objects.filter(**by_referral).select_related("caseworker", "assigned_by")
        .order_by("assigned_at", "id"), "referral_id", leave_out=("referral",))
    changes = grouped(ReferralChange.objects.filter(**by_referral).select_related("changed_by")
                      .order_by("changed_at", "id"), "referral_id", leave_out=("referral",))
    plans = grouped(ActionPlan.objects.filter(**by_referral).select_related("submitted_by", "approved_by")
                    .order_by("submitted_on", "id"), "referral_id", leave_out=("referral",))
    reports = grouped(EndOfServiceReport.objects.filter(**by_referral).select_related("submitted_by"),
                      "referral_id", leave_out=("referral",))

    withheld: list[Withheld] = []
    withheld_sessions: set[int] = set()
    sessions: dict[int, list[dict]] = {}
    for session in (Session.objects.filter(**by_referral)
                    .select_related("contact__contact_type", "feedback_by", "created_by")
                    .order_by("referral_id", "number")):
        if session.contact_id in sensitive_contacts:
            withheld_sessions.add(session.pk)
            withheld.append(Withheld(SESSION_KIND, local_date(session.contact.starts_at),
                                     "Session on a sensitive contact"))
            continue
        sessions.setdefault(session.referral_id, []).append(row(session, leave_out=("referral",)))

    rows = []
    for referral in referrals:
        data = {"reference": referral.reference, **row(referral, leave_out=("person",))}
        if referral.replaces_id is not None:
            data["replaces"] = {"id": referral.replaces_id, "name": f"R{referral.replaces_id:07d}"}
        rows.append({
            **data,
            "desired_outcomes": outcomes.get(referral.pk, []),
            "assignments": assignments.get(referral.pk, []),
            "changes": changes.get(referral.pk, []),
            "action_plans": plans.get(referral.pk, []),
            "sessions": sessions.get(referral.pk, []),
            "end_of_service_reports": reports.get(referral.pk, []),
        })
    transitions = [row(t, leave_out=("person",)) for t in Transition.objects.filter(person=person)
                   .select_related("recorded_by", "withdrawn_by").order_by("date", "id")]
    return [
        Section("referrals", "Referrals to commissioned services", rows,
                note="Sessions on a sensitive contact are withheld: see withheld.json."),
        Section("transitions", "Critical moments recorded (such as leaving approved premises)", transitions),
    ], withheld, withheld_sessions
