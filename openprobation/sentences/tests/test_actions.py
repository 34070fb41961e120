import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from openprobation.sentences import actions
from openprobation.sentences.models import Court, OffenceType, RequirementType, SentenceType

pytestmark = pytest.mark.django_db
D = datetime.date


def record(person, user, code, **kw):
    base = dict(by=user, sentence_type=SentenceType.objects.get(code=code), court=Court.objects.get(code="NWMC"),
                conviction_date=D(2026, 5, 1), offence_type=OffenceType.objects.get(code="04604"),
                offence_date=D(2026, 3, 1), sentence_date=D(2026, 5, 1), start_date=D(2026, 5, 1), today=D(2026, 11, 23))
    return actions.record_sentence(person, **{**base, **kw})


def test_community_order_dates_are_derived(case, alice):
    order = record(case, alice, "CO", length_months=18)
    assert order.expected_end_date == D(2027, 11, 1)
    assert order.two_thirds_date is not None
    assert order.event.offences.get().main


def test_community_order_over_three_years_is_refused(case, alice):
    with pytest.raises(ValidationError) as error:
        record(case, alice, "CO", length_months=37)
    assert "length_months" in error.value.error_dict


def test_sso_periods_are_validated(case, alice):
    with pytest.raises(ValidationError) as error:
        record(case, alice, "SSO", custodial_term_months=6, operational_months=12, supervision_months=18)
    assert "supervision_months" in error.value.error_dict
    sso = record(case, alice, "SSO", custodial_term_months=6, operational_months=18, supervision_months=12)
    assert sso.operational_period_end == D(2027, 11, 1)
    assert sso.supervision_period_end == D(2027, 5, 1)


def test_offence_after_conviction_is_refused(case, alice):
    with pytest.raises(ValidationError) as error:
        record(case, alice, "CO", length_months=12, offence_date=D(2026, 6, 1))
    assert "offence_date" in error.value.error_dict


def test_requirement_limits_are_checked(case, alice):
    order = record(case, alice, "CO", length_months=12)
    upw = RequirementType.objects.get(code="UPW")
    with pytest.raises(ValidationError) as error:
        actions.add_requirement(order, by=alice, requirement_type=upw, length=Decimal(301), start_date=order.start_date)
    assert error.value.error_dict["length"][0].messages == ["Unpaid work must be no more than 300 hours"]
    requirement = actions.add_requirement(order, by=alice, requirement_type=upw, length=Decimal(120),
                                          start_date=order.start_date)
    assert str(requirement) == "Unpaid work: 120 hours"


def test_licence_conditions_only_on_licences(case, alice):
    order = record(case, alice, "CO", length_months=12)
    with pytest.raises(ValidationError):
        actions.add_requirement(order, by=alice, requirement_type=RequirementType.objects.get(code="LC-RES"),
                                length=None, start_date=order.start_date)


def test_terminate_refuses_a_stale_version(case, alice, bob):
    order = record(case, alice, "CO", length_months=12)
    seen = order.version
    actions.terminate_sentence(order, by=bob, terminated_on=D(2026, 11, 1), reason="Revoked", expected_version=seen,
                               today=D(2026, 11, 23))
    with pytest.raises(ValidationError):
        actions.terminate_sentence(order, by=alice, terminated_on=D(2026, 11, 2), reason="Completed",
                                   expected_version=seen, today=D(2026, 11, 23))
    order.refresh_from_db()
    assert order.termination_reason == "Revoked"


def test_recording_and_ending_an_order_recalculate_the_tier(case, alice, django_capture_on_commit_callbacks):
    from openprobation.assessments.models import TierCalculation

    with django_capture_on_commit_callbacks(execute=True):
        order = record(case, alice, "CO", length_months=12)
    first = TierCalculation.objects.filter(person=case).count()
    assert first >= 1
    assert TierCalculation.objects.filter(person=case).latest("pk").trigger == "Community order recorded"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        actions.terminate_sentence(order, by=alice, terminated_on=D(2026, 11, 1), reason="Revoked",
                                   expected_version=order.version, today=D(2026, 11, 23))
    assert len(callbacks) == 1
