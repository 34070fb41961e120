import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from openprobation.alerts.models import Alert
from openprobation.assessments import actions, reasons
from openprobation.assessments.models import Assessment, NeedArea, RoshRating, TierCalculation
from openprobation.assessments.tests.factories import (
    AssessmentFactory,
    completed_assessment,
    fill_assessment,
    rosh_ratings,
)
from openprobation.audit.models import AuditEvent
from openprobation.protection.models import Registration

pytestmark = pytest.mark.django_db


def test_a_medium_risk_assessment_is_final_when_completed(case, alice):
    done = completed_assessment(case, alice, level="medium")
    assert done.status == Assessment.Status.COMPLETE
    assert done.overall_rosh == "medium"
    assert not done.countersignature_required
    assert AuditEvent.objects.filter(verb="assessment_completed", crn=case.crn).exists()
    # The RoSH flag mirrors the assessment and the tier is calculated from it.
    assert Registration.objects.active().get(person=case).register_type.code == "RMRH"
    calculation = TierCalculation.objects.get(person=case)
    assert calculation.tier
    assert calculation.reasons
    assert calculation.inputs["rosh"] == "medium"


def test_high_risk_waits_for_a_manager_and_the_author_cannot_countersign(case, alice, mandy, bob):
    done = completed_assessment(case, alice, level="medium", public_community="high")
    assert done.status == Assessment.Status.AWAITING_COUNTERSIGNATURE
    assert done.overall_rosh == "high"
    alert = Alert.objects.get(person=case, reason=reasons.COUNTERSIGN)
    assert alert.owner == mandy
    with pytest.raises(PermissionDenied):
        actions.countersign_assessment(done, by=bob, expected_version=done.version)
    signed = actions.countersign_assessment(done, by=mandy, comments="Agree", expected_version=done.version)
    assert signed.status == Assessment.Status.COMPLETE
    assert signed.countersigned_by == mandy
    alert.refresh_from_db()
    assert alert.closed_at is not None
    assert alert.closed_by == mandy


def test_a_manager_cannot_countersign_their_own_assessment(case, mandy):
    done = completed_assessment(case, mandy, level="very_high")
    with pytest.raises(ValidationError) as error:
        actions.countersign_assessment(done, by=mandy, expected_version=done.version)
    assert error.value.code == "own_work"


def test_return_sends_it_back_to_the_author_with_the_reason(case, alice, mandy):
    done = completed_assessment(case, alice, level="high")
    with pytest.raises(ValidationError):
        actions.return_assessment(done, by=mandy, reason=" ", expected_version=done.version)
    back = actions.return_assessment(done, by=mandy, reason="Say more about the children", expected_version=done.version)
    assert back.status == Assessment.Status.DRAFT
    assert back.returned_reason == "Say more about the children"
    assert Alert.objects.get(reason=reasons.RETURNED, closed_at__isnull=True).owner == alice
    again = actions.complete_assessment(back, by=alice, review_due=timezone.localdate() + datetime.timedelta(days=60),
                                        expected_version=back.version)
    assert again.status == Assessment.Status.AWAITING_COUNTERSIGNATURE
    assert not Alert.objects.filter(reason=reasons.RETURNED, closed_at__isnull=True).exists()


def test_next_version_is_prefilled_and_supersedes_the_previous_one_which_stays_readable(case, alice):
    first = completed_assessment(case, alice, level="low")
    draft = actions.start_assessment(case, by=alice, purpose=Assessment.Purpose.REVIEW)
    assert draft.number == 2
    assert draft.who_at_risk == first.who_at_risk
    assert draft.rosh_ratings.count() == 10
    assert draft.need_ratings.count() == NeedArea.objects.count()
    draft = actions.update_rosh(draft, by=alice, ratings=rosh_ratings("medium"), expected_version=draft.version,
                                **{f: getattr(draft, f) for f in actions.assessments.NARRATIVE_FIELDS})
    second = actions.complete_assessment(draft, by=alice, review_due=timezone.localdate() + datetime.timedelta(days=30),
                                         expected_version=draft.version)
    first.refresh_from_db()
    assert first.status == Assessment.Status.SUPERSEDED
    assert first.superseded_by == second
    assert set(first.rosh_ratings.values_list("level", flat=True)) == {"low"}
    assert Registration.objects.active().get(person=case).register_type.code == "RMRH"


