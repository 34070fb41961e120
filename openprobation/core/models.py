"""Shared kernel: the base for coded reference data and the record of loaded vocabularies."""

from django.db import models


class ReferenceDataQuerySet(models.QuerySet):
    def selectable(self):
        return self.filter(selectable=True)


class ReferenceData(models.Model):
    """A coded vocabulary entry loaded from a versioned data file shipped in the app.

    Codes are stable identifiers (nDelius codes where one exists); descriptions may be
    reworded in a later version of the file without breaking history.
    """

    code = models.CharField(max_length=20, unique=True)
    description = models.CharField(max_length=200)
    selectable = models.BooleanField(default=True, help_text="Offered in forms; retired codes stay for history.")
    sort_order = models.PositiveIntegerField(default=0)

    objects = ReferenceDataQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["sort_order", "description"]

    def __str__(self):
        return self.description


class ReferenceDataVersion(models.Model):
    """Which version of each reference data file is loaded, so reloads are cheap and visible."""

    name = models.CharField(max_length=100, unique=True)
    version = models.CharField(max_length=40)
    checksum = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.name} v{self.version}"


class BankHolidayOverride(models.Model):
    """Days proclaimed (or cancelled) after the installed `holidays` release."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=100)
    is_holiday = models.BooleanField(default=True, help_text="Untick to cancel a listed holiday.")

    class Meta:
        ordering = ["date"]

    def __str__(self):
        return f"{self.date}: {self.name}"
