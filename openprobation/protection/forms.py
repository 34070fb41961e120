from django import forms

from openprobation.frontend.forms import GovUKDateField

from .models import RegisterGroup, RegisterType


def _grouped_types():
    by_group: dict[str, list] = {}
    for register_type in RegisterType.objects.selectable():
        by_group.setdefault(register_type.group, []).append(
            (register_type.code, f"{register_type.description} ({register_type.code})"))
    return [(RegisterGroup(group).label, choices) for group, choices in by_group.items()]


def _grouped_codes(attribute: str):
    """Levels or categories of every type that has them, grouped by type: (type, [(code, label)])."""
    groups = []
    for register_type in RegisterType.objects.selectable():
        codes = getattr(register_type, attribute)
        if codes:
            groups.append((register_type.description, [(code, label) for code, label in codes]))
    return groups


class AddRegistrationForm(forms.Form):
    register_type = forms.ChoiceField(label="Type of flag", error_messages={"required": "Select the type of flag"})
    level = forms.ChoiceField(label="Level", required=False, help_text="Only for flags that have levels, such as MAPPA")
    category = forms.ChoiceField(label="Category", required=False,
                                 help_text="Only for flags that have categories, such as MAPPA")
    registered_on = GovUKDateField(label="Date registered")
    next_review_date = GovUKDateField(label="Next review date", required=False,
                                      help_text="Leave blank to use the usual review period for this type of flag")
    notes = forms.CharField(label="Notes", required=False, max_length=4000, widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["register_type"].choices = [("", "Choose a type of flag"), *_grouped_types()]
        self.fields["level"].choices = [("", "Not applicable"), *_grouped_codes("levels")]
        self.fields["category"].choices = [("", "Not applicable"), *_grouped_codes("categories")]

    def clean_register_type(self):
        return RegisterType.objects.get(code=self.cleaned_data["register_type"])


class ReviewRegistrationForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reviewed_on = GovUKDateField(label="Date of the review")
    notes = forms.CharField(label="What the review found", max_length=4000, widget=forms.Textarea,
                            error_messages={"required": "Enter what the review found"})
    next_review_date = GovUKDateField(label="Next review date", required=False,
                                      help_text="Leave blank to use the usual review period for this type of flag")

    def __init__(self, *args, register_type: RegisterType, **kwargs):
        super().__init__(*args, **kwargs)
        # Levels and categories can change at a review (for example MAPPA level 2 to level 1).
        if register_type.levels:
            self.fields["level"] = forms.ChoiceField(
                label="Level", choices=[("", "Not applicable"), *register_type.levels],
                required=register_type.level_required, error_messages={"required": "Select the level"})
        if register_type.categories:
            self.fields["category"] = forms.ChoiceField(
                label="Category", choices=[("", "Not applicable"), *register_type.categories],
                required=register_type.category_required, error_messages={"required": "Select the category"})
        self.order_fields(["version", "reviewed_on", "level", "category", "notes", "next_review_date"])


class RemoveRegistrationForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    removed_on = GovUKDateField(label="Date removed")
    reason = forms.CharField(label="Why is the flag being removed?", max_length=4000, widget=forms.Textarea,
                             error_messages={"required": "Enter why the flag is being removed"})
