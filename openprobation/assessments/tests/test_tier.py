"""Tier (openprobation.assessments.rules.tier): both schemes, rule by rule, with the service's own examples.

Figures marked "FEAT" are the national tiering service's behaviour tests as risk-tools.md part B quotes them.
"""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openprobation.assessments.rules.tier import (
    FROM_REGISTRATIONS,
    Conviction,
    NeedsAssessment,
    Predictor,
    Predictors,
    Registration,
    Requirement,
    Rosh,
    Scheme,
    SexualPredictor,
    TierError,
    TierInput,
    V3Tier,
    calculate_tier,
    calculate_v2,
    calculate_v3,
    derive,
    scheme_for,
)
from openprobation.assessments.rules.tier_v2 import rsr_points
from openprobation.assessments.rules.tier_v3 import REOFFENDING_TABLE, minus_years, reoffending

TODAY = date(2025, 6, 1)
ON_ORDER = (Conviction(sentence_type="SP", requirements=(Requirement("RAR", restrictive=False),)),)
RECENT = NeedsAssessment(completed_date=date(2025, 3, 1))


def v2(**kw):
    kw.setdefault("calculation_date", TODAY)
    kw.setdefault("convictions", ON_ORDER)
    return calculate_v2(TierInput(**kw))


def v3(**kw):
    kw.setdefault("calculation_date", date(2026, 9, 1))
    kw.setdefault("predictors", Predictors(Predictor(10, "dynamic"), Predictor(Decimal("0.2"), "dynamic")))
    kw.setdefault("rosh", Rosh.LOW)
    return calculate_v3(TierInput(**kw))


def reg(code, level=None, category=None, on=None):
    return Registration(code, level, category, on)


# --- choosing the scheme ----------------------------------------------------------------------------


def test_scheme_chosen_by_date():
    assert scheme_for(date(2026, 3, 15)) is Scheme.V2
    assert scheme_for(date(2026, 3, 16)) is Scheme.V3
    assert calculate_tier(TierInput(calculation_date=date(2026, 3, 15))).scheme == "v2"
    assert calculate_tier(TierInput(calculation_date=date(2026, 3, 16))).scheme == "v3"
    assert calculate_tier(TierInput(calculation_date=date(2026, 3, 16), scheme="v2")).scheme == "v2"


# --- v2 protect -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("rsr", "points"), [
    ("0", 0), ("2.99", 0), ("3.00", 10), ("6.99", 10), ("6.995", 0), ("7.00", 20), ("50", 20),
    ("99.98", 20), ("99.99", 0), ("999.99", 0),  # FEAT calculateRSRScore.6.2: 999.99 gives 0
])
def test_rsr_points_on_the_services_double_bounds(rsr, points):
    assert rsr_points(Decimal(rsr)) == points


@pytest.mark.parametrize(("code", "points", "protect"), [
    ("RVHR", 150, "A"), ("RHRH", 20, "B"), ("RMRH", 10, "C"), ("RLRH", 0, "D"), ("rhrh", 20, "B"),
])
def test_rosh_from_registrations(code, points, protect):
    result = v2(registrations=(reg(code),))
    assert result.protect_breakdown["rosh"] == points
    assert result.protect == protect


def test_newest_rosh_registration_wins_and_undated_counts_as_oldest():
    result = v2(registrations=(reg("RVHR"), reg("RMRH", on=date(2024, 1, 1)), reg("RHRH", on=date(2023, 1, 1))))
    assert result.derived.rosh is Rosh.MEDIUM


def test_rosh_given_directly_replaces_the_registrations():
    assert v2(rosh=Rosh.HIGH, registrations=(reg("RLRH"),)).derived.rosh is Rosh.HIGH
    assert v2(rosh=None, registrations=(reg("RVHR"),)).derived.rosh is None
    assert v2(rosh=FROM_REGISTRATIONS, registrations=(reg("RVHR"),)).derived.rosh is Rosh.VERY_HIGH


def test_only_the_larger_of_rsr_and_rosh_counts():
    result = v2(rsr=Decimal("8"), registrations=(reg("RMRH"),))
    assert result.protect_breakdown["rsr"] == 20
    assert result.protect_breakdown["rosh"] == 10
    assert result.protect_points == 20
    assert result.protect == "B"


@pytest.mark.parametrize(("level", "points", "protect"), [("M3", 150, "A"), ("M2", 150, "A"), ("M1", 5, "D"),
                                                          ("m2", 150, "A"), ("M0", 0, "D")])
