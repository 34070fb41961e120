"""Syncing a batch of alerts: bulk creation with audit events, a fixed number of queries, nothing written when
nothing changed, cleared and no-owner semantics."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openprobation.alerts import sync
from openprobation.alerts.actions import close_alert
from openprobation.alerts.models import Alert
from openprobation.alerts.sync import AlertSpec, person_batches, sync_people_alerts
from openprobation.audit.models import AuditEvent
from openprobation.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)
REASONS = ("check_one", "check_two")


def spec(person, owner, subject="thing:1", reason="check_one", **overrides):
    values = dict(person=person, subject_key=subject, owner=owner, due=TODAY, title="Something is late",
                  summary="It was due on 1 November 2026 and has not been done since.", next_step="Do it",
                  onset=datetime.date(2026, 11, 2), evidence={"due": datetime.date(2026, 11, 1)}, reason=reason,
                  severity="routine")
    values.update(overrides)
    return AlertSpec(**values)


def writes(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries
            if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


@pytest.fixture
def people(alice):
    return [PersonFactory(practitioner=alice) for _ in range(6)]


def all_people():
    return next(person_batches())


def test_new_alerts_are_created_in_bulk_each_with_its_audit_event_and_version(people, alice, mandy):
    specs = [spec(p, alice, subject=f"thing:{p.pk}") for p in people]
    specs[0] = spec(people[0], alice, subject=f"thing:{people[0].pk}", escalate_to=mandy,
                    escalation_reason="Started on 1 October 2026 and still not done after 28 days.")
    before = AuditEvent.objects.count()
    counts = sync_people_alerts(reasons=REASONS, people=all_people(), specs=specs, today=TODAY)
    assert counts["raised"] == 6
    assert counts["escalated"] == 1
    assert AuditEvent.objects.count() == before + 6
    raised = AuditEvent.objects.filter(verb="alert_raised").order_by("seq")
    assert {e.object_id for e in raised} == {str(a.pk) for a in Alert.objects.all()}
    escalated = Alert.objects.get(person=people[0])
    assert (escalated.escalated_to, escalated.escalated_at is not None) == (mandy, True)
    assert escalated.evidence == {"due": "2026-11-01"}
    assert all(a.history.count() == 1 for a in Alert.objects.all())


def test_an_unchanged_batch_costs_a_fixed_number_of_queries_and_writes_nothing(
        people, alice, django_assert_max_num_queries):
    def specs():
        return [spec(p, alice, subject=f"thing:{p.pk}:{n}", reason=REASONS[n % 2]) for p in people for n in range(3)]

    sync_people_alerts(reasons=REASONS, people=all_people(), specs=specs(), today=TODAY)
    audit, everyone, wanted = AuditEvent.objects.count(), all_people(), specs()
    with django_assert_max_num_queries(1), CaptureQueriesContext(connection) as captured:
        counts = sync_people_alerts(reasons=REASONS, people=everyone, specs=wanted,
                                    today=TODAY + datetime.timedelta(days=1))
    assert counts == {"unchanged": 18}
    assert writes(captured) == []
    assert AuditEvent.objects.count() == audit


def test_a_changed_alert_is_refreshed_through_raise_alert(people, alice):
    person = people[0]
    sync_people_alerts(reasons=REASONS, people=all_people(), specs=[spec(person, alice)], today=TODAY)
    counts = sync_people_alerts(reasons=REASONS, people=all_people(),
                                specs=[spec(person, alice, severity="high", due=TODAY - datetime.timedelta(days=3))],
                                today=TODAY)
    assert counts == {"refreshed": 1}
    alert = Alert.objects.get()
    assert (alert.severity, alert.due) == ("high", TODAY - datetime.timedelta(days=3))


def test_an_alert_no_longer_found_is_cleared_once_and_only_for_the_reasons_that_clear(people, alice):
    person = people[0]
    sync_people_alerts(reasons=REASONS, people=all_people(),
                       specs=[spec(person, alice), spec(person, alice, reason="check_two")], today=TODAY)
    counts = sync_people_alerts(reasons=REASONS, people=all_people(), specs=[], today=TODAY, clear=["check_one"])
    assert counts == {"cleared": 1}
    assert "cleared_on" in Alert.objects.get(reason="check_one").evidence
    assert "cleared_on" not in Alert.objects.get(reason="check_two").evidence
    assert sync_people_alerts(reasons=REASONS, people=all_people(), specs=[], today=TODAY,
                              clear=["check_one"]) == {}
    assert Alert.objects.filter(closed_at__isnull=True).count() == 2  # never closed by the machine


def test_nobody_to_own_it_keeps_the_open_alert_as_it_is(people, alice):
    person = people[0]
    sync_people_alerts(reasons=REASONS, people=all_people(), specs=[spec(person, alice)], today=TODAY)
    counts = sync_people_alerts(reasons=REASONS, people=all_people(), specs=[spec(person, None)], today=TODAY)
    assert counts == {"no_owner": 1}
    assert "cleared_on" not in Alert.objects.get().evidence


def test_a_decision_on_or_after_the_onset_suppresses_until_a_later_onset(people, alice):
    person = people[0]
    sync_people_alerts(reasons=REASONS, people=all_people(), specs=[spec(person, alice)], today=TODAY)
    close_alert(Alert.objects.get(), by=alice, decision="accepted", rationale="Agreed with the manager")
    assert sync_people_alerts(reasons=REASONS, people=all_people(), specs=[spec(person, alice)],
                              today=TODAY) == {"suppressed": 1}
    later = spec(person, alice, onset=TODAY + datetime.timedelta(days=400))
    assert sync_people_alerts(reasons=REASONS, people=all_people(), specs=[later], today=TODAY)["raised"] == 1


def test_a_chunk_that_meets_an_alert_raised_meanwhile_falls_back_to_raise_alert(people, alice, monkeypatch):
    person = people[0]
    sync_people_alerts(reasons=REASONS, people=all_people(), specs=[spec(person, alice)], today=TODAY)
    # The sweep read no open alert (another process raised it after the read): the insert meets the constraint.
    monkeypatch.setattr(sync, "_unchanged", lambda alert, spec: False)
    real_apply = sync._apply
    monkeypatch.setattr(sync, "_apply", lambda open_alerts, specs, today, clear: real_apply({}, specs, today,
                                                                                         clear=clear))
    counts = sync_people_alerts(reasons=REASONS, people=all_people(),
                                specs=[spec(person, alice, summary="New words"), spec(people[1], alice)], today=TODAY)
    assert counts == {"refreshed": 1, "raised": 1}
    assert Alert.objects.get(person=person).summary == "New words"
    assert Alert.objects.count() == 2


def test_person_batches_cover_everyone_once_in_ranges(people):
    seen = []
    for batch in person_batches(batch_size=4):
        seen.extend(PersonFactory._meta.model.objects.filter(
            **{k.replace("person_id", "pk"): v for k, v in batch.children}).values_list("pk", flat=True))
    assert sorted(seen) == sorted(p.pk for p in PersonFactory._meta.model.objects.all())
    assert [len(b.children[0][1]) for b in person_batches([p.pk for p in people], batch_size=4)] == [4, 2]
