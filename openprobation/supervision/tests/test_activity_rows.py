"""The activity log reads plain rows, not model instances (supervision/activity.py): every value an entry and
its markup read must be the model's own, so a column left out of a ``values_list`` or read in the wrong place
fails here."""

import datetime
from dataclasses import fields
from decimal import Decimal

import pytest
from django.utils import timezone

from openprobation.sentences.tests.factories import RequirementFactory
from openprobation.staff.tests.factories import UserFactory
from openprobation.supervision.activity import (
    ActivityFilters,
    LogContact,
    LogEnforcement,
    LogNote,
    LogOutcome,
    LogType,
    activity_page,
    compliance_tag,
)
from openprobation.supervision.models import Contact, ContactNote
from openprobation.supervision.tests.test_activity import at, contact, d, enforce, get, note, order  # noqa: F401
from openprobation.supervision.tests.test_activity_timeline import HOSTILE

# LogContact's fields that are the contact's own columns, read as they are.
OWN = [f.name for f in fields(LogContact)][: [f.name for f in fields(LogContact)].index("location")]


@pytest.fixture
def nameless(alice):
    """A user with no full name: shown by username, as str(user) does."""
    return UserFactory(username="nameless.user", first_name="", last_name="", team=alice.team)


@pytest.fixture
def history(order, nameless):  # noqa: F811
    """Contacts with every part of an entry: requirement, direction, evidence, rescheduling, notes, enforcement."""
    requirement = RequirementFactory(sentence=order, length=Decimal("12.5"))
    whole = RequirementFactory(sentence=order, length=20)
    later = contact(order, at(d(1, 20)))
    made = [
        contact(order, at(d(1, 5), 9), outcome="ATTC", requirement=requirement, description="Seen"),
        contact(order, at(d(1, 5), 11), outcome="AFTA", evidence_due=d(1, 12), requirement=whole),
        contact(
            order, at(d(1, 6)), outcome="RSSR", rescheduled_to=later, reschedule_requested_by="service",
            reschedule_reason="Officer unwell", staff=nameless,
        ),
        contact(order, at(d(1, 7)), type_code="CTOA", direction="to", location=None, sensitive=True),
        _without_sentence(contact(order, at(d(1, 8)), type_code="ENFA", description="Letter sent")),
        contact(order, at(d(1, 9)), outcome="UAAB"),
        later,
    ]
    note(made[0], "Short")
    ContactNote.objects.create(contact=made[0], text="One\r\ntwo\rthree", sensitive=True, created_by=nameless)
    note(made[3], "On a sensitive contact")
    enforce(made[5], "EA02", d(1, 10), response_due=d(1, 17), withdrawn_on=d(1, 12))
    _decided_by(enforce(made[5], "IBR", d(1, 18), breach_pack_due=d(2, 1)), nameless)
    return made


def _without_sentence(made):
    made.sentence = None
    made.save()
    return made


def _decided_by(record, user):
    record.decided_by = user
    record.save()


def _values(row, cls):
    return {f.name: getattr(row, f.name) for f in fields(cls)}


