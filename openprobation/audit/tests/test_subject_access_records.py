"""Subject access: commissioned services, assessments and plans, registrations and alerts are exported in full,
with what exists only about a sensitive contact withheld and listed, at a fixed number of queries."""

import datetime
import io
import json
import shutil
import subprocess
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openprobation.access.models import Exclusion
from openprobation.alerts.actions import raise_alert
from openprobation.assessments import actions as assessment_actions
from openprobation.assessments.models import ExternalAssessment, PlanVersion
from openprobation.assessments.tests.factories import (
    NARRATIVE,
    GoalFactory,
    PersonRequestFactory,
    StepFactory,
    completed_assessment,
)
from openprobation.audit.subject_access import collect, export_subject_access
from openprobation.audit.subject_access.collect import _held_elsewhere
from openprobation.interventions import actions as service_actions
from openprobation.interventions.models import DesiredOutcome
from openprobation.interventions.tests.factories import ContractFactory
from openprobation.protection import actions as protection_actions
from openprobation.protection.tests.factories import register_type
from openprobation.supervision.models import Contact

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
SENT = TODAY - datetime.timedelta(days=35)
REFERRAL_REASON = "Isolated since the order began; wants a mentor to help with the jobcentre"
RISK_INFORMATION = "Do not arrange sessions near Hilltop Primary School"
OPEN_SESSION = "Went to the library together and wrote a CV"
SECRET_SESSION = "Spoke about what happened with his cousin Dean"
SECRET_CONCERN = "Said Dean Example now lives at 4 Mill Lane"
TRANSITION = "Left Northwold House approved premises"
END_REPORT = "Would benefit from a digital skills course next"
MAPPA_NOTES = "Victim: Sam Example, former partner, lives in Northwold"
REVIEW_NOTES = "Still level 2: the victim has moved within Northwold"
HEALTH_NOTES = "Self-harm in custody in 2024"
OTHER_REPORT = "Personality disorder traits; risk to known adults is high"


def at(day: datetime.date, hour=10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def unzip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name.split("/", 1)[1]: archive.read(name) for name in archive.namelist()}


def exported(person, dpo, **kwargs) -> tuple[dict, dict[str, bytes]]:
    files = unzip(export_subject_access(dpo, person.crn, reference="SAR-2026-020", **kwargs).content)
    return {name: json.loads(content) for name, content in files.items() if name.endswith(".json")}, files


