"""Loaded with `-p` before pytest-django configures Django, so settings see a test run.

Tests get fast hashing, immediate tasks and plain static storage (see settings.py).
"""

import os

os.environ["OPENPROBATION_TESTING"] = "1"
# Browser tests drive a live server from the same thread as the ORM.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
