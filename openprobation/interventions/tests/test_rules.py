"""The protective-service continuity rules: examples, then properties that hold for any data."""

import dataclasses
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openprobation.core.calendar import default_calendar
from openprobation.interventions import rules
from openprobation.interventions.rules import (
    Code,
    ContractState,
    ProtectiveService,
    ReferralState,
    TransitionDate,
)

TODAY = date(2026, 11, 23)  # a Monday


def service(**overrides) -> ProtectiveService:
    values = dict(
        referral="R0000001", service="Mentoring for people on licence", provider="Hope Mentoring",
        contract="NWR-MTR-001", contract_state=ContractState.ACTIVE, contract_state_since=date(2024, 4, 1),
        contract_end=date(2028, 3, 31), referral_state=ReferralState.LIVE, protective_since=date(2026, 9, 1),
        sessions_per_week=2, last_session=TODAY - timedelta(days=2),
    )
    return ProtectiveService(**{**values, **overrides})


def codes(verdict):
    return [reason.code for reason in verdict.reasons]


def test_a_service_delivered_as_expected_is_not_at_risk():
    verdict = rules.assess(service(), TODAY)
    assert not verdict.at_risk
    assert verdict.onset is None


def test_twice_a_week_tolerates_six_days_then_alerts_naming_the_last_session():
    assert rules.gap_threshold_days(2, tightened=False) == 6  # 3.5 days + 2 days' tolerance, rounded up
    assert not rules.assess(service(last_session=TODAY - timedelta(days=6)), TODAY).at_risk
    verdict = rules.assess(service(last_session=TODAY - timedelta(days=7)), TODAY)
    assert codes(verdict) == [Code.NO_RECENT_SESSION]
    reason = verdict.reasons[0]
    assert "since 16 November 2026" in reason.text
    assert "twice a week" in reason.text
    assert reason.since == TODAY  # the first day past the threshold
    assert reason.evidence["last_session"] == TODAY - timedelta(days=7)
    assert verdict.severity == rules.Severity.HIGH
    assert not verdict.escalate


def test_no_session_yet_counts_from_when_it_became_protective():
    verdict = rules.assess(service(last_session=None, protective_since=TODAY - timedelta(days=10)), TODAY)
    assert codes(verdict) == [Code.NO_RECENT_SESSION]
    assert "since it became protective on 13 November 2026" in verdict.reasons[0].text


@pytest.mark.parametrize(("state", "code", "words"), [
    (ContractState.IN_DISPUTE, Code.CONTRACT_IN_DISPUTE, "has been in dispute since 20 November 2026"),
    (ContractState.SUSPENDED, Code.CONTRACT_SUSPENDED, "has been suspended since 20 November 2026"),
    (ContractState.ENDED, Code.CONTRACT_ENDED, "ended on 20 November 2026"),
])
def test_a_contract_at_risk_puts_the_service_at_risk_whatever_the_sessions(state, code, words):
    verdict = rules.assess(service(contract_state=state, contract_state_since=date(2026, 11, 20)), TODAY)
    assert codes(verdict) == [code]
    assert "NWR-MTR-001" in verdict.reasons[0].text
    assert words in verdict.reasons[0].text


def test_a_contract_ending_within_14_days_warns_from_14_days_before():
    ending = service(contract_end=TODAY + timedelta(days=14))
    verdict = rules.assess(ending, TODAY)
    assert codes(verdict) == [Code.CONTRACT_ENDING]
    assert verdict.reasons[0].since == TODAY
    assert not rules.assess(service(contract_end=TODAY + timedelta(days=15)), TODAY).at_risk


def test_withdrawn_without_replacement_alerts_and_a_replacement_answers_it():
    withdrawn = service(referral_state=ReferralState.WITHDRAWN, withdrawn_on=TODAY - timedelta(days=1),
                        withdrawn_reason="The provider can no longer deliver the service")
    verdict = rules.assess(withdrawn, TODAY)
    assert codes(verdict) == [Code.REFERRAL_WITHDRAWN]
    assert "nothing has replaced it" in verdict.reasons[0].text
    assert not rules.assess(dataclasses.replace(withdrawn, replaced=True), TODAY).at_risk