def test_mappa_level_points(level, points, protect):
    result = v2(registrations=(reg("MAPP", level, "M2"),))
    assert result.protect_breakdown["mappa"] == points
    assert result.protect == protect


def test_mappa_level_from_the_newest_mapp_with_a_recognised_level():
    result = v2(registrations=(reg("MAPP", "M0", "M3", date(2025, 1, 1)), reg("MAPP", "M2", "M1", date(2024, 1, 1))))
    assert result.derived.mappa_level == "M2"
    assert result.derived.mappa_category == "M3"  # the category comes from the newest MAPP only


def test_historic_registrations_are_dropped_first():
    result = v2(registrations=(reg("HREG"), reg("MAPP", "M3", "M1"), reg("HREG", on=date(2025, 1, 1))))
    assert result.derived.mappa_level == "M3"
    assert v2(registrations=(reg("hreg"),)).derived.complexity_factors == ()


def test_complexity_factors_count_distinct_codes_ignoring_case():
    result = v2(registrations=(reg("ALSH"), reg("alsh"), reg("RCPR"), reg("STRG"), reg("RTAO"), reg("WEAP")))
    assert result.derived.complexity_factors == ("ALSH", "RCPR", "RTAO", "STRG")
    assert result.protect_breakdown["complexity"] == 8
    assert result.protect == "D"


def test_mappa_level_3_and_a_complexity_factor_pass_150():
    result = v2(registrations=(reg("MAPP", "M3", "M1"), reg("RMDO")))
    assert (result.protect_points, result.protect) == (152, "A")


@pytest.mark.parametrize(("points_from", "protect"), [
    ((reg("RMRH"),), "C"),  # 10
    ((reg("RMRH"), reg("ALSH"), reg("RVLN"), reg("RCCO"), reg("RCHD")), "C"),  # 18
    ((reg("RMRH"), reg("ALSH"), reg("RVLN"), reg("RCCO"), reg("RCHD"), reg("RPIR")), "B"),  # 20
    ((reg("ALSH"), reg("RVLN"), reg("RCCO"), reg("RCHD")), "D"),  # 8
])
def test_protect_thresholds(points_from, protect):
    assert v2(registrations=points_from).protect == protect


def test_womens_factors_need_a_valid_assessment_except_enforcement():
    assessment = NeedsAssessment(completed_date=date(2025, 1, 1), parental_responsibilities="yes",
                                 impulsivity="some", temper_control="significant")
    result = v2(gender="Female", needs_assessment=assessment, previous_enforcement_activity=True)
    assert result.protect_breakdown["additional_factors_for_women"] == 6
    old = NeedsAssessment(completed_date=date(2024, 1, 1), parental_responsibilities="yes", impulsivity="some")
    result = v2(gender="female", needs_assessment=old, previous_enforcement_activity=True)
    assert result.protect_breakdown["additional_factors_for_women"] == 2
    assert v2(gender="male", needs_assessment=assessment,
              previous_enforcement_activity=True).protect_breakdown["additional_factors_for_women"] == 0


def test_impulsivity_and_temper_together_still_give_two():
    assessment = NeedsAssessment(impulsivity="significant", temper_control="some")
    assert v2(gender="female", needs_assessment=assessment).protect_breakdown["additional_factors_for_women"] == 2


# --- v2 change --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("convictions", "mandate"), [
    ((), False),
    ((Conviction("NC"),), True),
    ((Conviction("SC"),), True),
    ((Conviction("NC", termination_date=date(2030, 1, 1)),), False),  # any termination date ends it
    ((Conviction("SP", requirements=(Requirement("W", False),)),), False),  # unpaid work
    ((Conviction("SP", requirements=(Requirement("W1", False),)),), False),
    ((Conviction("SP", requirements=(Requirement("X", True),)),), False),  # restrictive only
    ((Conviction("SP", requirements=(Requirement("X", True), Requirement("F", False))),), True),
])
def test_mandate_for_change(convictions, mandate):
    result = v2(convictions=convictions, needs_assessment=RECENT)
    assert result.derived.has_no_mandate is not mandate
    if not mandate:
        assert (result.change, result.change_breakdown) == (0, {"no_mandate_for_change": 0})


def test_no_mandate_comes_before_no_assessment():
    assert v2(convictions=()).change_breakdown == {"no_mandate_for_change": 0}