def test_only_one_open_assessment_at_a_time(case, alice):
    actions.start_assessment(case, by=alice, purpose="start")
    with pytest.raises(ValidationError) as error:
        actions.start_assessment(case, by=alice, purpose="start")
    assert error.value.code == "open"


def test_completion_lists_what_is_missing(case, alice):
    draft = actions.start_assessment(case, by=alice, purpose="start")
    with pytest.raises(ValidationError) as error:
        actions.complete_assessment(draft, by=alice, review_due=timezone.localdate() + datetime.timedelta(days=9),
                                    expected_version=draft.version)
    messages = error.value.messages
    assert "Rate the risk of serious harm to every group, in the community and in custody" in messages
    assert "Assess accommodation" in messages


def test_review_date_must_be_future_and_within_a_year(case, alice):
    draft = fill_assessment(actions.start_assessment(case, by=alice, purpose="start"), alice)
    for bad in (timezone.localdate(), timezone.localdate() + datetime.timedelta(days=400)):
        with pytest.raises(ValidationError) as error:
            actions.complete_assessment(draft, by=alice, review_due=bad, expected_version=draft.version)
        assert "review_due" in error.value.message_dict


def test_stale_version_is_refused(case, alice):
    draft = actions.start_assessment(case, by=alice, purpose="start")
    with pytest.raises(ValidationError) as error:
        actions.update_rosh(draft, by=alice, ratings=rosh_ratings(), expected_version=draft.version + 1)
    assert error.value.code == "stale"


def test_rosh_needs_every_rating(case, alice):
    draft = actions.start_assessment(case, by=alice, purpose="start")
    ratings = rosh_ratings()
    del ratings[("children", "custody")]
    with pytest.raises(ValidationError) as error:
        actions.update_rosh(draft, by=alice, ratings=ratings, expected_version=draft.version)
    assert error.value.message_dict == {"children_custody": ["Select the risk to children in custody"]}


def test_a_final_assessment_cannot_be_changed(case, alice):
    done = completed_assessment(case, alice)
    with pytest.raises(ValidationError) as error:
        actions.update_rosh(done, by=alice, ratings=rosh_ratings(), expected_version=done.version)
    assert error.value.code == "state"


def test_predictor_checks(case, alice):
    draft = actions.start_assessment(case, by=alice, purpose="start")
    with pytest.raises(ValidationError) as error:
        actions.update_predictors(draft, by=alice, expected_version=draft.version, arp=150, csrp=2, csrp_type="",
                                  dc_srp=1, dc_srp_band="")
    assert set(error.value.message_dict) == {"arp", "arp_type", "csrp_type", "dc_srp_band"}


def test_providers_cannot_assess(case, pat):
    with pytest.raises(PermissionDenied):
        actions.start_assessment(case, by=pat, purpose="start")


def test_database_keeps_one_current_assessment(case, alice):
    completed_assessment(case, alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        AssessmentFactory(person=case, number=9, status="complete", completed_at=timezone.now(), completed_by=alice,
                          overall_rosh="low", review_due=timezone.localdate())


def test_database_refuses_a_final_assessment_without_a_rating(case, alice):
    with pytest.raises(IntegrityError), transaction.atomic():
        AssessmentFactory(person=case, status="complete", completed_at=timezone.now(), completed_by=alice,
                          review_due=timezone.localdate())


def test_database_refuses_a_rating_twice(case, alice):
    draft = AssessmentFactory(person=case)
    RoshRating.objects.create(assessment=draft, group="public", setting="community", level="low")
    with pytest.raises(IntegrityError), transaction.atomic():
        RoshRating.objects.create(assessment=draft, group="public", setting="community", level="high")
