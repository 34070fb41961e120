"""The reference vocabularies and dated statutory limits, read once per run."""

from __future__ import annotations

from decimal import Decimal

from openprobation.sentences import rules
from openprobation.sentences.actions import limits as statutory_limits
from openprobation.sentences.models import Court, OffenceType, RequirementType, SentenceType
from openprobation.supervision.models import ContactType, EnforcementAction, Outcome

from .errors import DemoDataError


class StatutoryLimits:
    """The project's own limit rules (`sentences.rules`), so the demo obeys exactly what data entry checks."""

    def __init__(self, limits: list[rules.Limit]):
        self._limits = limits

    def choose(
        self, subject: str, dates: rules.LegalDates, preferred: list[int], conditions=frozenset()
    ) -> list[int]:
        """The preferred values that the law in force on the relevant date allows."""
        limit = rules.applicable_limit(self._limits, subject, dates, conditions)
        return [v for v in preferred if not rules.check_value(limit, Decimal(v), "length", subject)]


class Reference:
    """Reference rows by code. Raises if migrate has not loaded them."""

    def __init__(self):
        self.sentence_types = {r.code: r for r in SentenceType.objects.all()}
        self.requirement_types = {r.code: r for r in RequirementType.objects.all()}
        self.offence_types = {r.code: r for r in OffenceType.objects.all()}
        self.courts = {r.code: r for r in Court.objects.all()}
        self.contact_types = {r.code: r for r in ContactType.objects.all()}
        self.outcomes = {r.code: r for r in Outcome.objects.all()}
        self.actions = {r.code: r for r in EnforcementAction.objects.all()}
        self.limits = StatutoryLimits(statutory_limits())
        needed = {
            "sentence types": (self.sentence_types, {"CO", "SSO", "LIC", "PSS"}),
            "contact types": (
                self.contact_types,
                {"COAI", "COAP", "CUPA", "CRAR", "ENFA", "BRIN", "ARWS", "CTOB"},
            ),
            "outcomes": (self.outcomes, {"ATTC", "UAAB", "AFTA", "RSOF", "RSSR"}),
            "enforcement actions": (
                self.actions,
                {"EA02", "EA03", "LCL", "IBR", "IMB", "EA11", "EA12", "ROM", "EA06"},
            ),
        }
        for label, (rows, codes) in needed.items():
            missing = codes - rows.keys()
            if missing:
                raise DemoDataError(
                    f"Reference data is missing {label} {', '.join(sorted(missing))}: run `manage.py migrate` first."
                )
        self.appointment_type_ids = [t.pk for t in self.contact_types.values() if t.attendance]
        self.other_type_ids = [t.pk for t in self.contact_types.values() if not t.attendance]
