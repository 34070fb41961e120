"""Registrations ("risk flags", MAPPA among them) in the subject access export, with every review.

Removed registrations are included with who removed them, when and why: they are still held. Levels and
categories (MAPPA's, for instance) are given with their labels. Registrations carry no sensitive flag, so none
is withheld; their notes are exported as they are written (see docs/audit.md, "What is withheld, and why").

Two queries, whatever the number of registrations.
"""

from __future__ import annotations

from openprobation.protection.models import Registration, RegistrationReview

from .records import Section, coded, row


def registration_sections(person) -> list[Section]:
    registrations = list(Registration.objects.filter(person=person)
                         .select_related("register_type", "registered_by", "deregistered_by")
                         .order_by("registered_on", "id"))
    types = {registration.pk: registration.register_type for registration in registrations}
    reviews: dict[int, list[dict]] = {}
    for review in (RegistrationReview.objects.filter(registration__person=person).select_related("reviewed_by")
                   .order_by("reviewed_on", "id")):
        register_type = types[review.registration_id]
        reviews.setdefault(review.registration_id, []).append({
            **row(review, leave_out=("registration",)),
            "level": coded(review.level, register_type.level_label(review.level)),
            "category": coded(review.category, register_type.category_label(review.category)),
        })
    rows = [
        {**row(registration, leave_out=("person",)),
         "level": coded(registration.level, registration.level_label),
         "category": coded(registration.category, registration.category_label),
         "active": registration.active,
         "reviews": reviews.get(registration.pk, [])}
        for registration in registrations
    ]
    return [Section("registrations", "Registrations (risk flags and MAPPA), with their reviews", rows)]
