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

from openprobation.core.sessions import SessionStore


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


@pytest.mark.django_db
def test_an_unchanged_session_whose_row_has_gone_is_an_update_error():
    store = _saved_session()
    reader = SessionStore(session_key=store.session_key)
    assert reader["colour"] == "blue"
    Session.objects.filter(session_key=store.session_key).delete()
    with pytest.raises(UpdateError):
        reader.save()


@pytest.mark.django_db
def test_an_expired_session_is_not_revived():
    store = _saved_session()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    reader = SessionStore(session_key=store.session_key)
    assert reader.get("colour") is None
    reader.save()  # a new, empty session under a new key, as with Django's store
    assert reader.session_key != store.session_key
    assert not Session.objects.filter(session_key=store.session_key, expire_date__gt=timezone.now()).exists()
