"""Close an alert with a recorded decision."""

from django import forms

from openprobation.frontend.forms import GovUKFormMixin, GovUKRadioSelect

from .models import Decision

# The decisions offered for each kind of alert; other kinds are offered every decision.
DECISIONS_BY_REASON = {
    "protective_service_at_risk": [
        Decision.REPLACEMENT_ARRANGED, Decision.RISK_REASSESSED, Decision.ACCEPTED, Decision.RESOLVED,
    ],
    "provider_concern": [Decision.RISK_REASSESSED, Decision.ACCEPTED, Decision.ANSWERED],
}
HINTS = {
    Decision.REPLACEMENT_ARRANGED: "Another service or person now gives the protection",
    Decision.RISK_REASSESSED: "You reviewed the risk management plan in the light of this",
    Decision.ACCEPTED: "You accept the situation for now: say why it is safe",
    Decision.RESOLVED: "The cause has gone away, for example the contract is active again",
}


class CloseAlertForm(GovUKFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label="What have you decided?",
        widget=GovUKRadioSelect(hints=HINTS),
        error_messages={"required": "Select what you decided", "invalid_choice": "Select what you decided"},
    )
    rationale = forms.CharField(
        label="Explain your decision",
        help_text="This goes on the case's activity log.",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Explain your decision",
                        "max_length": "Your explanation must be 4,000 characters or fewer"},
    )

    def __init__(self, *args, reason: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        decisions = DECISIONS_BY_REASON.get(reason, list(Decision))
        self.fields["decision"].choices = [(d.value, d.label) for d in decisions]
