"""A breach or a recall is a tier input (previous enforcement activity): starting one recalculates the tier."""

import datetime

import pytest
from django.utils import timezone

from openprobation.assessments.models import TierCalculation
from openprobation.sentences.models import SentenceType
from openprobation.sentences.tests.factories import SentenceFactory
from openprobation.supervision import actions
from openprobation.supervision.tests.factories import AppointmentFactory

pytestmark = pytest.mark.django_db


def missed_appointment(sentence, alice):
    today = timezone.localdate()
    when = timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=1), datetime.time(10)))
    contact = AppointmentFactory(sentence=sentence, starts_at=when)
    actions.record_outcome(contact, "UAAB", by=alice, expected_version=contact.version, today=today)
    contact.refresh_from_db()
    return contact


@pytest.mark.parametrize(("kind", "action", "trigger"), [
    ("CO", "IBR", "Breach started"),
    ("LIC", "EA11", "Recall started"),
])
def test_starting_a_breach_or_a_recall_recalculates_the_tier(kind, action, trigger, case, alice,
                                                             django_capture_on_commit_callbacks):
    from openprobation.assessments.tiering import recalculate_tier
    from openprobation.supervision.models import EnforcementAction

    sentence = case.sentences.get()
    if kind == "LIC":
        sentence = SentenceFactory(event__person=case, sentence_type=SentenceType.objects.get(code="LIC"),
                                   length_months=None)
    recalculate_tier(case, by=alice, trigger="Before")
    assert TierCalculation.objects.get(person=case).inputs["previous_enforcement_activity"] is False
    contact = missed_appointment(sentence, alice)
    starts = EnforcementAction.objects.filter(starts_breach=True).values_list("code", flat=True)
    assert action in starts, f"{action} is not a breach or recall action: {list(starts)}"

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        actions.take_enforcement_action(contact, action, by=alice, rationale="Threatened staff")

    assert len(callbacks) == 1
    latest = TierCalculation.objects.filter(person=case).latest("pk")
    assert latest.trigger == trigger
    assert latest.inputs["previous_enforcement_activity"] is True
