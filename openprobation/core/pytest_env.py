"""Loaded with `-p` before pytest-django configures Django, so settings see a test run.

Tests get fast hashing, immediate tasks and plain static storage (see settings.py).
"""

import os
import threading

os.environ["OPENPROBATION_TESTING"] = "1"
# Browser tests drive a live server from the same thread as the ORM.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# One set of database connections per thread, as in production. Django keeps a thread's connections in
# context-local storage whenever an event loop is running in that thread, and Playwright's synchronous API
# leaves its loop marked as running in the main thread from the first browser journey on. Every test after
# that would otherwise open a second connection beside the first: the first stays open, is inherited by the
# processes the parallel demo load forks (their protocol streams then interleave with the parent's), and
# keeps the PostgreSQL test database from being dropped at the end of the run. (Django itself swaps a
# handler's storage the same way for task backends.)
from django.db import connections  # noqa: E402

connections._connections = threading.local()
