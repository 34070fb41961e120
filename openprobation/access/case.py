"""Choke points for reading a case. Every read of a protected record comes through here.

- `access_case(user, crn, part=...)`: the one way a page gets a case. A missing case, a case the role does
  not reach and a case the user is blocked from all raise the same "not found"; a blocked user also sees the
  case's configured message. A role that reaches the case but not this part, or may only read it and tried
  to change it, gets "forbidden". An AccessEvent records every attempt, granted or not.
- `people_visible_to(user)`: the people a user may see in lists (blocked cases left out).
- `people_listed_for(user)`: the same people plus blocked ones, each with `access_blocked`, for the lists
  that show a blocked case as a "Restricted" row with its CRN only (search, caseloads).

The limited-access test is one SQL expression (`blocked_condition`) evaluated inside the query that finds
the case or the list, so it costs no query of its own and never one per row.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Exists, OuterRef, Value
from django.http import Http404
from django.utils import timezone

from openprobation.core.expressions import AboutOuterRow
from openprobation.people.models import EqualityData, Person

from . import permissions
from .models import AccessEvent, CaseShare, Exclusion, InspectionSample, Restriction, active_on

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
RESTRICTED = "Restricted"


class Denied(StrEnum):
    """Why a look was refused, as the AccessEvent records it."""

    NO_SUCH_CASE = "no-such-case"
    NOT_IN_SCOPE = "not-in-scope"
    EXCLUDED = "excluded"
    RESTRICTED = "restricted"
    ROLE = "role"
    READ_ONLY = "read-only"
    INACTIVE = "inactive"


class CaseNotFound(Http404):
    """ "Not found", for a missing and a forbidden case alike; `public_message` is shown on the page."""

    def __init__(self, public_message: str = ""):
        super().__init__("No case with that CRN was found.")
        self.public_message = public_message


class PartForbidden(PermissionDenied):
    def __init__(self, public_message: str):
        super().__init__(public_message)
        self.public_message = public_message


@dataclass(frozen=True)
class CaseAccess:
    """What the viewer may do on this case; `access_case` puts it on the person as `person.case_access`."""

    user: object
    part: str

    def may_read(self, part: str) -> bool:
        return permissions.may_read_part(self.user, part)

    def may_change(self, part: str | None = None) -> bool:
        return permissions.may_change_part(self.user, part or self.part)


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR")


def may_read_cases(user) -> bool:
    return permissions.is_signed_in_staff(user)


# ---------------------------------------------------------------------------
# Which people: the role's reach, then the limited-access lists.


def people_in_scope(user, *, today=None):
    """Every person the user's role reaches, before the limited-access lists are applied."""
    if not permissions.is_signed_in_staff(user):
        return Person.objects.none()
    today = today or timezone.localdate()
    if permissions.reaches_every_case(user):
        return Person.objects.all()
    if permissions.reaches_shared_cases(user):
        shared = CaseShare.objects.filter(active_on(today), person=OuterRef("pk"), partner=user)
        return Person.objects.filter(Exists(shared))
    if permissions.reaches_sampled_cases(user):
        sampled = InspectionSample.objects.filter(
            start_date__lte=today, end_date__gt=today, inspectors=user, people=OuterRef("pk")
        )
        return Person.objects.filter(Exists(sampled))
    return Person.objects.none()


def reaches_every_case(user) -> bool:
    """Whether ``people_in_scope(user)`` is every person (before the limited-access lists, which still apply)."""
    return permissions.is_signed_in_staff(user) and permissions.reaches_every_case(user)


class LimitedAccessTest(AboutOuterRow):
    """Whether a limited-access list bars ``user`` from the outer query's person on ``day``, as SQL.

    ``kind`` is "excluded" (an exclusion names the user), "restricted" (a restriction is in force and does
    not name the user) or "blocked" (either). The SQL is the same as ``Exists(Exclusion.objects.filter(...))``
    and friends would send (EXISTS probes on the (person, user) indexes), but it is written here once instead
    of being built from querysets and compiled anew on every request: every case page and every list runs
    this test, and compiling the three subqueries through the ORM cost about a millisecond each time.
    An entry is in force on ``day`` by the rule of ``models.active_on`` (started, and not yet on or past its
    end date); tests/test_limited_access_sql.py holds the two to the same answers.
    """

    output_field = BooleanField()
    KINDS = ("excluded", "restricted", "blocked")

    def __init__(self, kind: str, user, day, person=None):
        if kind not in self.KINDS:
            raise ValueError(f"Unknown limited-access test {kind!r}")
        super().__init__(person)
        self.kind = kind
        self.user_id = getattr(user, "pk", user)
        self.day = day

    def __repr__(self):
        return f"{self.__class__.__name__}({self.kind!r}, user={self.user_id}, day={self.day})"

    def sql_about(self, person_sql, person_params, connection):
        day = connection.ops.adapt_datefield_value(self.day)

        def entry(model, *, for_user: bool):
            qn = connection.ops.quote_name
            alias = qn("lao")
            column = {name: f"{alias}.{qn(model._meta.get_field(name).column)}" for name in
                      ("start_date", "end_date", "person", "user")}
            # Only quoted names from the model's own metadata and the ORM-compiled person column; values are %s.
            sql = (
                f"EXISTS(SELECT 1 FROM {qn(model._meta.db_table)} {alias} WHERE {column['person']} = {person_sql}"  # noqa: S608
                f" AND {column['start_date']} <= %s AND ({column['end_date']} IS NULL OR {column['end_date']} > %s)"
            )
            params = [*person_params, day, day]
            if for_user:
                sql += f" AND {column['user']} = %s"
                params.append(self.user_id)
            return sql + ")", params

        parts, params = [], []
        if self.kind in ("excluded", "blocked"):
            sql, more = entry(Exclusion, for_user=True)
            parts.append(sql)
            params += more
        if self.kind in ("restricted", "blocked"):
            any_sql, any_params = entry(Restriction, for_user=False)
            mine_sql, mine_params = entry(Restriction, for_user=True)
            parts.append(f"({any_sql} AND NOT {mine_sql})")
            params += any_params + mine_params
        return "(" + " OR ".join(parts) + ")", params


