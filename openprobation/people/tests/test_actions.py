import datetime

import pytest
from django.core.exceptions import ValidationError

from openprobation.audit.models import AuditEvent
from openprobation.people import actions
from openprobation.people.models import Address, Person

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)


def new_person(alice, **overrides):
    values = dict(by=alice, first_name="Robin", surname="Fletcher", date_of_birth=datetime.date(1990, 3, 27),
                  gender="M", address={"line_1": "4 Mill Lane", "town": "Northwold", "postcode": "nw1 3cd"},
                  today=TODAY)
    return actions.create_person(**{**values, **overrides})


def test_create_person_generates_a_crn_and_audits(alice):
    first = new_person(alice)
    second = new_person(alice, first_name="Sam")
    assert first.crn == "N000001"
    assert second.crn == "N000002"
    assert first.addresses.get().postcode == "NW1 3CD"
    assert first.search_surname == "fletcher"
    event = AuditEvent.objects.get(verb="person_created", crn=first.crn)
    assert event.actor == alice


def test_duplicate_crn_and_pnc_are_refused(alice):
    new_person(alice, crn="X999999", pnc_number="2019/0123456A")
    with pytest.raises(ValidationError) as crn_error:
        new_person(alice, crn="X999999")
    assert "crn" in crn_error.value.error_dict
    with pytest.raises(ValidationError) as pnc_error:
        new_person(alice, pnc_number="2019/0123456A")
    assert "pnc_number" in pnc_error.value.error_dict
    assert Person.objects.count() == 1


def test_future_or_impossible_date_of_birth_is_refused(alice):
    with pytest.raises(ValidationError) as error:
        new_person(alice, date_of_birth=datetime.date(2027, 1, 1))
    assert error.value.error_dict["date_of_birth"][0].messages == ["Date of birth must be in the past."]


def test_possible_duplicates_ignore_case_and_punctuation(alice):
    new_person(alice, surname="O'Brien")
    assert actions.possible_duplicates("robin", "OBRIEN", datetime.date(1990, 3, 27)).count() == 1


def test_stale_contact_details_edit_is_refused_and_nothing_is_overwritten(alice, bob, case):
    seen_by_alice = case.version
    actions.update_contact_details(case, by=bob, expected_version=case.version, phone="01234 567890",
                                   mobile="", email="")
    with pytest.raises(ValidationError) as error:
        actions.update_contact_details(case, by=alice, expected_version=seen_by_alice, phone="999",
                                       mobile="", email="")
    assert error.value.code == "stale"
    case.refresh_from_db()
    assert case.phone == "01234 567890"


def test_change_main_address_keeps_the_old_one_as_previous(alice, case):
    old = case.addresses.get()
    actions.change_main_address(case, by=alice, expected_version=case.version, start_date=datetime.date(2026, 1, 5),
                                no_fixed_abode=True)
    old.refresh_from_db()
    assert old.status == "previous"
    assert old.end_date == datetime.date(2026, 1, 4)
    main = case.addresses.get(status="main")
    assert main.no_fixed_abode
    assert main.postcode == "NF1 1NF"


def test_only_one_main_address_is_possible_in_the_database(case):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Address.objects.create(person=case, status="main", line_1="Somewhere", start_date=TODAY)
