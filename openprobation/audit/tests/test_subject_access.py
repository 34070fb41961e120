"""Subject access: everything held about one person, sensitive records withheld and listed, audited."""

import datetime
import io
import json
import shutil
import subprocess
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from openprobation.access.models import AccessEvent, Exclusion
from openprobation.audit.chain import verify_audit_chain
from openprobation.audit.models import AuditEvent
from openprobation.audit.subject_access import export_subject_access
from openprobation.people import actions as people_actions
from openprobation.staff.tests.factories import UserFactory
from openprobation.supervision import actions
from openprobation.supervision.models import ContactType
from openprobation.supervision.tests.factories import AppointmentFactory

pytestmark = pytest.mark.django_db

SECRET_NOTE = "Told us where the victim now lives"
SECRET_DESCRIPTION = "Call from the police public protection unit"
OPEN_NOTE = "Talked about the new job at the bakery"


@pytest.fixture
def dora(db):
    """The data protection officer."""
    return UserFactory(username="dora", role="dpo", team=None, first_name="Dora", last_name="Protection")


@pytest.fixture
def history(case, alice):
    """A case with an open appointment note, a sensitive contact and a sensitive note."""
    order = case.sentences.get()
    seen = AppointmentFactory(sentence=order, starts_at=timezone.make_aware(datetime.datetime(2026, 3, 2, 10)))
    actions.add_note(seen, by=alice, text=OPEN_NOTE)
    actions.add_note(seen, by=alice, text=SECRET_NOTE, sensitive=True)
    actions.record_contact(case, by=alice, contact_type=ContactType.objects.get(code="CTOA"),
                           starts_at=timezone.make_aware(datetime.datetime(2026, 3, 4, 15)),
                           description=SECRET_DESCRIPTION, notes="More detail", sensitive=True)
    people_actions.update_contact_details(case, by=alice, expected_version=case.version, phone="01632 960123",
                                          mobile="", email="")
    case.refresh_from_db()
    return case


def unzip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name.split("/", 1)[1]: archive.read(name) for name in archive.namelist()}


def test_the_export_holds_one_json_file_per_kind_a_summary_and_a_pdf(history, dora):
    export = export_subject_access(dora, history.crn, reference="SAR-2026-001")
    files = unzip(export.content)
    for name in ("person.json", "addresses.json", "contacts.json", "contact_notes.json", "sentences.json",
                 "record_history.json", "audit_trail.json", "withheld.json", "manifest.json"):
        assert name in files
    data = {name: json.loads(content) for name, content in files.items() if name.endswith(".json")}
    assert data["person.json"][0]["crn"] == history.crn
    assert data["person.json"][0]["phone"] == "01632 960123"
    assert data["person.json"][0]["practitioner"]["name"] == "Alice Allocated"
    assert "search_first" not in data["person.json"][0]
    assert [n["text"] for n in data["contact_notes.json"]] == [OPEN_NOTE]
    assert len(data["contacts.json"]) == 1  # the appointment; the sensitive call is withheld
    assert data["manifest.json"]["reference"] == "SAR-2026-001"
    assert set(data["manifest.json"]["files"]) == set(files) - {"manifest.json"}
    assert files["summary.pdf"].startswith(b"%PDF-")
    assert b"Jordan Testcase" in files["summary.html"]
    assert OPEN_NOTE.encode() in files["summary.html"]


def test_sensitive_contacts_and_notes_are_withheld_and_listed_by_type_and_date(history, dora):
    files = unzip(export_subject_access(dora, history.crn, reference="SAR-1").content)
    withheld = json.loads(files["withheld.json"])
    call, visit = ContactType.objects.get(code="CTOA"), ContactType.objects.get(code="COAP")
    today = timezone.localdate().isoformat()
    assert sorted((w["kind"], w["date"], w["reason"]) for w in withheld) == sorted([
        (f"Note on a {visit}", today, "Sensitive note"),
        (str(call), "2026-03-04", "Sensitive contact"),
        (f"Note on a {call}", today, "Sensitive note"),  # record_contact marks its note sensitive too
    ])
    for name, content in files.items():
        if name.endswith((".json", ".html")):
            assert SECRET_NOTE.encode() not in content, name
            assert SECRET_DESCRIPTION.encode() not in content, name
            assert b"More detail" not in content, name


