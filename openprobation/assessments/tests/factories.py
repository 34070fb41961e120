"""Factories for assessments, plans and requests, and a helper that fills a draft through the actions."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from openprobation.assessments import actions
from openprobation.assessments.models import (
    Assessment,
    Concern,
    ExternalAssessment,
    Goal,
    Motivation,
    NeedArea,
    PersonRequest,
    RiskGroup,
    Setting,
    Step,
)
from openprobation.people.tests.factories import PersonFactory


class AssessmentFactory(factory.django.DjangoModelFactory):
    """A draft; use `fill_assessment` and the actions to complete it as the application would."""

    class Meta:
        model = Assessment

    person = factory.SubFactory(PersonFactory)
    number = factory.Sequence(lambda n: n + 1)
    purpose = Assessment.Purpose.START
    created_by = factory.LazyAttribute(lambda a: a.person.practitioner)


class ExternalAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExternalAssessment

    person = factory.SubFactory(PersonFactory)
    kind = ExternalAssessment.Kind.PSYCHOLOGY
    title = "Psychology risk assessment"
    author = "Dr Morgan Example"
    agency = "HMP Northwold psychology service"
    assessed_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    conclusion = "Risk of serious harm to the public is very high in the community."
    rosh_level = "very_high"
    recorded_by = factory.LazyAttribute(lambda e: e.person.practitioner)


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    person = factory.SubFactory(PersonFactory)
    area = factory.LazyFunction(lambda: NeedArea.objects.get(code="ACCOM"))
    own_words = "I want somewhere safe to live where my kids can visit"
    practitioner_words = "Find settled accommodation away from the co-defendant"
    created_by = factory.LazyAttribute(lambda g: g.person.practitioner)


class StepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Step

    goal = factory.SubFactory(GoalFactory)
    description = "Refer to the accommodation service"
    owner = Step.Owner.PRACTITIONER
    created_by = factory.LazyAttribute(lambda s: s.goal.created_by)


class PersonRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonRequest

    person = factory.SubFactory(PersonFactory)
    asked_on = factory.LazyFunction(timezone.localdate)
    words = "Help with my childhood trauma"
    recorded_by = factory.LazyAttribute(lambda r: r.person.practitioner)


def rosh_ratings(level="medium", **overrides) -> dict:
    """Every group in both settings at ``level``; overrides like ``public_community="high"``."""
    ratings = {(g, s): level for g in RiskGroup.values for s in Setting.values}
    for key, value in overrides.items():
        group, place = key.rsplit("_", 1)
        ratings[(group, place)] = value
    return ratings


NARRATIVE = {
    "who_at_risk": "Former partner and her new partner",
    "nature_of_risk": "Threats and violence when intoxicated",
    "imminence": "At weekends and when drinking",
    "increasing_factors": "Alcohol, contact with the former partner",
    "reducing_factors": "Stable accommodation, employment, abstinence",
}


def fill_assessment(assessment, by, *, level="medium", severity="standard", predictors=True, **overrides):
    """Fill every section of a draft through the actions; returns the refreshed draft."""
    assessment = actions.update_rosh(assessment, by=by, ratings=rosh_ratings(level, **overrides),
                                     expected_version=assessment.version, **NARRATIVE)
    assessment = actions.update_risk_to_self(
        assessment, by=by, concerns=dict.fromkeys(Concern.values, ("no", "no")), notes="",
        expected_version=assessment.version)
    for area in NeedArea.objects.selectable():
        assessment = actions.update_need(
            assessment, area, by=by, severity=severity, linked_to_harm=area.code == "ALCOHOL",
            linked_to_reoffending=True, motivation=Motivation.NEED_HELP, strengths="Supportive sister",
            expected_version=assessment.version)
    if predictors:
        assessment = actions.update_predictors(
            assessment, by=by, expected_version=assessment.version, ogrs3_one_year=Decimal("30"),
            ogrs3_two_year=Decimal("45"), rsr=Decimal("2.1"), arp=Decimal("40"), arp_type="dynamic",
            csrp=Decimal("1.2"), csrp_type="dynamic", dc_srp=None, dc_srp_band="", sexual_offence_history=False)
    return assessment


def completed_assessment(person, by, *, level="medium", countersign_by=None, today=None, **kwargs):
    """A final assessment made the way a practitioner (and, for high risk, a manager) makes one."""
    today = today or timezone.localdate()
    draft = actions.start_assessment(person, by=by, purpose=Assessment.Purpose.START)
    draft = fill_assessment(draft, by, level=level, **kwargs)
    done = actions.complete_assessment(draft, by=by, review_due=today + datetime.timedelta(days=90),
                                       expected_version=draft.version, today=today)
    if countersign_by is not None and done.status == Assessment.Status.AWAITING_COUNTERSIGNATURE:
        done = actions.countersign_assessment(done, by=countersign_by, expected_version=done.version, today=today)
    return done


def make_referral(person, by, *, reason="Trauma-informed counselling"):
    """A draft referral to a service (the interventions app's own actions send it on)."""
    from openprobation.interventions.models import Referral
    from openprobation.interventions.tests.factories import ContractFactory

    return Referral.objects.create(person=person, contract=ContractFactory(name="Wellbeing and trauma support"),
                                   complexity="medium", reason=reason,
                                   completion_deadline=timezone.localdate() + datetime.timedelta(days=90),
                                   created_by=by)
