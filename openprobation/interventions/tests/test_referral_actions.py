"""The referral lifecycle through the actions: draft to completed, amendments, withdrawal."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from openprobation.audit.models import AuditEvent
from openprobation.interventions import actions, rules
from openprobation.interventions.models import (
    ContractStatus,
    EndReason,
    Rating,
    Referral,
    ReferralChange,
    ReferralStatus,
)
from openprobation.interventions.tests.conftest import STARTED, TODAY, deliver_session, make_referral
from openprobation.interventions.tests.factories import ContractFactory, ProviderFactory
from openprobation.supervision.models import Contact

pytestmark = pytest.mark.django_db


def timeline(person):
    return list(Contact.objects.filter(person=person, contact_type__code="CRSREF").order_by("starts_at", "pk")
                .values_list("description", flat=True))


def test_a_draft_reaches_nobody_until_it_is_sent(licence_case, contract, alice):
    referral = make_referral(licence_case, contract, alice)
    assert referral.status == ReferralStatus.DRAFT
    assert timeline(licence_case) == []
    actions.send_referral(referral, by=alice, expected_version=referral.version, today=STARTED)
    assert referral.status == ReferralStatus.SENT
    assert referral.sent_on == STARTED
    assert referral.initial_assessment_due == rules.initial_assessment_due(STARTED)
    assert timeline(licence_case) == [f"{referral.reference} Mentoring for people on licence: referral sent to "
                                      "Hope Mentoring"]
    assert referral.changes.get().description == "Referral sent"
    assert AuditEvent.objects.filter(verb="send_referral", object_id=str(referral.pk)).exists()


@pytest.mark.parametrize(("change", "message"), [
    (dict(status=ContractStatus.IN_DISPUTE), "The contract is in dispute, so it is not taking referrals"),
    (dict(max_age=25), "The service is for people aged 25 or under"),
    (dict(allows_male=False), "The service is for women only"),
    (dict(region_code="OTH"), "The service is for another region"),
])
def test_only_eligible_people_can_be_referred(licence_case, alice, pat_provider, change, message):
    from openprobation.staff.tests.factories import RegionFactory

    if "region_code" in change:
        change = {"region": RegionFactory(code=change.pop("region_code"))}
    contract = ContractFactory(provider=pat_provider, **change)
    with pytest.raises(ValidationError) as refused:
        make_referral(licence_case, contract, alice)
    assert message in refused.value.message_dict["contract"][0]


def test_a_referral_needs_outcomes_the_service_offers_and_its_complexity(licence_case, contract, alice):
    from openprobation.interventions.models import DesiredOutcome

    with pytest.raises(ValidationError) as refused:
        make_referral(licence_case, contract, alice, desired_outcomes=[DesiredOutcome.objects.get(code="ACC01")],
                      complexity="extreme", reason=" ")
    assert set(refused.value.message_dict) == {"desired_outcomes", "complexity", "reason"}


def test_enforceable_sessions_under_a_community_order_need_the_rar(case, alice, pat_provider):
    from openprobation.sentences.tests.factories import RequirementFactory

    contract = ContractFactory(provider=pat_provider)
    sentence = case.sentences.get()
    with pytest.raises(ValidationError) as refused:
        make_referral(case, contract, alice, sentence=sentence, enforceable=True, enforceable_days=10)
    assert "requirement" in refused.value.message_dict
    rar = RequirementFactory(sentence=sentence)
    referral = make_referral(case, contract, alice, sentence=sentence, requirement=rar, enforceable=True,
                             enforceable_days=10)
    assert referral.enforceable


def test_the_whole_lifecycle_ends_with_rated_outcomes(live_referral, alice, pat):
    referral = live_referral
    assert referral.status == ReferralStatus.IN_PROGRESS
    assert referral.action_plan_due == rules.action_plan_due(referral.initial_assessment_on)
    for n in range(3):
        deliver_session(referral, pat, STARTED + datetime.timedelta(days=7 + n * 3))
    outcomes = list(referral.outcomes.all())
    ratings = {outcomes[0].pk: (Rating.ACHIEVED, "Uses the library computer under supervision."),
               outcomes[1].pk: (Rating.PARTLY, "")}
    actions.submit_end_of_service_report(referral, by=pat, ratings=ratings, further_information="Ended well.")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED
    assert referral.concluded_on == TODAY
    assert sorted(o.rating for o in referral.outcomes.all()) == ["achieved", "partly"]
    assert timeline(referral.person)[-1].endswith("end-of-service report: 1 of 2 desired outcomes achieved")


def test_the_end_of_service_report_needs_every_outcome_rated(live_referral, pat):
    with pytest.raises(ValidationError) as refused:
        actions.submit_end_of_service_report(live_referral, by=pat, ratings={})
    assert len(refused.value.message_dict) == 2


def test_an_amendment_needs_a_reason_and_is_kept(live_referral, alice):
    referral = live_referral
    with pytest.raises(ValidationError) as refused:
        actions.amend_referral(referral, by=alice, changes={"complexity": "medium"}, reason="",
                               expected_version=referral.version)
    assert "reason_for_change" in refused.value.message_dict
    actions.amend_referral(referral, by=alice, changes={"complexity": "medium"}, reason="Settled in well",
                           expected_version=referral.version)
    change = referral.changes.get(topic="complexity")
    assert change.description == "Complexity level changed from high complexity to medium complexity"
    assert (change.old_value, change.new_value, change.reason) == ("high", "medium", "Settled in well")
    assert "Complexity level changed" in timeline(referral.person)[-1]


def test_a_stale_form_changes_nothing(live_referral, alice):
    stale = live_referral.version - 1
    with pytest.raises(ValidationError) as refused:
        actions.amend_referral(live_referral, by=alice, changes={"complexity": "low"}, reason="x",
                               expected_version=stale)
    assert refused.value.code == "stale"
    assert Referral.objects.get(pk=live_referral.pk).complexity == "high"


def test_cancelling_before_delivery_and_ending_early_after(licence_case, contract, alice, pat, live_referral):
    reason = EndReason.objects.get(code="MOV")
    draft = make_referral(licence_case, contract, alice)
    actions.send_referral(draft, by=alice, expected_version=draft.version, today=STARTED)
    actions.withdraw_referral(draft, by=alice, end_reason=reason, comments="Moved to Harbridge.",
                              expected_version=draft.version)
    assert draft.status == ReferralStatus.CANCELLED
    assert draft.end_of_service_report_due is None
    actions.withdraw_referral(live_referral, by=alice, end_reason=reason, comments="Moved to Harbridge.",
                              expected_version=live_referral.version)
    assert live_referral.status == ReferralStatus.ENDED_EARLY
    assert live_referral.end_of_service_report_due == rules.end_of_service_report_due(TODAY)
    with pytest.raises(ValidationError):
        actions.withdraw_referral(live_referral, by=alice, end_reason=reason, comments="again",
                                  expected_version=live_referral.version)


def test_reassignment_needs_a_reason_and_a_current_caseworker(live_referral, pat, pat_provider):
    from openprobation.interventions.tests.factories import ProviderMembershipFactory
    from openprobation.staff.tests.factories import UserFactory

    other_org = UserFactory(username="olly", role="provider", team=None)
    ProviderMembershipFactory(user=other_org, provider=ProviderFactory(code="ELSE"))
    with pytest.raises(ValidationError) as refused:
        actions.assign_referral(live_referral, by=pat, caseworker=other_org, reason="")
    assert set(refused.value.message_dict) == {"caseworker", "reason"}
    colleague = UserFactory(username="quinn", role="provider", team=None, first_name="Quinn", last_name="Mentor")
    ProviderMembershipFactory(user=colleague, provider=pat_provider, is_manager=False)
    actions.assign_referral(live_referral, by=pat, caseworker=colleague, reason="Pat is going on leave")
    assert live_referral.caseworker == colleague
    assert list(live_referral.assignments.values_list("caseworker__username", flat=True)) == ["pat", "quinn"]
    assert ReferralChange.objects.filter(referral=live_referral, topic="caseworker").last().reason == (
        "Pat is going on leave")


def test_the_database_keeps_the_lifecycle_honest(live_referral):
    with pytest.raises(IntegrityError):
        Referral.objects.filter(pk=live_referral.pk).update(protective=True, sessions_per_week=None)


def test_the_database_refuses_a_sent_referral_without_a_sender(live_referral):
    with pytest.raises(IntegrityError):
        Referral.objects.filter(pk=live_referral.pk).update(sent_by=None)
