"""Forms for the assessment sections, completion, countersignature and other reports.

Forms collect and shape input; the rules live in ``actions`` and come back as ValidationErrors that the
page shows in its error summary.
"""

from django import forms

from openprobation.frontend.forms import GovUKDateField, GovUKFormMixin, GovUKRadioSelect

from ..actions.assessments import NARRATIVE_FIELDS
from ..models import (
    ROSH_MEANING,
    Assessment,
    Concern,
    ExternalAssessment,
    Motivation,
    PredictorType,
    ProblemLevel,
    RiskGroup,
    RoshLevel,
    Setting,
    Severity,
    SrpBand,
    YesNoUnknown,
)

YES_NO = [("yes", "Yes"), ("no", "No")]
NARRATIVE_HINTS = {
    "who_at_risk": "Name the groups or people, for example a former partner or children in the household",
    "nature_of_risk": "What harm they could cause, and how",
    "imminence": "When and in what circumstances the risk is greatest",
    "increasing_factors": "For example drinking, losing accommodation, contact with a named person",
    "reducing_factors": "Protective factors and what the plan does to reduce the risk",
}


def _text(label, *, required=True, rows=4, hint="", max_length=12000):
    return forms.CharField(
        label=label, required=required, max_length=max_length, help_text=hint,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"max_length": f"{label} must be {max_length:,} characters or fewer"})


class VersionForm(GovUKFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class StartForm(GovUKFormMixin, forms.Form):
    purpose = forms.ChoiceField(
        label="Why are you assessing now?", choices=Assessment.Purpose.choices, widget=GovUKRadioSelect,
        error_messages={"required": "Select why you are assessing now"})


class RoshForm(VersionForm):
    govuk_mark_optional = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "Select a level"), *RoshLevel.choices]
        self.rating_rows = []
        for group in RiskGroup:
            row = []
            for place in Setting:
                name = f"{group.value}_{place.value}"
                message = f"Select the risk to {group.label.lower()} {place.label.lower()}"
                self.fields[name] = forms.ChoiceField(
                    label=f"Risk to {group.label.lower()} {place.label.lower()}", choices=choices,
                    error_messages={"required": message, "invalid_choice": message})
                row.append(name)
            self.rating_rows.append((group.label, row))
        for field, label in NARRATIVE_FIELDS.items():
            self.fields[field] = _text(label, hint=NARRATIVE_HINTS[field],
                                       required=True)
            self.fields[field].error_messages["required"] = f"Describe {label[0].lower() + label[1:]}"

    @property
    def rating_table(self):
        return [(label, [self[name] for name in names]) for label, names in self.rating_rows]

    @property
    def narrative_fields(self):
        return [self[name] for name in NARRATIVE_FIELDS]

    def ratings(self) -> dict:
        return {(g, s): self.cleaned_data[f"{g}_{s}"] for g in RiskGroup.values for s in Setting.values}

    def narrative(self) -> dict:
        return {field: self.cleaned_data[field] for field in NARRATIVE_FIELDS}

    level_meanings = ROSH_MEANING


class RiskToSelfForm(VersionForm):
    govuk_mark_optional = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.concern_rows = []
        for concern in Concern:
            names = []
            for when, question in (("current", "Is there a current concern about"),
                                   ("previous", "Was there a previous concern about")):
                name = f"{concern.value}_{when}"
                message = f"Select whether there {'is' if when == 'current' else 'was'} a {when} concern about " \
                          f"{concern.label.lower()}"
                self.fields[name] = forms.ChoiceField(
                    label=f"{question} {concern.label.lower()}?", choices=YesNoUnknown.choices,
                    widget=GovUKRadioSelect(inline=True), error_messages={"required": message})
                names.append(name)
            self.concern_rows.append((concern.label, names))
        self.fields["notes"] = _text("Notes on risk to themselves", required=False)

    @property
    def concern_table(self):
        return [(label, [self[name] for name in names]) for label, names in self.concern_rows]

    def concerns(self) -> dict:
        return {c: (self.cleaned_data[f"{c}_current"], self.cleaned_data[f"{c}_previous"]) for c in Concern.values}


