"""Assessments of risk and needs, other reports, sentence plans in the person's own words, their requests,
and each person's tier, for the demo people.

Runs once after the teams and their risk flags are written, reading people back in chunks. Rows are shaped as
`assessments.actions` writes them and decided by the same rules (the overall RoSH is the highest community
rating and matches the person's RoSH flag; high and very high need a manager's countersignature; plans need one
when the RoSH is high or very high). Deterministic: each person's rows come from the seed and CRN.

What the demo shows:
- most allocated cases have a final assessment, some with an earlier superseded version;
- some high-risk assessments are still waiting for the manager's countersignature, some reviews are overdue, a
  few drafts are older than the draft period, and some cases have no assessment yet;
- a few other reports (prison psychology, mental health, custody); on the fixed practitioner's caseload one
  prison psychology report says very high where the assessment says medium: a conflict to reconcile;
- plans with goals in the person's words and steps, agreed (or not, with the reason);
- requests: some met through a plan step, some answered, some unanswered for more than 14 days.
The assessments sweep runs at once for the demo sign-ins' team, so their attention lists are filled; the daily
sweep (`manage.py run_sweeps`) does the same for everyone else.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from openprobation.assessments.actions.assessments import add_months
from openprobation.assessments.models import (
    Assessment,
    Concern,
    ExternalAssessment,
    Goal,
    Motivation,
    NeedArea,
    NeedRating,
    PersonRequest,
    PlanVersion,
    RiskGroup,
    RiskToSelf,
    RoshRating,
    Setting,
    Step,
)
from openprobation.assessments.sweeps import sweep_assessments
from openprobation.assessments.tiering import recalculate_tiers
from openprobation.people.models import Person
from openprobation.protection.models import Registration
from openprobation.sentences.models import Sentence
from openprobation.staff.models import Role, User

from .rows import instance
from .util import stable_int, weighted
from .writer import bulk_insert

CHUNK = 2_000
ROSH_FROM_FLAG = {"RLRH": "low", "RMRH": "medium", "RHRH": "high", "RVHR": "very_high"}
LEVELS = ["low", "medium", "high", "very_high"]
SEVERITY = (("no_need", 45), ("standard", 40), ("severe", 15))
MOTIVATION = ((Motivation.MADE_CHANGES, 10), (Motivation.MAKING_CHANGES, 15), (Motivation.KNOW_HOW, 10),
              (Motivation.NEED_HELP, 30), (Motivation.THINKING, 15), (Motivation.NOT_WANT, 10),
              (Motivation.NOT_ANSWER, 5), (Motivation.NOT_PRESENT, 5))
STRENGTHS = (
    "Close to their sister, who they see every week", "Held a job for two years before this offence",
    "Engaged well with the last order", "Has stayed away from the old group of friends",
    "Supportive partner who attends appointments with them", "Goes to the gym most days",
    "Proud of their children and wants to be there for them", "Completed a college course in custody", "",
)
NARRATIVE = {
    "who_at_risk": ("Known adult: former partner", "The public, particularly staff in shops and pubs",
                    "Known adult: a named neighbour", "Children in the household of a partner", "Other prisoners"),
    "nature_of_risk": ("Physical violence and threats when drinking", "Controlling and coercive behaviour",
                       "Intimidation and threats to damage property", "Violence with a weapon"),
    "imminence": ("At weekends, after drinking", "When a relationship breaks down",
                  "When they run out of money", "After contact with old associates"),
    "increasing_factors": ("Alcohol; losing accommodation", "Contact with the former partner",
                           "Stopping medication; isolation", "Drug debts"),
    "reducing_factors": ("Stable accommodation and work", "Support from family; abstinence",
                         "Engagement with the programme", "Curfew and exclusion zone"),
}
OWN_WORDS = {
    "ACCOM": ("I want my own place where my kids can come and stay", "I need somewhere to live that isn't the hostel",
              "I want to get off my mate's sofa"),
    "ETE": ("I want to get my forklift licence and get back to work", "I want a job so I've got a reason to get up",
            "I'd like to do a college course"),
    "FINANCE": ("I want to sort out my debts so I'm not scared of the post", "I need to get my benefits sorted"),
    "RELATION": ("I want to see my daughter again", "I want to stop arguing with my mum"),
    "LIFESTYLE": ("I need to stop hanging around with the same lot", "I want to find something to do at weekends"),
    "DRUGS": ("I want to stay clean", "I want to get off the spice for good"),
    "ALCOHOL": ("I want to cut down my drinking", "I don't want drink to run my life anymore"),
    "EMOTIONAL": ("I want help with my childhood trauma", "I want to stop feeling so angry all the time",
                  "I need someone to talk to about my anxiety"),
    "THINKING": ("I want to stop and think before I react", "I want to handle it when people wind me up"),
    "ATTITUDES": ("I want to show people I've changed", "I want to understand why I keep ending up here"),
}
PRACTITIONER_WORDS = {
    "ACCOM": "Settled, suitable accommodation away from the victim's area",
    "ETE": "Employment or training that gives structure to the week",
    "FINANCE": "A budget and a plan for priority debts",
    "RELATION": "Safe contact with their child, through the family court process",
    "LIFESTYLE": "Pro-social activities and distance from offending peers",
    "DRUGS": "Abstinence, with testing and recovery support",
    "ALCOHOL": "Reduced drinking, with structured treatment",
    "EMOTIONAL": "Trauma-informed support for past experiences",
    "THINKING": "Consequential thinking and emotional regulation",
    "ATTITUDES": "Taking responsibility and motivation to change",
}
STEPS = {
    "ACCOM": (("Apply to the council housing register", "person", ""), ("Refer to the accommodation service",
                                                                        "service", "Northwold Housing Support")),
    "ETE": (("Meet the employment adviser", "service", "Ashdale Works"), ("Write a CV", "person", "")),
    "FINANCE": (("Book an appointment with the debt adviser", "service", "Kingsmere Citizens Advice"),),
    "RELATION": (("Contact the family mediation service", "person", ""),),
    "LIFESTYLE": (("Join the Saturday football group", "person", ""),),
    "DRUGS": (("Keep weekly appointments with the recovery service", "person", ""),
              ("Refer to the drug recovery service", "practitioner", "")),
    "ALCOHOL": (("Refer to the alcohol treatment service", "practitioner", ""),),
    "EMOTIONAL": (("Refer to trauma counselling", "service", "Harbridge Wellbeing"),
                  ("Ask the GP about talking therapies", "person", "")),
    "THINKING": (("Complete the Thinking Skills sessions", "service", "Accredited programmes team"),),
    "ATTITUDES": (("Talk through the offence in supervision", "practitioner", ""),),
}
REQUESTS = (
    ("Help with my childhood trauma", "EMOTIONAL"), ("Somewhere to live", "ACCOM"),
    ("Help getting back into work", "ETE"), ("Help with my debts", "FINANCE"),
    ("Can I see my kids?", "RELATION"), ("Support to stop drinking", "ALCOHOL"),
    ("A different appointment time because of work", None), ("Help getting a bank account", "FINANCE"),
)
ANSWERS = (
    "There is no trauma service with space in this area: referred to the GP for talking therapies instead.",
    "Appointments cannot move to evenings, but they can be on Mondays before work.",
    "Family court must decide contact first: explained the process and gave the solicitor's details.",
)
REPORTS = (
    (ExternalAssessment.Kind.PSYCHOLOGY, "Psychology risk assessment", "Dr Jamie Example",
     "HMP Northwold psychology service"),
    (ExternalAssessment.Kind.MENTAL_HEALTH, "Community mental health assessment", "Sam Example, CPN",
     "Northwold community mental health team"),
    (ExternalAssessment.Kind.CUSTODY, "Pre-release custody report", "Offender manager in custody", "HMP Kingsmere"),
)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=ZoneInfo(settings.TIME_ZONE))


class _Builder:
    def __init__(self, seed: int, today: date, fixed_practitioner_id: int | None):
        self.seed, self.today, self.fixed = seed, today, fixed_practitioner_id
        self.areas = list(NeedArea.objects.selectable())
        self.managers = dict(User.objects.filter(role=Role.SENIOR_PROBATION_OFFICER, team__isnull=False)
                             .order_by("pk").values_list("team_id", "pk"))
        self.conflict_made = False
        self.reset()

    def reset(self):
        self.current, self.superseded, self.details, self.needs_of = [], [], [], {}
        self.reports, self.goals, self.steps, self.versions, self.requests = [], [], [], [], []
        self.backdate = defaultdict(list)  # (model, field, value) -> [obj]

    def person(self, row, start: date | None, rosh_flag: str | None):
        person_id, crn, practitioner_id, team_id = row
        rng = random.Random(stable_int(self.seed, "assessments", crn))
        if rng.random() < 0.3 and practitioner_id is not None:
            self.person_requests(rng, person_id, practitioner_id)
        if practitioner_id is None or start is None or (self.today - start).days < 5:
            return  # unallocated or brand new: not assessed yet
        manager_id = self.managers.get(team_id) or practitioner_id
        roll = rng.random()
        if roll < 0.06 and (self.today - start).days > 30:
            return  # no assessment yet: the sweep flags it as missing
        level = ROSH_FROM_FLAG.get(rosh_flag) or weighted(rng, (("low", 25), ("medium", 50), ("high", 20),
                                                               ("very_high", 5)))
        rank = LEVELS.index(level)
        period = {"low": 6, "medium": 6, "high": 3, "very_high": 3}[level] * 30
        first_done = min(start + timedelta(days=rng.randint(2, 12)), self.today - timedelta(days=1))
        number, previous = 1, None
        waiting = level in ("high", "very_high") and roll < 0.2
        if (self.today - first_done).days > period and rng.random() < 0.9:
            # Reviewed since: the first version is superseded by a review within the review period. While the
            # review waits for countersignature the first stays current, so it carries the flag's level.
            earlier = rank if waiting else max(rank - rng.choice((0, 1)), 0)
            previous = self.assessment(rng, person_id, 1, earlier, first_done, practitioner_id, manager_id)
            number = 2
            done = self.today - timedelta(days=rng.randint(1, period - 5))
        else:
            done = first_done  # about one in ten of these is past its review date
        current = self.assessment(rng, person_id, number, rank, done, practitioner_id, manager_id, waiting=waiting)
        if previous is not None and current.status == Assessment.Status.COMPLETE:
            previous.status = Assessment.Status.SUPERSEDED
            previous.superseded_at = current.countersigned_at or current.completed_at
            previous.superseded_by = current
        for written in (previous, current):
            if written is not None:
                (self.superseded if written.status == Assessment.Status.SUPERSEDED else self.current).append(written)
        final = current if current.status == Assessment.Status.COMPLETE else previous
        if roll > 0.96 and not waiting:
            # A new version started weeks ago and never finished: the sweep puts it in the attention lists.
            self.assessment(rng, person_id, number + 1, rank, None, practitioner_id, manager_id,
                            draft_since=self.today - timedelta(days=rng.randint(16, 40)))
        if final is not None:
            self.reports_for(rng, person_id, final, practitioner_id)
            if rng.random() < 0.75:
                self.plan(rng, person_id, final, practitioner_id, manager_id)

    def assessment(self, rng, person_id, number, rank, completed: date | None, author_id, manager_id, *,
                   waiting=False, draft_since: date | None = None):
        """A version completed on ``completed`` (countersigned for high risk unless ``waiting``), or a draft
        started on ``draft_since``."""
        level = LEVELS[rank]
        created = _at(draft_since or completed - timedelta(days=rng.randint(0, 6)), 10)
        a = instance(Assessment, person_id=person_id, number=number, purpose=Assessment.Purpose.START if number == 1
                       else Assessment.Purpose.REVIEW, created_by_id=author_id,
                       parental_responsibilities=weighted(rng, (("yes", 30), ("no", 60), ("unknown", 10))),
                       impulsivity=weighted(rng, (("none", 40), ("some", 45), ("significant", 15))),
                       temper_control=weighted(rng, (("none", 45), ("some", 40), ("significant", 15))),
                       **{field: rng.choice(options) for field, options in NARRATIVE.items()})
        self.backdate[(Assessment, "created_at", created)].append(a)
        if rng.random() < 0.9:
            a.predictors_entered = True
            a.ogrs3_two_year = Decimal(rng.randint(10, 90))
            a.ogrs3_one_year = (a.ogrs3_two_year * Decimal("0.7")).quantize(Decimal("1"))
            a.rsr = Decimal(rng.randint(50, 900)) / 100
            a.arp, a.arp_type = Decimal(rng.randint(5, 95)), rng.choice(("static", "dynamic", "dynamic"))
            a.csrp, a.csrp_type = Decimal(rng.randint(5, 800)) / 100, a.arp_type
        needs = self.needs(rng)
        self.needs_of[id(a)] = needs
        self.details.append((a, self.ratings(rng, rank), self.risks_to_self(rng), needs))
        if completed is None:
            return a
        a.completed_at, a.completed_by_id = _at(completed, 15), author_id
        a.overall_rosh = level
        a.review_due = add_months(completed, {"low": 6, "medium": 6, "high": 3, "very_high": 3}[level])
        a.countersignature_required = level in ("high", "very_high")
        a.status = Assessment.Status.COMPLETE
        if a.countersignature_required:
            if waiting:
                a.status = Assessment.Status.AWAITING_COUNTERSIGNATURE
            else:
                a.countersigned_at = a.completed_at + timedelta(days=rng.randint(0, 3))
                a.countersigned_by_id = manager_id
        return a

    def ratings(self, rng, rank):
        found = {}
        for group in RiskGroup.values:
            for place in Setting.values:
                found[(group, place)] = LEVELS[max(0, rank - rng.choice((0, 1, 1, 2)))]
        found[(rng.choice(("public", "known_adult")), Setting.COMMUNITY)] = LEVELS[rank]
        return found

    def risks_to_self(self, rng):
        return {c: (weighted(rng, (("no", 85), ("yes", 10), ("unknown", 5))),
                    weighted(rng, (("no", 70), ("yes", 25), ("unknown", 5)))) for c in Concern.values}

    def needs(self, rng):
        return {area.pk: (weighted(rng, SEVERITY), rng.random() < 0.25, rng.random() < 0.6, weighted(rng, MOTIVATION),
                          rng.choice(STRENGTHS)) for area in self.areas}

    def reports_for(self, rng, person_id, current, practitioner_id):
        conflict = practitioner_id == self.fixed and current.overall_rosh == "medium" and not self.conflict_made
        if not conflict and rng.random() > 0.06:
            return
        kind, title, author, agency = REPORTS[0] if conflict else rng.choice(REPORTS)
        level = "very_high" if conflict else current.overall_rosh if rng.random() < 0.8 else ""
        assessed = self.today - timedelta(days=rng.randint(20, 300))
        conclusion = ("Risk of serious harm to a known adult is very high in the community: high psychopathy "
                      "indicators and no completed treatment." if conflict else
                      "Findings broadly consistent with the probation assessment.")
        self.reports.append(instance(ExternalAssessment, person_id=person_id, kind=kind, title=title, author=author,
                                               agency=agency, assessed_on=assessed, conclusion=conclusion,
                                               rosh_level=level, recorded_by_id=practitioner_id))
        self.conflict_made = self.conflict_made or conflict

    def plan(self, rng, person_id, current, practitioner_id, manager_id):
        rated = self.needs_of[id(current)]
        wanted = [a for a in self.areas if rated[a.pk][0] != "no_need"] or self.areas[:1]
        snapshot = []
        agreed_on = min(timezone_date(current.final_at) + timedelta(days=rng.randint(1, 10)), self.today)
        for area in rng.sample(wanted, k=min(len(wanted), rng.randint(1, 3))):
            goal = instance(Goal, person_id=person_id, area=area, own_words=rng.choice(OWN_WORDS[area.code]),
                        practitioner_words=PRACTITIONER_WORDS[area.code] if rng.random() < 0.7 else "",
                        target_date=add_months(agreed_on, rng.choice((3, 6, 12))), created_by_id=practitioner_id)
            self.goals.append(goal)
            steps = []
            for description, owner, service in STEPS[area.code]:
                status = weighted(rng, (("not_started", 30), ("in_progress", 45), ("completed", 25)))
                step = instance(Step, goal=goal, description=description, owner=owner, service_name=service,
                            status=status, created_by_id=practitioner_id,
                            completed_on=agreed_on + timedelta(days=rng.randint(5, 40)) if status == "completed" else None)
                if step.completed_on and step.completed_on > self.today:
                    step.completed_on = self.today
                self.steps.append(step)
                steps.append({"description": description, "owner": service or Step.Owner(owner).label,
                              "status": status, "status_label": Step.Status(status).label, "target_date": None})
            snapshot.append({"area": area.description, "area_code": area.code, "own_words": goal.own_words,
                             "practitioner_words": goal.practitioner_words, "status": "active",
                             "status_label": "Working on now", "status_note": "",
                             "target_date": goal.target_date.isoformat(), "steps": steps})
        agreement = weighted(rng, (("agreed", 85), ("do_not_agree", 8), ("could_not_answer", 7)))
        needs_sign = current.overall_rosh in ("high", "very_high")
        version = instance(PlanVersion,
            person_id=person_id, number=1, agreement=agreement, snapshot={"goals": snapshot},
            agreement_details="" if agreement == "agreed" else (
                "Says the alcohol goal is not needed" if agreement == "do_not_agree" else "Too unwell to discuss it"),
            person_comments="I think it's fair" if agreement == "agreed" and rng.random() < 0.4 else "",
            status=PlanVersion.Status.CURRENT, countersignature_required=needs_sign,
            countersignature_reason=f"Assessment {current.number} rates the risk of serious harm "
                                    f"{current.get_overall_rosh_display().lower()}" if needs_sign else "",
            recorded_by_id=practitioner_id, review_due=add_months(agreed_on, 6 if rng.random() < 0.85 else 1))
        if needs_sign:
            version.countersigned_at, version.countersigned_by_id = _at(agreed_on, 16), manager_id
        self.versions.append(version)
        self.backdate[(PlanVersion, "recorded_at", _at(agreed_on, 11))].append(version)

    def person_requests(self, rng, person_id, practitioner_id):
        for words, code in rng.sample(REQUESTS, k=rng.randint(1, 2)):
            asked = self.today - timedelta(days=rng.randint(2, 90))
            area = next((a for a in self.areas if a.code == code), None)
            request = instance(PersonRequest, person_id=person_id, asked_on=asked, words=words, area=area,
                                    recorded_by_id=practitioner_id)
            outcome = weighted(rng, (("open", 25), ("answered", 35), ("met", 40)))
            if outcome == "answered":
                request.status, request.answer = PersonRequest.Status.ANSWERED, rng.choice(ANSWERS)
                request.answered_on = min(asked + timedelta(days=rng.randint(1, 10)), self.today)
                request.closed_by_id = practitioner_id
            elif outcome == "met":
                request.status = PersonRequest.Status.MET
                request.met_on = min(asked + timedelta(days=rng.randint(3, 30)), self.today)
                request.action_note = "Referred and attended the first session"
                request.closed_by_id = practitioner_id
            self.requests.append(request)

    def write(self) -> Counter:
        counts = Counter()
        # The dates the history needs, set before the insert (bulk_insert keeps given auto_now_add values).
        for (_, field, value), objs in self.backdate.items():
            for obj in objs:
                setattr(obj, field, value)
        with transaction.atomic():
            bulk_insert(Assessment, self.current + [a for a, *_ in self.details if a.status == "draft"])
            for a in self.superseded:
                a.superseded_by_id = a.superseded_by.pk
            bulk_insert(Assessment, self.superseded)
            ratings, risks, needs = [], [], []
            for a, rosh, self_risks, need in self.details:
                ratings += [instance(RoshRating, assessment=a, group=g, setting=s, level=lv) for (g, s), lv in rosh.items()]
                risks += [instance(RiskToSelf, assessment=a, concern=c, current=now, previous=before)
                          for c, (now, before) in self_risks.items()]
                needs += [instance(NeedRating, assessment=a, area_id=area_id, severity=sev, linked_to_harm=harm,
                                     linked_to_reoffending=reoff, motivation=motivation, strengths=strengths)
                          for area_id, (sev, harm, reoff, motivation, strengths) in need.items()]
            bulk_insert(RoshRating, ratings)
            bulk_insert(RiskToSelf, risks)
            bulk_insert(NeedRating, needs)
            bulk_insert(ExternalAssessment, self.reports)
            bulk_insert(Goal, self.goals)
            for step in self.steps:
                step.goal_id = step.goal.pk
            bulk_insert(Step, self.steps)
            bulk_insert(PlanVersion, self.versions)
            bulk_insert(PersonRequest, self.requests)
        for model, rows in ((Assessment, len(self.current) + len(self.superseded) + sum(
                a.status == "draft" for a, *_ in self.details)), (RoshRating, len(ratings)), (NeedRating, len(needs)),
                (ExternalAssessment, len(self.reports)), (Goal, len(self.goals)), (Step, len(self.steps)),
                (PlanVersion, len(self.versions)), (PersonRequest, len(self.requests))):
            counts[model._meta.label] = rows
        self.reset()
        return counts


def timezone_date(moment: datetime) -> date:
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def _chunk_context(ids):
    starts = dict(Sentence.objects.filter(person_id__in=ids, terminated_on__isnull=True)
                  .order_by("person_id", "start_date").values_list("person_id", "start_date"))
    flags = dict(Registration.objects.filter(person_id__in=ids, deregistered_on__isnull=True,
                                             register_type__code__in=list(ROSH_FROM_FLAG))
                 .values_list("person_id", "register_type__code"))
    return starts, flags


def build_assessments(*, seed: int, today: date, practitioner=None, people=None, finish: bool = True) -> Counter:
    """Assessments, reports, plans, requests and tiers for every demo person (or those in ``people``, a Person
    queryset); returns the row counts. ``finish=False`` leaves out `finish_assessments`, for a load that
    runs this over several ranges of people at once."""
    builder = _Builder(seed, today, getattr(practitioner, "pk", None))
    counts = Counter()
    people = Person.objects.all() if people is None else people
    rows = people.order_by("pk").values_list("pk", "crn", "practitioner_id", "team_id")
    last = 0
    while True:
        chunk = list(rows.filter(pk__gt=last)[:CHUNK])
        if not chunk:
            break
        starts, flags = _chunk_context([row[0] for row in chunk])
        for row in chunk:
            builder.person(row, starts.get(row[0]), flags.get(row[0]))
        counts.update(builder.write())
        last = chunk[-1][0]
    tiers = recalculate_tiers(people, today=today, trigger="Demo data", audit=False)
    counts["assessments.TierCalculation"] = tiers["recalculated"]
    if finish:
        counts.update(finish_assessments(today=today, practitioner=practitioner))
    return counts


def finish_assessments(*, today: date, practitioner=None) -> Counter:
    """The demo sign-ins' team sees its attention lists at once; the daily sweep fills everyone else's."""
    if practitioner is None or practitioner.team_id is None:
        return Counter()
    team = list(Person.objects.filter(team_id=practitioner.team_id).values_list("pk", flat=True))
    return Counter({"alerts.Alert (assessments)": sweep_assessments(today, person_ids=team).get("alerts_raised", 0)})
