"""HTTP tests for the sentence plan and request pages."""

import datetime

import pytest
from django.utils import timezone

from openprobation.assessments import actions
from openprobation.assessments.models import Goal, NeedArea, PersonRequest, PlanVersion, Step
from openprobation.assessments.tests.conftest import date_fields, error_summary, url
from openprobation.assessments.tests.factories import (
    GoalFactory,
    PersonRequestFactory,
    StepFactory,
    completed_assessment,
    make_referral,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def goal(case):
    return GoalFactory(person=case)


def test_plan_page_with_goals_steps_requests_and_versions(alice_client, case, alice, django_assert_max_num_queries):
    for n in range(4):
        goal = GoalFactory(person=case, own_words=f"Goal number {n}")
        StepFactory(goal=goal)
        StepFactory(goal=goal, owner=Step.Owner.SERVICE, service_name=f"Service {n}")
        PersonRequestFactory(person=case, words=f"Request number {n}")
    actions.record_agreement(case, by=alice, agreement="agreed")
    with django_assert_max_num_queries(16):
        response = alice_client.get(url("plan", case))
    html = response.content.decode()
    assert all(f"Goal number {n}" in html and f"Request number {n}" in html and f"Service {n}" in html for n in range(4))
    assert "Version 1" in html


def test_plan_page_query_count_is_fixed(alice_client, case, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    StepFactory(goal=GoalFactory(person=case))
    PersonRequestFactory(person=case)
    with CaptureQueriesContext(connection) as before:
        alice_client.get(url("plan", case))
    for _ in range(5):
        StepFactory(goal=GoalFactory(person=case))
        PersonRequestFactory(person=case)
    with django_assert_num_queries(len(before.captured_queries)):
        alice_client.get(url("plan", case))


def test_add_a_goal_in_their_words(alice_client, case):
    area = NeedArea.objects.get(code="EMOTIONAL")
    response = alice_client.post(url("add-goal", case), {"area": "", "own_words": "", "status": "active"})
    summary = error_summary(response)
    assert "Select the area of need this goal is about" in summary
    assert "Enter the goal in the person" in summary
    response = alice_client.post(url("add-goal", case), {
        "area": area.pk, "own_words": "Deal with what happened to me as a kid", "status": "active",
        **date_fields("target_date", TODAY + datetime.timedelta(days=180))})
    goal = Goal.objects.get(person=case)
    assert response.status_code == 302
    assert response["Location"] == url("add-step", case, goal.pk)
    assert goal.own_words == "Deal with what happened to me as a kid"


def test_goal_target_date_in_the_past_is_refused(alice_client, case):
    area = NeedArea.objects.get(code="ACCOM")
    response = alice_client.post(url("add-goal", case), {
        "area": area.pk, "own_words": "A flat", "status": "active", **date_fields("target_date", TODAY)})
    assert "The target date must be in the future" in error_summary(response)


def test_edit_a_goal_and_a_stale_edit(alice_client, case, goal):
    data = {"version": goal.version, "area": goal.area_id, "own_words": "Near my mum", "practitioner_words": ""}
    assert alice_client.post(url("edit-goal", case, goal.pk), data).status_code == 302
    response = alice_client.post(url("edit-goal", case, goal.pk), data)
    assert "Someone else changed this" in error_summary(response)


def test_goal_status_needs_a_note_when_achieved(alice_client, case, goal):
    response = alice_client.post(url("goal-status", case, goal.pk), {"version": goal.version, "status": "achieved"})
    assert "Say how achieving it helped them" in error_summary(response)
    response = alice_client.post(url("goal-status", case, goal.pk), {"version": goal.version, "status": "achieved",
                                                                      "note": "Has a tenancy"})
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.status == "achieved"


def test_add_and_update_a_step(alice_client, case, goal):
    response = alice_client.post(url("add-step", case, goal.pk), {"description": "Counselling", "owner": "service"})
    assert "Enter the name of the service" in error_summary(response)
    response = alice_client.post(url("add-step", case, goal.pk), {
        "description": "Counselling", "owner": "service", "service_name": "Northwold Mind", "another": "1"})
    assert response["Location"] == url("add-step", case, goal.pk)
    step = Step.objects.get(goal=goal)
    response = alice_client.post(url("edit-step", case, step.pk), {
        "version": step.version, "description": step.description, "owner": "service", "service_name": "Northwold Mind",
        "status": "in_progress"})
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.status == "in_progress"
    response = alice_client.post(url("edit-step", case, step.pk), {"version": step.version, "description": "",
                                                                    "owner": "", "status": ""})
    summary = error_summary(response)
    assert "Enter what needs to happen" in summary
    assert "Select who will do it" in summary


def test_agree_the_plan(alice_client, case, goal):
    response = alice_client.post(url("agree", case), {"agreement": "could_not_answer"})
    assert "Enter why they could not answer" in error_summary(response)
    response = alice_client.post(url("agree", case), {"agreement": "agreed", "comments": "It's what I want"})
    version = PlanVersion.objects.get(person=case)
    assert response["Location"] == url("plan-version", case, version.number)
    html = alice_client.get(url("plan-version", case, 1)).content.decode()
    assert goal.own_words in html
    assert "It&#x27;s what I want" in html


def test_manager_countersigns_a_plan_version(client, case, alice, mandy, goal):
    completed_assessment(case, alice, level="very_high", countersign_by=mandy)
    version = actions.record_agreement(case, by=alice, agreement="agreed")
    assert version.status == PlanVersion.Status.AWAITING_COUNTERSIGNATURE
    client.force_login(alice)
    assert "Countersign the plan" not in client.get(url("plan-version", case, 1)).content.decode()
    client.force_login(mandy)
    assert "Countersign the plan" in client.get(url("plan-version", case, 1)).content.decode()
    response = client.post(url("plan-version", case, 1), {"comments": "Agreed"})
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == PlanVersion.Status.CURRENT
    assert version.countersigned_by == mandy


def test_missing_plan_version_is_not_found(alice_client, case):
    assert alice_client.get(url("plan-version", case, 7)).status_code == 404


def test_review_the_plan(alice_client, case, alice, goal):
    response = alice_client.post(url("review", case), {"progress": "Good", **date_fields("reviewed_on", TODAY),
                                                       **date_fields("next_review_due", TODAY + datetime.timedelta(days=60))})
    assert "There is no agreed plan to review yet" in error_summary(response)
    actions.record_agreement(case, by=alice, agreement="agreed")
    response = alice_client.post(url("review", case), {"progress": "", **date_fields("reviewed_on", TODAY),
                                                       **date_fields("next_review_due", TODAY + datetime.timedelta(days=9))})
    assert "Enter progress against the plan" in error_summary(response)
    response = alice_client.post(url("review", case), {"progress": "Some", **date_fields("reviewed_on", TODAY),
                                                       **date_fields("next_review_due", TODAY)})
    assert "The next review must be in the future" in error_summary(response)
    response = alice_client.post(url("review", case), {"progress": "Tenancy signed", **date_fields("reviewed_on", TODAY),
                                                       **date_fields("next_review_due", TODAY + datetime.timedelta(days=60))})
    assert response.status_code == 302


def test_record_a_request_and_track_it_to_a_step(alice_client, case, goal):
    response = alice_client.post(url("add-request", case), {"words": "", **date_fields("asked_on", TODAY)})
    assert "Enter what they asked for" in error_summary(response)
    response = alice_client.post(url("add-request", case), {
        "words": "help with my childhood trauma", **date_fields("asked_on", TODAY + datetime.timedelta(days=2))})
    assert "The date they asked must be today or in the past" in error_summary(response)
    response = alice_client.post(url("add-request", case), {"words": "help with my childhood trauma",
                                                            **date_fields("asked_on", TODAY)})
    request = PersonRequest.objects.get(person=case)
    assert response["Location"] == url("request", case, request.pk)
    step = StepFactory(goal=goal)
    response = alice_client.post(url("request", case, request.pk), {"action": "step", "step-version": request.version})
    assert "Select the step of the plan that answers this request" in error_summary(response)
    response = alice_client.post(url("request", case, request.pk), {
        "action": "step", "step-version": request.version, "step-step": step.pk, "step-note": "Counselling referral"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "in_progress"
    assert request.step == step
    html = alice_client.get(url("plan", case)).content.decode()
    assert "Plan step: Refer to the accommodation service" in html


def test_request_met_and_answered_pages(alice_client, case):
    request = PersonRequestFactory(person=case, asked_on=TODAY - datetime.timedelta(days=2))
    response = alice_client.post(url("request", case, request.pk), {"action": "answer", "answer-version": request.version})
    assert "Enter the answer you gave them, with the reason" in error_summary(response)
    response = alice_client.post(url("request", case, request.pk), {
        "action": "met", "met-version": request.version, **date_fields("met_on", TODAY + datetime.timedelta(days=1), "met")})
    assert "The date the request was met must be today or in the past" in error_summary(response)
    response = alice_client.post(url("request", case, request.pk), {
        "action": "met", "met-version": request.version, **date_fields("met_on", TODAY, "met"), "met-note": "GP referral"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "met"
    html = alice_client.get(url("request", case, request.pk)).content.decode()
    assert "What is being done about it?" not in html


def test_request_tracked_to_a_referral(alice_client, case, alice):
    request = PersonRequestFactory(person=case)
    referral = make_referral(case, alice)
    html = alice_client.get(url("request", case, request.pk)).content.decode()
    assert "Link to the referral" in html
    response = alice_client.post(url("request", case, request.pk), {
        "action": "referral", "referral-version": request.version, "referral-referral": referral.pk})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.referral == referral


def test_request_of_another_case_is_not_found(alice_client, case):
    from openprobation.people.tests.factories import PersonFactory

    other = PersonRequestFactory(person=PersonFactory(practitioner=case.practitioner))
    assert alice_client.get(url("request", case, other.pk)).status_code == 404


def test_unknown_action_on_a_request_just_shows_the_page(alice_client, case):
    request = PersonRequestFactory(person=case)
    response = alice_client.post(url("request", case, request.pk), {"action": "nonsense"})
    assert response.status_code == 200
