"""Case search: name keys stored on Person and Alias, query parsing, candidates and ranking.

`search_keys` gives the normalised and phonetic forms kept on every Person and Alias.
`search_people(user, query)` turns what a practitioner typed into ranked results:

- a CRN or a PNC number finds that one case exactly;
- a date finds people born that day, and narrows a name search to them;
- names find candidates through indexed keys only (normalised surname prefix, phonetic
  surname and first name, both orders, aliases, and a short-prefix path for typos the
  phonetic keys miss); `rapidfuzz` then scores every candidate in Python.

The number of SQL queries is a small constant whatever the number of results.
See docs/search.md for what it finds, what it does not, and why.
"""

import calendar
import datetime
import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass

import jellyfish
from django.db import connections, router
from django.db.models import Case, CharField, IntegerField, Q, Value, When
from django.utils import timezone
from rapidfuzz.distance import OSA, JaroWinkler

from openprobation.access.case import RESTRICTED, blocked_condition, people_listed_for, reaches_every_case
from openprobation.core.expressions import AboutOuterRow
from openprobation.staff.models import User

from .models import NO_FIXED_ABODE, Address, AddressStatus, Alias, Person

_NON_LETTERS = re.compile(r"[^a-z]")


def normalise(name: str) -> str:
    """Lower case, accents removed, letters only: "O'Brien-Smith" -> "obriensmith"."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    ascii_only = decomposed.encode("ascii", "ignore").decode("ascii")
    return _NON_LETTERS.sub("", ascii_only.lower())


@functools.lru_cache(maxsize=4096)
def phonetic(name: str) -> str:
    # Cached: a pure function of the text, and ranking asks for the typed words' keys once per candidate.
    normalised = normalise(name)
    return jellyfish.metaphone(normalised)[:20] if normalised else ""


def search_keys(first_name: str, surname: str) -> dict[str, str]:
    return {
        "search_first": normalise(first_name),
        "search_surname": normalise(surname),
        "phonetic_first": phonetic(first_name),
        "phonetic_surname": phonetic(surname),
    }


# ---------------------------------------------------------------------------
# Reading the query

MAX_QUERY_LENGTH = 200
MAX_NAME_TOKENS = 4

_CRN = re.compile(r"^[A-Za-z]\d{6}$")
# Year (2 or 4 digits), optional slash, serial number (up to 7 digits), check letter.
_PNC = re.compile(r"^(\d{2}|\d{4})/?(\d{1,7})([A-Za-z])$")
# The PNC check letter is (two-digit year + seven-digit serial) mod 23 in this alphabet.
_PNC_CHECK_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"

_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_TEXT_DATE = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_NAMES})\.?,?\s+(\d{{4}})\b", re.IGNORECASE
)
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})\b")
_TOKEN_SEPARATORS = re.compile(r"[\s,;]+")


@dataclass(frozen=True)
class ParsedQuery:
    """What a query asks for. `names` are normalised tokens in the order typed."""

    text: str
    crn: str = ""
    pnc_numbers: tuple[str, ...] = ()
    pnc_check_letter_ok: bool = True
    dates: tuple[datetime.date, ...] = ()
    invalid_dates: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()

    @property
    def is_identifier(self) -> bool:
        return bool(self.crn or self.pnc_numbers)

    @property
    def is_searchable(self) -> bool:
        return self.is_identifier or bool(self.dates) or any(len(n) >= 2 for n in self.names)


def pnc_check_letter(two_digit_year: str, serial: str) -> str:
    return _PNC_CHECK_LETTERS[int(two_digit_year + serial.zfill(7)) % 23]


def _parse_pnc(compact: str) -> tuple[tuple[str, ...], bool] | None:
    """The stored forms ("YYYY/NNNNNNNC") a typed PNC number may mean, and whether its check letter fits."""
    match = _PNC.match(compact)
    if not match:
        return None
    year, serial, check = match.group(1), match.group(2).zfill(7), match.group(3).upper()
    # A two-digit year does not say its century; PNC numbers exist for both, so try both.
    years = (year,) if len(year) == 4 else (f"19{year}", f"20{year}")
    forms = tuple(f"{y}/{serial}{check}" for y in years)
    return forms, pnc_check_letter(year[-2:], serial) == check


def _two_digit_year(yy: int, today: datetime.date) -> int:
    # A date of birth is in the past: "03/04/90" is 1990, "03/04/05" is 2005.
    return 2000 + yy if 2000 + yy <= today.year else 1900 + yy


def _extract_dates(text: str, today: datetime.date) -> tuple[str, list[datetime.date], list[str]]:
    """Remove every date-like part of `text`; return what is left, the dates, and the impossible ones."""
    dates: list[datetime.date] = []
    invalid: list[str] = []

    def parts(pattern, to_ymd):
        def replace(match):
            year, month, day = to_ymd(match)
            try:
                found = datetime.date(year, month, day)
            except ValueError:
                invalid.append(match.group(0))
            else:
                if found not in dates:
                    dates.append(found)
            return " "

        return pattern.sub(replace, text)

    text = parts(_TEXT_DATE, lambda m: (int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1))))
    text = parts(_ISO_DATE, lambda m: (int(m.group(1)), int(m.group(2)), int(m.group(3))))

    def numeric(m):
        year = int(m.group(3))
        if len(m.group(3)) == 2:
            year = _two_digit_year(year, today)
        return year, int(m.group(2)), int(m.group(1))

    text = parts(_NUMERIC_DATE, numeric)
    return text, dates, invalid


def parse_query(query: str, *, today: datetime.date | None = None) -> ParsedQuery:
    text = " ".join((query or "").split())[:MAX_QUERY_LENGTH]
    compact = text.replace(" ", "")
    if _CRN.match(compact):
        return ParsedQuery(text=text, crn=compact.upper())
    pnc = _parse_pnc(compact)
    if pnc:
        forms, check_ok = pnc
        return ParsedQuery(text=text, pnc_numbers=forms, pnc_check_letter_ok=check_ok)

    rest, dates, invalid = _extract_dates(text, today or timezone.localdate())
    names: list[str] = []
    ignored: list[str] = []
    for token in _TOKEN_SEPARATORS.split(rest):
        if not token:
            continue
        key = normalise(token)
        if not key or any(ch.isdigit() for ch in token):
            ignored.append(token)
        elif key not in names:
            names.append(key)
    return ParsedQuery(
        text=text,
        dates=tuple(dates),
        invalid_dates=tuple(invalid),
        names=tuple(names[:MAX_NAME_TOKENS]),
        ignored=tuple(ignored + names[MAX_NAME_TOKENS:]),
    )


# ---------------------------------------------------------------------------
# Results

CANDIDATE_LIMIT = 500  # rows fetched by the exact/prefix/phonetic path
TYPO_LIMIT = 200  # rows fetched by the short-prefix path for misspellings
ALIAS_LIMIT = 200  # people found through their aliases
MIN_NAME_SCORE = 75  # below this a name-only candidate is noise
MIN_NAME_SCORE_WITH_DOB = 60  # the date of birth already matched, so the name may be looser


@dataclass(frozen=True)
class SearchResult:
    person_id: int
    crn: str
    name: str
    date_of_birth: datetime.date
    town: str
    practitioner: str
    score: float
    matched_on: str
    # A case the user is blocked from by a limited-access list: CRN only, "Restricted" everywhere else.
    restricted: bool = False


def search_people(
    user, query: "str | ParsedQuery", *, limit: int = 50, today: datetime.date | None = None
) -> list[SearchResult]:
    """The people visible to `user` that `query` finds, best first, at most `limit` of them.

    `query` is what was typed, or a `ParsedQuery` from `parse_query` (a view that has already parsed it).
    """
    parsed = query if isinstance(query, ParsedQuery) else parse_query(query, today=today)
    limit = max(1, min(limit, 200))
    today = today or timezone.localdate()
    if parsed.crn:
        return [_result(p, 100, "CRN") for p in _found_by_crn(user, parsed.crn, today)]
    # Blocked cases stay in the results as "Restricted" rows (see _result), as nDelius and MPOP show them.
    visible = people_listed_for(user, today=today)
    if parsed.pnc_numbers:
        return [_result(p, 100, "PNC") for p in _found(visible.filter(pnc_number__in=parsed.pnc_numbers), limit)]
    names = parsed.names
    if parsed.dates:
        by_dob = visible.filter(date_of_birth__in=parsed.dates).order_by("search_surname", "search_first", "crn")
        if not any(len(n) >= 2 for n in names):
            # Initials alone do not narrow; a date on its own lists everyone born that day.
            return [_result(p, 100, "date of birth") for p in _found(by_dob, limit)]
        candidates = _found(by_dob, CANDIDATE_LIMIT)
        return _ranked(candidates, names, MIN_NAME_SCORE_WITH_DOB, limit, suffix=" and date of birth")
    if not any(len(n) >= 2 for n in names):
        return []
    return _ranked(_name_candidates(visible, names), names, MIN_NAME_SCORE, limit)


class MainTown(AboutOuterRow):
    """The town of the outer query's person's main address ("No fixed abode" for one of no fixed abode), as SQL.

    The same answer as annotating ``Subquery(Address.objects.filter(person=OuterRef("pk"), status=MAIN)...)``
    (a person has at most one main address: ``address_one_main_per_person``), written once here instead of
    being built and compiled anew for every search, which cost a CRN search about 0.4 ms of its 3.
    people/tests/test_search.py holds the two to the same answers.
    """

    output_field = CharField()

    def sql_about(self, person_sql, person_params, connection):
        qn = connection.ops.quote_name
        column = {name: f"{qn('main')}.{qn(Address._meta.get_field(name).column)}"
                  for name in ("person", "status", "no_fixed_abode", "town")}
        # Only quoted names from the model's own metadata and the ORM-compiled person column; values are %s.
        sql = (
            f"(SELECT CASE WHEN {column['no_fixed_abode']} THEN %s ELSE {column['town']} END"  # noqa: S608
            f" FROM {qn(Address._meta.db_table)} {qn('main')}"
            f" WHERE {column['person']} = {person_sql} AND {column['status']} = %s LIMIT 1)"
        )
        return sql, [NO_FIXED_ABODE, *person_params, AddressStatus.MAIN.value]


@dataclass(frozen=True, slots=True)
class _Found:
    """One person as search reads them: what a result shows, and the name keys ranking compares."""

    pk: int
    crn: str
    first_name: str
    preferred_name: str
    surname: str
    date_of_birth: datetime.date
    search_first: str
    search_surname: str
    phonetic_first: str
    phonetic_surname: str
    practitioner_first_name: str | None
    practitioner_last_name: str | None
    practitioner_username: str | None
    town: str | None
    access_blocked: bool


_PERSON_COLUMNS = (
    "pk", "crn", "first_name", "preferred_name", "surname", "date_of_birth",
    "search_first", "search_surname", "phonetic_first", "phonetic_surname",
)
_PRACTITIONER_COLUMNS = ("first_name", "last_name", "username")
_FOUND_COLUMNS = (
    *_PERSON_COLUMNS, *(f"practitioner__{name}" for name in _PRACTITIONER_COLUMNS), "main_town", "access_blocked"
)


def _found(people, limit: int) -> list[_Found]:
    """The first ``limit`` of ``people`` (a ``people_listed_for`` queryset), as rows of the columns search shows.

    Rows, not model instances: a result needs 15 of the 37 columns of a person and their practitioner.
    """
    rows = people.annotate(main_town=MainTown()).values_list(*_FOUND_COLUMNS)[:limit]
    return [_Found(*row) for row in rows]


def _found_by_crn(user, crn: str, today: datetime.date) -> list[_Found]:
    """The person with this CRN, if ``people_listed_for(user)`` holds them, read as ``_found`` reads them.

    A role that reaches every case (most users: people_in_scope is then every person) is answered by one
    statement written here. Its limited-access test and main town are the SQL of ``blocked_condition`` and
    ``MainTown``, the same objects the queryset uses, so only the column list, the practitioner join and
    ``crn = %s`` are written twice. Building and compiling the queryset cost more Python than everything
    else a search by CRN does. Other roles' reach (shares, inspection samples) is built by the ORM as for
    every other list. people/tests/test_search.py holds the two to the same answers.
    """
    if not reaches_every_case(user):
        # The CRN is unique: no ORDER BY to compile or run.
        return _found(people_listed_for(user, today=today).filter(crn=crn).order_by(), 1)
    connection = connections[router.db_for_read(Person)]
    person_pk, select_sql, crn_sql = _crn_lookup_sql(connection.alias)
    town_sql, town_params = MainTown().sql_about(person_pk, [], connection)
    blocked_sql, blocked_params = blocked_condition(user, today).sql_about(person_pk, [], connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"{select_sql}, {town_sql}, {blocked_sql} {crn_sql}", [*town_params, *blocked_params, crn]
        )
        row = cursor.fetchone()
    if row is None:
        return []
    return [_Found(*row[:-1], access_blocked=bool(row[-1]))]  # SQLite answers the test as 0 or 1


@functools.cache
def _crn_lookup_sql(alias: str) -> tuple[str, str, str]:
    """The person's key column, the SELECT of ``_Found``'s columns up to the town, and FROM ... LIMIT 1.

    Only quoted names from the models' metadata; the CRN is a parameter. Once per database alias.
    """
    qn = connections[alias].ops.quote_name
    person, staff = qn(Person._meta.db_table), qn(User._meta.db_table)

    def column(alias_sql, model, name):
        field = model._meta.pk if name == "pk" else model._meta.get_field(name)
        return f"{alias_sql}.{qn(field.column)}"

    person_columns = [column(person, Person, name) for name in _PERSON_COLUMNS]
    staff_columns = [column(staff, User, name) for name in _PRACTITIONER_COLUMNS]
    select_sql = f"SELECT {', '.join(person_columns + staff_columns)}"
    crn_sql = (
        f"FROM {person} LEFT OUTER JOIN {staff}"  # noqa: S608
        f" ON {column(staff, User, 'pk')} = {column(person, Person, 'practitioner')}"
        f" WHERE {column(person, Person, 'crn')} = %s LIMIT 1"
    )
    return column(person, Person, "pk"), select_sql, crn_sql


def _result(person: _Found, score: float, matched_on: str) -> SearchResult:
    if person.access_blocked:
        return SearchResult(
            person_id=person.pk, crn=person.crn, name=RESTRICTED, date_of_birth=None, town=RESTRICTED,
            practitioner=RESTRICTED, score=round(score, 1), matched_on=RESTRICTED, restricted=True,
        )
    practitioner = ""
    if person.practitioner_username is not None:
        practitioner = User.name_from(
            person.practitioner_first_name, person.practitioner_last_name, person.practitioner_username
        )
    return SearchResult(
        person_id=person.pk,
        crn=person.crn,
        name=Person.display_name_from(person.first_name, person.preferred_name, person.surname),
        date_of_birth=person.date_of_birth,
        town=person.town or "",
        practitioner=practitioner,
        score=round(score, 1),
        matched_on=matched_on,
    )


# ---------------------------------------------------------------------------
# Candidates: indexed columns only


def _prefix(field: str, prefix: str) -> Q:
    """`field` starts with `prefix`, as a range so that a plain B-tree index serves it on every database.

    Keys hold only the letters a-z, so the upper bound is the prefix with its last letter advanced.
    """
    stripped = prefix.rstrip("z")
    if not stripped:
        return Q(**{f"{field}__gte": prefix})
    upper = stripped[:-1] + chr(ord(stripped[-1]) + 1)
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": upper})


def _surname_matches(token: str) -> list[Q]:
    """Each condition alone can be served by one index (kept apart so the planner can OR the indexes)."""
    conditions = [_prefix("search_surname", token)]
    if key := phonetic(token):
        conditions.append(Q(phonetic_surname=key))
    return conditions


def _first_name_matches(token: str) -> Q:
    # search_first has no index of its own: it only ever filters rows an indexed surname condition found.
    condition = _prefix("search_first", token)
    if key := phonetic(token):
        condition |= Q(phonetic_first=key)
    return condition


def _any_of(conditions) -> Q | None:
    combined = None
    for condition in conditions:
        combined = condition if combined is None else combined | condition
    return combined


def _name_conditions(tokens: list[str]) -> tuple[Q, Q, Q | None]:
    """(person condition, alias condition, short-prefix typo condition) for the name tokens.

    Each is a flat OR of terms that each start with an indexed column, so databases combine
    index lookups (SQLite's multi-index OR, PostgreSQL's bitmap OR) instead of scanning the table.
    """
    if len(tokens) == 1:
        token = tokens[0]
        alias = _any_of(_surname_matches(token))
        own = alias
        if key := phonetic(token):
            own |= Q(phonetic_first=key)
        typo = _prefix("search_surname", token[:3]) if len(token) >= 4 else None
        return own, alias, typo
    # Every ordered pair: one token as the surname, another as the first name, so either order works.
    pairs = list(itertools.permutations(tokens, 2))
    own = _any_of(surname & _first_name_matches(f) for s, f in pairs for surname in _surname_matches(s))
    # Typos: two letters of the surname and the initial, a small slice that rapidfuzz then ranks.
    typo = _any_of(_prefix("search_surname", s[:2]) & _prefix("search_first", f[:1]) for s, f in pairs)
    return own, own, typo


def _name_candidates(visible, names: tuple[str, ...]) -> list:
    tokens = [n for n in names if len(n) >= 2]
    own, alias_condition, typo = _name_conditions(tokens)
    alias_people = list(
        Alias.objects.filter(alias_condition).values_list("person_id", flat=True).distinct()[:ALIAS_LIMIT]
    )
    if alias_people:
        own |= Q(pk__in=alias_people)
    # Exact surnames first, so that truncation at CANDIDATE_LIMIT drops the weakest candidates.
    closeness = Case(
        When(search_surname__in=tokens, then=Value(0)),
        When(phonetic_surname__in=[phonetic(t) for t in tokens], then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    found = _found(
        visible.filter(own).annotate(closeness=closeness).order_by("closeness", "search_surname", "search_first", "pk"),
        CANDIDATE_LIMIT,
    )
    if typo is not None:
        seen = {p.pk for p in found}
        typo_people = visible.filter(typo).order_by("search_surname", "search_first", "pk")
        found += [p for p in _found(typo_people, TYPO_LIMIT) if p.pk not in seen]
    return found


# ---------------------------------------------------------------------------
# Ranking

EXACT, PREFIX, PHONETIC, SIMILAR = range(4)
_LABELS = {EXACT: "name", PREFIX: "name", PHONETIC: "phonetic", SIMILAR: "similar spelling"}
_NOT_EXACT_CAP = 95  # only an exact name scores 100
_PHONETIC_SCORE = 90
_INITIAL_SCORE = 90
_SURNAME_WEIGHT = 0.55
_TRANSPOSED_PENALTY = 2  # "Smith John" still finds John Smith, just after any John-surnamed Smith
_FIRST_NAME_ONLY_PENALTY = 5  # one word matching a first name ranks below the same word as a surname
_ALIAS_PENALTY = 3


def _spelling_similarity(typed: str, stored: str) -> float:
    # Jaro-Winkler forgives transposed letters but flatters short names sharing a start ("jones"/"john");
    # the edit-distance score (transpositions count once) keeps it honest. Both are 0-1.
    return 50 * (JaroWinkler.normalized_similarity(typed, stored) + OSA.normalized_similarity(typed, stored))


def _compare(typed: str, stored: str, stored_phonetic: str) -> tuple[float, int]:
    """How well one typed name token fits one stored name: (score out of 100, kind of match)."""
    if not typed or not stored:
        return 0.0, SIMILAR
    if typed == stored:
        return 100.0, EXACT
    if len(typed) == 1:
        return (_INITIAL_SCORE, PREFIX) if stored.startswith(typed) else (0.0, SIMILAR)
    similarity = min(_spelling_similarity(typed, stored), _NOT_EXACT_CAP)
    if stored.startswith(typed):
        return max(similarity, 75 + 20 * len(typed) / len(stored)), PREFIX
    if stored_phonetic and phonetic(typed) == stored_phonetic:
        return max(similarity, _PHONETIC_SCORE), PHONETIC
    return similarity, SIMILAR


def _best(comparisons) -> tuple[float, int]:
    return max(comparisons, key=lambda c: (c[0], -c[1]))


def _name_score(
    tokens: tuple[str, ...], first: tuple[str, str], surname: tuple[str, str]
) -> tuple[float, int]:
    """Score a stored (first, surname) pair — each (normalised, phonetic) — against the typed tokens."""
    if len(tokens) == 1:
        as_surname = _compare(tokens[0], *surname)
        as_first = _compare(tokens[0], *first)
        return _best([as_surname, (as_first[0] - _FIRST_NAME_ONLY_PENALTY, as_first[1])])

    def order(surname_options, first_options, penalty):
        s = _best(_compare(typed, *surname) for typed in surname_options)
        f = _best(_compare(typed, *first) for typed in first_options)
        score = _SURNAME_WEIGHT * s[0] + (1 - _SURNAME_WEIGHT) * f[0] - penalty
        return score, max(s[1], f[1])

    # Double-barrelled and multi-part names may be typed as separate words, so try them joined too.
    head, tail = "".join(tokens[:-1]), "".join(tokens[1:])
    natural = order({tokens[-1], tail}, {tokens[0], head}, 0)
    transposed = order({tokens[0], head}, {tokens[-1], tail}, _TRANSPOSED_PENALTY)
    return _best([natural, transposed])


def _keys(normalised: str, raw: str, stored_phonetic: str) -> tuple[str, str]:
    # Rows written before the keys existed fall back to keys computed now.
    key = normalised or normalise(raw)
    return key, stored_phonetic or phonetic(key)


def _ranked(candidates: list, names: tuple[str, ...], minimum: float, limit: int, suffix: str = "") -> list:
    aliases: dict[int, list[Alias]] = {}
    if candidates:
        for alias in Alias.objects.filter(person_id__in=[p.pk for p in candidates]).order_by("pk"):
            aliases.setdefault(alias.person_id, []).append(alias)
    scored = []
    for person in candidates:
        score, kind = _name_score(
            names,
            _keys(person.search_first, person.first_name, person.phonetic_first),
            _keys(person.search_surname, person.surname, person.phonetic_surname),
        )
        matched_on = _LABELS[kind]
        for alias in aliases.get(person.pk, []):
            alias_score, _ = _name_score(
                names,
                _keys(alias.search_first, alias.first_name, alias.phonetic_first),
                _keys(alias.search_surname, alias.surname, alias.phonetic_surname),
            )
            alias_score -= _ALIAS_PENALTY
            if alias_score > score:
                score, matched_on = alias_score, f"alias '{alias.first_name} {alias.surname}'"
        if score >= minimum:
            scored.append((score, person, matched_on + suffix))
    scored.sort(key=lambda s: (-s[0], s[1].search_surname, s[1].search_first, s[1].crn))
    return [_result(person, score, matched_on) for score, person, matched_on in scored[:limit]]
