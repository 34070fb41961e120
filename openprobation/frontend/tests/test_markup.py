"""frontend.markup: the same escaping as Django's format_html and conditional_escape."""

from django.utils.functional import lazy
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from openprobation.frontend.markup import EMPTY, escaped, html, join

HOSTILE = '<script>alert("x")</script> & \'quoted\''


def test_html_escapes_every_argument_as_format_html_does():
    lazy_text = lazy(lambda: HOSTILE, str)()
    lazy_safe = lazy(lambda: mark_safe("<i>safe</i>"), str)()
    for value in (HOSTILE, 42, None, SafeString("<b>kept</b>"), lazy_text, lazy_safe):
        assert html("<p>{}</p>", value) == format_html("<p>{}</p>", value)
        assert escaped(value) == conditional_escape(value)


def test_joined_pieces_stay_safe():
    joined = join([html("<b>{}</b>", "<"), EMPTY, html("<i>{}</i>", ">")])
    assert joined == "<b>&lt;</b><i>&gt;</i>"
    assert conditional_escape(joined) == joined
