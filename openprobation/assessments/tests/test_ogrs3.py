"""OGRS3 (openprobation.assessments.rules.ogrs3): published figures, validation, rounding, properties.

The figures are the MoJ actuarial service's own test vectors (risk-tools.md §8 and the fixtures it names):
inputs, whole percentages and, where published, the feature values to the last binary digit.
"""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from openprobation.assessments.rules.ogrs3 import (
    OFFENCE_GROUPS,
    Band,
    ErrorType,
    OffenceGroup,
    OGRS3Error,
    OGRS3Input,
    band_for,
    calculate_ogrs3,
    completed_years,
    round_like_the_service,
)


def ogrs3(gender="male", born=date(1980, 1, 1), convicted=date(2020, 1, 1), followup=date(2020, 6, 1),
          sanctions=5, first=20, group="violence"):
    return OGRS3Input(gender, born, convicted, followup, sanctions, first, group)


# --- published figures ------------------------------------------------------------------------------

PUBLISHED = [
    # (source, input, 1-year %, 2-year %, band)
    ("risk-tools §8 repeat sanction (RiskScoreControllerTest)",
     ogrs3("male", date(1964, 10, 15), date(2014, 12, 13), date(2027, 12, 12), 10, 30, "fraud_and_forgery"),
     20, 34, Band.LOW),
    ("risk-tools §8 first sanction (e2e happy path)",
     ogrs3("male", date(1980, 1, 1), date(2020, 1, 1), date(2040, 1, 1), 1, 40, "soliciting_or_prostitution"),
     7, 13, Band.LOW),
    ("fixture ogrs3-input-1-valid",
     ogrs3("male", date(1991, 7, 17), date(2021, 8, 5), date(2021, 12, 12), 2, 21, "other_offence"),
     9, 17, Band.LOW),
    ("fixture ogrs3-input-5-valid",
     ogrs3("male", date(1965, 12, 7), date(2025, 5, 13), date(2026, 12, 12), 2, 47, "soliciting_or_prostitution"),
     8, 16, Band.LOW),
    ("OGRS3RiskProducerServiceTest ACT-62 scenario 1",
     ogrs3("male", date(1965, 12, 7), date(2025, 5, 13), date(2026, 12, 6), 2, 47, "soliciting_or_prostitution"),
     8, 16, Band.LOW),
    ("OGRS3RiskProducerServiceTest ACT-62 scenario 2",
     ogrs3("male", date(1991, 7, 17), date(2021, 8, 5), date(2021, 12, 12), 2, 21, "fraud_and_forgery"),
     11, 20, Band.LOW),
    ("fixture ogrs3-input-6 under the current follow-up rule (risk-tools §9.4)",
     ogrs3("male", date(1975, 4, 29), date(2009, 2, 19), date(2020, 1, 14), 22, 17, "drug_import_export_production"),
     35, 52, Band.MEDIUM),
]


@pytest.mark.parametrize(("source", "data", "one_year", "two_year", "band"), PUBLISHED, ids=[p[0] for p in PUBLISHED])
def test_published_figures(source, data, one_year, two_year, band):
    result = calculate_ogrs3(data)
    assert (result.one_year, result.two_year, result.band) == (one_year, two_year, band)


def test_worked_example_terms_match_the_published_arithmetic():
    result = calculate_ogrs3(PUBLISHED[0][1])
    assert result.feature_values == {
        "age_gender_score": -2.0253,
        "conviction_status_score": 0.46306,
        "copas_score": pytest.approx(-1.3744958066, abs=1e-10),
        "offence_group_parameter": 0.1599,
    }
    assert result.score == pytest.approx(-2.7768358066, abs=1e-10)
    assert result.one_year_probability == pytest.approx(0.2019299, abs=1e-7)
    assert result.two_year_probability == pytest.approx(0.3418331, abs=1e-7)
    assert (result.age_at_current_conviction, result.age_at_start_of_followup) == (50, 63)


@pytest.mark.parametrize(("data", "copas"), [
    (PUBLISHED[2][1], -2.8166361950725585),  # fixture 1's COPASScore, every binary digit
    (PUBLISHED[3][1], -3.0000547337034975),  # fixture 5's COPASScore
])
def test_copas_term_is_the_services_double(data, copas):
    assert calculate_ogrs3(data).feature_values["copas_score"] == copas


def test_the_result_explains_itself():
    result = calculate_ogrs3(PUBLISHED[0][1])
    text = "\n".join(result.reasons)
    assert "male, aged 63 at the start of follow-up (band 50 and over)" in text
    assert "1.25112 x ln(10 / (10 + 50 - 30))" in text
    assert "Fraud and forgery" in text
    assert "-> 34%, band low" in text