def pdf_text(pdf: bytes) -> str:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run([pdftotext, "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()  # noqa: S603


def send_to_sessions(person, *, practitioner, provider_user, contract, reason=REFERRAL_REASON):
    """A referral sent, assigned, assessed, planned and approved, as the practitioner and provider would."""
    referral = service_actions.create_referral(
        person, by=practitioner, contract=contract, complexity="medium",
        desired_outcomes=list(DesiredOutcome.objects.filter(category=contract.category.code)[:2]), reason=reason,
        risk_information=RISK_INFORMATION, completion_deadline=TODAY + datetime.timedelta(days=180), today=SENT)
    service_actions.send_referral(referral, by=practitioner, expected_version=referral.version, today=SENT)
    service_actions.assign_referral(referral, by=provider_user, caseworker=provider_user, today=SENT)
    service_actions.record_initial_assessment(referral, by=provider_user, on=SENT + datetime.timedelta(days=2),
                                              notes="Keen to take part.", today=SENT + datetime.timedelta(days=2))
    plan = service_actions.submit_action_plan(referral, by=provider_user, activities="Weekly mentoring; job searches",
                                              number_of_sessions=6, today=SENT + datetime.timedelta(days=3))
    service_actions.approve_action_plan(plan, by=practitioner, today=SENT + datetime.timedelta(days=4))
    referral.refresh_from_db()
    return referral


def session(referral, provider_user, day, **feedback):
    made = service_actions.schedule_session(referral, by=provider_user, starts_at=at(day),
                                            duration=datetime.timedelta(hours=1))
    service_actions.record_session_feedback(made, by=provider_user, happened=True, attended="yes", **feedback)
    made.refresh_from_db()
    return made


@pytest.fixture
def contract(pat_provider):
    return ContractFactory(reference="NWR-MTR-101", provider=pat_provider)


@pytest.fixture
def services(case, alice, pat, contract):
    """A completed referral with two sessions, the second on an appointment later marked sensitive; a transition."""
    referral = send_to_sessions(case, practitioner=alice, provider_user=pat, contract=contract)
    session(referral, pat, SENT + datetime.timedelta(days=7), summary=OPEN_SESSION)
    hidden = session(referral, pat, SENT + datetime.timedelta(days=10), summary=SECRET_SESSION,
                     concerns=SECRET_CONCERN, notify_practitioner=True)  # raises an alert quoting the concern
    # No page marks an existing appointment sensitive yet; the record allows it, and so must the export.
    Contact.objects.filter(pk=hidden.contact_id).update(sensitive=True)
    service_actions.submit_end_of_service_report(
        referral, by=pat, further_information=END_REPORT,
        ratings={outcome.pk: ("partly", "Uses the library computers") for outcome in referral.outcomes.all()})
    service_actions.record_transition(case, by=alice, kind="ap_departure", on=SENT + datetime.timedelta(days=20),
                                      description=TRANSITION)
    return referral, hidden


@pytest.fixture
def assessed(case, alice, mandy):
    """Two assessment versions, another agency's report, a plan agreed and reviewed, a request, a tier."""
    completed_assessment(case, alice, level="medium")
    completed_assessment(case, alice, level="medium")
    assessment_actions.record_external_assessment(
        case, by=alice, kind=ExternalAssessment.Kind.MENTAL_HEALTH, title="Forensic mental health assessment",
        author="Dr Alex Example", agency="Northwold Mental Health Trust", assessed_on=TODAY - datetime.timedelta(days=9),
        conclusion=OTHER_REPORT)
    goal = GoalFactory(person=case, own_words="I want my own flat by the summer", created_by=alice)
    StepFactory(goal=goal, description="Fill in the housing register form together", created_by=alice)
    assessment_actions.record_agreement(case, by=alice, agreement=PlanVersion.Agreement.AGREED,
                                        comments="Happy with the plan")
    assessment_actions.record_plan_review(case, by=alice, reviewed_on=TODAY, progress="Form sent to the council",
                                          next_review_due=TODAY + datetime.timedelta(days=90))
    PersonRequestFactory(person=case, words="Help with my childhood trauma", recorded_by=alice)
    return case


@pytest.fixture
def registered(case, alice):
    """MAPPA level 2 with a review (its notes name the victim), and a removed health flag."""
    mappa = protection_actions.add_registration(
        case, by=alice, register_type=register_type("MAPP"), registered_on=TODAY - datetime.timedelta(days=100),
        level="M2", category="M2", notes=MAPPA_NOTES, today=TODAY)
    protection_actions.review_registration(mappa, by=alice, reviewed_on=TODAY - datetime.timedelta(days=10),
                                           notes=REVIEW_NOTES, today=TODAY)
    health = protection_actions.add_registration(
        case, by=alice, register_type=register_type("ALSH"), registered_on=TODAY - datetime.timedelta(days=200),
        notes=HEALTH_NOTES, today=TODAY)
    protection_actions.remove_registration(health, by=alice, removed_on=TODAY - datetime.timedelta(days=5),
                                           reason="No concerns for six months", today=TODAY)
    return case


# --- commissioned services -----------------------------------------------------------------------------


def test_referrals_are_exported_with_their_whole_history(services, dora, pat):
    referral, hidden = services
    data, files = exported(referral.person, dora)
    [exported_referral] = data["referrals.json"]
    assert exported_referral["reference"] == referral.reference
    assert exported_referral["reason"] == REFERRAL_REASON
    assert exported_referral["risk_information"] == RISK_INFORMATION
    assert exported_referral["contract"]["name"] == "Mentoring for people on licence (Hope Mentoring)"
    assert exported_referral["status"]["label"] == "Completed"
    assert exported_referral["caseworker"]["name"] == "Pat Provider"
    assert [(o["rating"]["label"], o["progress"]) for o in exported_referral["desired_outcomes"]] == [
        ("Partly achieved", "Uses the library computers")] * 2
    assert [a["caseworker"]["name"] for a in exported_referral["assignments"]] == ["Pat Provider"]
    assert "Referral sent" in [c["description"] for c in exported_referral["changes"]]
    assert [p["activities"] for p in exported_referral["action_plans"]] == ["Weekly mentoring; job searches"]
    assert [s["summary"] for s in exported_referral["sessions"]] == [OPEN_SESSION]
    assert [r["further_information"] for r in exported_referral["end_of_service_reports"]] == [END_REPORT]
    assert [t["description"] for t in data["transitions.json"]] == [TRANSITION]
    html = files["summary.html"].decode()
    for text in ("Referrals to commissioned services", REFERRAL_REASON, RISK_INFORMATION, OPEN_SESSION,
                 "Weekly mentoring; job searches", TRANSITION, END_REPORT):
        assert text in html


def test_a_session_on_a_sensitive_contact_and_the_alert_about_it_are_withheld_and_listed(services, dora):
    referral, hidden = services
    data, files = exported(referral.person, dora)
    withheld = {(w["kind"], w["date"], w["reason"]) for w in data["withheld.json"]}
    day = (SENT + datetime.timedelta(days=10)).isoformat()
    assert ("Session of a commissioned service", day, "Session on a sensitive contact") in withheld
    assert ("Alert", TODAY.isoformat(), "Alert about a sensitive contact") in withheld
    assert data["alerts.json"] == []
    assert f"interventions.session {hidden.pk}" not in [entry["record"] for entry in data["audit_trail.json"]]
    for name, content in files.items():
        if name.endswith((".json", ".html")):
            assert SECRET_SESSION.encode() not in content, name
            assert SECRET_CONCERN.encode() not in content, name
    html = files["summary.html"].decode()
    assert "Session on a sensitive contact" in html
    assert "Alert about a sensitive contact" in html


# --- assessments, plans, requests and tiers ------------------------------------------------------------


def test_every_assessment_version_report_plan_request_and_tier_is_exported(assessed, dora):
    data, files = exported(assessed, dora)
    first, second = data["assessments.json"]
    assert (first["number"], first["status"]["label"]) == (1, "Superseded")
    assert first["superseded_by"]["name"] == "Version 2"
    assert (second["number"], second["status"]["label"]) == (2, "Complete")
    # Who is at risk names other people; it is exported as personal contacts are (docs/audit.md).
    assert second["who_at_risk"] == NARRATIVE["who_at_risk"]
    assert len(second["risk_of_serious_harm"]) == 10
    assert {r["concern"]["label"] for r in second["risk_to_self"]} >= {"Suicide", "Self-harm"}
    assert [n["strengths"] for n in second["needs"]][:1] == ["Supportive sister"]
    [report] = data["other_assessments.json"]
    assert (report["kind"]["label"], report["conclusion"]) == ("Mental health assessment", OTHER_REPORT)
    [goal] = data["plan_goals.json"]
    assert goal["own_words"] == "I want my own flat by the summer"
    assert [s["description"] for s in goal["steps"]] == ["Fill in the housing register form together"]
    [plan] = data["plan_versions.json"]
    assert plan["person_comments"] == "Happy with the plan"
    assert plan["snapshot"]["goals"][0]["own_words"] == "I want my own flat by the summer"
    assert [r["progress"] for r in plan["reviews"]] == ["Form sent to the council"]
    assert [r["words"] for r in data["requests.json"]] == ["Help with my childhood trauma"]
    tier = data["tier_calculations.json"][0]  # kept each time the tier changes, here when assessed
    assert tier["trigger"] == "Assessment 1 became final"
    assert tier["tier"]
    assert tier["reasons"]
    assert tier["inputs"]
    assert data["withheld.json"] == []  # none of these carries a sensitive flag
    html = files["summary.html"].decode()
    for text in ("Risk and needs assessments (every version)", NARRATIVE["who_at_risk"], OTHER_REPORT,
                 "I want my own flat by the summer", "Fill in the housing register form together",
                 "Form sent to the council", "Help with my childhood trauma", "Assessment 1 became final"):
        assert text in html


# --- registrations -----------------------------------------------------------------------------------


def test_registrations_with_reviews_mappa_levels_and_removed_flags_are_exported(registered, dora):
    data, files = exported(registered, dora)
    health, mappa = data["registrations.json"]
    assert mappa["register_type"]["name"] == "MAPPA"
    assert mappa["level"] == {"code": "M2", "label": "Level 2: active multi-agency management"}
    assert mappa["category"]["label"].startswith("Category 2")
    assert mappa["notes"] == MAPPA_NOTES  # the victim's details: exported as personal contacts are
    assert [r["notes"] for r in mappa["reviews"]] == [REVIEW_NOTES]
    assert mappa["active"] is True
    # Health is special-category data, but the person's own: exported as equality data is.
    assert (health["register_type"]["name"], health["notes"], health["active"]) == (
        "Suicide or self-harm", HEALTH_NOTES, False)
    assert health["deregistration_reason"] == "No concerns for six months"
    assert data["withheld.json"] == []
    html = files["summary.html"].decode()
    for text in ("Registrations (risk flags and MAPPA), with their reviews", MAPPA_NOTES, REVIEW_NOTES,
                 "Level 2: active multi-agency management", HEALTH_NOTES):
        assert text in html


# --- alerts ------------------------------------------------------------------------------------------


def test_alerts_about_the_person_are_exported(case, alice, dora):
    raise_alert(case, reason="plan_review_overdue", owner=alice, due=TODAY, title="Review the sentence plan",
                summary="The plan's review was due last week.", next_step="Review it with Jordan.", by=alice)
    data, files = exported(case, dora)
    assert [(a["title"], a["owner"]["name"]) for a in data["alerts.json"]] == [
        ("Review the sentence plan", "Alice Allocated")]
    assert "The plan&#x27;s review was due last week." in files["summary.html"].decode()


# --- the page, the PDF and the cost ------------------------------------------------------------------


def test_the_page_counts_the_new_sections_and_no_longer_sends_them_for_manual_review(client, services, registered,
                                                                                    assessed, dora, carol, mandy):
    Exclusion.objects.create(person=assessed, user=carol, start_date=datetime.date(2026, 1, 1), added_by=mandy)
    client.force_login(dora)
    text = client.get(f"/cases/{assessed.crn}/subject-access/").content.decode()
    for title in ("Referrals to commissioned services", "Risk and needs assessments (every version)",
                  "Registrations (risk flags and MAPPA), with their reviews", "Session on a sensitive contact"):
        assert title in text
    held_elsewhere = text.split('id="held-elsewhere"', 1)[1].split("</ul>", 1)[0]
    assert "Exclusions: 1" in held_elsewhere  # still for the officer to review by hand
    for kind in ("Referral", "Assessment", "Registration", "Goal", "Tier", "Transition", "Request", "Plan"):
        assert kind not in held_elsewhere
    assert SECRET_SESSION not in text


def test_the_pdf_summary_lists_the_new_sections_and_what_was_withheld(services, registered, dora):
    _, files = exported(registered, dora)
    summary = " ".join(pdf_text(files["summary.pdf"]).split())
    for text in ("Referrals to commissioned services", "referrals.json", "registrations.json",
                 "Tier calculations", "Session of a commissioned service"):
        assert text in summary
    assert SECRET_SESSION not in summary


def test_the_full_pdf_holds_the_new_records(services, registered, dora):
    _, files = exported(registered, dora, full_pdf=True)
    record = " ".join(pdf_text(files["record.pdf"]).split())
    assert RISK_INFORMATION in record  # held only on the referral
    assert MAPPA_NOTES in record
    assert SECRET_SESSION not in record


# One query (or two) per kind of record in every section, plus one count per kind of record that no section
# covers (``held_elsewhere``, which grows only when an app adds a model about people).
SECTION_QUERIES = 51


def test_collecting_costs_the_same_queries_however_many_records(services, registered, assessed, alice, mandy, pat,
                                                              contract, django_assert_max_num_queries):
    with CaptureQueriesContext(connection) as elsewhere:
        _held_elsewhere(assessed)
    with django_assert_max_num_queries(SECTION_QUERIES + len(elsewhere.captured_queries)):
        collect(assessed)
    with CaptureQueriesContext(connection) as before:
        first = collect(assessed)
    # As much again of every kind: another referral with sessions, more registrations and reviews,
    # another assessment version, goals, steps, plan versions, reviews, requests and tiers.
    again = send_to_sessions(assessed, practitioner=alice, provider_user=pat, contract=contract,
                             reason="A second mentoring referral")
    session(again, pat, SENT + datetime.timedelta(days=8), summary="Second referral, first session")
    session(again, pat, SENT + datetime.timedelta(days=9), summary="Second referral, second session")
    weapons = protection_actions.add_registration(assessed, by=alice, register_type=register_type("WEAP"),
                                                  registered_on=TODAY - datetime.timedelta(days=30), today=TODAY)
    protection_actions.review_registration(weapons, by=alice, reviewed_on=TODAY, notes="No change", today=TODAY)
    completed_assessment(assessed, alice, level="high", countersign_by=mandy)
    goal = GoalFactory(person=assessed, created_by=alice)
    StepFactory(goal=goal, created_by=alice)
    StepFactory(goal=goal, created_by=alice, description="Second step")
    assessment_actions.record_agreement(assessed, by=alice, agreement=PlanVersion.Agreement.AGREED)
    PersonRequestFactory(person=assessed, words="A second request", recorded_by=alice)
    with CaptureQueriesContext(connection) as after:
        data = collect(assessed)
    grown = ("referrals", "assessments", "registrations", "plan_goals", "plan_versions", "requests",
             "tier_calculations")
    assert all(len(data.section(key).rows) > len(first.section(key).rows) for key in grown)
    assert sum(len(r["sessions"]) for r in data.section("referrals").rows) == 3
    assert sum(len(r["reviews"]) for r in data.section("registrations").rows) == 2
    assert len(after.captured_queries) == len(before.captured_queries)
