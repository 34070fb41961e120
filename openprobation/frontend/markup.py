"""Markup built in Python for the pages that show many rows: ``html`` is ``format_html`` without its costs.

A page of 50 timeline entries or 100 caseload rows written through template includes and tags pays a
context lookup for every variable and a render for every node, often more than the page's SQL. These
helpers write the same markup directly. Every argument goes through ``escaped``, which is
``conditional_escape`` (safe HTML as it is, anything else ``html.escape``d) without the lazy-string
wrapper Django puts around every single call.
"""

import html as _html

from django.utils.functional import Promise
from django.utils.safestring import SafeString

EMPTY = SafeString("")


def escaped(value) -> str:
    """``conditional_escape``: safe HTML as it is, anything else escaped (the same ``html.escape`` of ``str``)."""
    if type(value) is str:  # most values: plain text from the database
        return _html.escape(value)
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return _html.escape(str(value))


def html(template: str, *args) -> SafeString:
    """``format_html``: ``template`` is trusted markup with ``{}`` for each argument, every argument escaped."""
    # SafeString(...) is what mark_safe returns for a str, without the lazy-string check mark_safe pays on
    # every call (a page makes hundreds of these).
    return SafeString(template.format(*map(escaped, args)))


def join(parts) -> SafeString:
    """Safe pieces (each from ``html``, or EMPTY) joined: still safe."""
    return SafeString("".join(parts))
