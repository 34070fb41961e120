import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from openprobation.alerts.models import Alert
from openprobation.assessments import actions, reasons
from openprobation.assessments.models import Goal, NeedArea, PersonRequest, PlanVersion, Step
from openprobation.assessments.tests.factories import (
    GoalFactory,
    PersonRequestFactory,
    StepFactory,
    completed_assessment,
    make_referral,
)
from openprobation.audit.models import AuditEvent
from openprobation.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)


@pytest.fixture
def accommodation(db):
    return NeedArea.objects.get(code="ACCOM")


def test_a_goal_needs_the_persons_own_words_and_an_area(case, alice, accommodation):
    with pytest.raises(ValidationError) as error:
        actions.add_goal(case, by=alice, area=None, own_words=" ", today=TODAY)
    assert set(error.value.message_dict) == {"area", "own_words"}
    goal = actions.add_goal(case, by=alice, area=accommodation, own_words="I want my own flat",
                            practitioner_words="Settled accommodation", target_date=TODAY + datetime.timedelta(days=90),
                            today=TODAY)
    assert goal.status == Goal.Status.ACTIVE
    assert AuditEvent.objects.filter(verb="goal_added", crn=case.crn).exists()


def test_target_date_must_be_in_the_future(case, alice, accommodation):
    with pytest.raises(ValidationError) as error:
        actions.add_goal(case, by=alice, area=accommodation, own_words="x", target_date=TODAY, today=TODAY)
    assert "target_date" in error.value.message_dict


def test_achieving_or_removing_a_goal_needs_a_note(case, alice):
    goal = GoalFactory(person=case)
    with pytest.raises(ValidationError):
        actions.change_goal_status(goal, by=alice, status="achieved", note="", expected_version=goal.version)
    done = actions.change_goal_status(goal, by=alice, status="achieved", note="Moved in, kids visit weekly",
                                      expected_version=goal.version)
    assert done.status == "achieved"
    assert done.status_note


def test_a_step_by_a_service_names_it(case, alice):
    goal = GoalFactory(person=case)
    with pytest.raises(ValidationError) as error:
        actions.add_step(goal, by=alice, description="Counselling", owner="service", today=TODAY)
    assert error.value.message_dict == {"service_name": ["Enter the name of the service"]}
    step = actions.add_step(goal, by=alice, description="Counselling", owner="service", service_name="Mind Northwold",
                            today=TODAY)
    assert step.owner_label == "Mind Northwold"


def test_agreement_freezes_a_version_and_the_next_supersedes_it(case, alice):
    goal = GoalFactory(person=case)
    StepFactory(goal=goal)
    with pytest.raises(ValidationError) as error:
        actions.record_agreement(case, by=alice, agreement="do_not_agree", today=TODAY)
    assert "details" in error.value.message_dict
    first = actions.record_agreement(case, by=alice, agreement="agreed", comments="Happy with it", today=TODAY)
    assert first.status == PlanVersion.Status.CURRENT
    assert first.snapshot["goals"][0]["own_words"] == goal.own_words
    assert first.snapshot["goals"][0]["steps"][0]["description"] == "Refer to the accommodation service"
    actions.update_goal(goal, by=alice, area=goal.area, own_words="Somewhere near my mum", expected_version=goal.version,
                        today=TODAY)
    second = actions.record_agreement(case, by=alice, agreement="agreed", today=TODAY)
    first.refresh_from_db()
    assert first.status == PlanVersion.Status.SUPERSEDED
    assert first.snapshot["goals"][0]["own_words"] == "I want somewhere safe to live where my kids can visit"
    assert second.snapshot["goals"][0]["own_words"] == "Somewhere near my mum"


def test_agreement_needs_a_goal(case, alice):
    with pytest.raises(ValidationError):
        actions.record_agreement(case, by=alice, agreement="agreed", today=TODAY)


def test_high_risk_plan_needs_countersignature(case, alice, mandy):
    completed_assessment(case, alice, level="high", countersign_by=mandy)
    GoalFactory(person=case)
    version = actions.record_agreement(case, by=alice, agreement="agreed")
    assert version.status == PlanVersion.Status.AWAITING_COUNTERSIGNATURE
    assert "high" in version.countersignature_reason
    alert = Alert.objects.get(reason=reasons.PLAN_COUNTERSIGN)
    assert alert.owner == mandy
    with pytest.raises(PermissionDenied):
        actions.countersign_plan(version, by=alice)
    signed = actions.countersign_plan(version, by=mandy, comments="Fine")
    assert signed.status == PlanVersion.Status.CURRENT
    alert.refresh_from_db()
    assert alert.closed_at is not None


def test_plan_review_moves_the_review_date(case, alice):
    GoalFactory(person=case)
    with pytest.raises(ValidationError):
        actions.record_plan_review(case, by=alice, reviewed_on=TODAY, progress="x",
                                   next_review_due=TODAY + datetime.timedelta(days=30), today=TODAY)
    version = actions.record_agreement(case, by=alice, agreement="agreed", today=TODAY)
    with pytest.raises(ValidationError) as error:
        actions.record_plan_review(case, by=alice, reviewed_on=TODAY + datetime.timedelta(days=1), progress="",
                                   next_review_due=TODAY, today=TODAY)
    assert set(error.value.message_dict) == {"reviewed_on", "progress", "next_review_due"}
    actions.record_plan_review(case, by=alice, reviewed_on=TODAY, progress="Has a tenancy",
                               next_review_due=TODAY + datetime.timedelta(days=45), today=TODAY)
    version.refresh_from_db()
    assert version.review_due == TODAY + datetime.timedelta(days=45)


