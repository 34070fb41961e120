"""A synthetic person and their personal details: aliases, addresses, circumstances, contacts, equality data."""

from __future__ import annotations

import random
from datetime import date, timedelta

from openprobation.people.models import (
    NO_FIXED_ABODE_POSTCODE,
    Address,
    AddressStatus,
    Adjustment,
    Alias,
    Disability,
    EqualityData,
    Gender,
    Person,
    PersonalCircumstance,
    PersonalContact,
    Relationship,
)
from openprobation.people.search import search_keys
from openprobation.sentences.rules import add_months

from . import rows, vocab
from .context import TeamContext
from .util import crn, email_local, phone, pnc, postcode, weighted

NO_FIXED_ABODE_SHARE = 0.06


def build_person(ctx: TeamContext, index: int, rng: random.Random, *, licence: bool) -> Person:
    run = ctx.run
    gender = weighted(
        rng, [(Gender.MALE, 860), (Gender.FEMALE, 130), (Gender.OTHER, 5), (Gender.NOT_KNOWN, 5)]
    )
    first = run.pools.first_name(rng, gender)
    surname = rng.choice(run.pools.surname)
    # Ages cluster in the late twenties and thirties; people on licence are a little older.
    age = int(rng.triangular(18, 72, 30 if not licence else 34))
    born = run.today - timedelta(days=age * 365 + rng.randrange(365))
    middle = run.pools.first_name(rng, gender) if rng.random() < 0.55 else ""
    preferred = run.pools.first_name(rng, gender) if rng.random() < 0.06 else ""
    previous_surname = rng.choice(run.pools.surname) if gender == Gender.FEMALE and rng.random() < 0.3 else ""
    mobile = phone(rng, mobile=True) if rng.random() < 0.85 else ""
    email = ""
    if rng.random() < 0.5:
        email = f"{email_local(first, surname)}{rng.randint(1, 99)}@{rng.choice(vocab.EMAIL_DOMAINS)}"
    return Person(
        id=run.ids.next(Person),
        crn=crn(index),
        first_name=first,
        middle_names=middle,
        surname=surname,
        preferred_name=preferred,
        previous_surname=previous_surname,
        date_of_birth=born,
        gender=gender,
        pnc_number=pnc(index, 1995) if rng.random() < 0.97 else None,
        phone=phone(rng, mobile=False) if rng.random() < 0.35 else "",
        mobile=mobile,
        email=email,
        **search_keys(first, surname),
    )


def fit_to_conviction(person: Person, index: int, convicted: date, rng: random.Random) -> None:
    """Make the person an adult when convicted, and first arrested before it."""
    adult_by = add_months(convicted, -18 * 12)
    if person.date_of_birth > adult_by:
        person.date_of_birth = adult_by - timedelta(days=rng.randrange(1, 3000))
    if person.pnc_number:
        first_arrest = min(convicted.year, max(person.date_of_birth.year + 12 + rng.randrange(15), 1995))
        person.pnc_number = pnc(index, first_arrest)


def add_personal_details(
    ctx: TeamContext,
    person: Person,
    batch,
    rng: random.Random,
    *,
    since: date,
    no_fixed_abode: bool | None = None,
) -> None:
    """Everything hanging off the person record. ``since`` is when supervision began."""
    _aliases(ctx, person, batch, rng)
    _addresses(ctx, person, batch, rng, since=since, no_fixed_abode=no_fixed_abode)
    ids = ctx.run.ids
    _circumstances(ids, person, batch, rng, since=since)
    _disabilities(ids, person, batch, rng)
    _personal_contacts(ctx, person, batch, rng)
    batch.equality.append(_equality(ids, person, rng))


