import datetime
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Case, F, OuterRef, Subquery, Value, When
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from openprobation.access.case import people_listed_for
from openprobation.access.tests.factories import (
    CaseShareFactory,
    ExclusionFactory,
    InspectionSampleFactory,
    RestrictionFactory,
)
from openprobation.people.models import Address, AddressStatus, Alias, Person
from openprobation.people.search import (
    MainTown,
    _found,
    _found_by_crn,
    normalise,
    parse_query,
    phonetic,
    pnc_check_letter,
    search_keys,
    search_people,
)
from openprobation.people.tests.factories import AddressFactory, PersonFactory

TODAY = datetime.date(2026, 3, 2)


def person(crn, first, surname, dob=datetime.date(1990, 4, 3), **extra):
    return PersonFactory(crn=crn, first_name=first, surname=surname, date_of_birth=dob, **extra)


def alias(of, first, surname):
    return Alias.objects.create(person=of, first_name=first, surname=surname, **search_keys(first, surname))


def crns(results):
    return [r.crn for r in results]


# --- keys -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("O'Brien-Smith", "obriensmith"),
        ("  Zoë  ", "zoe"),
        ("ŁUKASZ", "ukasz"),  # Ł has no ASCII decomposition: dropped, not guessed
        ("Mc Donald", "mcdonald"),
        ("1234", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_normalise(name, expected):
    assert normalise(name) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Smith", "Smyth"),
        ("Katherine", "Cathryn"),
        ("Stephen", "Steven"),
        ("Philip", "Phillip"),
        ("Mohammed", "Muhammad"),
    ],
)
def test_phonetic_groups_names_that_sound_alike(a, b):
    assert phonetic(a) == phonetic(b) != ""


def test_phonetic_tells_different_names_apart_and_ignores_case_and_punctuation():
    assert phonetic("Smith") != phonetic("Jones")
    assert phonetic("o'brien") == phonetic("OBRIEN")
    assert phonetic("") == ""
    assert phonetic("---") == ""


def test_search_keys_are_stored_on_people_created_by_the_factory(db):
    someone = person("A000001", "Zoë", "O'Brien")
    assert (someone.search_first, someone.search_surname) == ("zoe", "obrien")
    assert someone.phonetic_surname == phonetic("obrien")


# --- reading the query ------------------------------------------------------


@pytest.mark.parametrize("typed", ["X123456", "x123456", " x 123456 "])
def test_parse_crn_in_any_case(typed):
    assert parse_query(typed).crn == "X123456"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("2012/0123456Y", ("2012/0123456Y",)),
        ("2012/123456y", ("2012/0123456Y",)),
        ("12/123456Y", ("1912/0123456Y", "2012/0123456Y")),
        ("120123456Y", ("1912/0123456Y", "2012/0123456Y")),
    ],
)
def test_parse_pnc_to_the_stored_form(typed, stored):
    parsed = parse_query(typed)
    assert parsed.pnc_numbers == stored
    assert parsed.pnc_check_letter_ok


def test_pnc_check_letter():
    # 120123456 = 23 * 5222758 + 22, and letter 22 of ZABCDEFGHJKLMNPQRTUVWXY is Y.
    assert pnc_check_letter("12", "123456") == "Y"
    assert not parse_query("2012/0123456A").pnc_check_letter_ok


@pytest.mark.parametrize(
    "typed",
    ["03/04/1990", "3/4/1990", "1990-04-03", "3 April 1990", "3rd Apr 1990", "03.04.90"],
)
def test_parse_date_formats(typed):
    parsed = parse_query(typed, today=TODAY)
    assert parsed.dates == (datetime.date(1990, 4, 3),)
    assert parsed.names == ()


def test_parse_two_digit_years_are_in_the_past():
    assert parse_query("1/1/05", today=TODAY).dates == (datetime.date(2005, 1, 1),)
    assert parse_query("1/1/30", today=TODAY).dates == (datetime.date(1930, 1, 1),)


def test_parse_names_with_a_date():
    parsed = parse_query("Smith, John 3 March 1990", today=TODAY)
    assert parsed.names == ("smith", "john")
    assert parsed.dates == (datetime.date(1990, 3, 3),)


