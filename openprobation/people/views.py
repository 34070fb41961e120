from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from openprobation.access import permissions
from openprobation.access.case import access_equality_data, people_listed_for
from openprobation.access.views import case_for
from openprobation.audit.models import AuditEvent

from . import actions
from .case_tabs import case_context
from .forms import ChangeMainAddressForm, ContactDetailsForm, PersonForm
from .queries import case_overview
from .stale import is_stale, stale_edit

# The actions that change a person's version; the latest says who changed the record.
PERSON_VERSION_VERBS = ("contact_details_updated", "main_address_changed")


def apply_validation_error(form, error: ValidationError):
    """Show an action's ValidationError on the form: field errors on their field, the rest at the top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def overview(request, crn):
    person = case_for(request, crn, part="overview")
    return render(request, "people/overview.html", case_context(person, "overview", overview=case_overview(person)))


def personal_details(request, crn):
    person = case_for(request, crn, part="personal-details")
    equality = access_equality_data(request.user, person, request=request)
    return render(request, "people/personal_details.html", case_context(
        person, "personal-details",
        aliases=person.aliases.all(),
        addresses=person.addresses.all(),
        circumstances=person.circumstances.all(),
        disabilities=person.disabilities.all(),
        adjustments=person.adjustments.all(),
        contacts=person.personal_contacts.all(),
        equality=equality,
        equality_allowed=request.user.may_read_special_category,
    ))


def _person_stale_edit(request, form, person, *, what, values, history=True):
    return stale_edit(
        request, form, person, what=what, values=values, history=history,
        restart_url=request.path, cancel_url=reverse("case:personal-details", args=[person.crn]),
        events=AuditEvent.objects.filter(crn=person.crn), verbs=PERSON_VERSION_VERBS,
    )


def edit_contact_details(request, crn):
    person = case_for(request, crn, part="personal-details")
    form = ContactDetailsForm(request.POST or None, initial={
        "version": person.version, "phone": person.phone, "mobile": person.mobile, "email": person.email})
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_contact_details(
                person, by=request.user, expected_version=form.cleaned_data["version"],
                phone=form.cleaned_data["phone"], mobile=form.cleaned_data["mobile"], email=form.cleaned_data["email"],
            )
        except ValidationError as error:
            if is_stale(error):
                stale = _person_stale_edit(
                    request, form, person, what="the contact details",
                    values=lambda p: {"phone": p.phone, "mobile": p.mobile, "email": p.email},
                )
            apply_validation_error(form, error)
        else:
            messages.success(request, "Contact details updated")
            return redirect("case:personal-details", person.crn)
    return render(request, "people/edit_form.html", case_context(
        person, "personal-details", form=form, heading="Change contact details", current=person, stale=stale))


def _main_address_values(person) -> dict:
    main = person.addresses.filter(status="main").first()
    if main is None:
        return {"start_date": None, "line_1": None}
    return {"start_date": main.start_date, "no_fixed_abode": main.no_fixed_abode, "line_1": main.line_1,
            "line_2": main.line_2, "town": main.town, "postcode": main.postcode}


def change_main_address(request, crn):
    person = case_for(request, crn, part="personal-details")
    form = ChangeMainAddressForm(request.POST or None, initial={"version": person.version})
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_main_address(person, by=request.user, expected_version=form.cleaned_data["version"],
                                        start_date=form.cleaned_data["start_date"], **form.address())
        except ValidationError as error:
            if is_stale(error):
                # The address lives in its own table: the person's history cannot say what it was before.
                stale = _person_stale_edit(request, form, person, what="the addresses",
                                           values=_main_address_values, history=False)
            apply_validation_error(form, error)
        else:
            messages.success(request, "Main address changed")
            return redirect("case:personal-details", person.crn)
    return render(request, "people/edit_form.html", case_context(
        person, "personal-details", form=form, heading="Change main address",
        current=person.addresses.filter(status="main").first(), stale=stale))


def add_person(request):
    if not permissions.may_create_people(request.user):
        raise PermissionDenied("Your role does not add people to the record.")
    form = PersonForm(request.POST or None)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # Possible duplicates obey limited access: a blocked person shows as "Restricted" with the CRN only.
        matches = actions.possible_duplicates(data["first_name"], data["surname"], data["date_of_birth"])
        duplicates = list(people_listed_for(request.user).filter(pk__in=matches.values("pk"))
                          .only("crn", "first_name", "surname", "date_of_birth")[:5])
        if not duplicates or request.POST.get("confirm_not_duplicate") == "yes":
            try:
                person = actions.create_person(
                    by=request.user, first_name=data["first_name"], middle_names=data["middle_names"],
                    surname=data["surname"], preferred_name=data["preferred_name"],
                    date_of_birth=data["date_of_birth"], gender=data["gender"], pnc_number=data["pnc_number"],
                    phone=data["phone"], email=data["email"], address=form.address(),
                )
            except ValidationError as error:
                apply_validation_error(form, error)
                duplicates = []
            else:
                messages.success(request, f"{person.full_name} added with CRN {person.crn}")
                return redirect("case:overview", person.crn)
    return render(request, "people/add_person.html", {"form": form, "duplicates": duplicates})
