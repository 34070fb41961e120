"""`{% load access %}`: links that respect what the viewer's role may open, and changes it may make."""

from django import template

from openprobation.people.case_tabs import landing_url

register = template.Library()


@register.simple_tag(takes_context=True)
def case_url(context, crn):
    """The case page this user lands on from a list: the overview, or the access log for the data protection
    officer, whose role reads no case content."""
    return landing_url(context["request"].user)(crn)


@register.filter
def may_change(person, part):
    """`{% if person|may_change:"sentence" %}`: may the viewer change this part of the case? Case pages show
    "Change", "Add" and action buttons only then. It asks the viewer's role through `person.case_access`, which
    `case_for` set when it read the case: no query. A person not read through `case_for` offers no change."""
    access = getattr(person, "case_access", None)
    if access is None:
        return False
    return access.may_change(part)