def test_parse_impossible_dates_and_garbage_are_reported_not_searched():
    parsed = parse_query("smith 31/02/1990 12ab !!", today=TODAY)
    assert parsed.invalid_dates == ("31/02/1990",)
    assert parsed.dates == ()
    assert parsed.names == ("smith",)
    assert parsed.ignored == ("12ab", "!!")


@pytest.mark.parametrize("typed", ["", "   ", "!!!", "123", "j", "12:30"])
def test_parse_nothing_searchable(typed):
    assert not parse_query(typed).is_searchable


# --- searching ----------------------------------------------------------------


@pytest.fixture
def john_smith(alice):
    someone = person("A100001", "John", "Smith", practitioner=alice)
    AddressFactory(person=someone, town="Northwold")
    return someone


@pytest.fixture
def crowd(db):
    """People who should not come up for John Smith."""
    return [
        person("B100001", "Mary", "Jones", dob=datetime.date(1985, 1, 2)),
        person("B100002", "Peter", "Brown", dob=datetime.date(1990, 4, 3)),
        person("B100003", "Aisha", "Khan", dob=datetime.date(1979, 6, 30)),
    ]


def test_exact_name_finds_the_person_with_display_data(alice, john_smith, crowd):
    [result] = search_people(alice, "John Smith")
    assert result.crn == "A100001"
    assert result.name == "John Smith"
    assert result.date_of_birth == datetime.date(1990, 4, 3)
    assert result.town == "Northwold"
    assert result.practitioner == "Alice Allocated"
    assert result.score == 100
    assert result.matched_on == "name"


def test_each_result_shows_its_main_town_preferred_name_and_practitioner_or_none(alice):
    housed = person("A200001", "Jane", "Doe", preferred_name="Jo", practitioner=alice)
    AddressFactory(person=housed, town="Southgate")
    AddressFactory(person=housed, town="Oldtown", status=AddressStatus.PREVIOUS, end_date=datetime.date(2025, 1, 1))
    nfa = person("A200002", "Jane", "Doe")
    AddressFactory(person=nfa, no_fixed_abode=True, line_1="", town="")
    moved_out = person("A200003", "Jane", "Doe", preferred_name="Jane")
    AddressFactory(person=moved_out, town="Oldtown", status=AddressStatus.PREVIOUS, end_date=datetime.date(2025, 1, 1))
    person("A200004", "Jane", "Doe")  # no address at all
    shown = {r.crn: (r.name, r.town, r.practitioner) for r in search_people(alice, "Jane Doe", today=TODAY)}
    assert shown == {
        "A200001": ("Jane (Jo) Doe", "Southgate", "Alice Allocated"),
        "A200002": ("Jane Doe", "No fixed abode", ""),
        "A200003": ("Jane Doe", "", ""),
        "A200004": ("Jane Doe", "", ""),
    }
    # The hand-written main-town SQL gives what the ORM's subquery gives.
    main = Address.objects.filter(person=OuterRef("pk"), status=AddressStatus.MAIN).annotate(
        label=Case(When(no_fixed_abode=True, then=Value("No fixed abode")), default=F("town"))
    )
    people = Person.objects.order_by("pk")
    assert list(people.annotate(town=MainTown()).values_list("crn", "town")) == list(
        people.annotate(town=Subquery(main.values("label")[:1])).values_list("crn", "town")
    )


@pytest.mark.parametrize(
    ("typed", "matched_on"),
    [
        ("John Smyth", "phonetic"),
        ("Smyth", "phonetic"),
        ("Jonh Smiht", "similar spelling"),
        ("Smiht", "similar spelling"),
        ("Jhon Smtih", "similar spelling"),
        ("Smith John", "name"),
        ("smith, john", "name"),
        ("J Smith", "name"),
        ("Smi", "name"),
    ],
)
def test_misspelt_transposed_and_partial_names_still_find_the_person(
    alice, john_smith, crowd, typed, matched_on
):
    results = search_people(alice, typed)
    assert crns(results)[:1] == ["A100001"]
    assert results[0].matched_on == matched_on
    assert "B100001" not in crns(results)