def test_request_tracked_to_a_step_is_met_when_the_step_is_completed(case, alice):
    request = actions.record_request(case, by=alice, asked_on=TODAY, words="Help with my childhood trauma",
                                     today=TODAY)
    step = StepFactory(goal=GoalFactory(person=case))
    linked = actions.link_request_to_step(request, by=alice, step=step, note="Referral to trauma counselling",
                                          expected_version=request.version)
    assert linked.status == PersonRequest.Status.IN_PROGRESS
    actions.update_step(step, by=alice, description=step.description, owner=step.owner, status="completed",
                        expected_version=step.version, today=TODAY)
    linked.refresh_from_db()
    assert linked.status == PersonRequest.Status.MET
    assert linked.met_on == TODAY
    assert linked.closed_by == alice


def test_a_request_cannot_be_linked_to_another_persons_step(case, alice):
    request = PersonRequestFactory(person=case)
    other = StepFactory(goal=GoalFactory(person=PersonFactory(practitioner=alice)))
    with pytest.raises(ValidationError) as error:
        actions.link_request_to_step(request, by=alice, step=other, expected_version=request.version)
    assert "step" in error.value.message_dict


def test_answering_a_request_needs_the_reason(case, alice):
    request = PersonRequestFactory(person=case, asked_on=TODAY - datetime.timedelta(days=3))
    with pytest.raises(ValidationError):
        actions.answer_request(request, by=alice, answer=" ", expected_version=request.version, today=TODAY)
    answered = actions.answer_request(request, by=alice, answer="Not available in this area; GP referral instead",
                                      expected_version=request.version, today=TODAY)
    assert answered.status == PersonRequest.Status.ANSWERED
    assert answered.answered_on == TODAY
    with pytest.raises(ValidationError) as error:
        actions.mark_request_met(answered, by=alice, met_on=TODAY, expected_version=answered.version, today=TODAY)
    assert error.value.code == "closed"


def test_request_dates_are_checked(case, alice):
    with pytest.raises(ValidationError):
        actions.record_request(case, by=alice, asked_on=TODAY + datetime.timedelta(days=1), words="x", today=TODAY)
    request = PersonRequestFactory(person=case, asked_on=TODAY)
    with pytest.raises(ValidationError) as error:
        actions.mark_request_met(request, by=alice, met_on=TODAY - datetime.timedelta(days=1),
                                 expected_version=request.version, today=TODAY)
    assert "met_on" in error.value.message_dict


def test_database_requires_an_answer_with_a_reason(case, alice):
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonRequestFactory(person=case, status="answered", answered_on=TODAY, closed_by=alice)


def test_database_requires_a_link_for_a_request_in_progress(case):
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonRequestFactory(person=case, status="in_progress")


def test_database_requires_a_service_name(case):
    with pytest.raises(IntegrityError), transaction.atomic():
        StepFactory(goal=GoalFactory(person=case), owner=Step.Owner.SERVICE, service_name="")


def test_database_keeps_one_current_plan(case, alice):
    GoalFactory(person=case)
    actions.record_agreement(case, by=alice, agreement="agreed", today=TODAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanVersion.objects.create(person=case, number=5, agreement="agreed", snapshot={}, status="current",
                                   recorded_by=alice, review_due=TODAY)


def test_requests_can_be_tracked_to_a_referral(case, alice):
    request = PersonRequestFactory(person=case)
    referral = make_referral(case, alice)
    linked = actions.link_request_to_referral(request, by=alice, referral=referral, expected_version=request.version)
    assert linked.referral == referral
    assert linked.status == PersonRequest.Status.IN_PROGRESS


def test_closing_a_request_answers_its_alert(case, alice):
    from openprobation.assessments.sweeps import sweep_assessments

    request = PersonRequestFactory(person=case, asked_on=timezone.localdate() - datetime.timedelta(days=20))
    sweep_assessments(timezone.localdate())
    alert = Alert.objects.get(reason=reasons.REQUEST_UNANSWERED)
    actions.answer_request(request, by=alice, answer="Referred to GP instead", expected_version=request.version)
    alert.refresh_from_db()
    assert alert.decision == "answered"
    assert alert.closed_by == alice


def test_the_demo_reset_can_delete_a_person_with_everything_recorded_here(case, alice):
    from openprobation.assessments.models import Assessment
    from openprobation.demo.generator.reset import delete_domain_data

    completed_assessment(case, alice)
    completed_assessment(case, alice)
    request = PersonRequestFactory(person=case)
    actions.link_request_to_step(request, by=alice, step=StepFactory(goal=GoalFactory(person=case)),
                                 expected_version=request.version)
    other = PersonRequestFactory(person=case)
    actions.link_request_to_referral(other, by=alice, referral=make_referral(case, alice),
                                     expected_version=other.version)
    actions.record_agreement(case, by=alice, agreement="agreed", today=TODAY)
    delete_domain_data()
    assert not Assessment.objects.exists()
    assert not PersonRequest.objects.exists()
