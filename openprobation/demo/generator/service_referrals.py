"""The rows of the demo's commissioned services: one chunk of people's referrals, sessions and timeline.

Shaped exactly as ``interventions.actions`` writes them (see ``interventions.py`` for what the demo shows).
"""

from __future__ import annotations

import contextlib
import random
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from openprobation.interventions import rules
from openprobation.interventions.models import (
    ActionPlan,
    Contract,
    ContractStatusChange,
    EndOfServiceReport,
    Referral,
    ReferralAssignment,
    ReferralChange,
    ReferralOutcome,
    ReferralStatus,
    Session,
    Transition,
)
from openprobation.supervision.models import Contact, ContactNote

from .rows import instance
from .util import at, stable_int, weighted
from .writer import bulk_insert

CHUNK = 1_000
# (code, name, categories it delivers); every provider works in every region.
PROVIDERS = (
    ("HOPE", "Hope Mentoring Trust", ("MTR", "SIN")), ("BRDG", "Bridge Mentors", ("MTR",)),
    ("NWHL", "Northwold Housing Link", ("ACC",)), ("KWRK", "Kingsmere Works", ("ETE",)),
    ("ASHR", "Ashdale Recovery Partnership", ("DNR",)), ("HWCN", "Harbridge Women's Centre", ("WOS", "EWB")),
    ("KMAS", "Kingsmere Money Advice", ("FBD",)), ("NWMH", "Northwold Community Mental Health Team", ("MHS",)),
)
SERVICE_NAMES = {
    "MTR": "Mentoring", "SIN": "Social inclusion and meet at the gate", "ACC": "Accommodation support",
    "ETE": "Employment and training support", "DNR": "Drug and alcohol recovery", "WOS": "Women's service",
    "EWB": "Emotional wellbeing support", "FBD": "Money and debt advice", "MHS": "Community mental health",
}
CATEGORY_WEIGHTS = (("ACC", 18), ("ETE", 18), ("DNR", 16), ("MTR", 12), ("FBD", 10), ("EWB", 8), ("SIN", 6),
                    ("MHS", 4), ("WOS", 8))
# Categories a practitioner marks protective, with the risk factor and the expected sessions a week.
PROTECTIVE = {"MTR": ("isolation", "2"), "SIN": ("isolation", "1"), "ACC": ("accommodation", "1"),
              "DNR": ("substance_use", "1"), "EWB": ("mental_health", "0.5"), "MHS": ("mental_health", "0.5")}
LIVE = ((0, 45), (1, 40), (2, 15))
# Referrals concluded before the contact history: about 3.3 a person, so the national set has about a million
# referrals in all (the live ones add about 0.7 a person).
PAST = ((1, 10), (2, 20), (3, 25), (4, 25), (5, 20))
FEEDBACK = ("Worked on the job search together.", "Talked through the week; kept the appointment on time.",
            "Went to the library; supervised internet use.", "Reviewed the budget and the rent arrears letter.",
            "Went with them to the jobcentre.", "Practised what to say at the housing interview.")
END_COMMENTS = {"NOT": "Missed four sessions in a row and said they no longer wanted the service.",
                "MOV": "Moved out of the area to live with family.", "EAR": "Goals met sooner than planned.",
                "PRV": "The provider withdrew the caseworker and could not offer anyone else.",
                "NEE": "Now supported by the community mental health team instead."}


@contextlib.contextmanager
def historical_timestamps(*fields):
    """Let a bulk insert keep the historical times we give instead of stamping now (auto_now_add off)."""
    saved = [(field, field.auto_now_add) for field in fields]
    for field, _ in saved:
        field.auto_now_add = False
    try:
        yield
    finally:
        for field, value in saved:
            field.auto_now_add = value


def _field(model, name):
    return model._meta.get_field(name)


STAMPED = (_field(Referral, "created_at"), _field(ReferralChange, "changed_at"), _field(Contact, "created_at"),
           _field(ContactNote, "created_at"), _field(Session, "created_at"), _field(Transition, "recorded_at"),
           _field(ReferralAssignment, "assigned_at"), _field(EndOfServiceReport, "submitted_at"),
           _field(ContractStatusChange, "changed_at"), _field(Contract, "created_at"))




