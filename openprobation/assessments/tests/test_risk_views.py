"""HTTP tests for the risk and needs pages: each page's happy path, bad input and query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openprobation.access.models import AccessEvent
from openprobation.alerts.models import Alert
from openprobation.assessments import actions, reasons
from openprobation.assessments.models import (
    Assessment,
    ExternalAssessment,
    RiskGroup,
    Setting,
    TierCalculation,
)
from openprobation.assessments.tests.conftest import date_fields, error_summary, url
from openprobation.assessments.tests.factories import (
    NARRATIVE,
    ExternalAssessmentFactory,
    completed_assessment,
    fill_assessment,
)
from openprobation.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(case, alice):
    return actions.start_assessment(case, by=alice, purpose="start")


def rosh_post(version, level="medium", **narrative):
    data = {"version": version, **NARRATIVE, **narrative}
    for g in RiskGroup.values:
        for s in Setting.values:
            data[f"{g}_{s}"] = level
    return data


def test_index_without_an_assessment_offers_to_start_one(alice_client, case):
    response = alice_client.get(url("index", case))
    assert response.status_code == 200
    assert "There is no completed assessment" in response.content.decode()
    assert url("start", case) in response.content.decode()
    assert AccessEvent.objects.filter(crn=case.crn, part="risk-and-needs").exists()


def test_index_shows_the_current_assessment_tier_reports_and_versions(alice_client, case, alice,
                                                                       django_assert_max_num_queries):
    completed_assessment(case, alice, level="low")
    completed_assessment(case, alice, level="medium")
    for n in range(5):
        ExternalAssessmentFactory(person=case, rosh_level="", author=f"Author {n}")
    with django_assert_max_num_queries(20):
        response = alice_client.get(url("index", case))
    html = response.content.decode()
    assert "Assessment 2 completed by Alice Allocated" in html
    assert 'id="tier-summary"' in html
    assert "because" in html
    assert all(f"Author {n}, HMP" in html for n in range(5))
    assert "Superseded" in html


def test_index_query_count_does_not_grow_with_versions(alice_client, case, alice, django_assert_num_queries):
    completed_assessment(case, alice)
    ExternalAssessmentFactory(person=case, rosh_level="")
    with CaptureQueriesContext(connection) as few:
        alice_client.get(url("index", case))
    for _ in range(3):
        completed_assessment(case, alice)
        ExternalAssessmentFactory(person=case, rosh_level="")
    with django_assert_num_queries(len(few.captured_queries)):
        alice_client.get(url("index", case))


def test_start_happy_path_and_missing_purpose(alice_client, case):
    response = alice_client.post(url("start", case), {})
    assert response.status_code == 200
    assert "Select why you are assessing now" in error_summary(response)
    response = alice_client.post(url("start", case), {"purpose": "start"})
    assert response.status_code == 302
    assert response["Location"] == url("assessment", case, 1)


def test_start_when_one_is_open_shows_the_reason(alice_client, case, draft):
    response = alice_client.post(url("start", case), {"purpose": "review"})
    assert "Assessment 1 is already draft" in error_summary(response)


def test_draft_page_lists_sections_and_what_is_missing(alice_client, case, draft):
    html = alice_client.get(url("assessment", case, 1)).content.decode()
    assert 'id="sections"' in html
    assert 'id="missing"' in html
    assert url("edit-need", case, 1, "ACCOM") in html


def test_rosh_page_saves_ratings_and_narrative(alice_client, case, draft):
    response = alice_client.post(url("edit-rosh", case, 1), rosh_post(draft.version, "high"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.rosh_ratings.filter(level="high").count() == 10
    assert draft.who_at_risk == NARRATIVE["who_at_risk"]


def test_rosh_page_shows_an_error_for_each_missing_rating(alice_client, case, draft):
    data = rosh_post(draft.version)
    del data["children_custody"]
    data["who_at_risk"] = ""
    response = alice_client.post(url("edit-rosh", case, 1), data)
    summary = error_summary(response)
    assert "Select the risk to children in custody" in summary
    assert 'href="#id_children_custody"' in summary
    assert "Describe who is at risk" in summary
    assert response.content.decode().startswith("<!DOCTYPE html>") or "<title>Error:" in response.content.decode()


def test_rosh_page_refuses_a_stale_version(alice_client, case, draft):
    response = alice_client.post(url("edit-rosh", case, 1), rosh_post(draft.version + 5))
    assert "Someone else changed this" in error_summary(response)


def test_risk_to_self_page(alice_client, case, draft):
    response = alice_client.post(url("edit-risk-to-self", case, 1), {"version": draft.version, "suicide_current": "yes"})
    summary = error_summary(response)
    assert "Select whether there was a previous concern about suicide" in summary
    data = {"version": draft.version, "notes": "Self-harm in 2019"}
    for concern in ("suicide", "self_harm", "custody", "hostel", "vulnerability"):
        data[f"{concern}_current"], data[f"{concern}_previous"] = "no", "yes"
    assert alice_client.post(url("edit-risk-to-self", case, 1), data).status_code == 302
    assert draft.risks_to_self.filter(previous="yes").count() == 5


def test_need_page_saves_and_moves_to_the_next_area(alice_client, case, draft):
    data = {"version": draft.version, "severity": "severe", "linked_to_harm": "yes", "linked_to_reoffending": "no",
            "motivation": "need_help", "strengths": "Works with his sister", "details": ""}
    response = alice_client.post(url("edit-need", case, 1, "ACCOM"), data)
    assert response.status_code == 302
    assert response["Location"] == url("edit-need", case, 1, "ETE")
    rating = draft.need_ratings.get(area__code="ACCOM")
    assert rating.severity == "severe"
    assert rating.linked_to_harm
    assert not rating.linked_to_reoffending


def test_need_page_asks_the_womens_factors_where_they_belong(alice_client, case, draft):
    html = alice_client.get(url("edit-need", case, 1, "THINKING")).content.decode()
    assert "Impulsivity" in html
    assert "Temper control" in html
    response = alice_client.post(url("edit-need", case, 1, "RELATION"), {"version": draft.version})
    summary = error_summary(response)
    assert "Select how much of a need relationships is" in summary
    assert "Select an answer for do they have parental responsibilities?" in summary


def test_need_page_for_an_unknown_area_is_not_found(alice_client, case, draft):
    assert alice_client.get(url("edit-need", case, 1, "NOPE")).status_code == 404


def test_predictors_page_rejects_impossible_scores(alice_client, case, draft):
    response = alice_client.post(url("edit-predictors", case, 1), {"version": draft.version, "arp": "120",
                                                                    "csrp": "abc", "dc_srp": "2"})
    summary = error_summary(response)
    assert "must be 100 or less" in summary
    assert "must be a number" in summary
    response = alice_client.post(url("edit-predictors", case, 1), {"version": draft.version, "arp": "55",
                                                                    "dc_srp": "2"})
    summary = error_summary(response)
    assert "Select whether the score is static or dynamic" in summary
    assert "Select the band of the direct contact sexual reoffending predictor" in summary


def test_complete_lists_what_is_missing(alice_client, case, draft):
    day = timezone.localdate() + datetime.timedelta(days=60)
    response = alice_client.post(url("complete", case, 1), {"version": draft.version, **date_fields("review_due", day)})
    assert "Assess accommodation" in error_summary(response)


def test_complete_high_risk_goes_to_the_manager(alice_client, case, alice, mandy, draft):
    draft = fill_assessment(draft, alice, level="high")
    html = alice_client.get(url("complete", case, 1)).content.decode()
    assert "needs a manager" in html
    day = timezone.localdate() + datetime.timedelta(days=60)
    response = alice_client.post(url("complete", case, 1), {"version": draft.version, **date_fields("review_due", day)})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.AWAITING_COUNTERSIGNATURE


def test_complete_rejects_a_past_review_date(alice_client, case, alice, draft):
    draft = fill_assessment(draft, alice)
    day = timezone.localdate() - datetime.timedelta(days=1)
    response = alice_client.post(url("complete", case, 1), {"version": draft.version, **date_fields("review_due", day)})
    assert "The review date must be in the future" in error_summary(response)
    response = alice_client.post(url("complete", case, 1), {"version": draft.version, "review_due_day": "31",
                                                             "review_due_month": "2", "review_due_year": "2027"})
    assert "The review date must be a real date" in error_summary(response)


def test_a_final_version_cannot_be_edited_through_the_pages(alice_client, case, alice):
    completed_assessment(case, alice)
    response = alice_client.post(url("edit-rosh", case, 1), rosh_post(1))
    assert response.status_code == 302
    assert response["Location"] == url("assessment", case, 1)


def test_countersign_page_for_the_manager(mandy_client, case, alice, mandy):
    done = completed_assessment(case, alice, level="very_high")
    html = mandy_client.get(url("assessment", case, 1)).content.decode()
    assert url("countersign", case, 1) in html
    response = mandy_client.post(url("countersign", case, 1), {"version": done.version, "decision": "return"})
    assert "Explain what needs to change" in error_summary(response)
    response = mandy_client.post(url("countersign", case, 1), {"version": done.version, "decision": "countersign",
                                                                "comments": "Agreed; MAPPA referral made"})
    assert response.status_code == 302
    done.refresh_from_db()
    assert done.status == Assessment.Status.COMPLETE
    assert done.countersigned_by == mandy


def test_countersign_by_a_practitioner_is_forbidden(alice_client, bob, case, alice):
    done = completed_assessment(case, alice, level="high")
    alice_client.force_login(bob)
    response = alice_client.post(url("countersign", case, 1), {"version": done.version, "decision": "countersign"})
    assert response.status_code == 403
    done.refresh_from_db()
    assert done.status == Assessment.Status.AWAITING_COUNTERSIGNATURE


def test_a_provider_cannot_change_an_assessment(pat_client, case):
    response = pat_client.post(url("start", case), {"purpose": "start"})
    assert response.status_code in (403, 404)
    assert not Assessment.objects.exists()


def test_an_assessment_of_another_case_is_not_found(alice_client, case, alice):
    other = PersonFactory(practitioner=alice)
    completed_assessment(other, alice)
    assert alice_client.get(url("assessment", case, 1)).status_code == 404


def test_tier_history_page(alice_client, case, alice, django_assert_max_num_queries):
    completed_assessment(case, alice, level="low")
    completed_assessment(case, alice, level="very_high", countersign_by=None)
    with django_assert_max_num_queries(12):
        response = alice_client.get(url("tier", case))
    assert response.status_code == 200
    assert response.content.decode().count("because") >= TierCalculation.objects.filter(person=case).count()


def test_record_another_assessment(alice_client, case):
    response = alice_client.post(url("add-external", case), {"kind": "psychology", "title": "", "author": "Dr A",
                                                             "agency": "HMPPS", **date_fields("assessed_on", timezone.localdate() + datetime.timedelta(days=3)),
                                                             "conclusion": "High risk"})
    summary = error_summary(response)
    assert "Enter title" in summary
    response = alice_client.post(url("add-external", case), {
        "kind": "psychology", "title": "Psychology risk report", "author": "Dr A", "agency": "HMPPS",
        **date_fields("assessed_on", timezone.localdate() + datetime.timedelta(days=3)), "conclusion": "High risk"})
    assert "The date of the assessment must be today or in the past" in error_summary(response)
    response = alice_client.post(url("add-external", case), {
        "kind": "psychology", "title": "Psychology risk report", "author": "Dr A", "agency": "HMPPS",
        **date_fields("assessed_on", timezone.localdate()), "conclusion": "High risk", "rosh_level": "high"})
    assert response.status_code == 302
    assert ExternalAssessment.objects.get(person=case).rosh_level == "high"


def test_conflict_is_shown_with_both_authors_and_reconciled(alice_client, case, alice):
    completed_assessment(case, alice, level="medium")
    report = ExternalAssessmentFactory(person=case, rosh_level="very_high", author="Dr Morgan Example")
    from openprobation.assessments.conflicts import check_conflicts

    check_conflicts(case, by=alice)
    html = alice_client.get(url("index", case)).content.decode()
    assert 'id="conflict"' in html
    assert "Dr Morgan Example" in html
    assert "Alice Allocated, Probation" in html
    response = alice_client.post(url("reconcile", case), {"subject_key": f"conflict:a1-e{report.pk}", "rationale": ""})
    assert "Explain how you reconciled the assessments" in error_summary(response)
    assessment = Assessment.objects.get(person=case)
    response = alice_client.post(url("reconcile", case), {
        "subject_key": f"conflict:a{assessment.pk}-e{report.pk}", "rationale": "Psychology report predates treatment"})
    assert response.status_code == 302
    alert = Alert.objects.get(person=case, reason=reasons.CONFLICT)
    assert alert.decision == "reconciled"
    assert alert.closed_by == alice
    html = alice_client.get(url("index", case)).content.decode()
    assert "Reconciled by Alice Allocated" in html
    assert "Psychology report predates treatment" in html


def test_reconcile_without_a_conflict_goes_back(alice_client, case):
    response = alice_client.get(url("reconcile", case))
    assert response.status_code == 302


def test_set_aside_a_report(alice_client, case):
    report = ExternalAssessmentFactory(person=case)
    response = alice_client.post(url("set-aside-external", case, report.pk), {"reason": ""})
    assert "Explain why this report no longer counts as current" in error_summary(response)
    response = alice_client.post(url("set-aside-external", case, report.pk), {"reason": "Replaced by 2026 report"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.set_aside_by is not None
    html = alice_client.get(url("index", case)).content.decode()
    assert "Set aside" in html
    assert "Replaced by 2026 report" in html


def test_calculate_ogrs3_from_the_criminal_history(alice_client, case, draft):
    html = alice_client.get(url("ogrs3", case, 1)).content.decode()
    assert "Calculate OGRS3" in html
    born = case.date_of_birth
    data = {"version": draft.version, "offence_group": "violence", "total_number_of_sanctions": "4",
            "age_at_first_sanction": "17", **date_fields("date_of_current_conviction", datetime.date(2025, 6, 2)),
            **date_fields("date_at_start_of_followup", datetime.date(2025, 6, 2))}
    response = alice_client.post(url("ogrs3", case, 1), data)
    assert response.status_code == 302
    assert response["Location"] == url("edit-predictors", case, 1)
    draft.refresh_from_db()
    assert draft.ogrs3_two_year is not None
    assert draft.ogrs3_one_year <= draft.ogrs3_two_year
    assert draft.ogrs3_working["inputs"]["date_of_birth"] == born.isoformat()
    assert "linear score" in " ".join(draft.ogrs3_working["reasons"])
    assert "How OGRS3 was calculated" in alice_client.get(url("edit-predictors", case, 1)).content.decode()


def test_ogrs3_refuses_a_first_sanction_after_the_current_conviction(alice_client, case, draft):
    data = {"version": draft.version, "offence_group": "violence", "total_number_of_sanctions": "2",
            "age_at_first_sanction": "90", **date_fields("date_of_current_conviction", datetime.date(2025, 6, 2)),
            **date_fields("date_at_start_of_followup", datetime.date(2025, 6, 2))}
    summary = error_summary(alice_client.post(url("ogrs3", case, 1), data))
    assert "Age at first sanction (90) cannot be after the age at current conviction" in summary
    assert 'href="#id_age_at_first_sanction"' in summary
    data.update(offence_group="", total_number_of_sanctions="0")
    summary = error_summary(alice_client.post(url("ogrs3", case, 1), data))
    assert "Select the offence group of the current offence" in summary
    assert "There is at least one sanction" in summary
    draft.refresh_from_db()
    assert draft.ogrs3_two_year is None
