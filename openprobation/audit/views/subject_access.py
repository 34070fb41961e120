"""Subject access: the data protection officer exports everything held about one person.

``/audit/subject-access/`` finds the case by CRN; the case's Subject access tab shows what the export
will hold and what it withholds, and its form (a request reference) downloads the ZIP. Both read the
case through the access choke point with part ``subject-access``, which only the data protection role
may read or change; the export itself is audited (``subject_access_export``).
"""

import re

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render

from openprobation.access.case import people_visible_to
from openprobation.access.permissions import SUBJECT_ACCESS, may_change_part, may_read_part
from openprobation.access.views import case_for
from openprobation.people.case_tabs import case_context

from ..subject_access import REFERENCE_MAX_LENGTH, collect, export_subject_access

CRN_PATTERN = re.compile(r"^[A-Z][0-9]{6}$")


class FindCaseForm(forms.Form):
    crn = forms.CharField(
        label="CRN",
        max_length=7,
        help_text="The case reference number, for example X123456",
        error_messages={"required": "Enter the CRN of the person who made the request",
                        "max_length": "A CRN is a letter followed by 6 digits, for example X123456"},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_crn(self):
        crn = self.cleaned_data["crn"].strip().upper()
        if not CRN_PATTERN.match(crn):
            raise forms.ValidationError("A CRN is a letter followed by 6 digits, for example X123456")
        if not people_visible_to(self.user).filter(crn=crn).exists():
            raise forms.ValidationError("No case with that CRN was found")
        return crn


class ExportForm(forms.Form):
    reference = forms.CharField(
        label="Request reference",
        max_length=REFERENCE_MAX_LENGTH,
        help_text="The reference of the subject access request this export answers",
        error_messages={"required": "Enter the reference of the subject access request",
                        "max_length": f"The reference must be {REFERENCE_MAX_LENGTH} characters or fewer"},
    )

    def clean_reference(self):
        reference = " ".join(self.cleaned_data["reference"].split())
        if not reference:
            raise forms.ValidationError("Enter the reference of the subject access request")
        return reference


def subject_access_start(request):
    if not may_read_part(request.user, SUBJECT_ACCESS):
        raise PermissionDenied("Subject access requests are answered by the data protection officer.")
    form = FindCaseForm(request.GET if "crn" in request.GET else None, user=request.user)
    if form.is_bound and form.is_valid():
        return redirect("case-audit:subject-access", crn=form.cleaned_data["crn"])
    return render(request, "audit/subject_access_start.html", {"form": form})


def case_subject_access(request, crn):
    if request.method == "POST":
        form = ExportForm(request.POST)
        if form.is_valid() and may_change_part(request.user, SUBJECT_ACCESS):
            export = export_subject_access(request.user, crn, reference=form.cleaned_data["reference"],
                                           request=request)
            response = HttpResponse(export.content, content_type="application/zip")
            response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
            response["Cache-Control"] = "no-store"
            return response
    else:
        form = ExportForm()
    person = case_for(request, crn, part=SUBJECT_ACCESS)
    data = collect(person)
    return render(request, "audit/subject_access.html", case_context(person, SUBJECT_ACCESS, form=form, data=data))
