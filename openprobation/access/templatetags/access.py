"""`{% load access %}`: links that respect what the viewer's role may open."""

from django import template
from django.urls import reverse

from .. import permissions

register = template.Library()

LANDING_URLS = {
    permissions.OVERVIEW: "case:overview",
    permissions.ACCESS_LOG: "case-access:access-log",
}


@register.simple_tag(takes_context=True)
def case_url(context, crn):
    """The case page this user lands on from a list: the overview, or the access log for the data protection
    officer, whose role reads no case content."""
    user = context["request"].user
    part = permissions.landing_part(user)
    return reverse(LANDING_URLS.get(part, "case:overview"), args=[crn])
