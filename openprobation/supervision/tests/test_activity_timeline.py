"""The activity log's timeline markup (supervision/views/timeline.py): every value escaped, the markup the
MoJ and GOV.UK components give, and a page's queries fixed."""

import datetime

from django.template.defaultfilters import linebreaksbr
from django.urls import reverse

from openprobation.frontend.tests.htmltree import parse
from openprobation.supervision.tests.test_activity import at, contact, d, enforce, get, note, order  # noqa: F401

HOSTILE = '<script>alert("x")</script> & \'quoted\''


def test_descriptions_notes_and_names_are_escaped(alice_client, case, order):  # noqa: F811
    visit = contact(order, at(d(3, 2)), outcome="ATTC", description=HOSTILE, reschedule_reason=HOSTILE)
    note(visit, HOSTILE + "\nsecond line")
    system = contact(order, at(d(3, 2), 12), type_code="ENFA", description=HOSTILE)
    html = get(alice_client, case).content.decode()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;quoted&#x27;" in html
    page = parse(html)
    entry = page.find(id=f"contact-{visit.pk}")
    assert f"Reason for rescheduling: {HOSTILE}" in entry.text
    (shown_note,) = [n for n in entry.iter() if "data-note" in getattr(n, "attrs", {})]
    assert HOSTILE in shown_note.text
    assert shown_note.find("br") is not None  # the note's line break
    assert HOSTILE in page.find(id=f"contact-{system.pk}").text


def test_an_entry_has_the_timeline_markup(alice_client, case, order, alice):  # noqa: F811
    visit = contact(order, at(d(3, 2), 14, 30), outcome="UAAB", ends_at=at(d(3, 2), 15))
    enforce(visit, "EA12", d(3, 3), response_due=d(3, 10))
    page = parse(get(alice_client, case).content.decode())
    section = page.find("section", aria_labelledby="day-2026-03-02")
    assert section.find("h3").attrs["id"] == "day-2026-03-02"
    assert "Monday 2 March 2026" in section.find("h3").text
    item = section.find(id=f"contact-{visit.pk}")
    link = item.find("h4").find("a")
    assert link.attrs["href"] == reverse("supervision:appointment", args=[case.crn, visit.pk])
    assert item.find("p", class_="moj-timeline__byline").text.strip() == f"by {alice}"
    time = item.find("time")
    assert time.attrs["datetime"] == "2026-03-02T14:30:00+00:00"
    assert "2:30pm to 3pm" in item.find("p", class_="moj-timeline__date").text
    tags = [tag.text for tag in item.find_all(class_="govuk-tag")]
    assert "Unacceptable absence" in tags
    keys = [dt.text for dt in item.find_all("dt")]
    assert "Counts towards" in keys
    assert "Outcome" in keys
    record = item.find(data_enforcement="EA12")
    assert "Response due by 10 March 2026." in record.text


def test_a_page_of_fifty_entries_costs_the_same_queries_as_one(
    alice_client, case, order, django_assert_max_num_queries  # noqa: F811
):
    url = reverse("supervision:activity-log", args=[case.crn])
    for offset in range(60):
        visit = contact(order, at(d(1, 1) + datetime.timedelta(days=offset)), outcome="UAAB")
        note(visit, "A note")
        enforce(visit, "EA12", visit.starts_at.date())
    alice_client.get(url)
    # Session and user (2), case and read audit (2), contact types for the filter, the page of contacts,
    # the sentences they count towards, their notes, their enforcement records, the session's expiry (1).
    with django_assert_max_num_queries(10):
        response = alice_client.get(url)
    assert len(parse(response.content.decode()).find_all(class_="moj-timeline__item")) == 50


def test_notes_keep_their_line_breaks_as_linebreaksbr_gives_them(alice_client, case, order):  # noqa: F811
    text = "First <b>line</b>\r\nsecond line\rthird line\nfourth & last"
    note(contact(order, at(d(3, 2))), text)
    assert str(linebreaksbr(text, autoescape=True)) in get(alice_client, case).content.decode()