def test_twenty_offence_groups_with_the_service_weights():
    assert len(OFFENCE_GROUPS) == 20 == len(OffenceGroup)
    # Where the two MoJ implementations disagree we mirror the service (risk-tools §9).
    assert OFFENCE_GROUPS[OffenceGroup.SEXUAL_NOT_AGAINST_CHILD][1] == 0.0328
    assert OFFENCE_GROUPS[OffenceGroup.DRINK_DRIVING_AND_RELATED_OFFENCES][1] == -0.1214
    assert OFFENCE_GROUPS[OffenceGroup.OTHER_MOTORING][1] == 0.2622


def test_female_aged_eleven_uses_the_services_positive_weight():
    result = calculate_ogrs3(ogrs3("female", date(2010, 1, 1), date(2021, 1, 2), date(2021, 6, 1), 1, 11))
    assert result.feature_values["age_gender_score"] == 0.785


# --- rounding and bands -----------------------------------------------------------------------------


@pytest.mark.parametrize(("probability", "percentage"), [
    (0.124996, 13),  # lifted to 0.12500 at 5 places, then 13 (direct rounding would give 12)
    (0.125, 13),  # exactly representable: half-up
    (0.345, 34),  # stored just below 0.345
    (0.0, 1),  # clamped up to 1
    (0.004, 1),
    (0.995, 99),  # clamped down to 99
    (0.5, 50),
])
def test_rounding_like_the_service(probability, percentage):
    assert round_like_the_service(probability) == percentage


@pytest.mark.parametrize(("two_year", "band"), [
    (1, Band.LOW), (49, Band.LOW), (50, Band.MEDIUM), (74, Band.MEDIUM), (75, Band.HIGH), (89, Band.HIGH),
    (90, Band.VERY_HIGH), (99, Band.VERY_HIGH),
])
def test_bands(two_year, band):
    assert band_for(two_year) is band


def test_a_young_prolific_man_scores_very_high():
    result = calculate_ogrs3(ogrs3("male", date(2004, 3, 1), date(2022, 5, 1), date(2022, 6, 1), 30, 12,
                                   "theft_non_motor"))
    assert result.band is Band.VERY_HIGH
    assert result.two_year >= 90


@pytest.mark.parametrize(("born", "on", "age"), [
    (date(2000, 2, 29), date(2018, 2, 28), 17),  # born on 29 February: not 18 until 1 March
    (date(2000, 2, 29), date(2018, 3, 1), 18),
    (date(2000, 2, 29), date(2020, 2, 29), 20),
    (date(1990, 6, 15), date(2020, 6, 14), 29),
    (date(1990, 6, 15), date(2020, 6, 15), 30),
])
def test_completed_years(born, on, age):
    assert completed_years(born, on) == age


# --- validation -------------------------------------------------------------------------------------


def error_of(data) -> OGRS3Error:
    with pytest.raises(OGRS3Error) as caught:
        calculate_ogrs3(data)
    return caught.value


def test_every_missing_field_is_listed_in_one_error():
    error = error_of(OGRS3Input(None, None, None, None, None, None, None))
    assert error.error_type is ErrorType.MISSING_MANDATORY_INPUT
    assert error.problems[0].fields == ("gender", "date_of_birth", "date_of_current_conviction",
                                        "date_at_start_of_followup", "total_number_of_sanctions",
                                        "age_at_first_sanction", "offence_group")


def test_missing_fields_are_reported_with_a_bad_count_and_an_unknown_group():
    error = error_of(ogrs3(sanctions=0, group="shoplifting", born=None))
    assert [p.type for p in error.problems] == [
        ErrorType.MISSING_MANDATORY_INPUT, ErrorType.TOTAL_NUMBER_OF_SANCTIONS_LESS_THAN_ONE,
        ErrorType.UNKNOWN_OFFENCE_GROUP]
    assert "shoplifting" in str(error)