def _aliases(ctx, person, batch, rng):
    if rng.random() >= 0.15:
        return
    for _ in range(1 if rng.random() < 0.8 else 2):
        first = person.first_name if rng.random() < 0.5 else ctx.run.pools.first_name(rng, person.gender)
        surname = rng.choice(ctx.run.pools.surname)
        born = (
            person.date_of_birth + timedelta(days=rng.choice([0, 0, 1, -1, 365, -365]))
            if rng.random() < 0.7
            else None
        )
        batch.aliases.append(
            rows.AliasRow(
                id=ctx.run.ids.next(Alias),
                person_id=person.id,
                first_name=first,
                surname=surname,
                date_of_birth=born,
                **search_keys(first, surname),
            )
        )


def _street_address(ctx, rng) -> tuple[str, str]:
    street = rng.choice(ctx.run.pools.street)
    if rng.random() < 0.3:
        building = f"{rng.choice(ctx.run.pools.surname)} {rng.choice(vocab.BUILDING_NAMES)}"
        return f"Flat {rng.randint(1, 40)}, {building}", f"{rng.randint(1, 120)} {street}"
    return f"{rng.randint(1, 220)} {street}", ""


def _addresses(ctx, person, batch, rng, *, since, no_fixed_abode):
    today = ctx.run.today
    main_start = since - timedelta(days=rng.randrange(30, 2000))
    homeless = rng.random() < NO_FIXED_ABODE_SHARE
    if no_fixed_abode if no_fixed_abode is not None else homeless:
        main_start = today - timedelta(days=rng.randrange(7, 200))
        batch.addresses.append(
            rows.AddressRow(
                id=ctx.run.ids.next(Address),
                person_id=person.id,
                status=AddressStatus.MAIN,
                no_fixed_abode=True,
                postcode=NO_FIXED_ABODE_POSTCODE,
                type_description="No fixed abode",
                start_date=main_start,
                notes="Sleeping at friends' addresses; letters to be collected from the office.",
            )
        )
    else:
        line_1, line_2 = _street_address(ctx, rng)
        batch.addresses.append(
            rows.AddressRow(
                id=ctx.run.ids.next(Address),
                person_id=person.id,
                status=AddressStatus.MAIN,
                line_1=line_1,
                line_2=line_2,
                town=ctx.plan.town,
                postcode=postcode(rng, ctx.plan.postcode_area),
                type_description=weighted(rng, vocab.ADDRESS_TYPES),
                verified=rng.random() < 0.8,
                start_date=main_start,
            )
        )
    end = main_start - timedelta(days=1)
    for _ in range(weighted(rng, [(0, 55), (1, 35), (2, 10)])):
        start = end - timedelta(days=rng.randrange(90, 1500))
        line_1, line_2 = _street_address(ctx, rng)
        batch.addresses.append(
            rows.AddressRow(
                id=ctx.run.ids.next(Address),
                person_id=person.id,
                status=AddressStatus.PREVIOUS,
                line_1=line_1,
                line_2=line_2,
                town=ctx.plan.town,
                postcode=postcode(rng, ctx.plan.postcode_area),
                type_description=weighted(rng, vocab.ADDRESS_TYPES),
                verified=True,
                start_date=start,
                end_date=end,
            )
        )
        end = start - timedelta(days=1)


def _circumstances(ids, person, batch, rng, *, since):
    types = ["Employment", "Accommodation"] + rng.sample(
        ["Benefits", "Relationships", "Dependants"], k=rng.randint(0, 2)
    )
    if rng.random() < 0.04:
        types.append("Care experience")
    if rng.random() < 0.03:
        types.append("Armed forces")
    for kind in types:
        start = since - timedelta(days=rng.randrange(0, 900))
        ended = rng.random() < 0.15
        batch.circumstances.append(
            rows.PersonalCircumstanceRow(
                id=ids.next(PersonalCircumstance),
                person_id=person.id,
                type=kind,
                subtype=weighted(rng, vocab.CIRCUMSTANCES[kind]),
                start_date=start,
                end_date=add_months(start, rng.randint(1, 6)) if ended else None,
                verified=rng.random() < 0.6,
            )
        )