def test_a_caseworker_who_left_without_reassignment_alerts():
    verdict = rules.assess(service(caseworker="Pat Provider", caseworker_left_on=TODAY - timedelta(days=3)), TODAY)
    assert codes(verdict) == [Code.CASEWORKER_LEFT]
    assert not rules.assess(service(caseworker="Pat", caseworker_left_on=TODAY + timedelta(days=3)), TODAY).at_risk


def test_a_completed_service_is_never_at_risk():
    done = service(referral_state=ReferralState.COMPLETED, last_session=TODAY - timedelta(days=60),
                   contract_state=ContractState.ENDED)
    assert not rules.assess(done, TODAY).at_risk


def test_leaving_approved_premises_tightens_the_threshold_and_escalates():
    leaving = TransitionDate("ap_departure", "Leaving approved premises", TODAY + timedelta(days=10))
    five_days = service(last_session=TODAY - timedelta(days=5))
    assert not rules.assess(five_days, TODAY).at_risk
    verdict = rules.assess(dataclasses.replace(five_days, transitions=(leaving,)), TODAY)
    assert codes(verdict) == [Code.NO_RECENT_SESSION]
    assert verdict.threshold_days == 4
    assert verdict.escalate
    assert verdict.escalation_reason.startswith("Leaving approved premises on 3 December 2026, in 10 days")
    assert verdict.severity == rules.Severity.CRITICAL
    assert verdict.due == default_calendar().add_working_days(TODAY, 1)


def test_a_transition_alone_raises_nothing_and_one_outside_the_window_changes_nothing():
    near = TransitionDate("address", "Change of address", TODAY - timedelta(days=3))
    far = TransitionDate("licence_start", "Licence start", TODAY + timedelta(days=15))
    assert not rules.assess(service(transitions=(near,)), TODAY).at_risk
    verdict = rules.assess(service(transitions=(far,), contract_state=ContractState.SUSPENDED), TODAY)
    assert verdict.transition is None
    assert not verdict.escalate


def test_reasons_are_combined_in_one_verdict():
    verdict = rules.assess(service(contract_state=ContractState.IN_DISPUTE, contract_state_since=TODAY,
                                   last_session=TODAY - timedelta(days=20)), TODAY)
    assert codes(verdict) == [Code.CONTRACT_IN_DISPUTE, Code.NO_RECENT_SESSION]
    assert verdict.onset == TODAY


def test_frequencies_read_naturally():
    assert [rules.frequency_words(n) for n in (5, 2, 1, 0.5, 0.25)] == [
        "5 times a week", "twice a week", "once a week", "once a fortnight", "once every 4 weeks"]


def test_lifecycle_due_dates_count_working_days():
    # Sent on Friday 18 December 2026: 10 working days skip the weekends, Christmas Day, the Boxing Day
    # substitute on Monday 28 December and New Year's Day.
    assert rules.initial_assessment_due(date(2026, 12, 18)) == date(2027, 1, 6)
    assert rules.action_plan_due(date(2026, 11, 23)) == date(2026, 11, 30)
    assert rules.end_of_service_report_due(date(2026, 11, 27)) == date(2026, 12, 4)


def test_a_protective_service_needs_a_frequency():
    with pytest.raises(ValueError, match="expected frequency"):
        service(sessions_per_week=0)


# --- properties ------------------------------------------------------------------------------------------

days = st.integers(min_value=-400, max_value=400)
frequencies = st.sampled_from([5, 3, 2, 1, 0.5, 0.25])
states = st.sampled_from(list(ContractState))
transition_kinds = st.sampled_from(["ap_departure", "licence_start", "address", "requirement_end"])


