"""Tags for risk levels and tiers, so that a level looks the same on every page."""

from django import template
from django.utils.html import format_html

from ..models import RoshLevel

register = template.Library()

ROSH_COLOURS = {"low": "green", "medium": "yellow", "high": "orange", "very_high": "red"}
TIER_COLOURS = {"A": "red", "B": "orange", "C": "yellow", "D": "purple", "E": "turquoise", "F": "green", "G": "green"}


@register.simple_tag
def rosh_tag(level):
    """A coloured GOV.UK tag for a risk of serious harm level ("low" ... "very_high"); nothing for none."""
    if level not in ROSH_COLOURS:
        return ""
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', ROSH_COLOURS[level], RoshLevel(level).label)


@register.simple_tag
def tier_tag(calculation):
    if calculation is None or not calculation.tier:
        return format_html('<strong class="govuk-tag govuk-tag--grey">{}</strong>', "Not calculated")
    colour = TIER_COLOURS.get(calculation.tier[0], "grey") if calculation.tier[0] in TIER_COLOURS else "grey"
    label = calculation.tier.replace("_", " ").capitalize() if len(calculation.tier) > 3 else calculation.tier
    text = label + (" (provisional)" if calculation.provisional else "")
    return format_html('<strong class="govuk-tag govuk-tag--{}">Tier {}</strong>', colour, text)


@register.filter
def iso_date(value):
    """A date written YYYY-MM-DD in a plan snapshot, as a date."""
    import datetime

    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None