def test_each_row_is_the_model_contact(case, history):
    now = at(d(1, 15))
    page = activity_page(case, ActivityFilters(), now=now)
    rows = [entry.contact for day in page.days for entry in day.entries]
    assert sorted(row.pk for row in rows) == sorted(c.pk for c in history if c.starts_at <= now)
    for row in rows:
        model = Contact.objects.get(pk=row.pk)
        assert {name: getattr(row, name) for name in OWN} == {name: getattr(model, name) for name in OWN}
        assert _values(row.contact_type, LogType) == {
            f.name: getattr(model.contact_type, f.name) for f in fields(LogType)
        }
        if model.outcome is None:
            assert row.outcome is None
        else:
            assert _values(row.outcome, LogOutcome) == {
                f.name: getattr(model.outcome, f.name) for f in fields(LogOutcome)
            }
        assert row.staff == str(model.staff)
        assert row.location == (str(model.location) if model.location else None)
        if model.sentence is None:
            assert row.counts_towards == ""
        elif model.requirement is None:
            assert row.counts_towards == str(model.sentence)
        else:
            assert row.counts_towards == f"{model.sentence}: {model.requirement}"
        assert row.rescheduled_to_starts_at == (model.rescheduled_to.starts_at if model.rescheduled_to else None)
        assert [_values(n, LogNote) for n in row.notes] == [
            {"pk": n.pk, "text": n.text, "sensitive": n.sensitive, "created_at": n.created_at,
             "created_by": str(n.created_by)}
            for n in model.notes.order_by("created_at", "id")
        ]
        assert [_values(r, LogEnforcement) for r in row.enforcement] == [
            {"action_code": r.action.code, "action": str(r.action), "decided_on": r.decided_on,
             "decided_by": str(r.decided_by), "response_due": r.response_due,
             "breach_pack_due": r.breach_pack_due, "withdrawn_on": r.withdrawn_on}
            for r in model.enforcement.order_by("decided_on", "id")
        ]
        # The shared rule gives the same tag for the row as for the model.
        assert compliance_tag(row, now) == compliance_tag(model, now)


def test_the_history_is_covered(case, history, nameless):
    """The fixture reaches every branch the rows feed: a failure here means the test above proves less."""
    page = activity_page(case, ActivityFilters(), now=at(d(1, 15)))
    entries = [entry for day in page.days for entry in day.entries]
    labels = {label for entry in entries for label, _ in entry.details}
    assert labels == {"Counts towards", "Location", "Direction", "Outcome", "Evidence", "Rescheduled to"}
    assert any(": Rehabilitation activity requirement: 12.50 days" in e.counts_towards for e in entries)
    assert any(e.contact.staff == "nameless.user" for e in entries)
    assert any(r.decided_by == "nameless.user" for e in entries for r in e.enforcement)
    assert any(n.note.created_by == "nameless.user" for e in entries for n in e.notes)


def test_the_page_shows_what_the_rows_carry(alice_client, case, history):
    text = get(alice_client, case).content.decode()
    order = case.sentences.get()  # noqa: F811
    assert f"{order}: Rehabilitation activity requirement: 12.50 days" in text
    assert f"{order}: Rehabilitation activity requirement: 20 days" in text
    assert "To the person" in text
    assert "by nameless.user" in text
    assert "Note added by nameless.user on" in text
    assert "Breach or recall initiated on 18 January 2026 by nameless.user." in text
    assert "Rescheduled to</dt><dd class=\"govuk-summary-list__value\">20 January 2026 at 10am" in text
    assert "Evidence due by 12 January 2026" in text


def test_names_from_related_rows_are_escaped(alice_client, case, order, alice):  # noqa: F811
    hostile = UserFactory(username="hostile", first_name=HOSTILE, last_name="", team=alice.team)
    visit = contact(order, at(d(3, 2)), outcome="UAAB", staff=hostile)
    visit.location.name = HOSTILE
    visit.location.save()
    ContactNote.objects.create(contact=visit, text="A note", created_by=hostile)
    _decided_by(enforce(visit, "EA12", d(3, 3)), hostile)
    html = get(alice_client, case).content.decode()
    assert "<script>" not in html
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;quoted&#x27;"
    assert f"by {escaped}</p>" in html
    assert f'<dd class="govuk-summary-list__value">{escaped}</dd>' in html
    assert f"Note added by {escaped} on" in html
    assert f"by {escaped}." in html


def test_timeline_times_are_local(alice_client, case, order):  # noqa: F811
    summer = contact(order, timezone.make_aware(datetime.datetime(2026, 6, 1, 23, 30)))
    html = get(alice_client, case).content.decode()
    assert f'id="contact-{summer.pk}"' in html
    assert '<time datetime="2026-06-01T23:30:00+01:00">11:30pm</time>' in html
    assert 'aria-labelledby="day-2026-06-01"' in html
