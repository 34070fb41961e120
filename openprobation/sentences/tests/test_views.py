import pytest
from django.urls import reverse

from openprobation.sentences.models import Court, OffenceType, Sentence, SentenceType

pytestmark = pytest.mark.django_db


def test_sentence_page_lists_orders_and_requirements(alice_client, case):
    response = alice_client.get(reverse("sentence:index", args=[case.crn]))
    assert response.status_code == 200
    assert "Community order" in response.text
    assert "Theft from a shop" in response.text


def _date(prefix, day, month, year):
    return {f"{prefix}_day": day, f"{prefix}_month": month, f"{prefix}_year": year}


def test_record_a_community_order_over_the_statutory_length_is_refused(alice_client, case):
    url = reverse("sentence:record", args=[case.crn])
    data = {
        "sentence_type": SentenceType.objects.get(code="CO").pk, "court": Court.objects.get(code="NWMC").pk,
        "offence_type": OffenceType.objects.get(code="04604").pk, "length_months": 40,
        **_date("offence_date", 1, 3, 2026), **_date("conviction_date", 1, 5, 2026),
        **_date("sentence_date", 1, 5, 2026), **_date("start_date", 1, 5, 2026),
    }
    response = alice_client.post(url, data)
    assert response.status_code == 200
    assert "A community order must be no more than 36 months" in response.text
    assert 'href="#id_length_months"' in response.text
    response = alice_client.post(url, {**data, "length_months": 24})
    assert response.status_code == 302
    assert Sentence.objects.filter(person=case).count() == 2


def test_add_requirement_shows_the_limit_in_the_error_summary(alice_client, case):
    order = case.sentences.get()
    url = reverse("sentence:add-requirement", args=[case.crn, order.pk])
    from openprobation.sentences.models import RequirementType

    upw = RequirementType.objects.get(code="UPW").pk
    start = order.start_date
    response = alice_client.post(url, {"requirement_type": upw, "length": "20",
                                       **_date("start_date", start.day, start.month, start.year)})
    assert "Unpaid work must be at least 40 hours" in response.text
    response = alice_client.post(url, {"requirement_type": upw, "length": "150",
                                       **_date("start_date", start.day, start.month, start.year)})
    assert response.status_code == 302
    assert order.requirements.get().length == 150


def test_requirement_for_another_persons_order_is_not_found(alice_client, case, carol):
    from openprobation.sentences.tests.factories import SentenceFactory

    other = SentenceFactory(event__person__practitioner=carol)
    response = alice_client.get(reverse("sentence:add-requirement", args=[case.crn, other.pk]))
    assert response.status_code == 404


def test_end_an_order(alice_client, case):
    order = case.sentences.get()
    url = reverse("sentence:terminate", args=[case.crn, order.pk])
    assert alice_client.get(url).status_code == 200
    response = alice_client.post(url, {"version": order.version, "reason": "Completed",
                                       **_date("terminated_on", 1, 6, 2026)})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.terminated_on is not None
