"""Answer each failure the way the project's own enforcement rules decide (`supervision.rules`).

For every outcome that matters, the history as it stood that day (warnings so far, earlier failures, any
breach) is passed to `decide_enforcement`, and the action it recommends is taken. A scenario may ask for
another action the rules allow, such as an immediate breach. The rows left behind are the ones
`supervision.actions.outcomes` would have written: the enforcement record, a log entry for it, a breach,
and an enforcement review when the failure-to-comply limit is reached.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from openprobation.core.calendar import format_date
from openprobation.supervision import rules
from openprobation.supervision.actions.outcomes import enforcement_summary
from openprobation.supervision.models import Breach, EnforcementRecord

from . import vocab
from .rows import BreachRow, EnforcementRow

WARNING_KINDS = {
    "EA02": rules.WarningKind.FIRST,
    "EA03": rules.WarningKind.SECOND,
    "LCL": rules.WarningKind.FINAL,
}
RATIONALES = {
    "IMB": vocab.IMMEDIATE_BREACH_RATIONALE,
    "EA11": vocab.RECALL_RATIONALE,
    "EA06": vocab.WITHDRAWAL_RATIONALE,
    "EA12": "Asked for evidence of the reason for the absence before deciding.",
}
# Share of absences awaiting evidence where a response was formally requested (EA12).
PENDING_RESPONSE_SHARE = 0.5


@dataclass
class History:
    """The enforcement history of one order or licence, built up failure by failure."""

    kind: rules.SentenceKind
    sentence_date: date
    ftc_limit: int
    warnings: list = field(default_factory=list)  # [IssuedWarning, EnforcementRecord]
    failure_dates: list = field(default_factory=list)
    breaches: list = field(default_factory=list)
    review_opened_on: date | None = None

    def as_of(self, day: date) -> rules.EnforcementHistory:
        ended = [b.ended_on for b in self.breaches if b.ended_on is not None and b.ended_on <= day]
        last_ended = max(ended) if ended else None
        counting_from = max(self.sentence_date, last_ended or self.sentence_date)
        return rules.EnforcementHistory(
            sentence_kind=self.kind,
            sentence_date=self.sentence_date,
            ftc_limit=self.ftc_limit,
            last_breach_ended_on=last_ended,
            warnings=tuple(
                rules.IssuedWarning(
                    w.given_on,
                    w.kind,
                    withdrawn=record.withdrawn_on is not None and record.withdrawn_on <= day,
                )
                for w, record in self.warnings
            ),
            previous_failure_dates=tuple(d for d in self.failure_dates if d < day),
            breach_in_progress=any(
                b.started_on <= day and (b.ended_on is None or b.ended_on > day) for b in self.breaches
            ),
            enforcement_review_open=self.review_opened_on is not None
            and self.review_opened_on >= counting_from,
        )


class Enforcer:
    def __init__(self, ctx, plan, contacts, rng, batch):
        self.ctx, self.plan, self.contacts, self.rng, self.batch = ctx, plan, contacts, rng, batch
        self.run = ctx.run
        sentence_type = plan.sentence.sentence_type
        self.history = History(
            rules.SentenceKind(sentence_type.kind), plan.sentence.sentence_date, sentence_type.ftc_limit
        )

    def decide(self, appt, day: date) -> rules.EnforcementDecision:
        outcome = self.run.ref.outcomes[appt.outcome]
        flags = rules.OutcomeFlags(
            outcome.code, outcome.attended, outcome.acceptable, outcome.enforceable, outcome.awaiting_evidence
        )
        contact = rules.ContactOutcome(flags, appt.day, appt.national_standards)
        return rules.decide_enforcement(
            contact, self.history.as_of(appt.day), today=day, calendar=self.run.cal
        )

    def answer(self, appts) -> None:
        today = self.run.today
        for appt in sorted(appts, key=lambda a: (a.day, a.hour)):
            if appt.outcome is None or appt.moved_to is not None or appt.day >= today:
                continue
            outcome = self.run.ref.outcomes[appt.outcome]
            if outcome.awaiting_evidence:
                if self.rng.random() < PENDING_RESPONSE_SHARE:
                    self.take(appt, "EA12", self._decision_day(appt, 1))
                continue
            if not (outcome.enforceable and not outcome.acceptable and appt.national_standards):
                continue
            decided_on = self._decision_day(appt, self.rng.randint(0, 2))
            decision = self.decide(appt, decided_on)
            self.history.failure_dates.append(appt.day)
            if decision.enforcement_review_due:
                self._review(appt, decision)
            if "pending" in appt.flags:
                continue  # the decision has not been made yet
            allowed = {str(a) for a in decision.allowed_actions}
            if "immediate" in appt.flags and "IMB" in allowed:
                code = "IMB"
            elif decision.recommended_action is not None:
                code = str(decision.recommended_action)
            else:
                continue
            if self.plan.code == "LIC" and decision.status == rules.EnforcementStatus.RECALL_REVIEW_REQUIRED:
                code = "EA11"  # the demo's recall cases go straight to a recall request
            self.take(appt, code, decided_on, concluded="concluded" in appt.flags)

    def _decision_day(self, appt, working_days: int) -> date:
        latest = self.run.today - timedelta(days=1)
        return max(appt.day, min(self.run.cal.add_working_days(appt.day, working_days), latest))

    def _review(self, appt, decision) -> None:
        """What recording the outcome does when the failure-to-comply limit is reached."""
        limit = self.history.ftc_limit
        self.contacts.system(
            "ARWS",
            appt.day,
            appt.staff,
            f"{decision.failures_since_breach} failures to comply on this order reach the limit of {limit}: "
            "review enforcement status",
            after=appt.contact.ends_at,
        )
        self.history.review_opened_on = appt.day

    def take(self, appt, code: str, decided_on: date, *, concluded: bool = False) -> EnforcementRow:
        action = self.run.ref.actions[code]
        due = rules.due_dates_for_action(code, decided_on, self.run.cal)
        if action.starts_breach and "breach_pack_due" not in due:  # a recall request (EA11) as well
            due["breach_pack_due"] = self.run.cal.add_working_days(decided_on, rules.BREACH_PACK_WORKING_DAYS)
        rationale = RATIONALES.get(code, "")
        if code == "IBR":
            rationale = self.rng.choice(vocab.BREACH_RATIONALES)
        record = EnforcementRow(
            id=self.run.ids.next(EnforcementRecord),
            contact_id=appt.contact.id,
            sentence_id=self.plan.sentence.id,
            action_id=action.id,
            decided_on=decided_on,
            decided_by_id=appt.staff.id,
            rationale=rationale,
            response_due=due.get("response_due"),
            breach_pack_due=due.get("breach_pack_due"),
        )
        self.batch.enforcement.append(record)
        summary = enforcement_summary(action, record)
        when = format_date(appt.day)
        logged = self.contacts.system(
            "ENFA",
            decided_on,
            appt.staff,
            f"{summary} For the {appt.contact.contact_type} on {when}.",
            after=appt.contact.ends_at,
            note=rationale,
        )
        record.created_at = logged.starts_at  # recorded when the log entry was made
        self.contacts.note(
            appt.contact,
            f"Enforcement action: {summary}" + (f"\nRationale: {rationale}" if rationale else ""),
        )
        if code in WARNING_KINDS:
            self.history.warnings.append((rules.IssuedWarning(decided_on, WARNING_KINDS[code]), record))
            if "withdraw" in appt.flags:
                self._withdraw(appt, record)
        if action.starts_breach:
            self._start_breach(appt, decided_on, record.breach_pack_due, rationale, concluded=concluded)
        return record

    def _withdraw(self, appt, warning: EnforcementRow) -> None:
        """The person's evidence showed the absence was acceptable: outcome changed, warning withdrawn."""
        withdrawn_on = min(
            warning.decided_on + timedelta(days=self.rng.randint(3, 10)), self.run.today - timedelta(days=1)
        )
        appt.outcome = "AAME"
        appt.contact.outcome_id = self.run.ref.outcomes["AAME"].id
        self.history.failure_dates.remove(appt.day)
        self.contacts.note(
            appt.contact, f"Outcome changed to an acceptable absence. {vocab.WITHDRAWAL_RATIONALE}"
        )
        decision = self.decide(appt, withdrawn_on)
        if "EA06" in {str(a) for a in decision.allowed_actions}:
            warning.withdrawn_on = withdrawn_on
            self.take(appt, "EA06", withdrawn_on)

    def _start_breach(
        self, appt, started_on: date, pack_due: date, rationale: str, *, concluded: bool
    ) -> None:
        cal, today = self.run.cal, self.run.today
        # Licences end in recall; post-sentence supervision is breached at court, like an order.
        recall = self.plan.code == "LIC"
        ended = None
        if recall:
            status = Breach.Status.RECALL_REQUESTED
        elif concluded:
            status = Breach.Status.PROVEN_CONTINUE
            ended = max(
                started_on,
                min(started_on + timedelta(days=self.rng.randint(35, 70)), today - timedelta(days=14)),
            )
        else:
            # Proceedings move on as the days pass: initiated, pack requested, then a summons issued.
            waited = cal.working_days_between(started_on, today)
            status = Breach.Status.INITIATED
            if waited >= rules.BREACH_PACK_WORKING_DAYS:
                status = Breach.Status.SUMMONS
            elif waited >= 5:
                status = Breach.Status.PACK_REQUESTED
        breach = BreachRow(
            id=self.run.ids.next(Breach),
            sentence_id=self.plan.sentence.id,
            triggered_by_id=appt.contact.id,
            status=status,
            started_on=started_on,
            pack_due=pack_due,
            ended_on=ended,
            rationale=rationale,
            initiated_by_id=appt.staff.id,
        )
        self.batch.breaches.append(breach)
        self.history.breaches.append(breach)
        self.contacts.system(
            "BRIN",
            started_on,
            appt.staff,
            f"{'Recall' if recall else 'Breach'} initiated after the {appt.contact.contact_type} on "
            f"{format_date(appt.day)}. Pack due by {format_date(pack_due)}.",
            after=appt.contact.ends_at,
        )


def enforce(ctx, plan, appts, contacts, rng, batch) -> None:
    Enforcer(ctx, plan, contacts, rng, batch).answer(appts)
