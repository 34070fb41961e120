"""The session store: Django's database sessions, with a cheaper save for a session that did not change.

Sessions expire after ``SESSION_COOKIE_AGE`` without a request, so ``SESSION_SAVE_EVERY_REQUEST`` saves the
session on every request to push its expiry on (docs/security.md). Django's store does that by encoding and
signing the whole session again and rewriting the row inside a transaction: three statements (BEGIN, UPDATE,
COMMIT) on every page. Most requests change nothing in the session, so here an unchanged session only has its
expiry moved on, in one UPDATE of ``expire_date``. The expiry is the same one Django would write, on every
request, and a changed session (sign-in, a second factor verified, a flash message) is saved exactly as
Django saves it.

An unchanged session's row is not rewritten with the copy of the data this request loaded, so a concurrent
request that did change the session keeps its change.

Nor is its expiry moved on when it already stands within ``EXPIRY_SLACK`` of where this request would put
it: a practitioner clicking through a case sends several requests a minute, and each would otherwise write
(and flush to disk) the same row. So the idle timeout runs from the last request, or up to a minute before
it: a session idle for 30 minutes is always gone, one idle for 29 may be.

The session is read with one hand-written SELECT (`_session_sql`, through ``core.querysets.fetch_instance``)
rather than the ORM's ``get()``: every page reads it, and compiling that lookup cost 0.25 ms against the
0.09 ms of the query itself.
"""

import datetime
import functools

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone

from .querysets import concrete_columns, fetch_instance

# How far behind this request's expiry a stored expiry may be and still stand (see above).
EXPIRY_SLACK = datetime.timedelta(seconds=60)


@functools.cache
def _session_sql(model, alias: str) -> str:
    """The session with this key that has not expired: only quoted names from the model's metadata, values %s."""
    qn = connections[alias].ops.quote_name
    meta = model._meta
    key, expiry = (qn(meta.get_field(name).column) for name in ("session_key", "expire_date"))
    return (f"SELECT {concrete_columns(model, alias)} FROM {qn(meta.db_table)}"  # noqa: S608 - quoted names only
            f" WHERE {key} = %s AND {expiry} > %s")


class SessionStore(DatabaseSessionStore):
    _stored_expiry = None

    def _get_session_from_db(self):
        alias = router.db_for_read(self.model)
        now = connections[alias].ops.adapt_datetimefield_value(timezone.now())
        found = fetch_instance(self.model, _session_sql(self.model, alias), [self.session_key, now], using=alias)
        if found is None:
            self._session_key = None  # as Django's store does for a missing or expired session
            self._stored_expiry = None
            return None
        session, _ = found
        self._stored_expiry = session.expire_date
        return session

    async def _aget_session_from_db(self):
        session = await super()._aget_session_from_db()
        self._stored_expiry = session.expire_date if session is not None else None
        return session

    def _expiry_stands(self, expiry) -> bool:
        return self._stored_expiry is not None and expiry - self._stored_expiry < EXPIRY_SLACK

    def _only_expiry_changed(self, must_create: bool) -> bool:
        # `_session_cache` is there once the data was loaded: a session never read is saved the usual way.
        return not must_create and not self.modified and self.session_key is not None and hasattr(
            self, "_session_cache"
        )

    def save(self, must_create=False):
        if not self._only_expiry_changed(must_create):
            return super().save(must_create=must_create)
        expiry = self.get_expiry_date()
        if self._expiry_stands(expiry):
            return None
        updated = self.model.objects.filter(session_key=self.session_key).update(expire_date=expiry)
        if not updated:
            raise UpdateError  # the row went (signed out elsewhere, cleared): as Django's forced update does
        return None

    async def asave(self, must_create=False):
        if not self._only_expiry_changed(must_create):
            return await super().asave(must_create=must_create)
        expiry = await self.aget_expiry_date()
        if self._expiry_stands(expiry):
            return None
        updated = await self.model.objects.filter(session_key=self.session_key).aupdate(expire_date=expiry)
        if not updated:
            raise UpdateError
        return None