def excluded_condition(user, today) -> LimitedAccessTest:
    """An exclusion in force on `today` names the user."""
    return LimitedAccessTest("excluded", user, today)


def restricted_condition(user, today) -> LimitedAccessTest:
    """A restriction is in force and the user is not on it."""
    return LimitedAccessTest("restricted", user, today)


def blocked_condition(user, today) -> LimitedAccessTest:
    return LimitedAccessTest("blocked", user, today)


def people_visible_to(user, *, today=None):
    """The people a user may see in lists and search results."""
    if not permissions.is_signed_in_staff(user):
        return Person.objects.none()
    today = today or timezone.localdate()
    return people_in_scope(user, today=today).exclude(blocked_condition(user, today))


def people_listed_for(user, *, today=None):
    """The user's people including blocked ones, each annotated `access_blocked` (shown as "Restricted")."""
    if not permissions.is_signed_in_staff(user):
        return Person.objects.none().annotate(access_blocked=Value(False, output_field=BooleanField()))
    today = today or timezone.localdate()
    return people_in_scope(user, today=today).annotate(access_blocked=blocked_condition(user, today))


# ---------------------------------------------------------------------------
# One case.


def _record(user, crn, part, request, denied: Denied | None) -> None:
    if user is None or user.pk is None:
        return
    AccessEvent.objects.create(
        user=user,
        role=getattr(user, "role", "")[:20],
        crn=crn[:7],
        part=part[:40],
        granted=denied is None,
        denied_because=str(denied) if denied else "",
        ip_address=client_ip(request),
        path=(request.path[:300] if request is not None else ""),
    )


def _find(user, crn, today):
    # The CRN is unique: no ORDER BY (``first()`` would sort by the model's ordering, and compiling that sort
    # cost a fifth of this lookup's Python).
    found = (
        people_in_scope(user, today=today)
        .filter(crn=crn)
        .annotate(lao_excluded=excluded_condition(user, today), lao_restricted=restricted_condition(user, today))
        .select_related("practitioner", "team")
        .order_by()[:1]
    )
    return next(iter(found), None)


def _blocked_message(person) -> str:
    # Read only for a blocked case (one query then), not joined into every case read.
    messages = getattr(person, "limited_access", None)
    if messages is None:
        return ""
    if person.lao_excluded:
        return messages.exclusion_message
    return messages.restriction_message


def access_case(user, crn: str, *, part: str, request=None, change: bool = False, today=None) -> Person:
    """Return the person with this CRN if `user` may read this part (and change it, if `change`).

    Writes one AccessEvent, granted or denied. Raises `CaseNotFound` (404) when the case is missing, beyond
    the role's reach or blocked by a limited-access list; `PartForbidden` (403) when the role may not read
    this part, or may only read it and `change` was asked.
    """
    crn = (crn or "").strip().upper()
    today = today or timezone.localdate()
    if not permissions.is_signed_in_staff(user):
        _record(user, crn, part, request, Denied.INACTIVE)
        raise CaseNotFound()
    person = _find(user, crn, today)
    if person is None:
        exists = Person.objects.filter(crn=crn).exists()
        _record(user, crn, part, request, Denied.NOT_IN_SCOPE if exists else Denied.NO_SUCH_CASE)
        raise CaseNotFound()
    if person.lao_excluded or person.lao_restricted:
        _record(user, crn, part, request, Denied.EXCLUDED if person.lao_excluded else Denied.RESTRICTED)
        raise CaseNotFound(_blocked_message(person))
    if not permissions.may_read_part(user, part):
        _record(user, crn, part, request, Denied.ROLE)
        raise PartForbidden("Your role does not give access to this part of the case.")
    if change and not permissions.may_change_part(user, part):
        _record(user, crn, part, request, Denied.READ_ONLY)
        raise PartForbidden("Your role may read this part of the case but not change it.")
    _record(user, crn, part, request, None)
    person.case_access = CaseAccess(user=user, part=part)
    return person


def access_equality_data(user, person: Person, *, request=None) -> EqualityData | None:
    """Special-category data: only for roles that need it; every read audited separately."""
    if not permissions.may_read_equality_data(user):
        return None
    _record(user, person.crn, permissions.EQUALITY_DATA, request, None)
    return EqualityData.objects.filter(person=person).first()


def is_change(request) -> bool:
    return request.method not in SAFE_METHODS
