"""Read models for the caseload pages: a fixed number of queries whatever the caseload size."""

from dataclasses import dataclass
from datetime import date, datetime

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, F, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR

from openprobation.access.case import RESTRICTED, people_in_scope, people_listed_for
from openprobation.people.case_tabs import case_url
from openprobation.sentences.models import Sentence
from openprobation.supervision.compliance import caseload_compliance
from openprobation.supervision.models import Contact

SORTS = {
    "name": ("surname", "first_name"),
    "crn": ("crn",),
    "next": ("next_appointment", "surname"),
    "last": ("-last_appointment", "surname"),
    "outcomes": ("-outcomes_due", "surname"),
    "allocated": ("-allocated_on", "surname"),
}


@dataclass
class CaseloadRow:
    person_id: int
    crn: str
    name: str
    date_of_birth: date
    practitioner: str
    order: str
    next_appointment: datetime | None
    last_appointment: datetime | None
    outcomes_due: int
    compliance_label: str
    compliance_tag_class: str
    compliance_priority: int
    # Blocked by a limited-access list: the row shows the CRN and "Restricted" only.
    restricted: bool = False
    # The case's overview and its appointments (where outcomes are recorded).
    href: str = ""
    appointments_href: str = ""

    # How the table shows the dates: "3 Apr 1990", "Mon 7 Dec 2026, 14:30" (local time), "Mon 7 Dec 2026".
    # Formatted here rather than with the `date` filter, which parses its format string on every call: a page
    # shows 50 or 100 rows.
    @property
    def date_of_birth_display(self) -> str:
        return f"{self.date_of_birth.day} {_month(self.date_of_birth)} {self.date_of_birth.year}" \
            if self.date_of_birth else ""

    @property
    def next_appointment_display(self) -> str:
        if self.next_appointment is None:
            return ""
        at = timezone.localtime(self.next_appointment)
        return f"{_day(at)}, {at:%H:%M}"

    @property
    def last_appointment_display(self) -> str:
        return _day(timezone.localtime(self.last_appointment)) if self.last_appointment else ""


def _month(day) -> str:
    return str(MONTHS_3[day.month]).title()


def _day(at) -> str:
    """Django's "D j M Y": Mon 7 Dec 2026."""
    return f"{WEEKDAYS_ABBR[at.weekday()]} {at.day} {_month(at)} {at.year}"


def _restricted_row(p, href) -> CaseloadRow:
    return CaseloadRow(
        person_id=p.pk, crn=p.crn, name=RESTRICTED, date_of_birth=None, practitioner=RESTRICTED, order=RESTRICTED,
        next_appointment=None, last_appointment=None, outcomes_due=0, compliance_label="",
        compliance_tag_class="", compliance_priority=99, restricted=True, href=href,
    )


