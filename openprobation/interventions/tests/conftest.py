"""Services set up through the actions, as a practitioner and a provider would."""

import datetime

import pytest
from django.utils import timezone

from openprobation.interventions import actions
from openprobation.interventions.models import DesiredOutcome
from openprobation.interventions.tests.factories import ContractFactory

TODAY = timezone.localdate()
STARTED = TODAY - datetime.timedelta(days=35)


def at(day: datetime.date, hour=10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


@pytest.fixture
def contract(pat_provider):
    return ContractFactory(reference="NWR-MTR-001", provider=pat_provider)


@pytest.fixture
def licence_case(alice):
    """A man on licence, allocated to alice, living in approved premises."""
    from openprobation.people.tests.factories import AddressFactory, PersonFactory
    from openprobation.sentences.models import SentenceType
    from openprobation.sentences.tests.factories import SentenceFactory

    person = PersonFactory(crn="X200001", first_name="Ryan", surname="Licence", practitioner=alice,
                           date_of_birth=datetime.date(1990, 5, 5))
    AddressFactory(person=person, start_date=datetime.date(2026, 1, 5), type_description="Approved premises")
    SentenceFactory(event__person=person, sentence_type=SentenceType.objects.get(code="LIC"),
                    event__conviction_date=datetime.date(2021, 3, 1), start_date=datetime.date(2026, 1, 5),
                    expected_end_date=datetime.date(2028, 1, 4), length_months=None)
    return person


def make_referral(person, contract, by, *, sent_on=STARTED, **overrides):
    values = dict(
        contract=contract, complexity="high",
        desired_outcomes=list(DesiredOutcome.objects.filter(category="MTR")[:2]),
        reason="Isolated since release; needs support to use the internet lawfully and to attend the jobcentre.",
        completion_deadline=TODAY + datetime.timedelta(days=180), today=sent_on,
    )
    values.update(overrides)
    return actions.create_referral(person, by=by, **values)


def deliver_to_sessions(referral, *, practitioner, provider_user, sent_on=STARTED, sessions=10):
    """Send, assign, assess, plan and approve: the referral is then ready for sessions."""
    actions.send_referral(referral, by=practitioner, expected_version=referral.version, today=sent_on)
    actions.assign_referral(referral, by=provider_user, caseworker=provider_user, today=sent_on)
    actions.record_initial_assessment(referral, by=provider_user, on=sent_on + datetime.timedelta(days=2),
                                      notes="Keen to take part; wants help with job searches.", today=sent_on
                                      + datetime.timedelta(days=2))
    plan = actions.submit_action_plan(referral, by=provider_user, activities="Twice-weekly mentoring; library visits.",
                                      number_of_sessions=sessions, today=sent_on + datetime.timedelta(days=3))
    actions.approve_action_plan(plan, by=practitioner, today=sent_on + datetime.timedelta(days=4))
    referral.refresh_from_db()
    return referral


def deliver_session(referral, provider_user, day, *, attended="yes", happened=True, **feedback):
    session = actions.schedule_session(referral, by=provider_user, starts_at=at(day),
                                       duration=datetime.timedelta(hours=1))
    actions.record_session_feedback(session, by=provider_user, happened=happened, attended=attended,
                                    summary="Went to the library together.", **feedback)
    session.refresh_from_db()
    return session


@pytest.fixture
def live_referral(licence_case, contract, alice, pat):
    referral = make_referral(licence_case, contract, alice, sentence=licence_case.sentences.get())
    return deliver_to_sessions(referral, practitioner=alice, provider_user=pat)
