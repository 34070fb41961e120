"""Risk flags (registrations) for the demo people: a RoSH level for most, MAPPA for some, 2-7 active flags
typically, with review histories, a few overdue reviews and some removed flags.

Runs once after every team is written, reading the people back in chunks (rows shaped as
`protection.actions` writes them, decided by the same rules: one active flag per type, one RoSH level,
review dates from the type's review period). Deterministic: each person's flags come from the seed and CRN.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

from django.db import transaction

from openprobation.people.models import Person
from openprobation.protection.actions import suggested_review_date
from openprobation.protection.models import RegisterType, Registration, RegistrationReview
from openprobation.sentences.models import Sentence
from openprobation.staff.models import Role, User

from .rows import instance
from .util import stable_int, weighted
from .writer import bulk_insert

CHUNK = 2_000
ROSH = (("RLRH", 25), ("RMRH", 48), ("RHRH", 22), ("RVHR", 5))
ROSH_ON_LICENCE = (("RLRH", 10), ("RMRH", 40), ("RHRH", 38), ("RVHR", 12))
MAPPA_LEVELS = (("M1", 80), ("M2", 16), ("M3", 4))
MAPPA_CATEGORIES = (("M1", 30), ("M2", 60), ("M3", 8), ("M4", 2))
# Other flags and how common they are; offence categories make some likelier.
OTHER_FLAGS = (
    ("ALSH", 16), ("AMHL", 14), ("ADVP", 14), ("REG30", 8), ("RCCO", 6), ("RCPR", 5), ("RCHD", 5), ("RVLN", 7),
    ("WEAP", 4), ("IIOM", 5), ("APPO", 3), ("STRG", 3), ("SPO", 2), ("RSTO", 5), ("IRMO", 2), ("AV2S", 2),
    ("WRSM", 3), ("HOIE", 2), ("RMDO", 3), ("RVAD", 2), ("ADVV", 3), ("IMAR", 3), ("CL1", 2), ("RRR", 1),
)
BY_OFFENCE = {
    "Violence against the person": {"ADVP": 3.0, "RSTO": 2.0, "WEAP": 2.5, "REG30": 2.0},
    "Drug offences": {"STRG": 3.0, "CL1": 4.0, "WEAP": 1.5},
    "Theft": {"APPO": 3.0, "IIOM": 3.0},
    "Burglary": {"APPO": 3.0, "IIOM": 3.0},
    "Public order": {"IRMO": 3.0},
}
REVIEW_NOTES = (
    "Reviewed with the person at supervision; the flag still applies.",
    "Checked with partner agencies: no change to the risk picture.",
    "Reviewed at the team risk meeting; keep in place until the next review.",
    "Circumstances unchanged since the last review.",
)
REMOVAL_REASONS = {
    "WRSM": "The warrant was executed",
    "RCCO": "Children's services closed the referral",
    "RCPR": "The child protection plan ended",
    "RRR": "The risk review was completed",
    "IMAR": "The MARAC case was closed",
    "HOIE": "The Home Office confirmed no further interest",
}
DEFAULT_REMOVAL = "No longer applies: reviewed with the manager"


def _current_sentences(person_ids) -> dict[int, tuple[date, str, str]]:
    """Each person's latest current order or licence: (start, sentence type code, main offence category)."""
    found = {}
    rows = (Sentence.objects.filter(person_id__in=person_ids, terminated_on__isnull=True, event__offences__main=True)
            .order_by("person_id", "start_date")
            .values_list("person_id", "start_date", "sentence_type__code", "event__offences__offence_type__category"))
    for person_id, start, code, category in rows:
        found[person_id] = (start, code, category or "")
    return found


