"""Risk and needs: the case's assessments, each version and its sections, completion, countersignature, tier."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from openprobation.access.views import case_for
from openprobation.core.calendar import format_date
from openprobation.people.case_tabs import case_context
from openprobation.sentences.models import Sentence

from .. import actions
from ..actions.assessments import NARRATIVE_FIELDS, overall_rosh_of
from ..forms import (
    CompleteForm,
    CountersignForm,
    NeedForm,
    OGRS3Form,
    PredictorsForm,
    RiskToSelfForm,
    RoshForm,
    StartForm,
)
from ..models import Assessment, Concern, NeedArea, TierCalculation
from ..queries import assessment_with_sections, needs_by_area, risk_page, risks_to_self, rosh_grid, tier_view
from .common import RISK_PART, RISK_TAB, assessment_of, may_assess, refresh_version, show_error

TIER_HISTORY_SHOWN = 100


def index(request, crn):
    person = case_for(request, crn, part=RISK_PART)
    today = timezone.localdate()
    return render(request, "assessments/index.html", case_context(
        person, RISK_TAB, page=risk_page(person, today), may_assess=may_assess(request.user), today=today))


def start(request, crn):
    person = case_for(request, crn, part=RISK_PART)
    form = StartForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            draft = actions.start_assessment(person, by=request.user, purpose=form.cleaned_data["purpose"])
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, f"Assessment {draft.number} started")
            return redirect("assessments:assessment", person.crn, draft.number)
    return render(request, "assessments/start.html", case_context(person, RISK_TAB, form=form))


def assessment(request, crn, number):
    person = case_for(request, crn, part=RISK_PART)
    found = assessment_of(person, number, assessment_with_sections())
    areas = list(NeedArea.objects.selectable())
    user = request.user
    return render(request, "assessments/assessment.html", case_context(
        person, RISK_TAB, assessment=found, grid=rosh_grid(found), self_risks=risks_to_self(found),
        needs=needs_by_area(found, areas),
        missing=actions.missing_sections(found) if found.is_draft else [],
        may_edit=found.is_draft and may_assess(user),
        may_countersign=(found.status == Assessment.Status.AWAITING_COUNTERSIGNATURE and user.is_manager
                         and user.pk != found.completed_by_id),
    ))


def _draft(request, crn, number):
    person = case_for(request, crn, part=RISK_PART)
    found = assessment_of(person, number, assessment_with_sections())
    if not found.is_draft:
        messages.info(request, f"Assessment {found.number} is {found.get_status_display().lower()}: it can no longer "
                               "be changed. Start a new version to change it.")
        return person, found, redirect("assessments:assessment", person.crn, found.number)
    return person, found, None


def edit_rosh(request, crn, number):
    person, found, gone = _draft(request, crn, number)
    if gone:
        return gone
    initial = {"version": found.version, **{f: getattr(found, f) for f in NARRATIVE_FIELDS},
               **{f"{r.group}_{r.setting}": r.level for r in found.rosh_ratings.all()}}
    form = RoshForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_rosh(found, by=request.user, ratings=form.ratings(),
                                expected_version=form.cleaned_data["version"], **form.narrative())
        except ValidationError as error:
            show_error(form, error)
            refresh_version(form, Assessment.objects.get(pk=found.pk).version)
        else:
            messages.success(request, "Risk of serious harm saved")
            return redirect("assessments:assessment", person.crn, found.number)
    return render(request, "assessments/edit_rosh.html", case_context(person, RISK_TAB, assessment=found, form=form))


def edit_risk_to_self(request, crn, number):
    person, found, gone = _draft(request, crn, number)
    if gone:
        return gone
    initial = {"version": found.version, "notes": found.risk_to_self_notes}
    for r in found.risks_to_self.all():
        initial[f"{r.concern}_current"], initial[f"{r.concern}_previous"] = r.current, r.previous
    form = RiskToSelfForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_risk_to_self(found, by=request.user, concerns=form.concerns(),
                                        notes=form.cleaned_data["notes"], expected_version=form.cleaned_data["version"])
        except ValidationError as error:
            show_error(form, error)
            refresh_version(form, Assessment.objects.get(pk=found.pk).version)
        else:
            messages.success(request, "Risk to themselves saved")
            return redirect("assessments:assessment", person.crn, found.number)
    return render(request, "assessments/edit_risk_to_self.html", case_context(
        person, RISK_TAB, assessment=found, form=form, concerns=Concern))


def edit_need(request, crn, number, code):
    person, found, gone = _draft(request, crn, number)
    if gone:
        return gone
    area = NeedArea.objects.selectable().filter(code=code).first()
    if area is None:
        raise Http404("No such need area.")
    rating = next((n for n in found.need_ratings.all() if n.area_id == area.pk), None)
    initial = {"version": found.version, "parental_responsibilities": found.parental_responsibilities,
               "impulsivity": found.impulsivity, "temper_control": found.temper_control}
    if rating is not None:
        initial.update(severity=rating.severity, linked_to_harm="yes" if rating.linked_to_harm else "no",
                       linked_to_reoffending="yes" if rating.linked_to_reoffending else "no",
                       motivation=rating.motivation, strengths=rating.strengths, details=rating.details)
    form = NeedForm(request.POST if request.method == "POST" else None, initial=initial, area=area, person_name=person.first_name)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.update_need(
                found, area, by=request.user, severity=data["severity"], linked_to_harm=data["linked_to_harm"] == "yes",
                linked_to_reoffending=data["linked_to_reoffending"] == "yes", motivation=data["motivation"],
                strengths=data["strengths"], details=data["details"], factors=form.factors(),
                expected_version=data["version"])
        except ValidationError as error:
            show_error(form, error)
            refresh_version(form, Assessment.objects.get(pk=found.pk).version)
        else:
            messages.success(request, f"{area} saved")
            following = _next_area(area, found)
            if following is not None:
                return redirect("assessments:edit-need", person.crn, found.number, following.code)
            return redirect("assessments:assessment", person.crn, found.number)
    return render(request, "assessments/edit_need.html", case_context(
        person, RISK_TAB, assessment=found, form=form, area=area))


def _next_area(area, assessment):
    """The next area not yet assessed, so a practitioner can work through them in order."""
    rated = set(assessment.need_ratings.values_list("area_id", flat=True))
    return NeedArea.objects.selectable().filter(sort_order__gt=area.sort_order).exclude(pk__in=rated).first()


def edit_predictors(request, crn, number):
    person, found, gone = _draft(request, crn, number)
    if gone:
        return gone
    names = [n for n in PredictorsForm.base_fields if n != "version"]
    form = PredictorsForm(request.POST if request.method == "POST" else None, initial={"version": found.version,
                                                          **{n: getattr(found, n) for n in names}})
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_predictors(found, by=request.user, expected_version=form.cleaned_data["version"],
                                      **form.scores())
        except ValidationError as error:
            show_error(form, error)
            refresh_version(form, Assessment.objects.get(pk=found.pk).version)
        else:
            messages.success(request, "Predictors saved")
            return redirect("assessments:assessment", person.crn, found.number)
    return render(request, "assessments/edit_predictors.html", case_context(
        person, RISK_TAB, assessment=found, form=form))


# A first suggestion of the OGRS3 group from our offence categories; the practitioner confirms it.
OFFENCE_GROUP_GUESS = {
    "Violence against the person": "violence", "Burglary": "burglary_domestic", "Theft": "theft_non_motor",
    "Drug offences": "drug_possession_supply", "Fraud": "fraud_and_forgery", "Criminal damage": "criminal_damage",
    "Public order": "public_order", "Motoring": "other_motoring",
}


def _ogrs3_initial(person, assessment) -> dict:
    initial = {"version": assessment.version, **assessment.ogrs3_working.get("inputs", {})}
    if "offence_group" in initial:
        return initial
    sentence = (Sentence.objects.filter(person=person, terminated_on__isnull=True).select_related("event")
                .prefetch_related("event__offences__offence_type").order_by("-start_date").first())
    if sentence is not None:
        main = next((o for o in sentence.event.offences.all() if o.main), None)
        initial.update(date_of_current_conviction=sentence.event.conviction_date,
                       date_at_start_of_followup=sentence.start_date,
                       offence_group=OFFENCE_GROUP_GUESS.get(main.offence_type.category if main else "", ""))
    return initial


def calculate_ogrs3(request, crn, number):
    person, found, gone = _draft(request, crn, number)
    if gone:
        return gone
    form = OGRS3Form(request.POST if request.method == "POST" else None, initial=_ogrs3_initial(person, found))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            _, result = actions.calculate_ogrs3_for(found, by=request.user, expected_version=data.pop("version"),
                                                    **data)
        except ValidationError as error:
            show_error(form, error)
            refresh_version(form, Assessment.objects.get(pk=found.pk).version)
        else:
            messages.success(request, f"OGRS3: {result.one_year}% in 1 year, {result.two_year}% in 2 years "
                                      f"({result.band.value.replace('_', ' ')})")
            return redirect("assessments:edit-predictors", person.crn, found.number)
    return render(request, "assessments/ogrs3.html", case_context(person, RISK_TAB, assessment=found, form=form))


def complete(request, crn, number):
    person, found, gone = _draft(request, crn, number)
    if gone:
        return gone
    today = timezone.localdate()
    overall = overall_rosh_of(found)
    form = CompleteForm(request.POST if request.method == "POST" else None, initial={
        "version": found.version, "review_due": actions.suggested_review_date(overall, today)})
    missing = actions.missing_sections(found)
    if request.method == "POST" and form.is_valid():
        try:
            done = actions.complete_assessment(found, by=request.user, review_due=form.cleaned_data["review_due"],
                                               expected_version=form.cleaned_data["version"], today=today)
        except ValidationError as error:
            show_error(form, error)
            refresh_version(form, Assessment.objects.get(pk=found.pk).version)
        else:
            if done.status == Assessment.Status.AWAITING_COUNTERSIGNATURE:
                messages.success(request, f"Assessment {done.number} sent to a manager to countersign: it is not "
                                          "final until they do")
            else:
                messages.success(request, f"Assessment {done.number} completed. Review it by "
                                          f"{format_date(done.review_due)}")
            return redirect("assessments:index", person.crn)
    return render(request, "assessments/complete.html", case_context(
        person, RISK_TAB, assessment=found, form=form, missing=missing, overall=overall,
        needs_countersignature=overall in ("high", "very_high")))


def countersign(request, crn, number):
    person = case_for(request, crn, part=RISK_PART)
    found = assessment_of(person, number, assessment_with_sections())
    if found.status != Assessment.Status.AWAITING_COUNTERSIGNATURE:
        messages.info(request, f"Assessment {found.number} is not waiting for a countersignature")
        return redirect("assessments:assessment", person.crn, found.number)
    form = CountersignForm(request.POST if request.method == "POST" else None, initial={"version": found.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "countersign":
                actions.countersign_assessment(found, by=request.user, comments=data["comments"],
                                               expected_version=data["version"])
                messages.success(request, f"Assessment {found.number} countersigned: it is now final")
            else:
                try:
                    actions.return_assessment(found, by=request.user, reason=data["comments"],
                                              expected_version=data["version"])
                except ValidationError as error:
                    if hasattr(error, "error_dict") and "reason" in error.error_dict:
                        raise ValidationError({"comments": error.error_dict["reason"]}) from None
                    raise
                messages.success(request, f"Assessment {found.number} returned to {found.completed_by}")
        except ValidationError as error:
            show_error(form, error)
            refresh_version(form, Assessment.objects.get(pk=found.pk).version)
        else:
            return redirect("assessments:assessment", person.crn, found.number)
    return render(request, "assessments/countersign.html", case_context(
        person, RISK_TAB, assessment=found, form=form, grid=rosh_grid(found)))


def tier_history(request, crn):
    person = case_for(request, crn, part=RISK_PART)
    calculations = list(TierCalculation.objects.filter(person=person).select_related("triggered_by")
                        .order_by("-calculated_at", "-id")[:TIER_HISTORY_SHOWN + 1])
    return render(request, "assessments/tier_history.html", case_context(
        person, RISK_TAB, calculations=calculations[:TIER_HISTORY_SHOWN],
        more=len(calculations) > TIER_HISTORY_SHOWN, tier=tier_view(person)))