def _annotated(people, now):
    """Each person's next and last appointment, outcomes to record and current order.

    Correlated subqueries, each an index probe per person ((person, -starts_at) for the appointments, the
    partial no-outcome index for the count), rather than joining every contact of the caseload and
    grouping: a team's 400 cases have some 25,000 contacts, and the join read and sorted all of them.
    """
    appointments = Contact.objects.filter(person=OuterRef("pk"), contact_type__attendance=True)
    latest_order = (
        Sentence.objects.filter(person=OuterRef("pk"), terminated_on__isnull=True)
        .order_by("-start_date")
        .values("sentence_type__description")[:1]
    )
    outcomes_due = (
        Contact.objects.outcome_due(now)
        .filter(person=OuterRef("pk"))
        .order_by()
        .values("person")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return people.annotate(
        next_appointment=Subquery(
            appointments.filter(starts_at__gte=now, rescheduled_to__isnull=True)
            .order_by("starts_at")
            .values("starts_at")[:1]
        ),
        last_appointment=Subquery(appointments.filter(starts_at__lt=now).order_by("-starts_at").values("starts_at")[:1]),
        outcomes_due=Coalesce(Subquery(outcomes_due), 0),
        order_description=Subquery(latest_order),
    ).select_related("practitioner")


PAGE_SIZE = 100


def _people(user, *, team, practitioner_id, text, order_code, today):
    people = people_listed_for(user, today=today)
    if team is not None:
        people = people.filter(team=team)
        if practitioner_id:
            people = people.filter(practitioner_id=practitioner_id)
    else:
        people = people.filter(practitioner=user)
    # A filter on anything but the CRN would reveal something about a blocked case, so they match the CRN only.
    if text:
        by_name = Q(surname__icontains=text) | Q(first_name__icontains=text)
        people = people.filter((by_name & Q(access_blocked=False)) | Q(crn__iexact=text))
    if order_code:
        with_order = Sentence.objects.filter(sentence_type__code=order_code, terminated_on__isnull=True)
        people = people.filter(pk__in=with_order.values("person_id"), access_blocked=False)
    return people


def _rows(people, today) -> list[CaseloadRow]:
    statuses = caseload_compliance([p.pk for p in people if not p.access_blocked], today)
    overview, appointments = case_url("case:overview"), case_url("supervision:appointments")
    rows = []
    for p in people:
        if p.access_blocked:
            rows.append(_restricted_row(p, overview(p.crn)))
            continue
        st = statuses.get(p.pk)
        rows.append(
            CaseloadRow(
                person_id=p.pk,
                crn=p.crn,
                name=f"{p.surname}, {p.first_name}",
                date_of_birth=p.date_of_birth,
                practitioner=str(p.practitioner) if p.practitioner else "Unallocated",
                order=p.order_description or "No active order",
                next_appointment=p.next_appointment,
                last_appointment=p.last_appointment,
                outcomes_due=p.outcomes_due,
                compliance_label=st.label if st else "",
                compliance_tag_class=st.tag_class if st else "govuk-tag govuk-tag--grey",
                compliance_priority=st.priority if st else 99,
                href=overview(p.crn),
                appointments_href=appointments(p.crn),
            )
        )
    return rows


def _in_list_order(rows, *, sort, status) -> list[CaseloadRow]:
    restricted = [r for r in rows if r.restricted]
    rows = [r for r in rows if not r.restricted]
    if status:
        return [r for r in rows if r.compliance_label == status]
    if sort == "compliance":
        rows.sort(key=lambda r: (r.compliance_priority, r.name))
    # Restricted rows go last, by CRN: their place in a sorted list would hint at what is hidden.
    return rows + sorted(restricted, key=lambda r: r.crn)


def caseload_rows(user, *, team=None, practitioner_id=None, sort="name", text="", order_code="", status="",
                  today=None) -> list[CaseloadRow]:
    """The whole caseload of one practitioner (default: `user`), or of a whole team for managers."""
    today = today or timezone.localdate()
    people = _people(user, team=team, practitioner_id=practitioner_id, text=text, order_code=order_code,
                     today=today)
    people = list(_annotated(people, timezone.now()).order_by(*SORTS.get(sort, SORTS["name"])))
    return _in_list_order(_rows(people, today), sort=sort, status=status)


@dataclass
class CaseloadPage:
    rows: list[CaseloadRow]
    page: Page
    total: int

    @property
    def whole(self) -> bool:
        return self.page.paginator.num_pages == 1


def caseload_page(user, *, page=1, per_page=None, team=None, practitioner_id=None, sort="name", text="",
                  order_code="", status="", today=None) -> CaseloadPage:
    """One page of a caseload, in the same order as `caseload_rows`.

    Sorted by a column the database holds, only the page's people are read and their compliance worked
    out: a team of 500 cases costs one page of 100, not 500. Sorting or filtering by compliance needs
    every case's status, so those read the whole caseload and cut the page from it.
    """
    today = today or timezone.localdate()
    per_page = per_page or PAGE_SIZE
    # `SORTS` are the columns the database holds; sorting by compliance (worked out in Python) needs every row.
    in_sql = sort in SORTS and not status
    if in_sql:
        people = _people(user, team=team, practitioner_id=practitioner_id, text=text, order_code=order_code,
                         today=today)
        # Restricted rows last, by CRN (the second key is only set for them), as `_in_list_order` does.
        source = _annotated(people, timezone.now()).order_by(
            "access_blocked", Case(When(access_blocked=True, then=F("crn"))), *SORTS[sort], "pk"
        )
    else:
        source = caseload_rows(user, team=team, practitioner_id=practitioner_id, sort=sort, text=text,
                               order_code=order_code, status=status, today=today)
    paginator = Paginator(source, per_page)
    if in_sql and page in (1, "1"):
        # The first page, read with one row more: when that row is missing the caseload is this page, and
        # the paginator needs no COUNT (a practitioner's own caseload is nearly always one page).
        first = list(source[: per_page + 1])
        if len(first) <= per_page:
            paginator.count = len(first)
        current = Page(first[:per_page], 1, paginator)
    else:
        current = paginator.get_page(page)
    rows = _rows(list(current.object_list), today) if in_sql else list(current.object_list)
    return CaseloadPage(rows, current, paginator.count)


def outcomes_due_for(user) -> int:
    """Appointments on the practitioner's caseload still waiting for an outcome (one query)."""
    people = people_listed_for(user).filter(practitioner=user, access_blocked=False)
    return Contact.objects.outcome_due(timezone.now()).filter(person__in=people.values("pk")).count()


@dataclass
class TeamMemberLoad:
    user_id: int
    name: str
    role: str
    cases: int
    outcomes_due: int
    member: object = None  # the User, for the page's practitioner filter (no second query for the team)


def team_workload(user, team) -> list[TeamMemberLoad]:
    """One row per active team member, by name: how many cases they hold and outcomes they have still to record."""
    now = timezone.now()
    # Subqueries, not joins: joining caseload and contacts together would multiply rows.
    # Counts include cases the manager is blocked from: a number reveals nothing, and allocation needs it.
    cases = (
        people_in_scope(user)
        .filter(practitioner=OuterRef("pk"))
        .order_by()
        .values("practitioner")
        .annotate(n=Count("pk"))
        .values("n")
    )
    due = (
        Contact.objects.outcome_due(now)
        .filter(staff=OuterRef("pk"))
        .order_by()
        .values("staff")
        .annotate(n=Count("pk"))
        .values("n")
    )
    members = (
        team.members.filter(is_active=True)
        .annotate(cases=Coalesce(Subquery(cases), 0), outcomes_due=Coalesce(Subquery(due), 0))
        .order_by("last_name", "first_name")
    )
    return [
        TeamMemberLoad(m.pk, str(m), m.get_role_display(), m.cases, m.outcomes_due, member=m)
        for m in members
    ]
