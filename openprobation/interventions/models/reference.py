"""Coded vocabularies of commissioned services, loaded from ``interventions/data/*.json``."""

from django.db import models

from openprobation.core.models import ReferenceData


class ServiceCategory(ReferenceData):
    """A kind of service: the Dynamic Framework categories, mentoring, and local or statutory partners."""

    class Kind(models.TextChoices):
        COMMISSIONED = "commissioned", "Commissioned rehabilitative service"
        LOCAL = "local", "Locally commissioned service"
        STATUTORY = "statutory", "Statutory partner"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    service_name = models.CharField(
        max_length=60, help_text="How the service is named in a sentence: 'mentoring', 'accommodation support'."
    )

    class Meta(ReferenceData.Meta):
        verbose_name_plural = "service categories"


class DesiredOutcome(ReferenceData):
    """What a referral in a category aims to achieve; rated at the end of the service."""

    category = models.CharField(max_length=20, help_text="The code of its ServiceCategory.")


class EndReason(ReferenceData):
    """Why a referral was cancelled or ended early (the withdrawal reasons of Refer and Monitor)."""

    group = models.CharField(max_length=20, help_text="problem, user, sentence, early or other.")


class Complexity(models.TextChoices):
    LOW = "low", "Low complexity"
    MEDIUM = "medium", "Medium complexity"
    HIGH = "high", "High complexity"
