"""The session store: an unchanged session only has its expiry moved on; a changed one is saved in full."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from openprobation.core.sessions import EXPIRY_SLACK, SessionStore


def _session_statements(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if '"django_session"' in q["sql"]]


def _saved_session() -> SessionStore:
    """A new session holding one value, saved."""
    store = SessionStore()
    store["colour"] = "blue"
    store.save()
    return store


def test_the_project_uses_this_store():
    assert settings.SESSION_ENGINE == "openprobation.core.sessions"
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_a_request_that_changes_nothing_moves_the_expiry_on_in_one_update(alice_client, monkeypatch):
    url = reverse("caseload:mine")
    alice_client.get(url)
    key = alice_client.cookies[settings.SESSION_COOKIE_NAME].value
    before = Session.objects.get(session_key=key)
    start = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: start + datetime.timedelta(minutes=10))

    with CaptureQueriesContext(connection) as queries:
        response = alice_client.get(url)

    assert response.status_code == 200
    writes = [sql for sql in _session_statements(queries) if not sql.lstrip().upper().startswith("SELECT")]
    assert len(writes) == 1
    assert writes[0].lstrip().upper().startswith("UPDATE")
    assert '"session_data"' not in writes[0]
    after = Session.objects.get(session_key=key)
    assert after.session_data == before.session_data
    assert after.expire_date == start + datetime.timedelta(minutes=10, seconds=settings.SESSION_COOKIE_AGE)
    # The browser's cookie is renewed too, as on every request.
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.SESSION_COOKIE_AGE


@pytest.mark.django_db
def test_a_changed_session_is_saved_in_full():
    store = _saved_session()
    again = SessionStore(session_key=store.session_key)
    assert again["colour"] == "blue"
    again["colour"] = "green"
    again.save()
    assert SessionStore(session_key=store.session_key)["colour"] == "green"


@pytest.mark.django_db
def test_an_unchanged_session_keeps_a_change_another_request_saved_meanwhile():
    store = _saved_session()
    reader = SessionStore(session_key=store.session_key)
    assert reader["colour"] == "blue"  # loaded, not changed
    writer = SessionStore(session_key=store.session_key)
    writer["colour"] = "green"
    writer.save()
    reader.save()
    assert SessionStore(session_key=store.session_key)["colour"] == "green"


def _later(monkeypatch, seconds: float):
    start = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: start + datetime.timedelta(seconds=seconds))


@pytest.mark.django_db
def test_an_unchanged_session_whose_row_has_gone_is_an_update_error(monkeypatch):
    store = _saved_session()
    reader = SessionStore(session_key=store.session_key)
    assert reader["colour"] == "blue"
    Session.objects.filter(session_key=store.session_key).delete()
    _later(monkeypatch, EXPIRY_SLACK.total_seconds() + 1)
    with pytest.raises(UpdateError):
        reader.save()


@pytest.mark.django_db
@pytest.mark.parametrize("seconds", [0, 59])
def test_an_expiry_already_within_a_minute_is_not_written_again(monkeypatch, seconds):
    store = _saved_session()
    stored = Session.objects.get(session_key=store.session_key).expire_date
    _later(monkeypatch, seconds)
    reader = SessionStore(session_key=store.session_key)
    assert reader["colour"] == "blue"
    with CaptureQueriesContext(connection) as queries:
        reader.save()
    assert _session_statements(queries) == []
    assert Session.objects.get(session_key=store.session_key).expire_date == stored


@pytest.mark.django_db
def test_an_expiry_a_minute_behind_is_moved_on(monkeypatch):
    store = _saved_session()
    _later(monkeypatch, 61)
    reader = SessionStore(session_key=store.session_key)
    assert reader["colour"] == "blue"
    reader.save()
    assert Session.objects.get(session_key=store.session_key).expire_date == reader.get_expiry_date()


@pytest.mark.django_db
def test_the_idle_timeout_runs_from_the_last_expiry_written(monkeypatch):
    start = timezone.now()
    store = _saved_session()  # expires at start + the session age
    monkeypatch.setattr(timezone, "now", lambda: start + datetime.timedelta(seconds=30))
    reader = SessionStore(session_key=store.session_key)
    assert reader["colour"] == "blue"
    reader.save()  # inside the slack: nothing written
    # A session age after the first request (not the second) it is gone: at most a minute early.
    monkeypatch.setattr(timezone, "now", lambda: start + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 1))
    assert SessionStore(session_key=store.session_key).get("colour") is None


@pytest.mark.django_db
def test_a_session_reads_until_its_expiry_then_reads_empty_and_loses_its_key(monkeypatch):
    store = _saved_session()
    expiry = Session.objects.get(session_key=store.session_key).expire_date
    monkeypatch.setattr(timezone, "now", lambda: expiry - datetime.timedelta(seconds=1))
    reader = SessionStore(session_key=store.session_key)
    assert reader["colour"] == "blue"
    assert reader._stored_expiry == expiry
    monkeypatch.setattr(timezone, "now", lambda: expiry)
    expired = SessionStore(session_key=store.session_key)
    assert expired.get("colour") is None
    assert expired.session_key is None  # a new session, with a new key, if anything is saved
    unknown = SessionStore(session_key="x" * 32)
    assert unknown.get("colour") is None
    assert unknown.session_key is None