@pytest.mark.parametrize(("data", "error_type"), [
    (ogrs3(gender="other"), ErrorType.INVALID_INPUT),
    (ogrs3(sanctions=0), ErrorType.TOTAL_NUMBER_OF_SANCTIONS_LESS_THAN_ONE),
    (ogrs3(sanctions=2.0), ErrorType.INVALID_INPUT),
    (ogrs3(sanctions=True), ErrorType.INVALID_INPUT),
    (ogrs3(sanctions=2**31), ErrorType.INVALID_INPUT),
    (ogrs3(group="Violence"), ErrorType.UNKNOWN_OFFENCE_GROUP),
    (ogrs3(convicted=date(1980, 1, 1)), ErrorType.DATE_ON_OR_BEFORE_DATE_OF_BIRTH),
    (ogrs3(followup=date(1979, 12, 31)), ErrorType.DATE_ON_OR_BEFORE_DATE_OF_BIRTH),
    (ogrs3(convicted=date(1989, 12, 31), first=5), ErrorType.AGE_AT_CURRENT_CONVICTION_LESS_THAN_TEN),
    (ogrs3(first=41), ErrorType.AGE_AT_FIRST_SANCTION_AFTER_AGE_AT_CURRENT_CONVICTION),
    (ogrs3(convicted=date(1992, 1, 1), followup=date(1989, 6, 1), first=11),
     ErrorType.AGE_AT_START_OF_FOLLOWUP_LESS_THAN_TEN),
])
def test_impossible_inputs_give_a_clear_error_never_a_number(data, error_type):
    error = error_of(data)
    assert error.error_type is error_type
    assert str(error)


def test_first_sanction_after_the_current_one_names_both_ages():
    assert "age at first sanction (41) cannot be after the age at current conviction (40)" in str(
        error_of(ogrs3(first=41)))


@pytest.mark.parametrize("data", [
    ogrs3(followup=date(2019, 1, 1)),  # follow-up before conviction
    ogrs3(first=-3),  # negative first age: the service does not check a lower bound
    ogrs3(sanctions=2**31 - 1),  # very large counts
])
def test_what_the_service_accepts_is_accepted(data):
    assert 1 <= calculate_ogrs3(data).two_year <= 99


# --- properties -------------------------------------------------------------------------------------

days = st.dates(min_value=date(1920, 1, 1), max_value=date(2060, 12, 31))
groups = st.sampled_from(list(OffenceGroup))
genders = st.sampled_from(["male", "female"])


@st.composite
def valid_inputs(draw):
    born = draw(st.dates(min_value=date(1930, 1, 1), max_value=date(2010, 12, 31)))
    convicted = born + timedelta(days=draw(st.integers(min_value=3653 + 3, max_value=80 * 366)))
    followup = born + timedelta(days=draw(st.integers(min_value=3653 + 3, max_value=85 * 366)))
    at_conviction = completed_years(born, convicted)
    first = draw(st.integers(min_value=0, max_value=at_conviction))
    sanctions = draw(st.integers(min_value=1, max_value=200))
    return OGRS3Input(draw(genders), born, convicted, followup, sanctions, first, draw(groups))


@given(valid_inputs())
def test_valid_input_always_gives_percentages_in_range_and_two_years_at_least_one(data):
    result = calculate_ogrs3(data)
    assert 1 <= result.one_year <= result.two_year <= 99
    assert result.band is band_for(result.two_year)
    assert 0 < result.one_year_probability < result.two_year_probability < 1


@given(valid_inputs(), st.integers(min_value=1, max_value=50))
def test_more_sanctions_never_lower_the_score(data, more):
    fewer = calculate_ogrs3(data)

    greater = calculate_ogrs3(replace(data, total_number_of_sanctions=data.total_number_of_sanctions + more))
    assert greater.two_year_probability > fewer.two_year_probability
    assert greater.one_year >= fewer.one_year
    assert greater.two_year >= fewer.two_year


@given(valid_inputs())
def test_a_later_first_sanction_never_lowers_the_score(data):

    assume(data.age_at_first_sanction < data.date_of_current_conviction.year - data.date_of_birth.year - 1)
    later = calculate_ogrs3(replace(data, age_at_first_sanction=data.age_at_first_sanction + 1))
    assert later.two_year_probability > calculate_ogrs3(data).two_year_probability


@given(gender=genders, born=days, convicted=days, followup=days, sanctions=st.integers(-5, 60),
       first=st.integers(-5, 90), group=st.one_of(groups, st.text(max_size=12)))
def test_any_input_gives_a_result_or_a_clear_error(gender, born, convicted, followup, sanctions, first, group):
    data = OGRS3Input(gender, born, convicted, followup, sanctions, first, group)
    invalid = (
        sanctions < 1 or group not in set(OffenceGroup) or convicted <= born or followup <= born
        or completed_years(born, convicted) < 10 or first > completed_years(born, convicted)
        or completed_years(born, followup) < 10
    )
    if invalid:
        with pytest.raises(OGRS3Error) as caught:
            calculate_ogrs3(data)
        assert caught.value.problems
        assert all(p.message for p in caught.value.problems)
    else:
        assert 1 <= calculate_ogrs3(data).two_year <= 99
