import pytest
from django.urls import reverse

from openprobation.audit.models import AuditEvent
from openprobation.people.models import Disability, EqualityData

pytestmark = pytest.mark.django_db


def url(case, kind):
    return reverse("case:add-detail", args=[case.crn, kind])


def test_add_an_alias_makes_it_searchable(alice_client, case):
    response = alice_client.post(url(case, "alias"), {"first_name": "Jay", "surname": "Testkase"})
    assert response.status_code == 302
    alias = case.aliases.get()
    assert alias.search_surname == "testkase"
    assert alias.phonetic_surname
    assert AuditEvent.objects.filter(verb="alias_added", crn=case.crn).exists()


def test_add_a_circumstance_then_end_it(alice_client, case):
    response = alice_client.post(url(case, "circumstance"), {
        "type": "Employment", "subtype": "Full-time", "start_date_day": "1", "start_date_month": "3",
        "start_date_year": "2026"})
    assert response.status_code == 302
    circumstance = case.circumstances.get()
    end = reverse("case:end-circumstance", args=[case.crn, circumstance.pk])
    response = alice_client.post(end, {"end_date_day": "1", "end_date_month": "2", "end_date_year": "2026"})
    assert "The end date must be on or after the start date" in response.text
    response = alice_client.post(end, {"end_date_day": "1", "end_date_month": "6", "end_date_year": "2026"})
    assert response.status_code == 302
    circumstance.refresh_from_db()
    assert circumstance.end_date.month == 6
    # An ended circumstance cannot be ended again.
    assert alice_client.get(end).status_code == 404


def test_adjustment_links_only_to_this_persons_disability(alice_client, case):
    from openprobation.people.tests.factories import PersonFactory

    mine = Disability.objects.create(person=case, type="Dyslexia", start_date="2020-01-01")
    theirs = Disability.objects.create(person=PersonFactory(), type="Other", start_date="2020-01-01")
    base = {"type": "Easy-read letters", "start_date_day": "1", "start_date_month": "1", "start_date_year": "2026"}
    response = alice_client.post(url(case, "adjustment"), {**base, "disability": theirs.pk})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    response = alice_client.post(url(case, "adjustment"), {**base, "disability": mine.pk})
    assert response.status_code == 302
    assert case.adjustments.get().disability == mine


def test_personal_contact_and_bad_input(alice_client, case):
    response = alice_client.post(url(case, "personal_contact"), {"relationship": "nonsense", "name": ""})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    response = alice_client.post(url(case, "personal_contact"), {"relationship": "gp", "name": "Dr Example"})
    assert response.status_code == 302
    assert str(case.personal_contacts.get()) == "Dr Example (GP)"


def test_unknown_detail_kind_is_not_found(alice_client, case):
    assert alice_client.get(url(case, "pets")).status_code == 404


def test_equality_data_edit_is_for_allowed_roles_and_audits_fields_not_values(client, alice, ada, case):
    edit = reverse("case:edit-equality", args=[case.crn])
    client.force_login(ada)
    assert client.get(edit).status_code == 403
    client.force_login(alice)
    response = client.post(edit, {"ethnicity": "Synthetic label", "religion": ""})
    assert response.status_code == 302
    assert EqualityData.objects.get(person=case).ethnicity == "Synthetic label"
    event = AuditEvent.objects.get(verb="equality_data_updated")
    assert event.summary["fields"] == ["ethnicity"]
    assert "Synthetic label" not in str(event.summary)