class _Builder:
    def __init__(self, seed: int, today: date):
        self.seed, self.today = seed, today
        self.types = {t.code: t for t in RegisterType.objects.all()}
        self.managers = dict(User.objects.filter(role=Role.SENIOR_PROBATION_OFFICER, team__isnull=False)
                             .order_by("pk").values_list("team_id", "pk"))
        self.fallback_user_id = User.objects.order_by("pk").values_list("pk", flat=True).first()
        self.registrations: list[Registration] = []
        self.reviews: list[tuple[Registration, RegistrationReview]] = []
        self._person_id = None

    def person(self, person_id, crn, born, practitioner_id, team_id, sentence) -> None:
        rng = random.Random(stable_int(self.seed, "registrations", crn))
        self._person_id = person_id
        start, code, category = sentence or (self.today - timedelta(days=rng.randint(30, 400)), "CO", "")
        keeper = practitioner_id or self.managers.get(team_id) or self.fallback_user_id
        licence = code in ("LIC", "PSS")
        earliest = min(max(start - timedelta(days=rng.randint(0, 60)), born + timedelta(days=365 * 18)), self.today)

        def on_or_after(day: date, spread: int) -> date:
            return min(day + timedelta(days=rng.randint(0, spread)), self.today)

        # RoSH: most cases have a level; unallocated new cases may still wait for the assessment.
        if practitioner_id or rng.random() < 0.4:
            rosh = weighted(rng, ROSH_ON_LICENCE if licence else ROSH)
            if rng.random() < 0.18:  # reassessed: the earlier level was replaced
                previous = weighted(rng, ROSH)
                if previous != rosh:
                    changed_on = on_or_after(earliest, 120)
                    self.add(rng, previous, earliest, keeper, removed_on=changed_on,
                             reason="Replaced by the latest risk of serious harm assessment")
                    earliest = changed_on
            self.add(rng, rosh, on_or_after(earliest, 20), keeper)
        else:
            rosh = None
        codes = set()
        if rosh in ("RHRH", "RVHR") or licence:
            chance = 0.4 if licence and rosh in ("RHRH", "RVHR") else 0.08
            if rng.random() < chance:
                mappa_category = weighted(rng, MAPPA_CATEGORIES)
                self.add(rng, "MAPP", on_or_after(earliest, 30), keeper, level=weighted(rng, MAPPA_LEVELS),
                         category=mappa_category)
                if mappa_category == "M1":
                    codes |= {"ARSO", "AVIS"}
                elif mappa_category == "M4":
                    codes.add("RTAO")
        if not practitioner_id:
            wanted = rng.choice((0, 0, 1))
        else:
            wanted = weighted(rng, ((1, 20), (2, 30), (3, 25), (4, 15), (5, 7), (6, 3)))
        boosts = BY_OFFENCE.get(category, {})
        pool = [(flag, weight * boosts.get(flag, 1.0)) for flag, weight in OTHER_FLAGS]
        while len(codes) < wanted + (2 if {"ARSO", "AVIS"} <= codes else 0):
            codes.add(weighted(rng, pool))
        if rosh and "RCHD" in codes and rosh == "RLRH":
            codes.discard("RCHD")
        for flag in sorted(codes):
            history = flag == "REG30"
            registered = on_or_after(earliest - timedelta(days=rng.randint(200, 900)) if history else earliest, 90)
            registered = max(registered, born + timedelta(days=365 * 16))
            removable = flag in REMOVAL_REASONS or rng.random() < 0.08
            if removable and rng.random() < 0.45 and registered < self.today - timedelta(days=30):
                removed_on = registered + timedelta(days=rng.randint(14, (self.today - registered).days))
                self.add(rng, flag, registered, keeper, removed_on=removed_on,
                         reason=REMOVAL_REASONS.get(flag, DEFAULT_REMOVAL))
                continue
            self.add(rng, flag, registered, keeper)

    def add(self, rng, code, registered_on, by_id, *, level="", category="", removed_on=None, reason=""):
        register_type = self.types[code]
        registration = instance(Registration,
            person_id=self._person_id, register_type=register_type, level=level, category=category,
            registered_on=registered_on, registered_by_id=by_id, notes="Synthetic demo flag",
            deregistered_on=removed_on, deregistration_reason=reason,
            deregistered_by_id=by_id if removed_on else None,
        )
        # Reviews every review period until today (or removal); about one active flag in ten is overdue.
        due = suggested_review_date(register_type, registered_on)
        end = removed_on or self.today
        level_now = level
        while due is not None and due <= end:
            if removed_on is None and rng.random() < 0.1 and suggested_review_date(register_type, due) > end:
                break  # this review was missed: the flag shows as overdue
            reviewed_on = min(due + timedelta(days=rng.randint(-10, 12)), end)
            if reviewed_on < registered_on:
                reviewed_on = registered_on
            next_due = suggested_review_date(register_type, reviewed_on)
            if code == "MAPP" and level_now == "M2" and rng.random() < 0.3:
                level_now = "M1"  # stepped down at a review
            self.reviews.append((registration, instance(RegistrationReview,
                reviewed_on=reviewed_on, due_on=due, notes=rng.choice(REVIEW_NOTES), level=level_now,
                category=category, next_review_date=next_due if reviewed_on < end or removed_on is None else None,
                reviewed_by_id=by_id)))
            due = next_due
        registration.level = level_now
        registration.next_review_date = None if removed_on else due
        self.registrations.append(registration)

    def write(self) -> Counter:
        with transaction.atomic():
            bulk_insert(Registration, self.registrations)  # COPY: see writer.bulk_insert
            for registration, review in self.reviews:
                review.registration_id = registration.pk
            bulk_insert(RegistrationReview, [review for _, review in self.reviews])
        counts = Counter({Registration._meta.label: len(self.registrations),
                          RegistrationReview._meta.label: len(self.reviews)})
        self.registrations, self.reviews = [], []
        return counts


def build_registrations(*, seed: int, today: date, people=None) -> Counter:
    """Give every demo person (or those in ``people``, a Person queryset) their flags; returns the row counts."""
    builder = _Builder(seed, today)
    counts = Counter()
    people = (Person.objects.all() if people is None else people).order_by("pk").values_list(
        "pk", "crn", "date_of_birth", "practitioner_id", "team_id")
    last = 0
    while True:
        chunk = list(people.filter(pk__gt=last)[:CHUNK])
        if not chunk:
            return counts
        sentences = _current_sentences([row[0] for row in chunk])
        for person_id, crn, born, practitioner_id, team_id in chunk:
            builder.person(person_id, crn, born, practitioner_id, team_id, sentences.get(person_id))
        counts.update(builder.write())
        last = chunk[-1][0]
