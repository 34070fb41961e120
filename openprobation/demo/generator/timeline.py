"""A case's appointments: the reporting pattern, outcomes, moves, and the scenario's failures.

Works on plain `Appt` records; `contacts.py` turns them into rows. Supervision is weekly for the first
twelve weeks, fortnightly after, and monthly in the final third; unpaid work and rehabilitation
activity sessions run alongside until the hours or days are done.
"""

from __future__ import annotations

import math
import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from . import scenarios as s
from . import vocab
from .util import at, uuid_from, weighted, working_day_on_or_after

WEEKLY_FOR = timedelta(weeks=12)
UPW_SESSION_HOURS = 7
SUPERVISION_TYPES = [("COAP", 72), ("COPT", 10), ("COHV", 8), ("COVC", 6), ("COOO", 4)]
SUPERVISION_CODES = frozenset({"COAI", "COAP", "COPT", "COHV", "COVC"})
ABSENCES = [
    ("AAME", 35),
    ("AAEM", 20),
    ("AAFC", 15),
    ("AACL", 8),
    ("AAHO", 7),
    ("CO05", 8),
    ("AARE", 3),
    ("AARC", 2),
]
RESCHEDULE_SHARE = 0.045
ABSENCE_SHARE = 0.075
NOTE_SHARE = 0.75
SENSITIVE_SHARE = 0.025
EARLIER_ATTENDANCE = 0.88


@dataclass(eq=False)
class Appt:
    day: date
    hour: int
    minute: int
    minutes: int
    type_code: str
    staff: object
    requirement: object = None
    series: uuid.UUID | None = None
    description: str = ""
    outcome: str | None = None
    evidence_due: date | None = None
    enforceable: bool = False
    moved_to: Appt | None = None
    moved_at: datetime | None = None
    requested_by: str = ""
    reason: str = ""
    note: str = ""
    note_sensitive: bool = False
    sensitive: bool = False
    flags: set = field(default_factory=set)  # scenario hints for enforcement: withdraw, immediate, ...
    contact: object = None  # the Contact row, once built

    @property
    def national_standards(self) -> bool:
        return self.type_code != "COOO"


