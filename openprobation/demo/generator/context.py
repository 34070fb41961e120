"""What every builder needs to know about the run and the team it is generating."""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from faker import Faker

from openprobation.core.calendar import WorkingDayCalendar, default_calendar

from .plan import TeamPlan
from .reference import Reference
from .rows import IdAllocator
from .util import at, stable_int

POOL_SIZES = {"male": 700, "female": 700, "surname": 1800, "street": 900}


@dataclass(frozen=True)
class NamePools:
    """Faker en_GB names and street names, drawn once per run from the seed.

    Builders pick from these pools with their own seeded random, which is much faster than calling
    Faker per person and keeps every team's output independent of the others.
    """

    male: tuple[str, ...]
    female: tuple[str, ...]
    surname: tuple[str, ...]
    street: tuple[str, ...]

    @classmethod
    @functools.cache
    def build(cls, seed: int) -> NamePools:
        fake = Faker("en_GB")
        fake.seed_instance(stable_int(seed, "names"))

        def pool(make, size):
            values = dict.fromkeys(make() for _ in range(size * 2))
            return tuple(list(values)[:size])

        return cls(
            male=pool(fake.first_name_male, POOL_SIZES["male"]),
            female=pool(fake.first_name_female, POOL_SIZES["female"]),
            surname=pool(fake.last_name, POOL_SIZES["surname"]),
            street=pool(fake.street_name, POOL_SIZES["street"]),
        )

    def first_name(self, rng: random.Random, gender: str) -> str:
        if gender == "F" or (gender in "ON" and rng.random() < 0.5):
            return rng.choice(self.female)
        return rng.choice(self.male)


@dataclass
class RunContext:
    seed: int
    today: date
    history_months: int
    ref: Reference
    pools: NamePools
    password_hash: str
    unusable_hash: str
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo(settings.TIME_ZONE))
    cal: WorkingDayCalendar = field(default_factory=default_calendar)
    ids: IdAllocator = field(default_factory=IdAllocator)  # every generated row's primary key
    long_history: bool = False  # give the fixed practitioner a case with years of daily contact

    @functools.cached_property
    def now(self) -> datetime:
        """The moment the demo is 'taken': early on the morning of ``today``."""
        return at(self.today, 8, 0, self.tz)

    @functools.cached_property
    def history_start(self) -> date:
        return self.today - timedelta(days=round(self.history_months * 30.44))

    def __post_init__(self):
        # Builders ask whether a day is a working day hundreds of times per case: remember the answers.
        self.cal = MemoCalendar(self.cal)


class MemoCalendar:
    """A working-day calendar that remembers `is_working_day`; everything else goes to the calendar."""

    def __init__(self, calendar: WorkingDayCalendar):
        self._calendar = calendar
        self._working: dict[date, bool] = {}

    def is_working_day(self, day: date) -> bool:
        try:
            return self._working[day]
        except KeyError:
            answer = self._working[day] = self._calendar.is_working_day(day)
            return answer

    def __getattr__(self, name):
        return getattr(self._calendar, name)


@dataclass
class TeamContext:
    run: RunContext
    plan: TeamPlan
    team: object
    office: object
    practitioners: list
    manager: object
    case_admins: list
    # Cases of the fixed demo practitioner get the compliance situations the README promises.
    fixed_practitioner: object | None = None

    def rng(self, purpose: str, *parts) -> random.Random:
        return random.Random(stable_int(self.run.seed, self.plan.code, purpose, *parts))
