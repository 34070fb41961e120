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
"""

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    def _only_expiry_changed(self, must_create: bool) -> bool:
        # `_session_cache` is there once the data was loaded: a session never read is saved the usual way.
        return not must_create and not self.modified and self.session_key is not None and hasattr(
            self, "_session_cache"
        )

    def save(self, must_create=False):
        if not self._only_expiry_changed(must_create):
            return super().save(must_create=must_create)
        updated = self.model.objects.filter(session_key=self.session_key).update(
            expire_date=self.get_expiry_date()
        )
        if not updated:
            raise UpdateError  # the row went (signed out elsewhere, cleared): as Django's forced update does
        return None

    async def asave(self, must_create=False):
        if not self._only_expiry_changed(must_create):
            return await super().asave(must_create=must_create)
        updated = await self.model.objects.filter(session_key=self.session_key).aupdate(
            expire_date=await self.aget_expiry_date()
        )
        if not updated:
            raise UpdateError
        return None