class Timeline:
    def __init__(self, ctx, plan, person, rng: random.Random, staff_on, horizon: date, *, history_start=None):
        self.ctx, self.plan, self.person, self.rng = ctx, plan, person, rng
        self.run = ctx.run
        self.history_start = history_start or self.run.history_start  # the first day generated as rows
        self.staff_on = staff_on  # date -> the practitioner holding the case that day
        self.horizon = horizon
        self.appts: list[Appt] = []
        self.earlier_sessions: dict[int, list[date]] = {}  # attended sessions before the history shown
        self.busy_weekdays: set[int] = set()  # weekdays already used for reporting or sessions

    # --- schedule -------------------------------------------------------------------------------

    def schedule(self) -> None:
        self._supervision()
        upw = self.plan.requirement("UPW")
        if upw is not None:
            hours = int(upw.length)
            self._sessions(
                upw,
                "CUPA",
                first_after=self.rng.randint(10, 21),
                every=7,
                hour=9,
                minutes=420,
                count=math.ceil(hours / UPW_SESSION_HOURS) + 4,
                description=upw.subtype,
            )
        rar = self.plan.requirement("RAR")
        if rar is not None:
            self._sessions(
                rar,
                "CRAR",
                first_after=self.rng.randint(17, 24),
                every=14,
                hour=self.rng.choice([10, 13, 14]),
                minutes=90,
                count=int(rar.length) + 2,
                description="Rehabilitation activity session",
            )
        self.appts.sort(key=lambda a: (a.day, a.hour, a.minute))

    def _visible(self, day: date) -> bool:
        return self.history_start <= day <= self.horizon

    def _supervision(self) -> None:
        rng, cal, start = self.rng, self.run.cal, self.plan.start
        two_thirds = self.plan.sentence.two_thirds_date
        # Licences report on the day of release; orders a few working days after sentence.
        nominal = start if self.plan.is_licence else cal.add_working_days(start, rng.randint(1, 4))
        hour, minute = rng.choice([9, 10, 11, 14, 15, 16]), rng.choice([0, 30])
        self.busy_weekdays.add(working_day_on_or_after(cal, nominal).weekday())
        series, phase, first = None, None, True
        while nominal <= self.horizon:
            day = working_day_on_or_after(cal, nominal)
            step = 7 if nominal < start + WEEKLY_FOR else (28 if two_thirds and nominal >= two_thirds else 14)
            if step != phase:
                phase, series = step, uuid_from(rng)
            if self._visible(day):
                code = "COAI" if first else weighted(rng, SUPERVISION_TYPES)
                self.appts.append(
                    Appt(
                        day,
                        hour,
                        minute,
                        60 if first else rng.choice([30, 45, 60]),
                        code,
                        self.staff_on(day),
                        series=None if first else series,
                        description="Housing advice drop-in" if code == "COOO" else "",
                    )
                )
            first = False
            nominal += timedelta(days=step)

    def _sessions(self, requirement, code, *, first_after, every, hour, minutes, count, description) -> None:
        end = min(self.horizon, requirement.expected_end_date or self.horizon)
        nominal = self.plan.start + timedelta(days=first_after)
        # Sessions fall on a weekday of their own, so they never clash with reporting.
        while nominal.weekday() >= 5 or nominal.weekday() in self.busy_weekdays:
            nominal += timedelta(days=1)
        self.busy_weekdays.add(nominal.weekday())
        series = uuid_from(self.rng)
        for _ in range(count):
            if nominal > end:
                break
            day = working_day_on_or_after(self.run.cal, nominal)
            if day < self.history_start:
                # Before the history shown: not generated as rows, but the work done still counts.
                if self.rng.random() < EARLIER_ATTENDANCE:
                    self.earlier_sessions.setdefault(id(requirement), []).append(day)
            elif self._visible(day):
                self.appts.append(
                    Appt(
                        day,
                        hour,
                        0,
                        minutes,
                        code,
                        self.staff_on(day),
                        requirement=requirement,
                        series=series,
                        description=description,
                    )
                )
            nominal += timedelta(days=every)

    # --- outcomes -------------------------------------------------------------------------------

    def record_outcomes(self) -> None:
        """Outcomes for past appointments and a few moved appointments, before any scenario applies."""
        today, rng = self.run.today, self.rng
        for appt in list(self.appts):
            if appt.day < today:
                if appt.type_code != "COAI" and rng.random() < RESCHEDULE_SHARE:
                    self._move(
                        appt,
                        requested_at=at(appt.day - timedelta(days=rng.randint(1, 3)), 11, 0, self.run.tz),
                    )
                else:
                    self._baseline_outcome(appt)
            elif appt.day <= today + timedelta(days=10) and rng.random() < RESCHEDULE_SHARE:
                self._move(appt, requested_at=self.run.now - timedelta(hours=rng.randint(2, 60)))
        self.appts.sort(key=lambda a: (a.day, a.hour, a.minute))

    def _baseline_outcome(self, appt: Appt) -> None:
        rng = self.rng
        r = rng.random()
        if appt.type_code == "CUPA" and r < 0.02:
            appt.outcome = "ATSS"
        elif r < ABSENCE_SHARE:
            code = weighted(rng, ABSENCES)
            if appt.day < self.run.today - timedelta(days=330) and rng.random() < 0.3:
                code = "CO10"
            appt.outcome = code
        else:
            appt.outcome = "ATTC"
        if appt.outcome != "ATTC":
            appt.note = vocab.ABSENCE_REASONS[appt.outcome]
        elif rng.random() < SENSITIVE_SHARE:
            appt.note = rng.choice(vocab.SENSITIVE_NOTES).format(name=self.person.first_name)
            appt.note_sensitive = True
            appt.sensitive = rng.random() < 0.5
        elif rng.random() < NOTE_SHARE:
            appt.note = self._session_note(appt)

    def _session_note(self, appt: Appt) -> str:
        rng, name = self.rng, self.person.first_name
        if appt.type_code == "CUPA":
            return f"{name} completed the session on the {appt.description.lower()}; worked well all day."
        return " ".join(
            [
                rng.choice(vocab.SESSION_OPENINGS).format(name=name),
                f"We {rng.choice(vocab.SESSION_TOPICS)}.",
                rng.choice(vocab.SESSION_PLANS),
            ]
        )

    def _move(self, appt: Appt, *, requested_at: datetime) -> None:
        rng = self.rng
        requested_by = "person" if rng.random() < 0.6 else "service"
        new_day = self.run.cal.add_working_days(appt.day, rng.randint(1, 5))
        # Sessions keep their time slot; other appointments are offered whatever slot is free.
        same_slot = appt.requirement is not None
        replacement = Appt(
            new_day,
            appt.hour if same_slot else rng.choice([9, 10, 11, 14, 15]),
            appt.minute if same_slot else rng.choice([0, 30]),
            appt.minutes,
            appt.type_code,
            self.staff_on(new_day),
            requirement=appt.requirement,
            description=appt.description,
        )
        appt.outcome = "RSOF" if requested_by == "person" else "RSSR"
        appt.moved_to, appt.requested_by = replacement, requested_by
        appt.moved_at = min(requested_at, self.run.now - timedelta(hours=1))
        appt.reason = rng.choice(vocab.RESCHEDULE_REASONS[requested_by])
        if new_day < self.run.today:
            self._baseline_outcome(replacement)
        self.appts.append(replacement)

    # --- scenarios ------------------------------------------------------------------------------

    def apply(self, scenario: str) -> None:
        today, rng = self.run.today, self.rng

        def days_ago(n):
            return today - timedelta(days=n)

        if scenario == s.LIVE_WARNING:
            first = self._fail(days_ago(270), days_ago(60 if self.plan.is_licence else 10))
            if self.plan.is_licence and rng.random() < 0.5:
                self._fail(first.day + timedelta(days=21), days_ago(10))
        elif scenario == s.BREACH:
            self._fail(days_ago(240), days_ago(60))
            second = self._fail(days_ago(45), days_ago(8))
            if rng.random() < 0.5:  # and failed again while the breach was in progress
                self._fail(second.day + timedelta(days=5), days_ago(1))
        elif scenario == s.BREACH_CONCLUDED:
            first = self._fail(days_ago(320), days_ago(240))
            self._fail(first.day + timedelta(days=20), first.day + timedelta(days=60), flag="concluded")
        elif scenario == s.IMMEDIATE_BREACH:
            self._fail(days_ago(25), days_ago(3), flag="immediate")
        elif scenario == s.RECALL:
            last = self._fail(days_ago(280), days_ago(200))
            for _ in range(2):
                last = self._fail(last.day + timedelta(days=25), last.day + timedelta(days=50))
            self._fail(days_ago(20), days_ago(2))
        elif scenario == s.AWAITING_EVIDENCE:
            appt = self._pick(self._working_days_back(4), days_ago(1))
            self._await_evidence(appt)
        elif scenario == s.EVIDENCE_OVERDUE:
            appt = self._pick(days_ago(24), days_ago(14))
            self._await_evidence(appt)
        elif scenario == s.OUTCOMES_OVERDUE:
            picks = [self._pick(days_ago(21), days_ago(1))]
            extra = [a for a in self._candidates(days_ago(21), days_ago(1)) if a not in picks]
            picks += rng.sample(extra, k=min(len(extra), rng.randint(0, 2)))
            for appt in picks:
                appt.outcome, appt.note, appt.note_sensitive = None, "", False
        elif scenario == s.ENFORCEMENT_PENDING:
            self._fail(self._working_days_back(3), days_ago(1), flag="pending")
        elif scenario == s.WARNING_WITHDRAWN:
            self._fail(days_ago(200), days_ago(30), flag="withdraw")

    def _working_days_back(self, n: int) -> date:
        d = self.run.today
        for _ in range(n):
            d -= timedelta(days=1)
            while not self.run.cal.is_working_day(d):
                d -= timedelta(days=1)
        return d

    def _candidates(self, lo: date, hi: date) -> list[Appt]:
        return [
            a
            for a in self.appts
            if lo <= a.day <= hi
            and a.day < self.run.today
            and a.national_standards
            and a.moved_to is None
            and a.outcome is not None
            and not a.enforceable
            and a.evidence_due is None
        ]

    def _pick(self, lo: date, hi: date) -> Appt:
        """A past appointment in the window, adding one (an extra reporting instruction) if none falls there."""
        floor = max(self.history_start, self.plan.start + timedelta(days=1))
        lo, hi = max(lo, floor), max(min(hi, self.run.today - timedelta(days=1)), floor)
        lo = min(lo, hi)
        found = self._candidates(lo, hi)
        if found:
            return self.rng.choice(found)
        day = lo + timedelta(days=self.rng.randint(0, (hi - lo).days))
        while not self.run.cal.is_working_day(day) and day > lo:
            day -= timedelta(days=1)
        appt = Appt(
            day,
            self.rng.choice([10, 11, 14]),
            0,
            45,
            "COAP",
            self.staff_on(day),
            description="Additional reporting instruction",
            outcome="ATTC",
        )
        self.appts.append(appt)
        self.appts.sort(key=lambda a: (a.day, a.hour, a.minute))
        return appt

    def _fail(self, lo: date, hi: date, flag: str = "") -> Appt:
        appt = self._pick(lo, hi)
        if flag == "immediate":
            code = "AFTC"
        elif appt.type_code == "CUPA":
            code = weighted(self.rng, [("UAAB", 6), ("ATSH", 3), ("AFTC", 1)])
        else:
            code = weighted(self.rng, [("UAAB", 8), ("AFTC", 2)])
        appt.outcome, appt.enforceable = code, True
        note = vocab.FAILURE_NOTES["immediate" if flag == "immediate" else code]
        appt.note, appt.note_sensitive = note.format(name=self.person.first_name), False
        if flag:
            appt.flags.add(flag)
        return appt

    def _await_evidence(self, appt: Appt) -> None:
        appt.outcome = "AFTA"
        appt.evidence_due = self.run.cal.add_working_days(appt.day, 5)
        appt.note, appt.note_sensitive = vocab.AFTA_NOTE.format(name=self.person.first_name), False

    # --- requirement progress -------------------------------------------------------------------

    def settle_requirements(self) -> None:
        """Count hours and days done; finish a requirement when complete and drop its later sessions."""
        for code, per_session in (("UPW", UPW_SESSION_HOURS), ("RAR", 1)):
            requirement = self.plan.requirement(code)
            if requirement is None:
                continue
            attended = self.earlier_sessions.get(id(requirement), []) + [
                a.day
                for a in self.appts
                if a.requirement is requirement and a.outcome == "ATTC" and a.day < self.run.today
            ]
            done, completed_on = 0, None
            for day in attended:
                done += per_session
                if done >= requirement.length:
                    completed_on = day
                    break
            requirement.progress = min(done, int(requirement.length))
            if completed_on:
                requirement.terminated_on = completed_on
                requirement.termination_reason = (
                    "Hours completed" if code == "UPW" else "Activity days completed"
                )
                later = {a for a in self.appts if a.requirement is requirement and a.day > completed_on}
                kept_moves = {a.moved_to for a in self.appts if a not in later and a.moved_to is not None}
                self.appts = [a for a in self.appts if a not in later or a in kept_moves]
            else:
                # Unfinished work carries on past the expected end date until the court says otherwise.
                requirement.terminated_on, requirement.termination_reason = None, ""
