"""Read models for the access pages: a fixed number of queries whatever the list length."""

import datetime
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.utils import timezone

from openprobation.people.models import Person
from openprobation.staff.models import Role, User

from .case import RESTRICTED, people_listed_for
from .models import AccessEvent, CaseShare, Exclusion, InspectionSample, LimitedAccessMessages, Restriction

ACCESS_LOG_PAGE_SIZE = 50
ROLE_LABELS = dict(Role.choices)


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def access_events(crn: str, filters: dict):
    """The AccessEvents of one case, newest first, narrowed by the filters of `AccessLogFilterForm`."""
    events = AccessEvent.objects.filter(crn=crn).select_related("user").order_by("-at", "-id")
    if filters.get("user"):
        events = events.filter(user_id=filters["user"])
    if filters.get("part"):
        events = events.filter(part=filters["part"])
    if filters.get("outcome") == "granted":
        events = events.filter(granted=True)
    if filters.get("outcome") == "denied":
        events = events.filter(granted=False)
    if filters.get("date_from"):
        events = events.filter(at__gte=_start_of(filters["date_from"]))
    if filters.get("date_to"):
        events = events.filter(at__lt=_start_of(filters["date_to"] + datetime.timedelta(days=1)))
    return events


def access_log_page(crn: str, filters: dict, page_number):
    return Paginator(access_events(crn, filters), ACCESS_LOG_PAGE_SIZE).get_page(page_number)


def access_log_choices(crn: str) -> tuple[list, list[str]]:
    """The users and parts that appear in the case's log, for the filter lists (two queries)."""
    user_ids = AccessEvent.objects.filter(crn=crn).values("user_id").distinct()
    users = list(User.objects.filter(pk__in=user_ids).order_by("last_name", "first_name", "username"))
    parts = sorted(AccessEvent.objects.filter(crn=crn).values_list("part", flat=True).distinct())
    return users, parts


DENIAL_LABELS = {
    "no-such-case": "No case has this CRN",
    "not-in-scope": "Their role does not reach this case",
    "excluded": "On the exclusion list",
    "restricted": "Not on the restriction list",
    "role": "Their role may not read this part",
    "read-only": "Their role may only read this part",
    "inactive": "Account not active",
}


def role_label(code: str) -> str:
    return ROLE_LABELS.get(code, code or "Not recorded")


def denial_label(code: str) -> str:
    return DENIAL_LABELS.get(code, code)


CSV_HEADER = ["When", "Username", "Name", "Role at the time", "Part", "Outcome", "Reason refused", "IP address", "Path"]


def access_log_csv_rows(crn: str, filters: dict):
    """Every matching event as CSV cells, streamed in chunks so a long log never sits in memory."""
    yield CSV_HEADER
    for event in access_events(crn, filters).iterator(chunk_size=2000):
        yield [
            timezone.localtime(event.at).isoformat(timespec="seconds"),
            event.user.username,
            str(event.user),
            role_label(event.role),
            event.part,
            "Granted" if event.granted else "Refused",
            denial_label(event.denied_because),
            event.ip_address or "",
            event.path,
        ]


@dataclass
class LimitedAccessLists:
    exclusions: list
    restrictions: list
    messages: LimitedAccessMessages | None
    restriction_in_force: bool


def limited_access_lists(person: Person, today: datetime.date) -> LimitedAccessLists:
    exclusions = list(
        Exclusion.objects.filter(person=person).select_related("user", "added_by", "ended_by")
        .order_by("-start_date", "-id")
    )
    restrictions = list(
        Restriction.objects.filter(person=person).select_related("user", "added_by", "ended_by")
        .order_by("-start_date", "-id")
    )
    messages = LimitedAccessMessages.objects.filter(person=person).select_related("updated_by").first()
    for entry in exclusions + restrictions:
        entry.in_force = entry.is_active(today)
        entry.upcoming = entry.start_date > today and not entry.ended_at
        entry.may_end = entry.end_date is None or entry.end_date > today
    return LimitedAccessLists(
        exclusions=exclusions,
        restrictions=restrictions,
        messages=messages,
        restriction_in_force=any(r.in_force for r in restrictions),
    )


def case_shares(person: Person, today: datetime.date) -> list[CaseShare]:
    shares = list(
        CaseShare.objects.filter(person=person).select_related("partner", "added_by", "ended_by")
        .order_by("-start_date", "-id")
    )
    for share in shares:
        share.in_force = share.is_active(today)
        share.may_end = share.end_date is None or share.end_date > today
    return shares


@dataclass
class ListedCase:
    """A case in a list: a blocked case shows its CRN and "Restricted" only."""

    crn: str
    name: str
    date_of_birth: datetime.date | str | None
    restricted: bool


def listed_cases(user, people, today=None) -> list[ListedCase]:
    """`people` (a Person queryset) as rows for `user`, blocked ones redacted, in one query."""
    listed = people_listed_for(user, today=today).filter(pk__in=people.values("pk")).order_by("surname", "crn")
    rows = [
        ListedCase(p.crn, RESTRICTED, RESTRICTED, True) if p.access_blocked
        else ListedCase(p.crn, p.display_name, p.date_of_birth, False)
        for p in listed
    ]
    # Blocked rows go last, by CRN: their place in a name order would hint at the name.
    return [r for r in rows if not r.restricted] + sorted((r for r in rows if r.restricted), key=lambda r: r.crn)


def samples_for(user):
    """Inspection samples: every sample for an administrator, the user's own for an inspector."""
    samples = InspectionSample.objects.prefetch_related("inspectors").order_by("-start_date", "name")
    if user.role == Role.INSPECTOR:
        samples = samples.filter(inspectors=user)
    return samples
