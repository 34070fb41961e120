"""Enforcement decisions (openprobation.supervision.rules): examples, boundaries and properties."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from openprobation.core.calendar import default_calendar
from openprobation.supervision.rules import (
    Action,
    ContactOutcome,
    EnforcementHistory,
    EnforcementStatus,
    IssuedWarning,
    OutcomeFlags,
    SentenceKind,
    WarningKind,
    decide_enforcement,
    due_dates_for_action,
    evidence_due_date,
    warning_is_live,
    warning_live_until,
)

ATTC = OutcomeFlags("ATTC", attended=True, acceptable=True, enforceable=False)
AFTC = OutcomeFlags("AFTC", attended=True, acceptable=False, enforceable=True)
UAAB = OutcomeFlags("UAAB", attended=False, acceptable=False, enforceable=True)
AFTA = OutcomeFlags("AFTA", attended=False, acceptable=False, enforceable=False, awaiting_evidence=True)
AAME = OutcomeFlags("AAME", attended=False, acceptable=True, enforceable=False)
NOT_ENFORCEABLE = OutcomeFlags("YOTB", attended=False, acceptable=False, enforceable=False)

SENTENCED = date(2025, 1, 6)
CAL = default_calendar()


def contact(on, outcome=UAAB, *, ns=True):
    return ContactOutcome(outcome=outcome, contact_date=on, national_standards=ns)


def order(kind="community", **changes):
    limit = 2 if kind == "community" else 3
    return EnforcementHistory(sentence_kind=kind, sentence_date=SENTENCED, ftc_limit=limit, **changes)


def decide(on, outcome=UAAB, history=None, *, today=None, ns=True):
    return decide_enforcement(
        contact(on, outcome, ns=ns), history or order(), today=today or on, calendar=CAL
    )


def warned(*dates_and_kinds):
    return tuple(IssuedWarning(given_on=d, kind=k) for d, k in dates_and_kinds)


# --- no action ---------------------------------------------------------------------------------------


def test_a_contact_that_is_not_national_standards_is_never_enforced():
    decision = decide(date(2026, 3, 3), UAAB, order(warnings=warned((date(2026, 1, 5), "first"))), ns=False)
    assert decision.status == EnforcementStatus.NO_ACTION
    assert decision.allowed_actions == ()
    assert decision.recommended_action is None
    assert "not a National Standards contact" in decision.reasons[0]
    assert "3 March 2026" in decision.reasons[0]
    assert decision.failures_since_breach == 0


def test_a_complied_appointment_needs_no_action():
    decision = decide(date(2026, 3, 3), ATTC)
    assert decision.status == "no_action"
    assert decision.allowed_actions == ()
    assert decision.due_dates == {}


def test_an_acceptable_absence_after_a_warning_offers_to_withdraw_it():
    history = order(warnings=warned((date(2026, 3, 5), "first")))
    decision = decide(date(2026, 3, 3), AAME, history, today=date(2026, 3, 9))
    assert decision.status == EnforcementStatus.NO_ACTION
    assert decision.allowed_actions == (Action.WITHDRAW_WARNING_LETTER,)
    assert decision.recommended_action is None
    assert any("5 March 2026" in reason and "EA06" in reason for reason in decision.reasons)


def test_an_acceptable_absence_with_only_earlier_warnings_offers_nothing():
    history = order(warnings=warned((date(2026, 2, 2), "first")))
    assert decide(date(2026, 3, 3), AAME, history).allowed_actions == ()


def test_an_unacceptable_but_unenforceable_outcome_is_not_enforced():
    decision = decide(date(2026, 3, 3), NOT_ENFORCEABLE)
    assert decision.status == EnforcementStatus.NO_ACTION
    assert "not enforceable" in decision.reasons[0]
    assert decision.failures_since_breach == 0


# --- awaiting evidence ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("contact_on", "evidence_due", "holiday"),
    [
        (date(2026, 3, 3), date(2026, 3, 10), None),
        (date(2025, 12, 22), date(2025, 12, 31), "Christmas Day on 25 December 2025"),
        (date(2026, 12, 22), date(2026, 12, 31), "Boxing Day (observed) on 28 December 2026"),
        (date(2025, 4, 17), date(2025, 4, 28), "Good Friday on 18 April 2025"),
        (date(2026, 4, 2), date(2026, 4, 13), "Easter Monday on 6 April 2026"),
    ],
)
def test_failed_to_attend_waits_five_working_days_for_evidence(contact_on, evidence_due, holiday):
    decision = decide(contact_on, AFTA)
    assert decision.status == EnforcementStatus.AWAITING_EVIDENCE
    assert decision.due_dates == {"evidence_due": evidence_due}
    assert evidence_due_date(contact_on, CAL) == evidence_due
    assert decision.allowed_actions == (Action.DECISION_PENDING_RESPONSE, Action.REFER_TO_OFFENDER_MANAGER)
    assert decision.recommended_action is None
    assert Action.NO_FURTHER_ACTION not in decision.allowed_actions
    assert f"due by {evidence_due.day}" in decision.reasons[0]
    if holiday:
        assert holiday in decision.reasons[0]
    else:
        assert "skipping" not in decision.reasons[0]


def test_failed_to_attend_says_when_the_evidence_deadline_has_passed():
    on_time = decide(date(2026, 3, 3), AFTA, today=date(2026, 3, 10))
    late = decide(date(2026, 3, 3), AFTA, today=date(2026, 3, 11))
    assert not any("has passed" in reason for reason in on_time.reasons)
    assert any("has passed" in reason and "11 March 2026" in reason for reason in late.reasons)


def test_failed_to_attend_is_not_counted_as_a_failure_to_comply():
    history = order(previous_failure_dates=(date(2026, 2, 2),))
    assert decide(date(2026, 3, 3), AFTA, history).failures_since_breach == 1


# --- community orders and SSOs -----------------------------------------------------------------------


@pytest.mark.parametrize("outcome", [UAAB, AFTC])
def test_a_first_failure_on_a_community_order_needs_a_warning_or_a_breach(outcome):
    decision = decide(date(2026, 3, 3), outcome, today=date(2026, 3, 4))
    assert decision.status == EnforcementStatus.WARNING_OR_BREACH
    assert decision.allowed_actions == (
        Action.FIRST_WARNING_LETTER,
        Action.BREACH_OR_RECALL_INITIATED,
        Action.IMMEDIATE_BREACH_OR_RECALL,
        Action.BREACH_LETTER,
        Action.REFER_TO_OFFENDER_MANAGER,
    )
    assert decision.recommended_action == Action.FIRST_WARNING_LETTER
    assert set(decision.requires_rationale_for) == {"IBR", "IMB", "EA08"}
    assert decision.due_dates == {"response_due": date(2026, 3, 11)}
    assert any("Sch 10 para 6" in reason and "'No further action'" in reason for reason in decision.reasons)


def test_a_failure_while_a_warning_is_live_requires_breach():
    history = order(warnings=warned((date(2025, 6, 2), "first")))
    decision = decide(date(2025, 12, 22), UAAB, history, today=date(2025, 12, 23))
    assert decision.status == EnforcementStatus.BREACH_REQUIRED
    assert decision.allowed_actions == (
        Action.BREACH_OR_RECALL_INITIATED,
        Action.BREACH_LETTER,
        Action.REFER_TO_OFFENDER_MANAGER,
    )
    assert decision.recommended_action == Action.BREACH_OR_RECALL_INITIATED
    assert decision.requires_rationale_for == ()
    # Ten working days from 23 December 2025 skip Christmas, Boxing Day and New Year's Day.
    assert decision.due_dates == {"breach_pack_due": date(2026, 1, 9)}
    assert any("2 June 2025" in reason and "1 June 2026" in reason for reason in decision.reasons)
    assert any("New Year's Day on 1 January 2026" in reason for reason in decision.reasons)


def test_the_breach_pack_deadline_skips_easter():
    history = order(warnings=warned((date(2026, 1, 5), "first")))
    decision = decide(date(2026, 3, 26), AFTC, history, today=date(2026, 3, 27))
    assert decision.due_dates == {"breach_pack_due": date(2026, 4, 14)}


def test_a_withdrawn_warning_does_not_force_breach():
    history = order(warnings=(IssuedWarning(date(2026, 1, 5), WarningKind.FIRST, withdrawn=True),))
    assert decide(date(2026, 3, 3), UAAB, history).status == EnforcementStatus.WARNING_OR_BREACH


@pytest.mark.parametrize(
    ("warning_on", "last_live_day"),
    [
        (date(2025, 3, 10), date(2026, 3, 9)),
        (date(2024, 2, 29), date(2025, 2, 28)),
        (date(2023, 3, 1), date(2024, 2, 29)),
    ],
)
def test_a_warning_lasts_twelve_calendar_months_beginning_with_its_date(warning_on, last_live_day):
    history = EnforcementHistory(
        "community", warning_on - timedelta(days=30), 5, warnings=warned((warning_on, "first"))
    )
    assert warning_live_until(history.warnings[0]) == last_live_day
    inside = decide(last_live_day, UAAB, history)
    outside = decide(last_live_day + timedelta(days=1), UAAB, history)
    assert inside.status == EnforcementStatus.BREACH_REQUIRED
    assert outside.status == EnforcementStatus.WARNING_OR_BREACH


def test_warning_is_live_boundaries():
    warning = IssuedWarning(date(2025, 3, 10))
    assert not warning_is_live(warning, date(2025, 3, 9))
    assert warning_is_live(warning, date(2025, 3, 10))
    assert warning_is_live(warning, date(2026, 3, 9))
    assert not warning_is_live(warning, date(2026, 3, 10))
    assert not warning_is_live(replace(warning, withdrawn=True), date(2025, 6, 1))


@pytest.mark.parametrize("warning_on", [date(2026, 3, 3), date(2026, 3, 5)])
def test_a_warning_given_on_or_after_the_failure_date_does_not_precede_it(warning_on):
    history = order(warnings=warned((warning_on, "first")))
    decision = decide(date(2026, 3, 3), UAAB, history, today=date(2026, 3, 9))
    assert decision.status == EnforcementStatus.WARNING_OR_BREACH


def test_a_suspended_sentence_order_is_enforced_like_a_community_order():
    history = order("community", warnings=warned((date(2025, 9, 1), "first")))
    decision = decide(date(2026, 3, 3), UAAB, history)
    assert decision.status == EnforcementStatus.BREACH_REQUIRED
    assert any("Sch 16 for suspended sentence orders" in reason for reason in decision.reasons)


def test_earlier_failures_without_a_warning_prompt_referral_but_do_not_force_it():
    history = order(previous_failure_dates=(date(2025, 3, 3), date(2025, 3, 4)))
    decision = decide(date(2026, 3, 3), UAAB, history)
    assert decision.status == EnforcementStatus.WARNING_OR_BREACH
    # The 12 months beginning with 3 March 2025 end on 2 March 2026; those beginning 4 March include 3 March.
    prompt = [reason for reason in decision.reasons if "consider referral" in reason]
    assert prompt == [
        "There was 1 other unacceptable failure in the 12 months before this one (4 March 2025) and no "
        "live warning; policy expects breach after two failures to comply within 12 months, so consider "
        "referral."
    ]


def test_a_warning_given_before_the_last_breach_still_counts_on_a_community_order():
    history = order(warnings=warned((date(2025, 9, 1), "first")), last_breach_ended_on=date(2025, 12, 1))
    assert decide(date(2026, 3, 3), UAAB, history).status == EnforcementStatus.BREACH_REQUIRED


# --- breach already in progress ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["community", "licence"])
def test_a_failure_during_a_breach_is_recorded_without_forcing_action(kind):
    history = order(kind, breach_in_progress=True, warnings=warned((date(2026, 1, 5), "first")))
    decision = decide(date(2026, 3, 3), UAAB, history)
    assert decision.status == EnforcementStatus.BREACH_IN_PROGRESS
    assert decision.allowed_actions == (Action.REFER_TO_OFFENDER_MANAGER, Action.NO_FURTHER_ACTION)
    assert decision.recommended_action == Action.REFER_TO_OFFENDER_MANAGER
    assert decision.requires_rationale_for == (Action.NO_FURTHER_ACTION,)
    assert decision.due_dates == {}


# --- licences ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("warnings", "letter"),
    [
        ((), Action.FIRST_WARNING_LETTER),
        (warned((date(2025, 10, 1), "first")), Action.SECOND_WARNING_LETTER),
        (
            warned((date(2025, 10, 1), "first"), (date(2025, 12, 1), "second")),
            Action.LICENCE_COMPLIANCE_LETTER,
        ),
        # A second warning on its own still puts the next letter at the final rung.
        (warned((date(2025, 12, 1), "second")), Action.LICENCE_COMPLIANCE_LETTER),
    ],
)
def test_licence_warnings_climb_first_second_final(warnings, letter):
    decision = decide(date(2026, 3, 3), UAAB, order("licence", warnings=warnings), today=date(2026, 3, 4))
    assert decision.status == EnforcementStatus.WARNING_OR_BREACH
    assert decision.recommended_action == letter
    assert decision.allowed_actions == (
        letter,
        Action.BREACH_OR_RECALL_INITIATED,
        Action.IMMEDIATE_BREACH_OR_RECALL,
        Action.RECALL_REQUESTED,
        Action.REFER_TO_OFFENDER_MANAGER,
    )
    assert set(decision.requires_rationale_for) == {"IBR", "IMB", "EA11"}
    assert decision.due_dates == {"response_due": date(2026, 3, 11)}


@pytest.mark.parametrize(
    "warnings",
    [
        warned((date(2025, 10, 1), "first"), (date(2025, 11, 1), "second"), (date(2025, 12, 1), "final")),
        warned((date(2025, 12, 1), "final")),
    ],
)
def test_a_failure_after_the_final_licence_warning_requires_a_recall_review(warnings):
    decision = decide(date(2026, 3, 3), UAAB, order("licence", warnings=warnings), today=date(2026, 3, 27))
    assert decision.status == EnforcementStatus.RECALL_REVIEW_REQUIRED
    assert decision.allowed_actions == (
        Action.BREACH_OR_RECALL_INITIATED,
        Action.RECALL_REQUESTED,
        Action.REFER_TO_OFFENDER_MANAGER,
    )
    assert decision.recommended_action == Action.BREACH_OR_RECALL_INITIATED
    assert decision.due_dates == {"breach_pack_due": date(2026, 4, 14)}


def test_licence_warnings_older_than_twelve_months_or_withdrawn_do_not_count():
    warnings = (
        IssuedWarning(date(2025, 3, 2), "first"),
        IssuedWarning(date(2025, 11, 1), "second", withdrawn=True),
        IssuedWarning(date(2025, 12, 1), "final", withdrawn=True),
    )
    decision = decide(date(2026, 3, 3), UAAB, order("licence", warnings=warnings))
    assert decision.recommended_action == Action.FIRST_WARNING_LETTER


def test_licence_warnings_start_again_after_a_recall_ends():
    warnings = warned(
        (date(2025, 10, 1), "first"), (date(2025, 11, 1), "second"), (date(2025, 12, 1), "final")
    )
    history = order("licence", warnings=warnings, last_breach_ended_on=date(2026, 1, 12))
    decision = decide(date(2026, 3, 3), UAAB, history)
    assert decision.status == EnforcementStatus.WARNING_OR_BREACH
    assert decision.recommended_action == Action.FIRST_WARNING_LETTER


# --- failures to comply and the enforcement review ---------------------------------------------------


def test_failures_are_counted_by_distinct_date_including_this_one():
    history = order(previous_failure_dates=(date(2026, 2, 2), date(2026, 2, 2), date(2026, 3, 3)))
    decision = decide(date(2026, 3, 3), UAAB, history)
    assert decision.failures_since_breach == 2
    assert decision.enforcement_review_due


def test_the_review_is_due_when_the_count_reaches_the_limit():
    below = decide(date(2026, 3, 3), UAAB, order())
    reached = decide(date(2026, 3, 3), UAAB, order(previous_failure_dates=(date(2026, 2, 2),)))
    assert (below.failures_since_breach, below.enforcement_review_due) == (1, False)
    assert (reached.failures_since_breach, reached.enforcement_review_due) == (2, True)
    assert any("enforcement review is due" in reason for reason in reached.reasons)


def test_no_new_review_while_one_is_open():
    history = order(previous_failure_dates=(date(2026, 2, 2),), enforcement_review_open=True)
    decision = decide(date(2026, 3, 3), UAAB, history)
    assert decision.failures_since_breach == 2
    assert not decision.enforcement_review_due
    assert any("already open" in reason for reason in decision.reasons)


def test_the_end_of_a_breach_resets_the_count():
    history = order(
        previous_failure_dates=(date(2025, 5, 1), date(2025, 8, 1), date(2025, 10, 1), date(2025, 11, 3)),
        last_breach_ended_on=date(2025, 10, 1),
    )
    decision = decide(date(2026, 3, 3), UAAB, history)
    # 1 October 2025 (the day the breach ended) and 3 November 2025 count, with this failure.
    assert decision.failures_since_breach == 3
    assert any("since 1 October 2025 (the end of the last breach)" in reason for reason in decision.reasons)


def test_a_failure_on_a_non_ns_contact_does_not_count():
    history = order(previous_failure_dates=(date(2026, 2, 2),))
    decision = decide(date(2026, 3, 3), UAAB, history, ns=False)
    assert decision.failures_since_breach == 1
    assert not decision.enforcement_review_due


def test_a_review_already_overdue_is_reported_on_any_outcome():
    history = order(previous_failure_dates=(date(2026, 1, 5), date(2026, 2, 2)))
    decision = decide(date(2026, 3, 3), ATTC, history)
    assert decision.status == EnforcementStatus.NO_ACTION
    assert decision.failures_since_breach == 2
    assert decision.enforcement_review_due


# --- due dates for a chosen action -------------------------------------------------------------------


@pytest.mark.parametrize("code", ["EA02", "EA03", "LCL", "EA12"])
def test_letters_give_seven_calendar_days_to_respond(code):
    assert due_dates_for_action(code, date(2025, 12, 22), CAL) == {"response_due": date(2025, 12, 29)}


@pytest.mark.parametrize("code", ["IBR", "IMB", "EA08"])
def test_starting_a_breach_gives_ten_working_days_for_the_pack(code):
    assert due_dates_for_action(code, date(2025, 12, 23), CAL) == {"breach_pack_due": date(2026, 1, 9)}
    assert due_dates_for_action(code, date(2026, 3, 27)) == {"breach_pack_due": date(2026, 4, 14)}


@pytest.mark.parametrize("code", ["EA11", "ROM", "NFA", "EA06", "EA05"])
def test_other_actions_create_no_deadline(code):
    assert due_dates_for_action(code, date(2026, 3, 3), CAL) == {}


# --- refused inputs ----------------------------------------------------------------------------------


def test_a_decision_before_the_contact_happens_is_refused():
    with pytest.raises(ValueError, match="before it happens"):
        decide(date(2026, 3, 3), UAAB, today=date(2026, 3, 2))


def test_a_contact_before_the_sentence_is_refused():
    with pytest.raises(ValueError, match="before the sentence date"):
        decide(date(2025, 1, 5), UAAB)


def test_invalid_inputs_are_refused():
    with pytest.raises(ValueError, match="ftc_limit"):
        EnforcementHistory("community", SENTENCED, 0)
    with pytest.raises(ValueError, match="custody"):
        EnforcementHistory("custody", SENTENCED, 2)
    with pytest.raises(ValueError, match="penultimate"):
        IssuedWarning(date(2026, 1, 1), "penultimate")
    with pytest.raises(ValueError, match="both acceptable and awaiting"):
        OutcomeFlags("XX", attended=False, acceptable=True, enforceable=False, awaiting_evidence=True)


def test_plain_strings_become_enumerations():
    history = EnforcementHistory("licence", SENTENCED, 3, warnings=[IssuedWarning(date(2026, 1, 5), "final")])
    assert history.sentence_kind is SentenceKind.LICENCE
    assert history.warnings[0].kind is WarningKind.FINAL
    assert isinstance(history.warnings, tuple)


# --- properties --------------------------------------------------------------------------------------

fast = settings(database=None, deadline=None)
OUTCOMES = [ATTC, AFTC, UAAB, AFTA, AAME, NOT_ENFORCEABLE]
ENFORCED = {EnforcementStatus.WARNING_OR_BREACH, EnforcementStatus.BREACH_REQUIRED}


@st.composite
def cases(draw, *, outcomes=OUTCOMES, kinds=("community", "licence"), breach=None, ns=None, months_in=0):
    """(contact outcome, history, today); ``months_in`` puts the contact that long after sentence."""
    sentenced = draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 12, 31)))
    on = sentenced + timedelta(days=draw(st.integers(31 * months_in, 900)))
    today = on + timedelta(days=draw(st.integers(0, 60)))
    around = st.dates(min_value=sentenced, max_value=today)
    warnings = draw(
        st.lists(
            st.builds(
                IssuedWarning, given_on=around, kind=st.sampled_from(WarningKind), withdrawn=st.booleans()
            ),
            max_size=4,
        )
    )
    history = EnforcementHistory(
        sentence_kind=draw(st.sampled_from(kinds)),
        sentence_date=sentenced,
        ftc_limit=draw(st.integers(1, 4)),
        last_breach_ended_on=draw(st.none() | around),
        warnings=tuple(warnings),
        previous_failure_dates=tuple(draw(st.lists(around, max_size=5))),
        breach_in_progress=draw(st.booleans()) if breach is None else breach,
        enforcement_review_open=draw(st.booleans()),
    )
    outcome = contact(on, draw(st.sampled_from(outcomes)), ns=draw(st.booleans()) if ns is None else ns)
    return outcome, history, today


def decide_case(case):
    outcome, history, today = case
    return decide_enforcement(outcome, history, today=today, calendar=CAL)


@fast
@given(cases())
def test_due_dates_never_fall_before_the_contact(case):
    decision = decide_case(case)
    assert all(due > case[0].contact_date for due in decision.due_dates.values())


@fast
@given(cases())
def test_no_further_action_is_never_offered_for_an_unacceptable_failure(case):
    decision = decide_case(case)
    if decision.status in ENFORCED | {EnforcementStatus.RECALL_REVIEW_REQUIRED}:
        assert Action.NO_FURTHER_ACTION not in decision.allowed_actions
        assert decision.recommended_action is not None


@fast
@given(
    cases(), st.dates(min_value=date(2019, 1, 1), max_value=date(2029, 12, 31)), st.sampled_from(WarningKind)
)
def test_a_withdrawn_warning_never_changes_the_decision(case, given_on, kind):
    outcome, history, today = case
    withdrawn = IssuedWarning(given_on=given_on, kind=kind, withdrawn=True)
    with_it = replace(history, warnings=(withdrawn, *history.warnings))
    assert decide_case((outcome, with_it, today)) == decide_case(case)


@fast
@given(cases(), st.randoms(use_true_random=False))
def test_the_order_of_records_does_not_matter(case, rng):
    outcome, history, today = case
    warnings, failures = list(history.warnings), list(history.previous_failure_dates)
    rng.shuffle(warnings)
    rng.shuffle(failures)
    shuffled = replace(history, warnings=tuple(warnings), previous_failure_dates=tuple(failures))
    assert decide_case((outcome, shuffled, today)) == decide_case(case)


@fast
@given(cases())
def test_actions_to_recommend_or_justify_are_allowed_ones(case):
    decision = decide_case(case)
    assert decision.recommended_action is None or decision.recommended_action in decision.allowed_actions
    assert set(decision.requires_rationale_for) <= set(decision.allowed_actions)
    assert decision.reasons
    assert all(reason.endswith(".") for reason in decision.reasons)


@fast
@given(cases(), st.integers(1, 400))
def test_the_status_is_judged_at_the_contact_not_today(case, days_later):
    outcome, history, today = case
    now, later = decide_case(case), decide_case((outcome, history, today + timedelta(days=days_later)))
    assert (now.status, now.allowed_actions, now.recommended_action) == (
        later.status,
        later.allowed_actions,
        later.recommended_action,
    )
    assert now.failures_since_breach == later.failures_since_breach


@fast
@given(cases())
def test_the_failure_count_covers_previous_dates_and_at_most_this_one(case):
    outcome, history, _ = case
    decision = decide_case(case)
    previous = {d for d in history.previous_failure_dates if d >= history.counting_from}
    assert decision.failures_since_breach in (len(previous), len(previous | {outcome.contact_date}))
    if decision.enforcement_review_due:
        assert decision.failures_since_breach >= history.ftc_limit
        assert not history.enforcement_review_open


@fast
@given(
    cases(outcomes=[UAAB, AFTC], kinds=("community",), breach=False, ns=True, months_in=12),
    st.integers(1, 364),
)
def test_a_live_warning_turns_a_community_failure_into_a_required_breach(case, days_before):
    outcome, history, today = case
    warning = IssuedWarning(outcome.contact_date - timedelta(days=days_before))
    warned_history = replace(history, warnings=(*history.warnings, warning))
    assert decide_case((outcome, warned_history, today)).status == EnforcementStatus.BREACH_REQUIRED


@fast
@given(cases(outcomes=[UAAB, AFTC], kinds=("licence",), breach=False, ns=True))
def test_another_live_licence_warning_never_moves_back_down_the_ladder(case):
    outcome, history, today = case
    ladder = [
        Action.FIRST_WARNING_LETTER,
        Action.SECOND_WARNING_LETTER,
        Action.LICENCE_COMPLIANCE_LETTER,
        None,
    ]
    before = decide_case(case)
    extra = IssuedWarning(max(history.counting_from, outcome.contact_date - timedelta(days=1)))
    assume(extra.given_on < outcome.contact_date)
    after = decide_case((outcome, replace(history, warnings=(*history.warnings, extra)), today))

    def rung(decision):
        if decision.status == EnforcementStatus.RECALL_REVIEW_REQUIRED:
            return 3
        return ladder.index(decision.recommended_action)

    assert rung(before) <= rung(after) <= min(3, rung(before) + 1)
