"""Shared pieces of the assessment and plan pages."""

from django.core.exceptions import ValidationError
from django.http import Http404

from ..actions.common import ASSESSING_ROLES
from ..models import Assessment

RISK_PART = "risk-and-needs"
PLAN_PART = "sentence-plan"
RISK_TAB = "risk-and-needs"
PLAN_TAB = "sentence-plan"


def may_assess(user) -> bool:
    return getattr(user, "role", None) in ASSESSING_ROLES


def assessment_of(person, number, queryset=None) -> Assessment:
    """The assessment with this version number on this case, or 404."""
    found = (queryset if queryset is not None else Assessment.objects).filter(person=person, number=number).first()
    if found is None:
        raise Http404("No such assessment on this case.")
    return found


def object_of(model, person, pk, *, person_path="person", queryset=None):
    """An object of this case by id, or 404: an id from another case looks missing."""
    found = (queryset if queryset is not None else model.objects).filter(**{person_path: person}, pk=pk).first()
    if found is None:
        raise Http404("Not found on this case.")
    return found


def show_error(form, error: ValidationError) -> None:
    """Put an action's ValidationError on the form: field errors on their field, the rest at the top."""
    if hasattr(error, "error_dict"):
        for key, errors in error.error_dict.items():
            form.add_error(key if key in form.fields else None, errors)
    else:
        form.add_error(None, error)


def refresh_version(form, current_version) -> None:
    """After a refused change the form carries the version now in the database, so a retry can succeed
    once the user has seen the latest details."""
    form.data = form.data.copy()
    form.data["version"] = current_version
