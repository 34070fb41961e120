"""The generator's bulk path: rows with their keys up front, COPY or multi-row inserts, the national load
with its indexes built at the end, closed cases, the long-history case and the national organisation."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.db.models import Count
from django.utils import timezone

from openprobation.alerts.models import Alert
from openprobation.assessments.models import TierCalculation
from openprobation.demo.generator import generate, parallel, plan_organisation, run
from openprobation.demo.generator.errors import DemoDataError
from openprobation.demo.generator.plan import closed_for_scale
from openprobation.demo.generator.rows import MISSING, ContactRow, IdAllocator, NoteRow
from openprobation.demo.generator.writer import Batch, Writer, bulk_insert
from openprobation.interventions.models import Referral
from openprobation.people.models import Person
from openprobation.sentences.models import Sentence
from openprobation.supervision.models import Contact, ContactNote, ContactType

TODAY = date(2026, 11, 23)


# --- rows and the writer ------------------------------------------------------------------------------------


def test_a_row_has_the_model_defaults_and_no_invented_keys():
    row = ContactRow()
    assert row.version == 1
    assert row.sensitive is False
    assert row.description == ""
    assert row.outcome_id is None
    assert row.id is MISSING
    assert row.created_at is MISSING  # auto_now_add: the writer or the builder stamps it


def _person(ids, n):
    return Person(
        id=ids.next(Person), crn=f"Z{900000 + n}", first_name="Test", surname=f"Person{n}", date_of_birth=date(1990, 1, 1)
    )


def test_the_writer_writes_instances_and_rows_and_moves_the_sequences(alice):
    ids = IdAllocator()
    stamp = timezone.now()
    people = [_person(ids, n) for n in range(3)]
    contact_type = ContactType.objects.get(code="CTOB")
    contacts = [
        ContactRow(
            id=ids.next(Contact),
            person_id=person.id,
            contact_type_id=contact_type.id,
            starts_at=stamp - timedelta(days=1),
            staff_id=alice.id,
            created_by_id=alice.id,
            created_at=stamp - timedelta(days=1),
            description="Phone call",
        )
        for person in people
    ]
    notes = [NoteRow(id=ids.next(ContactNote), contact_id=c.id, text="Called.", created_by_id=alice.id) for c in contacts]
    counts = Writer(ids=ids, stamp=stamp).write(Batch(people=people, contacts=contacts, notes=notes))

    assert counts["people.Person"] == 3
    assert counts["supervision.Contact"] == 3
    saved = Contact.objects.filter(person__in=people).order_by("pk")
    assert [c.pk for c in saved] == [c.id for c in contacts]
    assert all(c.version == 1 and c.created_at == stamp - timedelta(days=1) for c in saved)
    assert Person.objects.get(pk=people[0].id).created_at == stamp  # auto_now_add filled by the writer
    assert ContactNote.objects.filter(contact__in=saved).count() == 3
    # The next row saved the ordinary way gets a key after the ones the writer used.
    later = Person.objects.create(crn="Z999999", first_name="Later", surname="Person", date_of_birth=date(1990, 1, 1))
    assert later.pk > max(p.id for p in people)
    assert IdAllocator().next(Person) > later.pk


def test_a_row_without_its_key_is_refused_before_anything_is_sent(alice):
    row = ContactRow(staff_id=alice.id, created_by_id=alice.id)
    with pytest.raises(DemoDataError, match="no value for id"):
        Writer(ids=IdAllocator(), stamp=timezone.now()).write_rows(Contact, [row])


def test_the_database_refuses_a_row_without_a_required_column(alice):
    ids = IdAllocator()
    row = ContactRow(id=ids.next(Contact), staff_id=alice.id, created_by_id=alice.id)  # no person, no start
    with pytest.raises(IntegrityError):
        Writer(ids=ids, stamp=timezone.now()).write_rows(Contact, [row])


# --- the national bulk load ------------------------------------------------------------------------------------


def _schema():
    tables = [m._meta.db_table for m in Batch.models() + run.module_models()]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
            [tables],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = ANY(%s::regclass[]) ORDER BY 1",
            [tables],
        )
        return constraints, cursor.fetchall()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the deferred-index load is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("workers", [1, 2])
def test_a_bulk_load_puts_back_every_index_and_key(workers):
    before = _schema()
    assert len(before[1]) > 40
    result = generate(scale=40, seed=3, today=TODAY, bulk=True, workers=workers)
    assert _schema() == before
    assert result.counts["people.Person"] == 40
    assert {"build", "write", "indexes", "vacuum", "keys"} <= set(result.timings)
    assert Contact.objects.count() == result.counts["supervision.Contact"]
    assert Referral.objects.count() == result.counts["interventions.Referral"] > 0
    # Every sequence is past the keys the load used: the next ordinary save gets a new key.
    later = Person.objects.create(crn="Z999999", first_name="Later", surname="Person", date_of_birth=date(1990, 1, 1))
    assert later.pk > max(Person.objects.exclude(pk=later.pk).values_list("pk", flat=True))


def _fingerprint() -> dict:
    """What a demo holds, person by person, leaving out the keys (which depend on how it was loaded)."""
    people = {}
    for crn, first, surname, born, contacts, referrals, flags, tiers in (
        Person.objects.annotate(
            c=Count("contacts", distinct=True), r=Count("referrals", distinct=True),
            f=Count("registrations", distinct=True), t=Count("tier_calculations", distinct=True),
        ).values_list("crn", "first_name", "surname", "date_of_birth", "c", "r", "f", "t")
    ):
        people[crn] = (first, surname, born, contacts, referrals, flags, tiers)
    tiers = dict(TierCalculation.objects.values_list("person__crn", "tier"))
    alerts = sorted(Alert.objects.values_list("person__crn", "reason", "title"))
    return {"people": people, "tiers": tiers, "alerts": alerts}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the parallel load is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_the_parallel_load_holds_the_same_demo_as_the_single_transaction_one():
    generate(scale=900, seed=5, today=TODAY, bulk=True, workers=1)
    one = _fingerprint()
    result = generate(scale=900, seed=5, today=TODAY, bulk=True, workers=2, reset=True)
    assert "teams (wall)" in result.timings
    assert "modules (wall)" in result.timings
    two = _fingerprint()
    assert len(one["people"]) == 900
    assert one == two


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the parallel load is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_failed_parallel_load_says_so_and_puts_the_schema_back(monkeypatch):
    before = _schema()

    def broken(ctx):
        raise RuntimeError("disk full")

    monkeypatch.setattr(parallel, "build_team", broken)
    with pytest.raises(DemoDataError, match="RuntimeError: disk full.*drop the database"):
        generate(scale=40, seed=3, today=TODAY, bulk=True, workers=2)
    assert _schema() == before


def test_team_key_blocks_do_not_overlap_and_refuse_to_overflow():
    bases = {Person: 10, Contact: 500}
    first, second = parallel.BlockIds(bases, 0), parallel.BlockIds(bases, 1)
    assert [first.next(Person), first.next(Person), second.next(Person)] == [10, 11, 10 + parallel.BLOCK]
    assert second.next(Contact) == 500 + parallel.BLOCK
    first._count[Person] = parallel.BLOCK
    with pytest.raises(DemoDataError, match="more than"):
        first.next(Person)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the deferred-index load is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_failed_bulk_load_leaves_nothing_and_keeps_the_schema(monkeypatch):
    before = _schema()

    def broken(ctx):
        raise RuntimeError("disk full")

    monkeypatch.setattr(run, "build_team", broken)
    with pytest.raises(RuntimeError):
        generate(scale=20, seed=3, today=TODAY, bulk=True, workers=1)
    assert _schema() == before
    assert not Person.objects.exists()


# --- what the data holds ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_closed_cases_have_only_ended_orders_and_no_allocation():
    result = generate(scale=30, seed=2, today=TODAY, closed=12)
    assert result.counts["people.Person"] == 42
    closed = Person.objects.filter(practitioner=None, team=None)
    assert closed.count() == 12
    assert not Sentence.objects.filter(person__in=closed, terminated_on=None).exists()
    assert not Sentence.objects.filter(person__in=closed, terminated_on__gte=TODAY - timedelta(days=365)).exists()
    assert not Contact.objects.filter(person__in=closed).exists()
    assert all(p.addresses.filter(status="main").count() == 1 for p in closed)
    assert Person.objects.filter(team__isnull=False).count() == 30
    assert len(set(Person.objects.values_list("crn", flat=True))) == 42


@pytest.mark.django_db
def test_the_fixed_practitioner_has_a_case_with_more_than_2000_contacts(monkeypatch):
    monkeypatch.setattr(run, "LONG_HISTORY_PEOPLE", 10)
    generate(scale=40, seed=1, today=TODAY)
    busiest = (
        Person.objects.filter(practitioner__username="practitioner")
        .annotate(n=Count("contacts"))
        .order_by("-n")
        .first()
    )
    assert busiest.n >= 2000
    licence = busiest.sentences.get(terminated_on=None)
    assert licence.sentence_type.code == "LIC"
    assert licence.start_date <= TODAY - timedelta(days=5 * 365)
    assert licence.expected_end_date > TODAY
    first = busiest.contacts.order_by("starts_at").first()
    assert timezone.localdate(first.starts_at) >= licence.start_date


@pytest.mark.django_db
def test_small_demos_have_no_long_history_case():
    generate(scale=40, seed=1, today=TODAY)
    assert not Person.objects.annotate(n=Count("contacts")).filter(n__gt=500).exists()


@pytest.mark.django_db
def test_the_command_adds_closed_cases(capsys):
    call_command("demo_data", "--scale", "20", "--closed", "5", "--today", TODAY.isoformat())
    assert "Generated 20 people and 5 closed cases" in capsys.readouterr().out
    assert Person.objects.count() == 25


# --- the national organisation -----------------------------------------------------------------------------------


def test_the_national_plan_has_the_real_organisation_shape():
    closed = closed_for_scale("national")
    assert closed == 75_000
    plan = plan_organisation(250_000, seed=1, closed=closed)
    case_teams = [t for t in plan.teams if t.people]
    staff = sum(1 + len(t.practitioner_roles) + t.case_admins + len(t.support_roles) for t in plan.teams)
    assert 900 <= len(plan.teams) <= 1_100
    assert 90 <= len(plan.delivery_units) <= 120
    assert 18_000 <= staff <= 22_000
    assert sum(t.people for t in plan.teams) == 250_000
    assert sum(t.closed for t in plan.teams) == 75_000
    assert all(6 <= len(t.practitioner_roles) <= 8 for t in case_teams)
    assert any(len(t.practitioner_roles) == 8 for t in case_teams)
    # Closed cases take the CRNs after the active ones, without gaps or overlaps.
    ranges = sorted((t.first_closed, t.first_closed + t.closed) for t in case_teams)
    assert ranges[0][0] == 250_000
    assert ranges[-1][1] == 325_000
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:], strict=False))
    assert len({t.code for t in plan.teams}) == len(plan.teams)


def test_small_scales_have_no_closed_cases_or_support_teams():
    assert closed_for_scale("small") == 0
    assert closed_for_scale(5000) == 0
    plan = plan_organisation(2_000, seed=1)
    assert all(t.people for t in plan.teams)


# --- bulk_insert: the generator modules' drop-in for bulk_create ------------------------------------------------


def test_bulk_insert_gives_keys_links_parents_and_moves_the_sequence(alice):
    parents = [_person(IdAllocator(), 0)]
    parents[0].pk = None
    parents[0].crn = "Z900100"
    bulk_insert(Person, parents)
    assert parents[0].pk is not None
    contact_type = ContactType.objects.get(code="CTOB")
    # A child built while its parent had no key yet: the key is taken from the parent at insert time.
    child = Contact(person=Person(crn="Z900101", first_name="A", surname="B", date_of_birth=date(1990, 1, 1)),
                    contact_type=contact_type, starts_at=timezone.now(), staff=alice, created_by=alice)
    with pytest.raises(DemoDataError, match="not saved yet"):
        bulk_insert(Contact, [child])
    child.person = parents[0]
    bulk_insert(Contact, [child])
    assert Contact.objects.get(pk=child.pk).person_id == parents[0].pk
    assert Contact.objects.create(
        person=parents[0], contact_type=contact_type, starts_at=timezone.now(), staff=alice, created_by=alice
    ).pk > child.pk
