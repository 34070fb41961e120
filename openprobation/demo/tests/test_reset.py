"""The demo command's guards and its reset."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from openprobation.demo.generator import generate
from openprobation.people.models import Person

TODAY = date(2026, 11, 23)


def test_refuses_to_run_under_production_settings(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("demo_data", "--scale", "20", "--today", TODAY.isoformat(), verbosity=0)
    assert not Person.objects.exists()


def test_reset_deletes_the_old_demo_with_its_version_history(db):
    generate(scale=30, seed=2, today=TODAY)
    old = set(Person.objects.values_list("pk", flat=True))
    edited = Person.objects.order_by("pk").first()
    edited.preferred_name = "Sam"
    edited.save()  # bulk-written demo rows have no versions; an edit made in the demo does
    assert Person.history.filter(id=edited.pk).exists()
    result = generate(scale=30, seed=3, today=TODAY, reset=True)
    assert result.deleted_people == 30
    # No "deleted" versions written for the reset, and the old versions gone with their records.
    assert not Person.history.filter(id__in=old).exists()
    assert Person.objects.count() == 30