def test_phonetic_first_name(alice, crowd):
    person("A100002", "Katherine", "Howard")
    results = search_people(alice, "Cathryn Howard")
    assert crns(results) == ["A100002"]
    assert results[0].matched_on == "phonetic"
    assert crns(search_people(alice, "Cathryn")) == ["A100002"]


def test_alias_match_is_found_and_ranked_below_an_own_name_match(alice, john_smith, crowd):
    alias(person("A100003", "Leroy", "Barnes"), "Jon", "Smyth")
    results = search_people(alice, "Jon Smyth")
    assert crns(results) == ["A100001", "A100003"] or crns(results) == ["A100003", "A100001"]
    by_crn = {r.crn: r for r in results}
    assert by_crn["A100003"].matched_on == "alias 'Jon Smyth'"
    assert by_crn["A100003"].name == "Leroy Barnes"

    other = person("A100004", "Jon", "Smyth")
    results = search_people(alice, "Jon Smyth")
    assert crns(results)[0] == other.crn
    assert by_crn["A100003"].score < results[0].score


def test_exact_match_ranks_first(alice, crowd):
    person("A200001", "John", "Smithers")
    person("A200002", "Jon", "Smyth")
    person("A200003", "John", "Smith")
    person("A200004", "Johnny", "Smith")
    results = search_people(alice, "john smith")
    assert crns(results)[0] == "A200003"
    assert results[0].score > results[1].score
    assert set(crns(results)) == {"A200001", "A200002", "A200003", "A200004"}


def test_transposed_names_rank_a_real_first_name_surname_match_first(alice):
    person("A300001", "John", "Smith")
    person("A300002", "Smith", "John")
    assert crns(search_people(alice, "Smith John")) == ["A300002", "A300001"]
    assert crns(search_people(alice, "John Smith")) == ["A300001", "A300002"]


def test_crn_in_any_case(alice, john_smith, crowd):
    [result] = search_people(alice, "a100001")
    assert (result.crn, result.matched_on) == ("A100001", "CRN")
    assert search_people(alice, "Z999999") == []


def test_crn_lookup_written_by_hand_reads_what_the_queryset_reads(alice, bob, mandy, priya, ian, dora):
    """``_found_by_crn`` answers roles that reach every case with its own statement: the same rows as
    ``_found`` over ``people_listed_for``, for blocked, restricted, unallocated and unhoused people alike."""
    today = timezone.localdate()
    housed = person("C100001", "Jane", "Doe", preferred_name="Jo", practitioner=alice)
    AddressFactory(person=housed, town="Southgate")
    unhoused = person("C100002", "Sam", "Roe")
    AddressFactory(person=unhoused, no_fixed_abode=True, line_1="", town="")
    excluded = person("C100003", "Ann", "Poe", practitioner=mandy)
    ExclusionFactory(person=excluded, user=bob, added_by=mandy)
    restricted = person("C100004", "Ben", "Loe", practitioner=alice)
    RestrictionFactory(person=restricted, user=alice, added_by=mandy)
    shared = person("C100005", "Cat", "Moe")
    CaseShareFactory(person=shared, partner=priya, added_by=mandy)
    InspectionSampleFactory(inspectors=[ian], people=[housed, restricted])
    crns_to_try = [p.crn for p in (housed, unhoused, excluded, restricted, shared)] + ["Z999999"]
    for user in (alice, bob, mandy, priya, ian, dora, AnonymousUser()):
        for crn in crns_to_try:
            by_hand = _found_by_crn(user, crn, today)
            queryset = _found(people_listed_for(user, today=today).filter(crn=crn).order_by(), 1)
            assert by_hand == queryset, (getattr(user, "username", "anonymous"), crn)
    # The cases it was written for: everything found, and each list's block seen.
    assert [f.access_blocked for c in crns_to_try[:5] for f in _found_by_crn(bob, c, today)] == [
        False, False, True, True, False
    ]
    assert [f.town for f in _found_by_crn(alice, "C100002", today)] == ["No fixed abode"]