@pytest.mark.parametrize("assessment", [
    None,
    NeedsAssessment(type="layer1"),
    NeedsAssessment(status="open"),
    NeedsAssessment(completed_date=date(2024, 5, 11)),  # 386 days: FEAT mandateForChange.9.5
])
def test_no_valid_assessment_gives_change_2(assessment):
    result = v2(needs_assessment=assessment, registrations=(reg("IIOM"),), ogrs=99)
    assert (result.change, result.change_points, result.change_breakdown) == (2, 0, {"no_valid_assessment": 0})


def test_an_assessment_exactly_55_weeks_old_is_valid():
    assert v2(needs_assessment=NeedsAssessment(completed_date=date(2024, 5, 12))).derived.valid_assessment


@pytest.mark.parametrize(("ogrs", "points"), [(59, 5), (100, 10), (9, 0), (None, 0)])  # FEAT OGRS.8.2
def test_ogrs_points(ogrs, points):
    assert v2(ogrs=ogrs, needs_assessment=RECENT).change_breakdown["ogrs"] == points


def test_needs_are_weighted_and_thresholds_give_the_change_level():
    needs = {"accommodation": "severe", "thinking_and_behaviour": "severe", "attitudes": "standard",
             "financial_management_and_income": "severe", "emotional_well_being": "severe"}
    result = v2(needs_assessment=NeedsAssessment(needs=needs), ogrs=35, registrations=(reg("IIOM"),))
    assert result.change_breakdown == {"needs": 2 + 4 + 2, "ogrs": 3, "iom": 2}
    assert (result.change_points, result.change) == (13, 2)
    assert result.needs["financial_management_and_income"] == "severe"  # carried, weight 0


@pytest.mark.parametrize(("needs", "ogrs", "change"), [({}, 0, 1), ({}, 90, 1), ({}, 100, 2),
                                                       ({"attitudes": "severe"}, 59, 1),
                                                       ({"attitudes": "severe", "drug_misuse": "severe"}, 0, 1),
                                                       ({"attitudes": "severe", "drug_misuse": "severe"}, 40, 2)])
def test_change_thresholds(needs, ogrs, change):
    assert v2(needs_assessment=NeedsAssessment(needs=needs), ogrs=ogrs).change == change


def test_the_highest_needs_score_is_20_and_gives_change_3():
    needs = dict.fromkeys(["accommodation", "education_training_and_employability", "relationships",
                           "lifestyle_and_associates", "drug_misuse", "alcohol_misuse", "thinking_and_behaviour",
                           "attitudes"], "severe")
    result = v2(needs_assessment=NeedsAssessment(needs=needs))
    assert (result.change_breakdown["needs"], result.change) == (20, 3)


@pytest.mark.parametrize(("answers", "san", "severity"), [
    ({"a": "some", "b": "some"}, False, "standard"),  # accommodation: 2 is standard
    ({"a": "some"}, False, "no_need"),
    ({"a": "significant", "b": "significant", "c": "significant", "d": "some"}, False, "severe"),  # 7
    ({"a": "some", "b": "some"}, True, "no_need"),  # SAN thresholds 3 / 5
    ({"a": "significant", "b": "significant", "c": "some"}, True, "severe"),  # 5 under SAN
    ({"a": "missing", "b": "unknown"}, False, None),  # nothing answered: no severity
])
def test_need_severity_from_accommodation_answers(answers, san, severity):
    assessment = NeedsAssessment(need_answers={"accommodation": answers}, san_indicator=san)
    assert v2(needs_assessment=assessment).needs.get("accommodation") == severity


def test_answers_score_by_kind():
    answers = {"currentUse": "currently", "bingeDrinking": "yes", "frequencyAndLevel": "previous"}  # 2 + 2 + 1
    assert v2(needs_assessment=NeedsAssessment(need_answers={"alcohol_misuse": answers})).needs == {
        "alcohol_misuse": "standard"}


@pytest.mark.parametrize("assessment", [
    {"needs": {"attitudes": "standard"}, "need_answers": {"attitudes": {"q": "some"}}},
    {"needs": {"housing": "severe"}},
    {"needs": {"attitudes": "high"}},
    {"need_answers": {"emotional_well_being": {"q": "some"}}},
    {"need_answers": {"attitudes": {"q": "often"}}},
    {"parental_responsibilities": "maybe"},
])
def test_invalid_needs_assessments_are_errors(assessment):
    with pytest.raises(TierError):
        NeedsAssessment(**assessment)


def test_unsupervised_adds_s():
    result = v2(registrations=(reg("RHRH"), reg("PRC")), needs_assessment=NeedsAssessment(needs={"attitudes": "severe"}))
    assert result.tier == "B1S"
    assert "S: unsupervised" in result.summary