class Builder:
    """One chunk of people's referrals, sessions and timeline entries, written with bulk inserts."""

    def __init__(self, run, setup, practitioner):
        self.run, self.setup, self.practitioner = run, setup, practitioner
        self.fixed_cases = ["dispute", "lapse", "withdrawn", "left", "concern"]
        self.concern = None  # (referral, session) whose feedback asks the practitioner to look
        self.left_caseworker = None
        self.reset()

    def reset(self):
        self.referrals, self.outcomes, self.assignments, self.plans, self.changes = [], [], [], [], []
        self.reports, self.contacts, self.notes, self.sessions, self.transitions = [], [], [], [], []

    def moment(self, day: date, hour=10, minute=0):
        return at(day, hour, minute, self.run.tz)

    def working(self, day: date) -> date:
        while not self.run.cal.is_working_day(day):
            day += timedelta(days=1)
        return day

    # --- one person ---------------------------------------------------------------------------------------

    def person(self, person, region_id, sentence, rar):
        rng = random.Random(stable_int(self.run.seed, "interventions", person.crn))
        fixed = None
        if self.practitioner is not None and person.practitioner_id == self.practitioner.pk and self.fixed_cases:
            wanted = self.fixed_cases[0]
            if wanted != "dispute" or (sentence is not None and sentence.sentence_type.kind == "licence"
                                       and region_id == self.setup.first_region.pk):
                fixed = self.fixed_cases.pop(0)
        categories = [c for c, _ in CATEGORY_WEIGHTS if c != "WOS" or person.gender == "F"]
        weights = tuple((c, w) for c, w in CATEGORY_WEIGHTS if c in categories)
        for _ in range(weighted(rng, PAST)):
            self.past(rng, person, region_id, weighted(rng, weights))
        if fixed is not None:
            self.fixed(rng, person, region_id, sentence, rar, fixed)
            return
        chosen = set()
        for _ in range(weighted(rng, LIVE)):
            category = weighted(rng, weights)
            if category not in chosen:
                chosen.add(category)
                self.live(rng, person, region_id, sentence, rar, category)

    def fixed(self, rng, person, region_id, sentence, rar, case):
        today = self.run.today
        if case == "dispute":
            referral = self.live(rng, person, region_id, sentence, rar, "MTR", provider="HOPE", age=70,
                                 protective=True, last_session=today - timedelta(days=2), caseworker_number=1)
            self.transitions.append(instance(Transition,
                person_id=person.pk, kind="ap_departure", date=today + timedelta(days=10),
                description="Moving to a flat in Harbridge", recorded_by_id=self.practitioner.pk,
                recorded_at=self.moment(today - timedelta(days=2), 15)))
            referral.risk_information = "Very high risk of serious harm to the public. Mentor supervises internet use."
        elif case == "lapse":
            self.live(rng, person, region_id, sentence, rar, "DNR", age=90, protective=True,
                      last_session=today - timedelta(days=15))
        elif case == "withdrawn":
            self.live(rng, person, region_id, sentence, rar, "ACC", age=60, protective=True, withdrawn=("PRV", 4))
        elif case == "left":
            referral = self.live(rng, person, region_id, sentence, rar, "SIN", provider="HOPE", age=50,
                                 protective=True, last_session=today - timedelta(days=11), caseworker_number=3)
            self.left_caseworker = referral.caseworker
        else:
            self.live(rng, person, region_id, sentence, rar, "ETE", age=45, concern=True,
                      last_session=today - timedelta(days=2))

    # --- referrals ----------------------------------------------------------------------------------------

    def _contract(self, rng, region_id, category, provider=None):
        contracts = self.setup.contracts[(region_id, category)]
        if provider is not None:
            contracts = [c for c in contracts if c.provider.code == provider] or contracts
        return rng.choice(contracts)

    def _caseworker(self, rng, contract, number=None):
        staff = self.setup.caseworkers[(contract.provider.code, contract.region_id)]
        return staff[number - 1] if number else rng.choice(staff)

    def _referral(self, rng, person, contract, sent: date, *, sentence=None, requirement=None, enforceable=False):
        practitioner = person.practitioner
        outcomes = rng.sample(self.setup.outcomes[contract.category.code],
                              k=min(2, len(self.setup.outcomes[contract.category.code])))
        referral = instance(Referral,
            person_id=person.pk, contract=contract, sentence=sentence, requirement=requirement,
            complexity=weighted(rng, (("low", 3), ("medium", 5), ("high", 2))),
            reason=f"{person.first_name} needs {contract.category.service_name} to support the sentence plan.",
            enforceable=enforceable, enforceable_days=rng.choice([6, 8, 10, 12]) if enforceable else None,
            completion_deadline=sent + timedelta(days=rng.choice([120, 150, 180])), status=ReferralStatus.SENT,
            created_by=practitioner, created_at=self.moment(sent - timedelta(days=1), 15), sent_on=sent,
            sent_by=practitioner, initial_assessment_due=rules.initial_assessment_due(sent, self.run.cal),
        )
        self.referrals.append(referral)
        self.outcomes += [instance(ReferralOutcome, referral=referral, outcome=o) for o in outcomes]
        self.change(referral, sent, practitioner, "status", "Referral sent", "Sent to the provider")
        self.log(referral, sent, practitioner, f"referral sent to {contract.provider}", note=referral.reason)
        return referral

    def change(self, referral, day, by, topic, description, reason):
        self.changes.append(instance(ReferralChange, referral=referral, topic=topic, description=description, reason=reason,
                                           changed_by=by, changed_at=self.moment(day, 11, 30)))

    def log(self, referral, day, by, text, note=""):
        moment = self.moment(day, 11, 30)
        contact = instance(Contact, person_id=referral.person_id, sentence=referral.sentence,
                          contact_type=self.setup.types["CRSREF"], starts_at=moment, staff=by, team_id=by.team_id,
                          description=f"{text}"[:200], created_by=by, created_at=moment)
        contact.referral_text = text  # the reference is only known once the referral has its id
        contact.referral = referral
        self.contacts.append(contact)
        if note:
            self.notes.append(instance(ContactNote, contact=contact, text=note, created_by=by, created_at=moment))

    def _assign(self, rng, referral, day, number=None):
        caseworker = self._caseworker(rng, referral.contract, number)
        referral.caseworker, referral.assigned_on, referral.status = caseworker, day, ReferralStatus.ASSIGNED
        self.assignments.append(instance(ReferralAssignment, referral=referral, caseworker=caseworker, assigned_on=day,
                                                   assigned_by=caseworker, assigned_at=self.moment(day, 9)))
        self.change(referral, day, caseworker, "caseworker", f"Caseworker assigned to {caseworker}",
                    "Assigned by the provider")
        self.log(referral, day, caseworker, f"assigned to {caseworker} at {referral.contract.provider}")
        return caseworker

    def past(self, rng, person, region_id, category):
        """A referral concluded before the contact history begins."""
        contract = self._contract(rng, region_id, category)
        sent = self.working(self.run.today - timedelta(days=rng.randint(400, 1100)))
        referral = self._referral(rng, person, contract, sent)
        outcome = weighted(rng, (("completed", 55), ("ended_early", 25), ("cancelled", 20)))
        if outcome == "cancelled":
            ended = sent + timedelta(days=rng.randint(3, 20))
            code = rng.choice(["MOV", "NEE", "MIS"])
        else:
            caseworker = self._assign(rng, referral, sent + timedelta(days=2))
            ended = sent + timedelta(days=rng.randint(90, 150) if outcome == "completed" else rng.randint(30, 80))
            code = rng.choice(["NOT", "MOV", "EAR"]) if outcome == "ended_early" else None
            for o in self.outcomes[-2:]:
                if o.referral is referral:
                    o.rating = weighted(rng, (("achieved", 5), ("partly", 3), ("not", 2)))
            if outcome == "ended_early":
                referral.end_of_service_report_due = rules.end_of_service_report_due(ended, self.run.cal)
            self.reports.append(instance(EndOfServiceReport, referral=referral, submitted_on=ended, submitted_by=caseworker,
                                                   submitted_at=self.moment(ended, 16)))
        referral.status, referral.concluded_on = outcome, ended
        self.conclude(referral, ended, code)

    def conclude(self, referral, day, code):
        by = referral.sent_by  # the practitioner withdraws; the provider's report completes
        if code is None:
            self.change(referral, day, referral.caseworker, "end_of_service_report", "End-of-service report submitted",
                        "Delivery completed")
            self.log(referral, day, referral.caseworker, "completed: end-of-service report submitted")
            return
        reason = self.setup.end_reasons[code]
        referral.end_reason, referral.end_comments = reason, END_COMMENTS.get(code, reason.description)
        label = ReferralStatus(referral.status).label
        self.change(referral, day, by, "status", f"{label}: {reason.description}", referral.end_comments)
        self.log(referral, day, by, f"{label.lower()}: {reason.description}", note=referral.end_comments)

    def live(self, rng, person, region_id, sentence, rar, category, *, provider=None, age=None, protective=None,
             last_session=None, withdrawn=None, caseworker_number=None, concern=False):
        """A referral sent in the last five months, at whatever stage its age gives it."""
        today, cal = self.run.today, self.run.cal
        contract = self._contract(rng, region_id, category, provider)
        enforceable = sentence is not None and category in ("MTR", "DNR", "ACC", "ETE") and rng.random() < 0.4 and (
            sentence.sentence_type.kind == "licence" or rar is not None)
        requirement = rar if enforceable and sentence.sentence_type.kind != "licence" else None
        age = age or rng.randint(1, 150)
        sent = self.working(today - timedelta(days=age))
        if sentence is not None and sent < sentence.sentence_date:
            sent = self.working(sentence.sentence_date)
        if sent >= today:
            return None
        referral = self._referral(rng, person, contract, sent, sentence=sentence, requirement=requirement,
                                  enforceable=enforceable)
        practitioner = person.practitioner
        if protective is None:
            protective = category in PROTECTIVE and rng.random() < 0.25
        steps = [sent + timedelta(days=d) for d in (2, 6, 9, 11)]  # assigned, assessed, plan in, approved
        if steps[0] >= today:
            return referral
        caseworker = self._assign(rng, referral, steps[0], caseworker_number)
        if steps[1] >= today:
            return self._protect(referral, protective, sent, practitioner, category)
        referral.status, referral.initial_assessment_on = ReferralStatus.ASSESSED, steps[1]
        referral.action_plan_due = rules.action_plan_due(steps[1], cal)
        self.change(referral, steps[1], caseworker, "initial_assessment", "Initial assessment recorded",
                    f"Assessed on {steps[1]:%-d %B %Y}")
        self.log(referral, steps[1], caseworker, "initial assessment done",
                 note="Motivated to take part; agreed what to work on first.")
        if steps[2] >= today:
            return self._protect(referral, protective, sent, practitioner, category)
        plan = instance(ActionPlan, referral=referral, activities=f"{SERVICE_NAMES[category]}: weekly one-to-one sessions "
                          "working towards the desired outcomes.", number_of_sessions=rng.randint(12, 24),
                          submitted_on=steps[2], submitted_by=caseworker)
        self.plans.append(plan)
        referral.status = ReferralStatus.PLAN_SUBMITTED
        self.change(referral, steps[2], caseworker, "action_plan", "Action plan submitted",
                    f"{plan.number_of_sessions} sessions planned")
        self.log(referral, steps[2], caseworker, f"action plan of {plan.number_of_sessions} sessions submitted")
        if steps[3] >= today:
            return self._protect(referral, protective, sent, practitioner, category)
        plan.approved_on, plan.approved_by, referral.status = steps[3], practitioner, ReferralStatus.IN_PROGRESS
        self.change(referral, steps[3], practitioner, "action_plan", "Action plan approved",
                    f"Approved: {plan.number_of_sessions} sessions")
        self.log(referral, steps[3], practitioner, f"action plan of {plan.number_of_sessions} sessions approved")
        self._protect(referral, protective, steps[3], practitioner, category)
        if withdrawn is None and last_session is None and referral.protective and rng.random() < 0.06:
            last_session = today - timedelta(days=rng.randint(10, 20))  # sessions quietly stopped
        if withdrawn is None and last_session is None and rng.random() < 0.04:
            withdrawn = (rng.choice(["NOT", "MOV", "PRV"]), rng.randint(1, 20))
        stop = today - timedelta(days=withdrawn[1]) if withdrawn else last_session or today
        self._sessions(rng, referral, caseworker, steps[3] + timedelta(days=2), stop, plan,
                       last=last_session, future=withdrawn is None and last_session is None, concern=concern)
        if withdrawn:
            ended = today - timedelta(days=withdrawn[1])
            referral.status, referral.concluded_on = ReferralStatus.ENDED_EARLY, ended
            referral.end_of_service_report_due = rules.end_of_service_report_due(ended, cal)
            self.conclude(referral, ended, withdrawn[0])
        return referral

    def _protect(self, referral, protective, day, practitioner, category):
        if not protective or category not in PROTECTIVE:
            return referral
        risk, per_week = PROTECTIVE[category]
        referral.protective, referral.risk_factor = True, risk
        referral.sessions_per_week, referral.protective_since = Decimal(per_week), day
        words = rules.frequency_words(float(per_week))
        text = f"Marked as protective: manages {risk.replace('_', ' ')}, expected {words}"
        self.change(referral, day, practitioner, "protective", text, "The service manages a risk factor in the "
                    "risk management plan")
        self.log(referral, day, practitioner, text)
        return referral

    def _sessions(self, rng, referral, caseworker, start: date, stop: date, plan, *, last, future, concern):
        """Sessions at the expected frequency from ``start`` until before ``stop`` (and one on ``last``)."""
        interval = 7 / float(referral.sessions_per_week or 1)
        code = "CRSAPT" if referral.enforceable else "CRSSES"
        hour, today, made = rng.choice([10, 11, 14, 15]), self.run.today, []
        while True:
            day = self.working(start + timedelta(days=round(len(made) * interval)))
            if day >= min(stop, today) or (last is not None and day >= last):
                break
            made.append(self._session(rng, referral, caseworker, code, len(made) + 1, day, hour,
                                      rng.random() < 0.9))
        if last is not None and last < today:
            made.append(self._session(rng, referral, caseworker, code, len(made) + 1, last, hour, True))
        if concern and made:
            self._concern(made[-1])
        if future:
            day = self.working(max(start + timedelta(days=round(len(made) * interval)), today + timedelta(days=1)))
            self._session(rng, referral, caseworker, code, len(made) + 1, day, hour, None)
        plan.number_of_sessions = max(plan.number_of_sessions, len(made) + 4)

    def _concern(self, session):
        session.concerns = "Angry about his licence conditions, then covered it up quickly."
        session.notify_practitioner = True
        self.notes[-1].text += f"\nConcerns: {session.concerns}"
        self.concern = (session.referral, session)

    def _session(self, rng, referral, caseworker, code, number, day, hour, happened):
        starts = self.moment(day, hour)
        provider = referral.contract.provider
        contact = instance(Contact,
            person_id=referral.person_id, sentence=referral.sentence, requirement=referral.requirement,
            contact_type=self.setup.types[code], starts_at=starts, ends_at=starts + timedelta(hours=1),
            staff=caseworker, description=f"{referral.contract.name}: session {number} with {provider}"[:200],
            created_by=caseworker, created_at=starts - timedelta(days=6),
        )
        session = instance(Session, referral=referral, contact=contact, number=number, created_by=caseworker,
                          created_at=contact.created_at)
        self.contacts.append(contact)
        self.sessions.append(session)
        if happened is None:
            return session
        reason = "" if happened else ("logistics" if referral.enforceable else rng.choice(
            ["person_acceptable", "person_unacceptable"]))
        attended = rng.choice(["yes", "yes", "yes", "late"]) if happened else "no"
        summary = rng.choice(FEEDBACK) if happened else ""
        feedback_at = starts + timedelta(hours=2)
        session.happened, session.attended, session.no_session_reason = happened, attended, reason
        session.summary = summary
        session.delivered_on = day if happened else None
        session.feedback_at, session.feedback_by = feedback_at, caseworker
        lines = [f"Session feedback from {provider} ({caseworker}):",
                 f"Did the session happen? {'Yes' if happened else 'No'}",
                 f"Did they attend? {'Yes, they were late' if attended == 'late' else attended.capitalize()}"]
        lines += [f"Summary: {summary}"] if summary else []
        self.notes.append(instance(ContactNote, contact=contact, text="\n".join(lines), created_by=caseworker,
                                      created_at=feedback_at))
        if code == "CRSAPT":
            contact.outcome = self.setup.attended if happened else self.setup.service_absence
            contact.outcome_recorded_at, contact.outcome_recorded_by = feedback_at, caseworker
        else:
            contact.description = f"{contact.description}: {'attended' if happened else 'did not happen'}"[:200]
        return session

    # --- writing ------------------------------------------------------------------------------------------

    def write(self) -> Counter:
        with transaction.atomic(), historical_timestamps(*STAMPED):
            bulk_insert(Referral, self.referrals)  # COPY: see writer.bulk_insert
            for model, rows in ((ReferralOutcome, self.outcomes), (ReferralAssignment, self.assignments),
                                (ActionPlan, self.plans), (ReferralChange, self.changes),
                                (EndOfServiceReport, self.reports)):
                bulk_insert(model, rows)
            for contact in self.contacts:
                if hasattr(contact, "referral_text"):
                    referral = contact.referral
                    contact.description = f"{referral.reference} {referral.contract.name}: {contact.referral_text}"[
                        :200]
            bulk_insert(Contact, self.contacts)
            bulk_insert(ContactNote, self.notes)
            bulk_insert(Session, self.sessions)
            bulk_insert(Transition, self.transitions)
        counts = Counter({model._meta.label: len(rows) for model, rows in (
            (Referral, self.referrals), (ReferralChange, self.changes), (Session, self.sessions),
            (Transition, self.transitions)) if rows})
        counts[Contact._meta.label] += len(self.contacts)
        self.reset()
        return counts