def pdf_text(pdf: bytes) -> str:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run([pdftotext, "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()  # noqa: S603


def test_the_pdf_is_the_summary_and_the_full_pdf_the_whole_record(history, dora):
    files = unzip(export_subject_access(dora, history.crn, reference="SAR-1", full_pdf=True).content)
    summary = pdf_text(files["summary.pdf"])
    assert "Information held about Jordan Testcase" in summary
    assert "01632 960123" in summary  # personal details are in the summary
    assert "Information withheld" in summary
    assert OPEN_NOTE not in summary  # notes are counted, and in full in summary.html and record.pdf
    record = pdf_text(files["record.pdf"])
    assert OPEN_NOTE in record
    assert SECRET_NOTE not in record
    assert SECRET_DESCRIPTION not in record


def test_the_full_pdf_is_made_only_when_asked(history, dora):
    assert "record.pdf" not in unzip(export_subject_access(dora, history.crn, reference="SAR-1").content)


def test_the_export_is_audited_and_read_through_the_access_choke_point(history, dora):
    export = export_subject_access(dora, history.crn, reference="SAR-7")
    event = AuditEvent.objects.get(verb="subject_access_export")
    assert (event.actor, event.crn) == (dora, history.crn)
    assert event.summary["reference"] == "SAR-7"
    assert event.summary["sha256"] == export.sha256
    assert event.summary["withheld"] == 3
    assert AccessEvent.objects.filter(user=dora, crn=history.crn, part="subject-access", granted=True).exists()
    assert verify_audit_chain().ok


def test_only_the_data_protection_role_may_export(history, alice):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        export_subject_access(alice, history.crn, reference="SAR-1")
    assert not AuditEvent.objects.filter(verb="subject_access_export").exists()


def test_a_limited_access_case_is_not_found_for_an_excluded_officer(history, dora, mandy):
    from django.http import Http404

    Exclusion.objects.create(person=history, user=dora, start_date=datetime.date(2020, 1, 1), added_by=mandy)
    with pytest.raises(Http404):
        export_subject_access(dora, history.crn, reference="SAR-1")
    assert AccessEvent.objects.filter(user=dora, crn=history.crn, granted=False).exists()


# --- the pages ---------------------------------------------------------------------------------------


def test_find_the_case_then_preview_then_download(client, history, dora):
    client.force_login(dora)
    assert client.get("/audit/subject-access/").status_code == 200
    response = client.get("/audit/subject-access/", {"crn": history.crn.lower()})
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{history.crn}/subject-access/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    call = ContactType.objects.get(code="CTOA")
    assert str(call) in text
    assert "2026-03-04" in text
    assert SECRET_DESCRIPTION not in text
    download = client.post(f"/cases/{history.crn}/subject-access/", {"reference": "SAR-2026-009"})
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert download["Content-Disposition"].startswith(f'attachment; filename="subject-access-{history.crn}-')
    assert "person.json" in unzip(download.content)


def test_the_pages_show_errors_in_the_summary(client, history, dora):
    client.force_login(dora)
    for crn, message in (("", "Enter the CRN"), ("12", "A CRN is a letter followed by 6 digits"),
                         ("Z999999", "No case with that CRN was found")):
        response = client.get("/audit/subject-access/", {"crn": crn})
        assert response.status_code == 200
        assert "There is a problem" in response.content.decode()
        assert message in response.content.decode()
    response = client.post(f"/cases/{history.crn}/subject-access/", {"reference": "   "})
    assert response.status_code == 200
    assert "Enter the reference of the subject access request" in response.content.decode()
    assert not AuditEvent.objects.filter(verb="subject_access_export").exists()


def test_other_roles_are_refused(client, history, alice, sam):
    # A practitioner reaches the case but not this part (403); an administrator does not reach cases (404).
    for user, status in ((alice, 403), (sam, 404)):
        client.force_login(user)
        assert client.get("/audit/subject-access/").status_code == 403
        assert client.get(f"/cases/{history.crn}/subject-access/").status_code == status
        assert client.post(f"/cases/{history.crn}/subject-access/", {"reference": "x"}).status_code == status
    assert not AuditEvent.objects.filter(verb="subject_access_export").exists()


def test_the_subject_access_tab_shows_only_to_the_data_protection_officer(client, history, dora, alice):
    client.force_login(alice)
    assert "Subject access</a>" not in client.get(f"/cases/{history.crn}/history/").content.decode()
    client.force_login(dora)
    assert "Subject access</a>" in client.get(f"/cases/{history.crn}/subject-access/").content.decode()


# --- the command -------------------------------------------------------------------------------------


def test_the_command_writes_the_zip(tmp_path, history, dora):
    output = tmp_path / "export.zip"
    out = io.StringIO()
    call_command("subject_access_export", history.crn, "--output", str(output), "--by", "dora",
                 "--reference", "SAR-3", "--full-pdf", stdout=out)
    assert "withheld: 3" in out.getvalue()
    assert {"person.json", "summary.pdf", "record.pdf"} <= set(unzip(output.read_bytes()))
    with pytest.raises(CommandError, match="already exists"):
        call_command("subject_access_export", history.crn, "--output", str(output), "--by", "dora",
                     "--reference", "SAR-3", stdout=io.StringIO())


def test_the_command_refuses_other_roles_and_unknown_cases(tmp_path, history, alice, dora):
    output = str(tmp_path / "x.zip")
    with pytest.raises(CommandError, match="data protection officer"):
        call_command("subject_access_export", history.crn, "--output", output, "--by", "alice", "--reference", "R")
    with pytest.raises(CommandError, match="No case"):
        call_command("subject_access_export", "Z999999", "--output", output, "--by", "dora", "--reference", "R")
    with pytest.raises(CommandError, match="No active user"):
        call_command("subject_access_export", history.crn, "--output", output, "--by", "nobody", "--reference", "R")