def test_v2_reasons_read_like_the_issue():
    needs = {"accommodation": "severe", "thinking_and_behaviour": "severe", "attitudes": "severe",
             "drug_misuse": "standard", "alcohol_misuse": "standard"}
    result = v2(registrations=(reg("RHRH"),), needs_assessment=NeedsAssessment(needs=needs))
    assert result.tier == "B2"
    assert result.summary == "B2 because: RoSH high (protect B, 20 points); needs score 12 (change 2, 12 points)"


# --- v3 ---------------------------------------------------------------------------------------------


def test_no_active_event_is_not_supervised():
    result = v3(has_active_event=False, registrations=(reg("MAPP", "M3", "M1"),))
    assert (result.tier, result.provisional) == (V3Tier.NOT_SUPERVISED, False)


@pytest.mark.parametrize("predictors", [
    None, Predictors(), Predictors(arp=Predictor(50)), Predictors(Predictor(None), Predictor(1)),
    Predictors(Predictor(50), Predictor(None)),
])
def test_missing_predictors(predictors):
    result = v3(predictors=predictors, registrations=(reg("RCPR"),))
    assert (result.tier, result.provisional) == (V3Tier.MISSING, False)


ARP_VALUES = ("90", "75", "50", "25", "15", "0")
CSRP_VALUES = ("6.9", "3.0", "1.0", "0.5", "0")


@pytest.mark.parametrize("row", range(5))
@pytest.mark.parametrize("column", range(6))
def test_every_cell_of_the_reoffending_table(row, column):
    arp, csrp = Decimal(ARP_VALUES[column]), Decimal(CSRP_VALUES[row])
    assert reoffending(arp, csrp) is REOFFENDING_TABLE[row][column]
    # Just below a boundary falls into the next band down.
    if column < 5:
        assert reoffending(arp - Decimal("0.001"), csrp) is REOFFENDING_TABLE[row][column + 1]
    if row < 4:
        assert reoffending(arp, csrp - Decimal("0.001")) is REOFFENDING_TABLE[row + 1][column]


def test_table_corners():
    assert [REOFFENDING_TABLE[0][0], REOFFENDING_TABLE[4][5], REOFFENDING_TABLE[2][3]] == ["A", "G", "E"]


@pytest.mark.parametrize(("band", "score", "tier"), [
    ("very_high", "0.1", "A"), ("high", "0.1", "B"), ("low", "5", "E"),
    ("medium", "3.36", "C"), ("medium", "3.35", "D"), ("medium", "2.11", "D"), ("medium", "2.10", "C"),
    ("medium", "1.12", "C"), ("medium", "1.11", "D"), ("medium", "0.60", "D"),
])
def test_dc_srp(band, score, tier):
    result = v3(predictors=Predictors(Predictor(0), Predictor(0), SexualPredictor(Decimal(score), band)))
    assert result.steps["sexual_reoffending"] == tier


@pytest.mark.parametrize("dc_srp", [SexualPredictor(Decimal(0), "very_high"), SexualPredictor(None, "high"),
                                    SexualPredictor(Decimal(5), None), SexualPredictor(Decimal(5), "not_applicable")])
def test_dc_srp_not_used(dc_srp):
    assert v3(predictors=Predictors(Predictor(0), Predictor(0), dc_srp)).steps["sexual_reoffending"] is None


def test_medium_dc_srp_below_060_is_rejected_as_the_service_does():
    with pytest.raises(TierError, match="below 0.60"):
        v3(predictors=Predictors(Predictor(0), Predictor(0), SexualPredictor(Decimal("0.59"), "medium")))


@pytest.mark.parametrize(("rosh", "category", "tier"), [
    (Rosh.VERY_HIGH, "M1", "A"), (Rosh.HIGH, "M2", "C"), (Rosh.MEDIUM, "M3", "D"), (Rosh.LOW, "M4", "E"),
    (None, "M1", "E"), (Rosh.VERY_HIGH, None, "C"), (Rosh.HIGH, None, "D"), (Rosh.MEDIUM, None, None),
    (Rosh.HIGH, "M5", "D"),  # not a MAPPA category
])
def test_mappa_rosh(rosh, category, tier):
    registrations = (reg("MAPP", "M1", category),) if category else ()
    assert v3(rosh=rosh, registrations=registrations).steps["mappa_rosh"] == tier


def test_mappa_level_alone_is_no_mappa_in_v3():
    assert v3(rosh=Rosh.HIGH, registrations=(reg("MAPP", "M3", None),)).steps["mappa_rosh"] == "D"


