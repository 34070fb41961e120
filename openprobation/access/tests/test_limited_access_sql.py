"""The limited-access test as SQL (access.case.LimitedAccessTest): the same answers as the dated-entry rule,
wherever the people query ends up (annotated, filtered, excluded, inside another query as a subquery)."""

import datetime

import pytest
from django.utils import timezone

from openprobation.access.case import (
    LimitedAccessTest,
    blocked_condition,
    excluded_condition,
    people_listed_for,
    people_visible_to,
    restricted_condition,
)
from openprobation.access.tests.factories import ExclusionFactory, RestrictionFactory, another_person
from openprobation.people.models import Person

pytestmark = pytest.mark.django_db


def _flags(user, today, *people):
    rows = (
        Person.objects.filter(pk__in=[p.pk for p in people])
        .annotate(
            excluded=excluded_condition(user, today),
            restricted=restricted_condition(user, today),
            blocked=blocked_condition(user, today),
        )
        .values_list("crn", "excluded", "restricted", "blocked")
    )
    return {crn: (excluded, restricted, blocked) for crn, excluded, restricted, blocked in rows}


def test_each_kind_of_entry_and_its_dates(case, alice, bob, mandy):
    today = timezone.localdate()
    excluded = another_person(practitioner=alice)
    restricted = another_person(practitioner=alice)
    restricted_to_bob = another_person(practitioner=alice)
    ended = another_person(practitioner=alice)
    future = another_person(practitioner=alice)
    ExclusionFactory(person=excluded, user=bob, added_by=mandy)
    RestrictionFactory(person=restricted, user=alice, added_by=mandy)
    RestrictionFactory(person=restricted_to_bob, user=alice, added_by=mandy)
    RestrictionFactory(person=restricted_to_bob, user=bob, added_by=mandy)
    ExclusionFactory(
        person=ended, user=bob, added_by=mandy, start_date=today - datetime.timedelta(days=10),
        end_date=today, ended_by=mandy, ended_at=timezone.now(),
    )
    ExclusionFactory(person=future, user=bob, added_by=mandy, start_date=today + datetime.timedelta(days=1))

    flags = _flags(bob, today, case, excluded, restricted, restricted_to_bob, ended, future)
    assert flags[case.crn] == (False, False, False)
    assert flags[excluded.crn] == (True, False, True)
    assert flags[restricted.crn] == (False, True, True)  # restricted, and bob is not on it
    assert flags[restricted_to_bob.crn] == (False, False, False)  # bob is on the restriction
    assert flags[ended.crn] == (False, False, False)  # over on its end date
    assert flags[future.crn] == (False, False, False)  # not started yet
    # The entries named bob only: alice reaches every one of them.
    assert all(value == (False, False, False) for value in _flags(alice, today, excluded, restricted).values())
    # Days: the future exclusion is in force tomorrow, the ended one was yesterday.
    tomorrow = today + datetime.timedelta(days=1)
    assert _flags(bob, tomorrow, future)[future.crn] == (True, False, True)
    yesterday = today - datetime.timedelta(days=1)
    assert _flags(bob, yesterday, ended)[ended.crn] == (True, False, True)


def test_lists_filter_on_it_and_it_works_inside_another_query(case, alice, bob, mandy):
    blocked = another_person(practitioner=alice)
    ExclusionFactory(person=blocked, user=bob, added_by=mandy)
    visible = set(people_visible_to(bob).values_list("crn", flat=True))
    assert case.crn in visible
    assert blocked.crn not in visible
    listed = {p.crn: p.access_blocked for p in people_listed_for(bob)}
    assert listed[blocked.crn] is True
    assert listed[case.crn] is False
    assert set(people_listed_for(bob).filter(access_blocked=False).values_list("crn", flat=True)) == visible
    # As a subquery the outer person column is relabelled; the answer must not change.
    outer = Person.objects.filter(pk__in=people_visible_to(bob).values("pk"))
    assert set(outer.values_list("crn", flat=True)) == visible


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="Unknown limited-access test"):
        LimitedAccessTest("sometimes", None, timezone.localdate())
