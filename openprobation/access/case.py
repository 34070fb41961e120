"""Choke points for reading a case. Every read of a protected record comes through here.

A forbidden case and a missing case look the same to the requester ("not found").
The access rules themselves are deliberately simple for now: any signed-in staff
member may read any case. Limited-access lists arrive with the access-control issue;
they will be enforced here and in `people_visible_to` without touching callers.
"""

from django.http import Http404

from openprobation.people.models import EqualityData, Person

from .models import AccessEvent


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR")


def may_read_cases(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def people_visible_to(user):
    """The people a user may see in lists and search results."""
    if not may_read_cases(user):
        return Person.objects.none()
    return Person.objects.all()


def access_case(user, crn: str, *, part: str, request=None) -> Person:
    """Return the person with this CRN if `user` may read it, writing an AccessEvent either way."""
    crn = (crn or "").strip().upper()
    person = people_visible_to(user).select_related("practitioner", "team").filter(crn=crn).first()
    AccessEvent.objects.create(
        user=user,
        crn=crn[:7],
        part=part,
        granted=person is not None,
        ip_address=client_ip(request),
        path=(request.path[:300] if request is not None else ""),
    )
    if person is None:
        raise Http404("No case with that CRN was found.")
    return person


def access_equality_data(user, person: Person, *, request=None) -> EqualityData | None:
    """Special-category data: only for roles that need it; every read audited separately."""
    if not user.may_read_special_category:
        return None
    AccessEvent.objects.create(
        user=user,
        crn=person.crn,
        part="equality-data",
        ip_address=client_ip(request),
        path=(request.path[:300] if request is not None else ""),
    )
    return EqualityData.objects.filter(person=person).first()