@pytest.mark.parametrize(("released", "tier"), [
    (date(2027, 1, 1), "B"), (date(2025, 9, 1), "B"), (date(2025, 8, 31), "D"), (date(2021, 9, 1), "D"),
    (date(2021, 8, 31), "E"), (None, None),
])
def test_lifer_ipp_by_time_since_release(released, tier):
    result = v3(registrations=(reg("INLL"),), latest_release_date=released)
    assert result.steps["lifer_ipp"] == tier


def test_lifer_window_from_29_february():
    assert minus_years(date(2028, 2, 29), 1) == date(2027, 2, 28)
    result = v3(calculation_date=date(2028, 2, 29), registrations=(reg("INLL"),), latest_release_date=date(2027, 2, 28))
    assert result.steps["lifer_ipp"] == "B"


@pytest.mark.parametrize(("registrations", "sexual", "tier"), [
    ((reg("ADVP"),), False, "E"), ((reg("REG30"),), False, "E"), ((reg("SPO"),), False, "F"),
    ((reg("RCPR"),), False, "F"), ((), True, "E"), ((reg("advp"),), False, "G"),  # exact codes in v3
])
def test_flags(registrations, sexual, tier):
    assert v3(registrations=registrations, ever_committed_sexual_offence=sexual).tier == tier


def test_the_tier_is_the_highest_step():
    result = v3(predictors=Predictors(Predictor(30, "dynamic"), Predictor(2, "dynamic")),  # E
                rosh=Rosh.HIGH, registrations=(reg("MAPP", "M2", "M2"), reg("SPO")))  # C, F
    assert result.tier == "C"
    assert result.summary.startswith("C because: MAPPA category 2 with RoSH high")


@pytest.mark.parametrize(("arp_kind", "csrp_kind", "other", "provisional"), [
    ("static", "static", (), True),
    ("static", "static", (reg("MAPP", "M1", "M1"),), True),  # C is not A
    ("static", "dynamic", (), True),  # CSRP 1.0 row: first column is B
    ("static", "dynamic", (reg("MAPP", "M1", "M1"), reg("RVHR")), False),  # A reaches B
    ("static", "dynamic", (reg("MAPP", "M1", "M1"), reg("RHRH")), True),  # C does not reach B
    ("dynamic", "static", (), True),  # ARP 50 column: top row is B
    ("dynamic", "static", (reg("MAPP", "M1", "M1"), reg("RHRH")), True),
    ("dynamic", "static", (reg("MAPP", "M1", "M1"), reg("RVHR")), False),
    ("dynamic", "dynamic", (), False),
    (None, None, (), False),
])
def test_provisional_for_static_predictors(arp_kind, csrp_kind, other, provisional):
    result = v3(predictors=Predictors(Predictor(50, arp_kind), Predictor(1, csrp_kind)), registrations=other,
                rosh=FROM_REGISTRATIONS if other else Rosh.LOW)
    assert result.provisional is provisional


@pytest.mark.parametrize(("kinds", "registrations", "arp", "csrp", "provisional"), [
    (("dynamic", "dynamic"), (), 95, 7, False),  # both dynamic: reoffending A counts, and C or more is reached
    (("dynamic", "dynamic"), (), 10, "0.2", True),  # reoffending G: nothing reaches C
    (("dynamic", "dynamic"), (), 50, 3, False),  # reoffending C is enough
    (("dynamic", "dynamic"), (), 50, 1, True),  # reoffending D is not
    (("dynamic", None), (), 95, 7, True),  # not both dynamic: reoffending left out
    (("dynamic", None), (reg("INLL"),), 95, 7, True),  # lifer without a release date gives nothing
    (("dynamic", None), (reg("SPO"), reg("ADVP")), 95, 7, True),  # F and E do not reach C
    (("dynamic", "dynamic"), (reg("MAPP", "M1", "M1"),), 95, 7, False),  # MAPPA: A needed, reoffending A
    (("dynamic", "dynamic"), (reg("MAPP", "M1", "M1"),), 80, 3, True),  # B is not A
])
def test_provisional_when_rosh_is_missing(kinds, registrations, arp, csrp, provisional):
    result = v3(rosh=None, registrations=registrations,
                predictors=Predictors(Predictor(arp, kinds[0]), Predictor(Decimal(str(csrp)), kinds[1])))
    assert result.provisional is provisional