class NeedForm(VersionForm):
    severity = forms.ChoiceField(widget=GovUKRadioSelect, choices=Severity.choices)
    linked_to_harm = forms.ChoiceField(label="Is this area linked to risk of serious harm?", choices=YES_NO,
                                       widget=GovUKRadioSelect(inline=True),
                                       error_messages={"required": "Select whether it is linked to risk of serious harm"})
    linked_to_reoffending = forms.ChoiceField(
        label="Is this area linked to risk of reoffending?", choices=YES_NO, widget=GovUKRadioSelect(inline=True),
        error_messages={"required": "Select whether it is linked to risk of reoffending"})
    motivation = forms.ChoiceField(widget=GovUKRadioSelect, choices=Motivation.choices,
                                   error_messages={"required": "Select what the person said about making changes"})
    strengths = _text("Strengths and protective factors", required=False,
                      hint="Strategies, people or support networks that have helped")
    details = _text("Details", required=False, hint="What you found, in the person's words where you can")
    FACTORS = {
        "RELATION": [("parental_responsibilities", "Do they have parental responsibilities?", YesNoUnknown.choices)],
        "THINKING": [("impulsivity", "Impulsivity", ProblemLevel.choices),
                     ("temper_control", "Temper control", ProblemLevel.choices)],
    }

    def __init__(self, *args, area, person_name, **kwargs):
        super().__init__(*args, **kwargs)
        self.area = area
        label = area.description.lower()
        self.fields["severity"].label = f"How much of a need is {label}?"
        self.fields["severity"].error_messages["required"] = f"Select how much of a need {label} is"
        self.fields["motivation"].label = f"Does {person_name} want to make changes to {label}?"
        for name, question, choices in self.FACTORS.get(area.code, []):
            self.fields[name] = forms.ChoiceField(label=question, choices=choices, widget=GovUKRadioSelect(inline=True),
                                                  error_messages={"required": f"Select an answer for {question.lower()}"})

    def factors(self) -> dict:
        return {name: self.cleaned_data[name] for name, _, _ in self.FACTORS.get(self.area.code, [])}


def _percentage(label, hint="A percentage, for example 12.5"):
    return forms.DecimalField(
        label=label, required=False, max_digits=5, decimal_places=2, min_value=0, max_value=100, help_text=hint,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "decimal"}),
        error_messages={"invalid": f"{label} must be a number, like 12.5",
                        "min_value": f"{label} must be 0 or more", "max_value": f"{label} must be 100 or less",
                        "max_decimal_places": f"{label} must have no more than 2 decimal places",
                        "max_digits": f"{label} must be 100 or less"})


class PredictorsForm(VersionForm):
    ogrs3_one_year = _percentage("OGRS3 1-year")
    ogrs3_two_year = _percentage("OGRS3 2-year")
    rsr = _percentage("Risk of serious recidivism (RSR)")
    arp = _percentage("All reoffending predictor (ARP)")
    arp_type = forms.ChoiceField(label="Is the ARP static or dynamic?", required=False,
                                 choices=PredictorType.choices, widget=GovUKRadioSelect)
    csrp = _percentage("Combined serious reoffending predictor (CSRP)")
    csrp_type = forms.ChoiceField(label="Is the CSRP static or dynamic?", required=False,
                                  choices=PredictorType.choices, widget=GovUKRadioSelect)
    dc_srp = _percentage("Direct contact sexual reoffending predictor (DC-SRP)")
    dc_srp_band = forms.ChoiceField(label="DC-SRP band", required=False, choices=SrpBand.choices,
                                    widget=GovUKRadioSelect)
    sexual_offence_history = forms.BooleanField(
        label="They have committed a sexual offence, or an offence with a sexual motive", required=False)

    def scores(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields if name != "version"}