@st.composite
def services(draw):
    last = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=120)))
    transitions = tuple(
        TransitionDate(kind, kind.replace("_", " ").capitalize(), TODAY + timedelta(days=offset))
        for kind, offset in draw(st.lists(st.tuples(transition_kinds, days), max_size=3))
    )
    referral_state = draw(st.sampled_from(list(ReferralState)))
    left = draw(st.one_of(st.none(), days))
    return service(
        contract_state=draw(states),
        contract_state_since=TODAY - timedelta(days=draw(st.integers(min_value=0, max_value=300))),
        contract_end=TODAY + timedelta(days=draw(days)),
        referral_state=referral_state,
        withdrawn_on=TODAY - timedelta(days=draw(st.integers(0, 100))) if referral_state == "withdrawn" else None,
        replaced=draw(st.booleans()),
        sessions_per_week=draw(frequencies),
        protective_since=TODAY - timedelta(days=draw(st.integers(min_value=0, max_value=300))),
        last_session=None if last is None else TODAY - timedelta(days=last),
        caseworker="A caseworker",
        caseworker_left_on=None if left is None else TODAY + timedelta(days=left),
        transitions=transitions,
    )


@given(services())
def test_every_verdict_explains_itself(protective):
    verdict = rules.assess(protective, TODAY)
    for reason in verdict.reasons:
        assert reason.text.strip()
        assert reason.since <= TODAY
    assert verdict.due > TODAY
    assert default_calendar().is_working_day(verdict.due)
    assert verdict.escalate == (verdict.at_risk and verdict.transition is not None)
    assert bool(verdict.escalation_reason) == verdict.escalate
    assert len(set(codes(verdict))) == len(verdict.reasons)


@given(services())
def test_a_replaced_or_completed_service_never_alerts(protective):
    assert not rules.assess(dataclasses.replace(protective, replaced=True), TODAY).at_risk
    completed = dataclasses.replace(protective, referral_state=ReferralState.COMPLETED, withdrawn_on=None)
    assert not rules.assess(completed, TODAY).at_risk


@given(services())
def test_a_transition_only_ever_tightens(protective):
    calm = rules.assess(dataclasses.replace(protective, transitions=()), TODAY)
    near = TransitionDate("ap_departure", "Leaving approved premises", TODAY + timedelta(days=3))
    tense = rules.assess(dataclasses.replace(protective, transitions=(near,)), TODAY)
    assert tense.threshold_days <= calm.threshold_days
    assert set(codes(calm)) <= set(codes(tense))
    assert tense.due <= calm.due


@given(services(), st.integers(min_value=0, max_value=60))
def test_a_lapse_persists_until_a_session_happens(protective, later):
    verdict = rules.assess(protective, TODAY)
    if Code.NO_RECENT_SESSION in codes(verdict) and not protective.transitions:
        afterwards = rules.assess(protective, TODAY + timedelta(days=later))
        assert Code.NO_RECENT_SESSION in codes(afterwards)
        # A stable onset: the same problem is recognised as the same, day after day.
        assert afterwards.reasons[codes(afterwards).index(Code.NO_RECENT_SESSION)].since == verdict.reasons[
            codes(verdict).index(Code.NO_RECENT_SESSION)].since


@given(services())
def test_a_contract_in_dispute_or_suspended_always_alerts_while_the_referral_is_open(protective):
    for state in (ContractState.IN_DISPUTE, ContractState.SUSPENDED):
        live = dataclasses.replace(protective, contract_state=state, referral_state=ReferralState.LIVE,
                                   withdrawn_on=None, replaced=False)
        assert {Code.CONTRACT_IN_DISPUTE, Code.CONTRACT_SUSPENDED} & set(codes(rules.assess(live, TODAY)))


@given(frequencies)
def test_the_threshold_is_at_least_the_expected_interval(per_week):
    interval = rules.expected_interval_days(per_week)
    assert rules.gap_threshold_days(per_week, tightened=True) >= interval
    assert rules.gap_threshold_days(per_week, tightened=False) >= interval + rules.MIN_TOLERANCE_DAYS