def test_pnc_in_short_form(alice, crowd):
    person("A100005", "Dana", "Scully", pnc_number="2012/0123456Y")
    for typed in ["2012/0123456Y", "12/123456Y", "12/123456y", "120123456Y"]:
        [result] = search_people(alice, typed)
        assert (result.crn, result.matched_on) == ("A100005", "PNC")
    assert search_people(alice, "13/123456Y") == []


@pytest.mark.parametrize("typed", ["03/04/1990", "3/4/1990", "1990-04-03", "3 April 1990"])
def test_date_of_birth_in_several_formats(alice, john_smith, crowd, typed):
    results = search_people(alice, typed)
    assert crns(results) == ["B100002", "A100001"]  # Brown before Smith
    assert {r.matched_on for r in results} == {"date of birth"}


def test_name_and_date_of_birth_narrow_each_other(alice, john_smith, crowd):
    person("A100006", "John", "Smith", dob=datetime.date(1972, 11, 9))
    assert set(crns(search_people(alice, "smith"))) == {"A100001", "A100006"}
    [result] = search_people(alice, "smith 03/04/1990")
    assert (result.crn, result.matched_on) == ("A100001", "name and date of birth")
    # With the date, even a badly misspelt name is enough.
    assert crns(search_people(alice, "Jnoh Smtih 9/11/1972")) == ["A100006"]
    assert search_people(alice, "Jones 03/04/1990") == []


def test_name_with_date_matches_aliases_too(alice, crowd):
    alias(person("A100007", "Leroy", "Barnes", dob=datetime.date(1990, 4, 3)), "Jon", "Smyth")
    [result] = search_people(alice, "Smyth 03/04/1990")
    assert result.matched_on == "alias 'Jon Smyth' and date of birth"


@pytest.mark.parametrize(
    "typed",
    ["", "  ", "x", "!!!", "123", "31/02/1990", "' OR 1=1 --", "%", "_", "z" * 500, "Zzzz Qqqq", "<script>"],
)
def test_nothing_or_garbage_finds_nobody(alice, john_smith, crowd, typed):
    assert search_people(alice, typed) == []


def test_nobody_is_found_for_a_user_who_may_not_read_cases(john_smith):
    assert search_people(AnonymousUser(), "John Smith") == []
    assert search_people(None, "A100001") == []


def test_limit(alice):
    for n in range(8):
        person(f"A4000{n:02d}", "John", "Smith")
    assert len(search_people(alice, "Smith", limit=5)) == 5


def test_query_count_is_fixed(alice, django_assert_max_num_queries):
    for n in range(30):
        someone = person(f"A5000{n:02d}", f"John{'n' * (n % 5)}", "Smith")
        AddressFactory(person=someone)
        alias(someone, "Jon", f"Smyth{n}")
    with django_assert_max_num_queries(4):
        assert len(search_people(alice, "john smith")) == 30
    with django_assert_max_num_queries(2):
        assert len(search_people(alice, "smith 03/04/1990")) == 30
    with django_assert_max_num_queries(1):
        assert len(search_people(alice, "03/04/1990")) == 30


@given(st.text(max_size=300))
def test_parse_query_accepts_any_text(text):
    parsed = parse_query(text, today=TODAY)
    assert len(parsed.names) <= 4
    assert all(name.isascii() and name.isalpha() for name in parsed.names)
    assert all(len(pnc) == 13 for pnc in parsed.pnc_numbers)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plans")
@pytest.mark.parametrize(
    "typed", ["john smith", "smith john paul", "smiht", "jo", "smith 03/04/1990", "a100001"]
)
def test_candidates_come_from_indexes_not_table_scans(alice, typed):
    someone = person("A600001", "John", "Smith")
    alias(someone, "Jon", "Smyth")
    with CaptureQueriesContext(connection) as captured:
        search_people(alice, typed)
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
            plans += [row[-1] for row in cursor.fetchall()]
    assert any(p.startswith("SEARCH people_") for p in plans)
    assert not [p for p in plans if re.match(r"SCAN people_(person|alias)\b", p)]