class CompleteForm(VersionForm):
    review_due = GovUKDateField(label="When should it be reviewed?", error_label="The review date",
                                help_text="For example, 27 3 2027",
                                error_messages={"required": "Enter the review date"})


class CountersignForm(VersionForm):
    decision = forms.ChoiceField(
        label="Do you countersign this assessment?", widget=GovUKRadioSelect,
        choices=[("countersign", "Yes, countersign it"), ("return", "No, return it to the author")],
        error_messages={"required": "Select whether you countersign it"})
    comments = _text("Comments", required=False,
                     hint="Required if you return it: say what needs to change")


class ExternalAssessmentForm(GovUKFormMixin, forms.Form):
    kind = forms.ChoiceField(label="What kind of assessment or report is it?", widget=GovUKRadioSelect,
                             choices=ExternalAssessment.Kind.choices,
                             error_messages={"required": "Select the kind of assessment or report"})
    title = forms.CharField(label="Title", max_length=200)
    author = forms.CharField(label="Who wrote it", max_length=200, error_messages={"required": "Enter who wrote it"})
    agency = forms.CharField(label="Their agency or service", max_length=200,
                             error_messages={"required": "Enter the agency they work for"})
    assessed_on = GovUKDateField(label="Date of the assessment", help_text="For example, 27 3 2026")
    conclusion = _text("Conclusion", hint="The conclusion in the author's words")
    rosh_level = forms.ChoiceField(
        label="What risk of serious harm does it conclude?", required=False, widget=GovUKRadioSelect,
        choices=[*RoshLevel.choices, ("", "It does not give a risk of serious harm conclusion")],
        help_text="Its highest level in the community, or the equivalent in its own terms")


class SetAsideForm(GovUKFormMixin, forms.Form):
    reason = _text("Why does this report no longer count as current?",
                   hint="For example, replaced by a later report from the same service")
    reason.error_messages["required"] = "Explain why this report no longer counts as current"


class ReconcileForm(GovUKFormMixin, forms.Form):
    subject_key = forms.CharField(widget=forms.HiddenInput)
    rationale = _text("How have you reconciled them?",
                      hint="Which view the risk management plan follows, and why; who you spoke to")
    rationale.error_messages["required"] = "Explain how you reconciled the assessments"


class OGRS3Form(VersionForm):
    offence_group = forms.ChoiceField(
        label="Which OGRS3 offence group is the current offence in?", widget=forms.Select,
        error_messages={"required": "Select the offence group of the current offence"})
    total_number_of_sanctions = forms.IntegerField(
        label="Total number of sanctions", min_value=1, max_value=999,
        help_text="Cautions, reprimands, final warnings and convictions, counting the current one. Offences dealt "
                  "with on the same day are one sanction",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
        error_messages={"required": "Enter the total number of sanctions", "min_value": "There is at least one "
                        "sanction: the current one", "invalid": "Enter the number of sanctions as a whole number",
                        "max_value": "Enter a number of sanctions under 1,000"})
    age_at_first_sanction = forms.IntegerField(
        label="Age at first sanction", min_value=0, max_value=120,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
        error_messages={"required": "Enter their age at their first sanction",
                        "invalid": "Enter the age as a whole number", "min_value": "Enter an age of 0 or more",
                        "max_value": "Enter an age under 120"})
    date_of_current_conviction = GovUKDateField(label="Date of the current conviction")
    date_at_start_of_followup = GovUKDateField(
        label="Date they could next reoffend in the community",
        help_text="The start of a community sentence, or the date of release from custody")

    def __init__(self, *args, **kwargs):
        from ..rules.ogrs3 import OFFENCE_GROUPS

        super().__init__(*args, **kwargs)
        self.fields["offence_group"].choices = [("", "Select an offence group")] + [
            (group.value, label) for group, (label, _) in OFFENCE_GROUPS.items()]