def _disabilities(ids, person, batch, rng):
    if rng.random() >= 0.2:
        return
    for kind in rng.sample(sorted(vocab.DISABILITIES), k=1 if rng.random() < 0.85 else 2):
        start = person.date_of_birth + timedelta(days=rng.randrange(365 * 5, 365 * 18))
        disability = rows.DisabilityRow(id=ids.next(Disability), person_id=person.id, type=kind, start_date=start)
        batch.disabilities.append(disability)
        if rng.random() < 0.75:
            batch.adjustments.append(
                rows.AdjustmentRow(
                    id=ids.next(Adjustment),
                    person_id=person.id,
                    disability_id=disability.id,
                    type=rng.choice(vocab.DISABILITIES[kind]),
                    start_date=start + timedelta(days=rng.randrange(30, 3000)),
                )
            )


def _personal_contacts(ctx, person, batch, rng):
    pools = ctx.run.pools
    town = ctx.plan.town

    def somewhere():
        line_1, _ = _street_address(ctx, rng)
        return f"{line_1}, {town} {postcode(rng, ctx.plan.postcode_area)}"

    relative = f"{pools.first_name(rng, rng.choice('MF'))} {person.surname if rng.random() < 0.6 else rng.choice(pools.surname)}"
    batch.personal_contacts.append(
        rows.PersonalContactRow(
            id=ctx.run.ids.next(PersonalContact),
            person_id=person.id,
            relationship=rng.choice([Relationship.NEXT_OF_KIN, Relationship.FAMILY, Relationship.EMERGENCY]),
            name=relative,
            phone=phone(rng, mobile=True),
            address=somewhere() if rng.random() < 0.6 else "",
        )
    )
    if rng.random() < 0.6:
        surgery = rng.choice(pools.street).split()[0]
        batch.personal_contacts.append(
            rows.PersonalContactRow(
                id=ctx.run.ids.next(PersonalContact),
                person_id=person.id,
                relationship=Relationship.GP,
                name=f"Dr {rng.choice(pools.surname)}, {surgery} Surgery",
                phone=phone(rng, mobile=False),
                address=f"{surgery} Surgery, {town}",
            )
        )
    if rng.random() < 0.35:
        firm = f"{rng.choice(pools.surname)} & {rng.choice(pools.surname)} Solicitors"
        batch.personal_contacts.append(
            rows.PersonalContactRow(
                id=ctx.run.ids.next(PersonalContact),
                person_id=person.id,
                relationship=Relationship.SOLICITOR,
                name=firm,
                phone=phone(rng, mobile=False),
                email=f"enquiries@{email_local(firm.split()[0])}-law.example.org",
            )
        )
    if rng.random() < 0.08:
        batch.personal_contacts.append(
            rows.PersonalContactRow(
                id=ctx.run.ids.next(PersonalContact),
                person_id=person.id,
                relationship=Relationship.SOCIAL_WORKER,
                name=f"{pools.first_name(rng, 'F')} {rng.choice(pools.surname)} (Children's services)",
                phone=phone(rng, mobile=False),
                notes="Allocated social worker for the children.",
            )
        )


def _equality(ids, person, rng) -> EqualityData:
    british = rng.random() < 0.87
    if british:
        nationality, language, immigration = "British", "English", ""
    else:
        nationality, language, immigration = rng.choice(vocab.NATIONALITIES)
    return rows.EqualityDataRow(
        id=ids.next(EqualityData),
        person_id=person.id,
        ethnicity=weighted(rng, vocab.ETHNICITIES),
        religion=weighted(rng, vocab.RELIGIONS),
        sexual_orientation=weighted(rng, vocab.SEXUAL_ORIENTATIONS),
        gender_identity=weighted(rng, vocab.GENDER_IDENTITY),
        nationality=nationality,
        immigration_status=immigration,
        preferred_language=language,
        interpreter_required=language != "English" and rng.random() < 0.5,
        pregnancy_maternity=("Pregnant" if rng.random() < 0.04 else "Not pregnant")
        if person.gender == Gender.FEMALE
        else "",
        marital_status=weighted(rng, vocab.MARITAL_STATUSES),
    )
