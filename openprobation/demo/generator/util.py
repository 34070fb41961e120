"""Small deterministic helpers shared by the builders: dates, weighted choices, synthetic identifiers."""

from __future__ import annotations

import bisect
import functools
import hashlib
import itertools
import random
import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from . import vocab

CRN_LETTERS = "XYZWVU"
CRN_FIRST_NUMBER = 200_000
PNC_FIRST_SERIAL = 9_000_000
# Check characters for PNC numbers: the remainder of (two-digit year and serial) divided by 23.
_PNC_CHECK = "ZABCDEFGHJKLMNPQRTUVWXY"


def stable_int(*parts) -> int:
    """A seed derived from the parts, the same on every machine and Python run."""
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big")


def team_rng(seed: int, team_code: str, purpose: str) -> random.Random:
    return random.Random(stable_int(seed, team_code, purpose))


def weighted(rng: random.Random, pairs):
    """Pick from [(value, weight), ...]: the same draw as ``rng.choices(values, weights)``, without rebuilding
    the cumulative weights on every call."""
    values, cumulative = _weights(tuple(pairs))
    return values[bisect.bisect(cumulative, rng.random() * cumulative[-1], 0, len(cumulative) - 1)]


@functools.lru_cache(maxsize=512)
def _weights(pairs: tuple) -> tuple[tuple, list]:
    return tuple(v for v, _ in pairs), list(itertools.accumulate(w for _, w in pairs))


def at(d: date, hour: int, minute: int, tz: ZoneInfo) -> datetime:
    return datetime.combine(d, time(hour, minute), tzinfo=tz)


def uuid_from(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def crn(index: int) -> str:
    number = CRN_FIRST_NUMBER + index
    letter, digits = divmod(number, 1_000_000)
    return f"{CRN_LETTERS[letter]}{digits:06d}"


def pnc(index: int, year: int) -> str:
    serial = PNC_FIRST_SERIAL + index
    check = _PNC_CHECK[((year % 100) * 10_000_000 + serial) % 23]
    return f"{year}/{serial:07d}{check}"


def phone(rng: random.Random, mobile: bool) -> str:
    prefix, _, digits = vocab.DRAMA_MOBILE if mobile else rng.choice(vocab.DRAMA_LANDLINES)
    return f"{prefix}{rng.randrange(10**digits):0{digits}d}"


def postcode(rng: random.Random, area: str) -> str:
    letters = vocab.INWARD_LETTERS
    return f"{area}{rng.randint(1, 19)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"


def email_local(*names: str) -> str:
    return ".".join("".join(c for c in n.lower() if c.isalpha()) for n in names if n)


def working_day_on_or_after(cal, d: date) -> date:
    return d if cal.is_working_day(d) else cal.next_working_day(d)


def working_day_on_or_before(cal, d: date) -> date:
    while not cal.is_working_day(d):
        d -= timedelta(days=1)
    return d
