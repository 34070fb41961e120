"""The activity log: grouping and order, tags, notes and disclosures, filters, pagination, query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from openprobation.access.models import AccessEvent
from openprobation.frontend.tests.htmltree import parse
from openprobation.supervision.activity import ActivityFilters, activity_page, compliance_tag
from openprobation.supervision.models import (
    Contact,
    ContactNote,
    ContactType,
    EnforcementAction,
    EnforcementRecord,
    Outcome,
)
from openprobation.supervision.tests.factories import AppointmentFactory


def at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def d(month: int, day: int, year: int = 2026) -> datetime.date:
    return datetime.date(year, month, day)


def contact(sentence, when, type_code="COAP", outcome=None, **kwargs) -> Contact:
    """A contact on `sentence` at `when`, with an outcome recorded by the practitioner if given."""
    if outcome is not None:
        kwargs.update(
            outcome=Outcome.objects.get(code=outcome),
            outcome_recorded_at=when + datetime.timedelta(hours=1),
            outcome_recorded_by=sentence.person.practitioner,
        )
    return AppointmentFactory(
        sentence=sentence, starts_at=when, contact_type=ContactType.objects.get(code=type_code), **kwargs
    )


def note(on, text, *, sensitive=False) -> ContactNote:
    return ContactNote.objects.create(contact=on, text=text, sensitive=sensitive, created_by=on.staff)


def enforce(on, code, decided_on, **kwargs) -> EnforcementRecord:
    return EnforcementRecord.objects.create(
        contact=on,
        sentence=on.sentence,
        action=EnforcementAction.objects.get(code=code),
        decided_on=decided_on,
        decided_by=on.staff,
        **kwargs,
    )


@pytest.fixture
def order(case):
    return case.sentences.get()


def get(client, person, **params):
    response = client.get(reverse("supervision:activity-log", args=[person.crn]), params)
    assert response.status_code == 200
    return response


def tree(client, person, **params):
    return parse(get(client, person, **params).content.decode())


def shown(client, person, **params) -> list[int]:
    """Contact ids in the order the page shows them."""
    items = tree(client, person, **params).find_all(class_="moj-timeline__item")
    return [int(item.attrs["id"].removeprefix("contact-")) for item in items]


def entry(page, contact_id):
    return page.find(id=f"contact-{contact_id}")


# --- grouping and order ----------------------------------------------------------------------------------


def test_days_newest_first_and_contacts_oldest_first_within_a_day(alice_client, case, order):
    jan5_late = contact(order, at(d(1, 5), 14))
    jan6_early = contact(order, at(d(1, 6), 8))
    jan4 = contact(order, at(d(1, 4), 10))
    jan5_early = contact(order, at(d(1, 5), 9))
    jan6_late = contact(order, at(d(1, 6), 16))

    assert shown(alice_client, case) == [jan6_early.pk, jan6_late.pk, jan5_early.pk, jan5_late.pk, jan4.pk]
    headings = [h.text for h in tree(alice_client, case).find_all("h3", class_="govuk-heading-m")[1:]]
    assert headings == ["Tuesday 6 January 2026", "Monday 5 January 2026", "Sunday 4 January 2026"]


def test_days_are_local_days(alice_client, case, order):
    # 23:30 on 1 June is 22:30 UTC; 00:30 on 2 June is 23:30 UTC on 1 June.
    late = contact(order, at(d(6, 1), 23, 30))
    early = contact(order, at(d(6, 2), 0, 30))
    page = activity_page(case, ActivityFilters())
    assert [(day.date, [e.contact.pk for e in day.entries]) for day in page.days] == [
        (d(6, 2), [early.pk]),
        (d(6, 1), [late.pk]),
    ]


def test_future_contacts_are_left_for_the_appointments_page(alice_client, case, order):
    past = contact(order, at(d(1, 5)))
    contact(order, timezone.now() + datetime.timedelta(days=1))
    assert shown(alice_client, case) == [past.pk]


def test_an_entry_shows_type_time_staff_order_location_outcome(alice_client, case, order, alice):
    visit = contact(order, at(d(1, 5), 14, 30), outcome="ATTC", description="Discussed the job interview")
    item = entry(tree(alice_client, case), visit.pk)
    text = item.text
    assert "Planned office visit (NS)" in item.find("h4").text
    assert item.find("a").attrs["href"] == reverse("supervision:appointment", args=[case.crn, visit.pk])
    assert "by Alice Allocated" in text
    assert "2:30pm to 3:30pm" in text
    assert f"Counts towards {order}" in text
    assert "Location Northwold Office" in text
    assert "Outcome Attended – complied" in text
    assert "Discussed the job interview" in text
    assert [t.text for t in item.find_all(class_="govuk-tag")] == ["National Standards", "Complied"]


def test_national_standards_appointments_stand_out(alice_client, case, order):
    ns = contact(order, at(d(1, 5), 9))
    other = contact(order, at(d(1, 5), 11), type_code="COOO")
    page = tree(alice_client, case)
    assert entry(page, ns.pk).attrs.get("data-national-standards") == "true"
    assert "govuk-!-font-weight-regular" not in entry(page, ns.pk).find("h4").classes
    assert "data-national-standards" not in entry(page, other.pk).attrs
    assert "govuk-!-font-weight-regular" in entry(page, other.pk).find("h4").classes
    assert "National Standards" not in [t.text for t in entry(page, other.pk).find_all(class_="govuk-tag")]


# --- the compliance tag ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "extra", "label", "colour"),
    [
        ("ATTC", {}, "Complied", "green"),
        ("ATSS", {}, "Complied", "green"),
        ("AAME", {}, "Acceptable absence", "teal"),
        ("UAAB", {}, "Unacceptable absence", "red"),
        ("AFTC", {}, "Failed to comply", "red"),
        ("ATSH", {}, "Failed to comply", "red"),
        ("AFTA", {}, "Awaiting evidence", "yellow"),
        ("RSOF", {"reschedule_requested_by": "person"}, "Rescheduled by the person", "orange"),
        ("RSSR", {"reschedule_requested_by": "service"}, "Rescheduled by the service", "grey"),
        ("RSOF", {}, "Rescheduled by the person", "orange"),
        (None, {}, "Outcome not recorded", "blue"),
    ],
)
def test_compliance_tag(order, outcome, extra, label, colour):
    visit = contact(order, at(d(1, 5)), outcome=outcome, **extra)
    tag = compliance_tag(visit, timezone.now())
    assert (tag.label, tag.colour) == (label, colour)


def test_awaiting_evidence_tag_names_the_due_date(alice_client, case, order):
    absence = contact(order, at(d(1, 5)), outcome="AFTA", evidence_due=d(1, 12))
    assert compliance_tag(absence, timezone.now()).detail == "Evidence due by 12 January 2026"
    assert "Evidence due by 12 January 2026" in entry(tree(alice_client, case), absence.pk).text


def test_no_tag_for_communications_or_appointments_yet_to_happen(order):
    call = contact(order, at(d(1, 5)), type_code="CTOA")
    later = contact(order, at(d(1, 6)))
    assert compliance_tag(call, at(d(1, 7))) is None
    assert compliance_tag(later, at(d(1, 5))) is None


def test_enforcement_is_listed_under_its_appointment_with_due_dates(alice_client, case, order):
    failure = contact(order, at(d(1, 5)), outcome="UAAB")
    enforce(failure, "EA02", d(1, 6), response_due=d(1, 13), withdrawn_on=d(1, 9))
    enforce(failure, "IBR", d(1, 14), breach_pack_due=d(1, 28))
    items = entry(tree(alice_client, case), failure.pk).find_all("li")
    texts = [li.text for li in items if "data-enforcement" in li.attrs]
    assert texts == [
        "First warning letter sent on 6 January 2026 by Alice Allocated (withdrawn on 9 January 2026). "
        "Response due by 13 January 2026.",
        "Breach or recall initiated on 14 January 2026 by Alice Allocated. "
        "Breach pack due at court by 28 January 2026.",
    ]


# --- notes ----------------------------------------------------------------------------------------------


def _in_details(element) -> bool:
    return any(a.tag == "details" for a in element.ancestors())


def _note(page, note_row):
    return page.find(data_note=str(note_row.pk))


def test_short_notes_inline_long_notes_behind_a_disclosure(alice_client, case, order):
    visit = contact(order, at(d(1, 5)))
    short = note(visit, "Arrived on time.")
    long = note(visit, "Talked about housing. " * 30)
    many_lines = note(visit, "one\ntwo\nthree\nfour\nfive")
    page = tree(alice_client, case)
    assert not _in_details(_note(page, short))
    assert "Note added by Alice Allocated on" in _note(page, short).text
    for hidden in (long, many_lines):
        details = next(a for a in _note(page, hidden).ancestors() if a.tag == "details")
        assert details.find("summary").text == "Show the full note"
    # Appended notes keep their order.
    shown_notes = [int(n.attrs["data-note"]) for n in entry(page, visit.pk).iter() if "data-note" in n.attrs]
    assert shown_notes == [short.pk, long.pk, many_lines.pk]


def test_sensitive_notes_are_always_behind_a_disclosure_labelled_sensitive(alice_client, case, order):
    visit = contact(order, at(d(1, 5)))
    open_note = note(visit, "Routine check-in.")
    secret = note(visit, "Disclosed a new partner.", sensitive=True)
    response = get(alice_client, case)
    page = parse(response.content.decode())
    assert not _in_details(_note(page, open_note))
    details = next(a for a in _note(page, secret).ancestors() if a.tag == "details")
    assert details.classes == {"govuk-details"}
    assert "Sensitive" in details.find("summary").text
    assert "open" not in details.attrs
    assert response.content.decode().count("Disclosed a new partner.") == 1


def test_a_sensitive_contact_hides_its_description_and_every_note(alice_client, case, order):
    visit = contact(order, at(d(1, 5)), sensitive=True, description="Safeguarding concern raised")
    plain = note(visit, "Short note, but on a sensitive contact.")
    page = tree(alice_client, case)
    item = entry(page, visit.pk)
    details = item.find("details")
    assert details.find("summary").text == "Sensitive contact: show the description and notes"
    assert "Safeguarding concern raised" in details.text
    assert _in_details(_note(page, plain))
    outside = [c for c in item.find("div", class_="moj-timeline__description").children if c is not details]
    assert "Safeguarding concern raised" not in " ".join(c if isinstance(c, str) else c.text for c in outside)
    assert "Sensitive" in [t.text for t in item.find_all(class_="govuk-tag")]


# --- system-generated contacts --------------------------------------------------------------------------


def test_system_contacts_are_one_grey_line_and_can_be_hidden(alice_client, case, order):
    visit = contact(order, at(d(1, 5), 9))
    system = contact(order, at(d(1, 5), 10), type_code="ENFA", description="First warning letter sent.")
    page = tree(alice_client, case)
    line = entry(page, system.pk)
    assert line.attrs["data-system-generated"] == "true"
    assert line.find("p").classes >= {"govuk-body-s", "govuk-hint"}
    assert "Enforcement action: First warning letter sent." in line.text
    assert not line.find_all("h4")
    assert page.find("input", name="include_system").attrs.get("checked") is not None

    assert shown(alice_client, case, filtered="1") == [visit.pk]
    assert "checked" not in tree(alice_client, case, filtered="1").find("input", name="include_system").attrs
    assert shown(alice_client, case, filtered="1", include_system="on") == [visit.pk, system.pk]


# --- filters --------------------------------------------------------------------------------------------


@pytest.fixture
def mixed(order):
    """One contact of each kind and outcome, a day apart, keyed by what it is."""
    made = {}
    specs = [
        ("complied", "COAP", "ATTC"),
        ("acceptable", "COHV", "AAME"),
        ("unacceptable", "COAP", "UAAB"),
        ("failed", "COAP", "AFTC"),
        ("awaiting", "COAP", "AFTA"),
        ("no_outcome", "COAP", None),
        ("rescheduled", "COAP", "RSOF"),
        ("call", "CTOA", None),
        ("system", "ARWS", None),
    ]
    for offset, (name, code, outcome) in enumerate(specs):
        made[name] = contact(order, at(d(2, 1) + datetime.timedelta(days=offset)), code, outcome)
    return made


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("complied", ["complied"]),
        ("acceptable", ["acceptable"]),
        ("unacceptable", ["failed", "unacceptable"]),
        ("awaiting", ["awaiting"]),
        ("no-outcome", ["no_outcome"]),
        ("rescheduled", ["rescheduled"]),
    ],
)
def test_compliance_filter(alice_client, case, mixed, value, expected):
    ids = shown(alice_client, case, compliance=value)
    assert sorted(ids) == sorted(mixed[name].pk for name in expected)


def test_category_and_type_filters(alice_client, case, mixed):
    assert shown(alice_client, case, category="communication") == [mixed["call"].pk]
    assert shown(alice_client, case, category="enforcement") == [mixed["system"].pk]
    assert shown(alice_client, case, contact_type="COHV") == [mixed["acceptable"].pk]
    options = tree(alice_client, case).find("select", name="contact_type").find_all("optgroup")
    assert [group.attrs["label"] for group in options] == ["Appointment", "Communication", "Enforcement", "System"]


def test_date_filters_take_govuk_date_parts_or_iso_dates_and_include_both_ends(alice_client, case, order):
    before = contact(order, at(d(2, 2), 23, 30))
    first = contact(order, at(d(2, 3), 0, 0))
    last = contact(order, at(d(2, 5), 23, 59))
    after = contact(order, at(d(2, 6), 0, 0))
    parts = {"date_from_day": "3", "date_from_month": "2", "date_from_year": "2026"}
    parts |= {"date_to_day": "5", "date_to_month": "feb", "date_to_year": "2026"}
    assert shown(alice_client, case, **parts) == [last.pk, first.pk]
    assert shown(alice_client, case, date_from="2026-02-03", date_to="2026-02-05") == [last.pk, first.pk]
    assert shown(alice_client, case, date_from="2026-02-06") == [after.pk]
    assert shown(alice_client, case, date_to="2026-02-02") == [before.pk]
    page = tree(alice_client, case, date_from="2026-02-03")
    assert page.find("input", name="date_from_day").attrs["value"] == "3"


def test_keyword_searches_descriptions_types_and_notes(alice_client, case, order):
    described = contact(order, at(d(1, 5)), description="Talked about the HOUSING referral")
    noted = contact(order, at(d(1, 6)))
    note(noted, "Housing officer called back")
    contact(order, at(d(1, 7)), description="Employment")
    visit = contact(order, at(d(1, 8)), type_code="COHV")
    assert sorted(shown(alice_client, case, keyword="housing")) == [described.pk, noted.pk]
    assert shown(alice_client, case, keyword="  home   visit ") == [visit.pk]
    assert "No contacts match these filters." in tree(alice_client, case, keyword="nothing like it").text


def test_filters_combine(alice_client, case, mixed):
    assert shown(
        alice_client, case, category="appointment", compliance="unacceptable", date_from="2026-02-04"
    ) == [mixed["failed"].pk]


# --- invalid input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"date_from_day": "31", "date_from_month": "2", "date_from_year": "2026"},
            "From must be a real date",
        ),
        ({"date_from_day": "3", "date_from_year": "2026"}, "From must include a month"),
        ({"date_to_day": "3", "date_to_month": "2", "date_to_year": "26"}, "Year must include 4 numbers"),
        ({"date_from": "yesterday"}, "From must be a real date"),
        ({"date_from": "0001-01-01"}, "The ‘from’ date must be between 1900 and 2100"),
        ({"date_to": "9999-12-31"}, "The ‘to’ date must be between 1900 and 2100"),
        ({"date_from": "2026-02-05", "date_to": "2026-02-03"}, "The ‘to’ date must be the same as or after"),
        ({"category": "gossip"}, "Select a category from the list"),
        ({"contact_type": "NOPE"}, "Select a contact type from the list"),
        ({"compliance": "perfect"}, "Select a compliance option from the list"),
        ({"keyword": "x" * 101}, "Keyword must be 100 characters or fewer"),
        ({"page": "two"}, "Page must be a whole number"),
        ({"page": "0"}, "Page must be 1 or more"),
        ({"page": "99999999999999999999"}, "Page must be 100,000 or less"),
    ],
)
def test_bad_filter_input_shows_the_error_summary(alice_client, case, order, params, message):
    visit = contact(order, at(d(2, 4)))
    response = get(alice_client, case, **params)
    page = parse(response.content.decode())
    summary = page.find(class_="govuk-error-summary")
    assert message in summary.text
    assert page.find("title").text.startswith("Error: Activity log")
    # The rest of the page still works: the valid filters (none here) apply.
    assert [
        int(i.attrs["id"].removeprefix("contact-")) for i in page.find_all(class_="moj-timeline__item")
    ] in (
        [visit.pk],
        [],
    )


def test_valid_filters_still_apply_beside_an_invalid_one(alice_client, case, mixed):
    page = tree(alice_client, case, category="communication", compliance="perfect")
    assert page.find(class_="govuk-error-summary")
    assert [i.attrs["id"] for i in page.find_all(class_="moj-timeline__item")] == [
        f"contact-{mixed['call'].pk}"
    ]


def test_repeated_and_odd_parameters_never_fail(alice_client, case, order):
    response = alice_client.get(
        reverse("supervision:activity-log", args=[case.crn]),
        {"date_from_day": ["1", "2"], "keyword": "\x00", "page": "-1", "include_system": "maybe"},
    )
    assert response.status_code == 200


# --- pagination and query counts -------------------------------------------------------------------------


@pytest.fixture
def page_size_3(settings):
    settings.OPENPROBATION = {**settings.OPENPROBATION, "ACTIVITY_PAGE_SIZE": 3}


def test_pagination_by_contacts_with_previous_and_next(alice_client, case, order, page_size_3):
    # Two contacts on each of 1 to 3 February, one on 4 February: newest first, 3 a page.
    made = [contact(order, at(d(2, day), hour)) for day in (1, 2, 3) for hour in (9, 15)]
    made.append(contact(order, at(d(2, 4), 12)))
    feb1_9, feb1_15, feb2_9, feb2_15, feb3_9, feb3_15, feb4 = made  # noqa: F841 - names for reading

    first = tree(alice_client, case, keyword="", filtered="1", include_system="on")
    assert shown(alice_client, case) == [feb4.pk, feb3_9.pk, feb3_15.pk]
    assert shown(alice_client, case, page="2") == [feb2_9.pk, feb2_15.pk, feb1_15.pk]
    assert shown(alice_client, case, page="3") == [feb1_9.pk]
    assert shown(alice_client, case, page="4") == []
    assert "There are no more contacts." in tree(alice_client, case, page="4").text

    nav = first.find("nav", class_="govuk-pagination")
    assert [a.attrs["rel"] for a in nav.find_all("a")] == ["next"]
    assert "page=2" in nav.find("a").attrs["href"]
    assert "filtered=1" in nav.find("a").attrs["href"]  # filters carry over
    middle = tree(alice_client, case, page="2")
    assert [a.attrs["rel"] for a in middle.find("nav", class_="govuk-pagination").find_all("a")] == [
        "prev",
        "next",
    ]
    assert "Showing contacts 4 to 6" in middle.text
    # 1 February is split across pages 2 and 3.
    assert "Earlier contacts on this day are on the next page." in middle.text
    assert (
        "Continued: later contacts on this day are on the previous page"
        in tree(alice_client, case, page="3").text
    )
    assert not tree(alice_client, case, page="3").find_all("a", rel="next")


def _busy_history(order, count):
    """`count` appointments with two notes and an enforcement record each, plus a system line."""
    for offset in range(count):
        visit = contact(order, at(d(1, 1) + datetime.timedelta(days=offset)), outcome="UAAB")
        note(visit, "First note")
        note(visit, "Second note", sensitive=offset % 2 == 0)
        enforce(visit, "EA12", visit.starts_at.date(), response_due=visit.starts_at.date())
        contact(order, visit.starts_at + datetime.timedelta(hours=2), type_code="ENFA")


def test_queries_are_fixed_whatever_the_page_holds(alice_client, case, order, django_assert_max_num_queries):
    url = reverse("supervision:activity-log", args=[case.crn])
    _busy_history(order, 1)
    alice_client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as few:
        alice_client.get(url)
    _busy_history(order, 40)
    with CaptureQueriesContext(connection) as many:
        response = alice_client.get(url)
    assert response.status_code == 200
    assert len(parse(response.content.decode()).find_all(class_="moj-timeline__item")) == 50
    assert len(many) == len(few)
    # Session, user, case and read audit, the contact types for the filter, the page of contacts, the
    # sentences they count towards (a primary-key prefetch: see activity_contacts), their notes, their
    # enforcement records, and the session's expiry.
    with django_assert_max_num_queries(10):
        response = alice_client.get(url, {"keyword": "note", "compliance": "unacceptable"})
    assert len(parse(response.content.decode()).find_all(class_="moj-timeline__item")) == 41


def test_a_long_history_reads_one_page_without_counting_it(alice_client, case, order, alice):
    coap = ContactType.objects.get(code="COAP")
    start = at(d(1, 1, 2020))
    Contact.objects.bulk_create(
        Contact(
            person=case,
            sentence=order,
            contact_type=coap,
            starts_at=start + datetime.timedelta(hours=12 * n),
            staff=alice,
            created_by=alice,
        )
        for n in range(2100)
    )
    url = reverse("supervision:activity-log", args=[case.crn])
    for page in ("1", "30", "43"):
        with CaptureQueriesContext(connection) as captured:
            response = alice_client.get(url, {"page": page})
        assert response.status_code == 200
        sql = " ".join(q["sql"] for q in captured.captured_queries).upper()
        assert "COUNT(" not in sql
        assert "LIMIT 52" in sql or "LIMIT 51" in sql
    assert len(parse(response.content.decode()).find_all(class_="moj-timeline__item")) == 2100 - 42 * 50


# --- access -----------------------------------------------------------------------------------------------


def test_reading_the_log_is_audited_and_a_missing_case_is_not_found(alice_client, case, alice):
    get(alice_client, case)
    assert AccessEvent.objects.filter(user=alice, crn=case.crn, part="activity-log", granted=True).exists()
    assert alice_client.get(reverse("supervision:activity-log", args=["Z999999"])).status_code == 404


def test_signed_out_users_are_sent_to_sign_in(client, case):
    response = client.get(reverse("supervision:activity-log", args=[case.crn]))
    assert response.status_code == 302
    assert "/sign-in/" in response["Location"]
