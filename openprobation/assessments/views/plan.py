"""The sentence plan: goals in the person's words, steps, agreement, versions, countersignature, reviews."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from openprobation.access.views import case_for
from openprobation.core.calendar import format_date
from openprobation.people.case_tabs import case_context

from .. import actions
from ..actions.assessments import add_months
from ..config import setting
from ..forms import AgreementForm, GoalForm, GoalStatusForm, PlanCountersignForm, PlanReviewForm, StepForm
from ..models import Goal, PlanVersion, Step
from ..queries import plan_page
from .common import PLAN_PART, PLAN_TAB, may_assess, object_of, refresh_version, show_error


def plan(request, crn):
    person = case_for(request, crn, part=PLAN_PART)
    return render(request, "assessments/plan.html", case_context(
        person, PLAN_TAB, page=plan_page(person), may_assess=may_assess(request.user),
        today=timezone.localdate(), unanswered_days=setting("REQUEST_UNANSWERED_DAYS")))


def add_goal(request, crn):
    person = case_for(request, crn, part=PLAN_PART)
    form = GoalForm(request.POST if request.method == "POST" else None, initial={"status": Goal.Status.ACTIVE})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            goal = actions.add_goal(person, by=request.user, area=data["area"], own_words=data["own_words"],
                                    practitioner_words=data["practitioner_words"], status=data["status"],
                                    target_date=data["target_date"])
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, "Goal added: now add the steps towards it")
            return redirect("assessments:add-step", person.crn, goal.pk)
    return render(request, "assessments/goal_form.html", case_context(person, PLAN_TAB, form=form, goal=None))


def edit_goal(request, crn, goal_id):
    person = case_for(request, crn, part=PLAN_PART)
    goal = object_of(Goal, person, goal_id)
    form = GoalForm(request.POST if request.method == "POST" else None, editing=True, initial={
        "version": goal.version, "area": goal.area_id, "own_words": goal.own_words,
        "practitioner_words": goal.practitioner_words, "target_date": goal.target_date})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.update_goal(goal, by=request.user, area=data["area"], own_words=data["own_words"],
                                practitioner_words=data["practitioner_words"], target_date=data["target_date"],
                                expected_version=data["version"])
        except ValidationError as error:
            show_error(form, error)
            refresh_version(form, Goal.objects.get(pk=goal.pk).version)
        else:
            messages.success(request, "Goal changed")
            return redirect("assessments:plan", person.crn)
    return render(request, "assessments/goal_form.html", case_context(person, PLAN_TAB, form=form, goal=goal))


def goal_status(request, crn, goal_id):
    person = case_for(request, crn, part=PLAN_PART)
    goal = object_of(Goal, person, goal_id)
    form = GoalStatusForm(request.POST if request.method == "POST" else None, initial={"version": goal.version, "status": goal.status})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.change_goal_status(goal, by=request.user, status=data["status"], note=data["note"],
                                       expected_version=data["version"])
        except ValidationError as error:
            show_error(form, error)
            refresh_version(form, Goal.objects.get(pk=goal.pk).version)
        else:
            messages.success(request, f"Goal marked as {Goal.Status(data['status']).label.lower()}")
            return redirect("assessments:plan", person.crn)
    return render(request, "assessments/goal_status.html", case_context(person, PLAN_TAB, form=form, goal=goal))


def add_step(request, crn, goal_id):
    person = case_for(request, crn, part=PLAN_PART)
    goal = object_of(Goal, person, goal_id)
    form = StepForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.add_step(goal, by=request.user, description=data["description"], owner=data["owner"],
                             service_name=data["service_name"], target_date=data["target_date"])
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, "Step added")
            if request.POST.get("another"):
                return redirect("assessments:add-step", person.crn, goal.pk)
            return redirect("assessments:plan", person.crn)
    return render(request, "assessments/step_form.html", case_context(
        person, PLAN_TAB, form=form, goal=goal, step=None))


def edit_step(request, crn, step_id):
    person = case_for(request, crn, part=PLAN_PART)
    step = object_of(Step, person, step_id, person_path="goal__person",
                     queryset=Step.objects.select_related("goal"))
    form = StepForm(request.POST if request.method == "POST" else None, editing=True, initial={
        "version": step.version, "description": step.description, "owner": step.owner,
        "service_name": step.service_name, "target_date": step.target_date, "status": step.status})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.update_step(step, by=request.user, description=data["description"], owner=data["owner"],
                                service_name=data["service_name"], target_date=data["target_date"],
                                status=data["status"], expected_version=data["version"])
        except ValidationError as error:
            show_error(form, error)
            refresh_version(form, Step.objects.get(pk=step.pk).version)
        else:
            messages.success(request, "Step updated")
            return redirect("assessments:plan", person.crn)
    return render(request, "assessments/step_form.html", case_context(
        person, PLAN_TAB, form=form, goal=step.goal, step=step))


def agree(request, crn):
    person = case_for(request, crn, part=PLAN_PART)
    page = plan_page(person)
    form = AgreementForm(request.POST if request.method == "POST" else None, person_name=person.first_name)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version = actions.record_agreement(person, by=request.user, agreement=data["agreement"],
                                               details=data["details"], comments=data["comments"])
        except ValidationError as error:
            show_error(form, error)
        else:
            if version.status == PlanVersion.Status.AWAITING_COUNTERSIGNATURE:
                messages.success(request, f"Plan version {version.number} recorded and sent to a manager to "
                                          f"countersign ({version.countersignature_reason})")
            else:
                messages.success(request, f"Plan version {version.number} recorded. Review it by "
                                          f"{format_date(version.review_due)}")
            return redirect("assessments:plan-version", person.crn, version.number)
    return render(request, "assessments/agree.html", case_context(
        person, PLAN_TAB, form=form, page=page, countersign_reason=actions.plan_countersignature_reason(person)))


def plan_version(request, crn, number):
    person = case_for(request, crn, part=PLAN_PART)
    version = (PlanVersion.objects.filter(person=person, number=number)
               .select_related("recorded_by", "countersigned_by").first())
    if version is None:
        raise Http404("No such version of the plan.")
    user = request.user
    may_countersign = (version.status == PlanVersion.Status.AWAITING_COUNTERSIGNATURE and user.is_manager
                       and user.pk != version.recorded_by_id)
    form = PlanCountersignForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.countersign_plan(version, by=user, comments=form.cleaned_data["comments"])
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, f"Plan version {version.number} countersigned: it is now the current plan")
            return redirect("assessments:plan-version", person.crn, version.number)
    return render(request, "assessments/plan_version.html", case_context(
        person, PLAN_TAB, version=version, form=form, may_countersign=may_countersign,
        reviews=list(version.reviews.select_related("recorded_by"))))


def review(request, crn):
    person = case_for(request, crn, part=PLAN_PART)
    today = timezone.localdate()
    form = PlanReviewForm(request.POST if request.method == "POST" else None, initial={
        "reviewed_on": today, "next_review_due": add_months(today, setting("PLAN_REVIEW_MONTHS"))})
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_plan_review(person, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, f"Review recorded. Next review by {format_date(form.cleaned_data['next_review_due'])}")
            return redirect("assessments:plan", person.crn)
    return render(request, "assessments/review.html", case_context(person, PLAN_TAB, form=form,
                                                                    page=plan_page(person)))