@pytest.mark.parametrize("predictor", [
    {"score": -1}, {"score": 1, "static_or_dynamic": "both"}, {"score": True}, {"score": float("nan")},
])
def test_invalid_predictors_are_errors(predictor):
    with pytest.raises(TierError):
        Predictor(**predictor)


@pytest.mark.parametrize("data", [
    {"calculation_date": None}, {"scheme": "v4"}, {"rosh": "extreme"}, {"ogrs": 101}, {"ogrs": 5.5},
    {"rsr": "7"}, {"gender": 1},
])
def test_invalid_inputs_are_errors(data):
    with pytest.raises(TierError):
        TierInput(**{"calculation_date": TODAY, **data})


# --- properties -------------------------------------------------------------------------------------

scores = st.decimals(min_value=0, max_value=100, places=2)
kinds = st.sampled_from([None, "static", "dynamic"])
roshes = st.sampled_from([None, *Rosh])
codes = st.sampled_from(["MAPP", "RVHR", "RHRH", "RMRH", "RLRH", "ADVP", "REG30", "SPO", "RCPR", "INLL", "ALSH",
                         "IIOM", "PRC", "HREG", "WEAP"])
registrations = st.lists(st.builds(Registration, codes, st.sampled_from([None, "M1", "M2", "M3"]),
                                   st.sampled_from([None, "M1", "M2", "M3", "M4"]),
                                   st.one_of(st.none(), st.dates(date(2015, 1, 1), date(2026, 8, 1)))), max_size=6)


@given(arp=scores, csrp=st.decimals(min_value=0, max_value=20, places=2), more=scores)
def test_a_higher_predictor_never_lowers_the_reoffending_tier(arp, csrp, more):
    assert reoffending(arp + more, csrp).rank >= reoffending(arp, csrp).rank
    assert reoffending(arp, csrp + more).rank >= reoffending(arp, csrp).rank


@given(regs=registrations, arp=scores, csrp=st.decimals(min_value=0, max_value=20, places=2), a=kinds, c=kinds,
       rosh=roshes, sexual=st.booleans(), released=st.one_of(st.none(), st.dates(date(2015, 1, 1), date(2027, 1, 1))))
def test_v3_tier_is_the_highest_step_and_at_least_the_reoffending_cell(regs, arp, csrp, a, c, rosh, sexual, released):
    result = v3(registrations=tuple(regs), predictors=Predictors(Predictor(arp, a), Predictor(csrp, c)), rosh=rosh,
                ever_committed_sexual_offence=sexual, latest_release_date=released)
    found = [t for t in result.steps.values() if t is not None]
    assert result.tier == max(found, key=lambda t: t.rank)
    assert result.tier >= reoffending(arp, csrp)
    assert result.reasons[0].startswith(f"{result.tier} because: ")


@given(regs=registrations, rsr=st.one_of(st.none(), scores), rosh=roshes, female=st.booleans(),
       enforcement=st.booleans())
def test_v2_protect_is_the_points_less_the_smaller_of_rsr_and_rosh(regs, rsr, rosh, female, enforcement):
    result = v2(registrations=tuple(regs), rsr=rsr, rosh=rosh, gender="female" if female else "male",
                previous_enforcement_activity=enforcement)
    b = result.protect_breakdown
    assert result.protect_points == sum(b.values()) - min(b["rsr"], b["rosh"])
    expected = "A" if result.protect_points >= 150 else "B" if result.protect_points >= 20 else \
        "C" if result.protect_points >= 10 else "D"
    assert result.protect == expected
    assert result.tier.startswith(f"{result.protect}{result.change}")
    assert result.tier.endswith("S") == any(r.code == "PRC" for r in regs)


@given(regs=registrations, rosh=roshes)
def test_a_higher_rosh_never_lowers_v2_protect(regs, rosh):
    order = [None, Rosh.LOW, Rosh.MEDIUM, Rosh.HIGH, Rosh.VERY_HIGH]
    higher = order[min(order.index(rosh) + 1, 4)]
    low, high = v2(registrations=tuple(regs), rosh=rosh), v2(registrations=tuple(regs), rosh=higher)
    assert high.protect_points >= low.protect_points


def test_derive_reads_every_flag():
    derived = derive(TierInput(calculation_date=TODAY, registrations=(
        reg("INLL"), reg("ADVP"), reg("SPO"), reg("RCPR"), reg("PRC"), reg("IIOM"))))
    assert (derived.lifer_ipp, derived.domestic_abuse, derived.stalking, derived.child_protection,
            derived.unsupervised, derived.iom) == (True,) * 6
