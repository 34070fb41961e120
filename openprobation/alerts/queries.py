"""Read models for 'needs your attention' lists: fixed queries whatever the list length."""

from django.db.models import Q

from openprobation.access.case import people_visible_to

from .models import Alert


def open_alerts_for_owner(user):
    """Alerts the user owns or that were escalated to them, on cases they may see, most urgent first."""
    return (
        Alert.objects.filter(closed_at__isnull=True, person__in=people_visible_to(user))
        .filter(Q(owner=user) | Q(escalated_to=user))
        .select_related("person", "owner", "escalated_to")
        .order_by("due", "-raised_at")
    )


def open_alerts_for_team(user, team):
    return (
        Alert.objects.filter(closed_at__isnull=True, person__team=team, person__in=people_visible_to(user))
        .select_related("person", "owner", "escalated_to")
        .order_by("due", "-raised_at")
    )


def open_alerts_for_case(person):
    return Alert.objects.filter(person=person, closed_at__isnull=True).select_related("owner", "escalated_to")
