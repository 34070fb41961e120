import datetime

import pytest
from django import forms
from django.forms.renderers import get_default_renderer
from django.template import engines
from django.utils.safestring import mark_safe

from openprobation.frontend.forms import (
    GovUKCheckboxSelectMultiple,
    GovUKDateField,
    GovUKFormMixin,
    GovUKFormRenderer,
    GovUKRadioSelect,
    GovUKTimeField,
    error_summary_items,
)
from openprobation.frontend.tests.htmltree import parse

XSS = '<script>alert("x")</script>'


class PersonForm(GovUKFormMixin, forms.Form):
    first_name = forms.CharField(help_text="As shown on their ID")
    date_of_birth = GovUKDateField(help_text="For example, 27 3 2007")
    gender = forms.ChoiceField(
        choices=[("f", "Female"), ("m", "Male"), ("x", "Another identity")],
        widget=GovUKRadioSelect(hints={"x": "They can describe it later"}),
    )
    needs = forms.MultipleChoiceField(
        choices=[("interpreter", "Interpreter"), ("access", "Step-free access")],
        widget=GovUKCheckboxSelectMultiple,
        required=False,
    )
    region = forms.ChoiceField(choices=[("", "Choose a region"), ("nw", "North West")])
    notes = forms.CharField(widget=forms.Textarea, required=False)
    consent = forms.BooleanField(label="They agreed to share their details", required=False)
    crn = forms.CharField(label="CRN")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("first_name") == "Duplicate":
            raise forms.ValidationError("A person with these details already exists")
        return cleaned


VALID = {
    "first_name": "Jordan",
    "date_of_birth_day": "5",
    "date_of_birth_month": "3",
    "date_of_birth_year": "1990",
    "gender": "f",
    "region": "nw",
    "crn": "X100001",
}


def _group(tree, name):
    """The govuk-form-group that holds the control named ``name``."""
    for element in tree.iter():
        if element.attrs.get("name", "").startswith(name) and element.tag in {"input", "select", "textarea"}:
            groups = [a for a in element.ancestors() if "govuk-form-group" in a.classes]
            return groups[-1]
    raise AssertionError(f"no control named {name}")


def test_the_gov_uk_renderer_is_the_default():
    assert isinstance(get_default_renderer(), GovUKFormRenderer)
    assert isinstance(PersonForm().renderer, GovUKFormRenderer)


def test_a_valid_form_cleans_to_python_values():
    form = PersonForm(data=VALID)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_of_birth"] == datetime.date(1990, 3, 5)


def test_unbound_form_renders_gov_uk_markup_without_errors():
    tree = parse(str(PersonForm()))

    assert not tree.find_all(class_="govuk-form-group--error")
    assert not tree.find_all(class_="govuk-error-message")
    label = tree.find("label", for_="id_first_name")
    assert label.classes == {"govuk-label", "govuk-label--s"}
    assert label.text == "First name"
    text_input = tree.find("input", id="id_first_name")
    assert text_input.classes == {"govuk-input"}
    assert text_input.attrs["aria-describedby"] == "id_first_name-hint"
    assert "required" not in text_input.attrs  # GOV.UK relies on our messages, not the browser's
    assert tree.find("div", id="id_first_name-hint", class_="govuk-hint").text == "As shown on their ID"
    assert tree.find("select", id="id_region").classes == {"govuk-select"}
    assert tree.find("textarea", id="id_notes").classes == {"govuk-textarea"}
    assert tree.find("label", for_="id_notes").text == "Notes (optional)"
    assert tree.find("input", type="hidden", name="version")


def test_radios_checkboxes_and_single_checkbox():
    tree = parse(str(PersonForm()))

    radios = tree.find("div", class_="govuk-radios")
    assert radios.attrs["data-module"] == "govuk-radios"
    assert [i.attrs["value"] for i in radios.find_all("input", class_="govuk-radios__input")] == [
        "f",
        "m",
        "x",
    ]
    assert radios.find("label", for_="id_gender_0", class_="govuk-radios__label").text == "Female"
    other = radios.find("input", id="id_gender_2")
    assert other.attrs["aria-describedby"] == "id_gender_2-hint"
    assert (
        radios.find("div", id="id_gender_2-hint", class_="govuk-radios__hint").text
        == "They can describe it later"
    )
    fieldset = radios.parent
    assert fieldset.tag == "fieldset"
    assert "govuk-fieldset" in fieldset.classes
    assert fieldset.find("legend", class_="govuk-fieldset__legend").text == "Gender"

    checkboxes = tree.find("div", class_="govuk-checkboxes", id="id_needs")
    assert len(checkboxes.find_all("input", type="checkbox", class_="govuk-checkboxes__input")) == 2
    assert checkboxes.parent.find("legend").text == "Needs (optional)"

    consent = tree.find("input", name="consent")
    assert "govuk-checkboxes__input" in consent.classes
    assert (
        consent.parent.find("label", class_="govuk-checkboxes__label").text
        == "They agreed to share their details"
    )


def test_date_input_markup():
    tree = parse(str(PersonForm()))
    date_input = tree.find("div", class_="govuk-date-input", id="id_date_of_birth")
    fieldset = date_input.parent

    assert fieldset.attrs["role"] == "group"
    assert fieldset.attrs["aria-describedby"] == "id_date_of_birth-hint"
    boxes = date_input.find_all("input")
    assert [box.attrs["name"] for box in boxes] == [
        "date_of_birth_day",
        "date_of_birth_month",
        "date_of_birth_year",
    ]
    assert [box.attrs["id"] for box in boxes] == [
        "id_date_of_birth_day",
        "id_date_of_birth_month",
        "id_date_of_birth_year",
    ]
    assert all(box.attrs["inputmode"] == "numeric" and box.attrs["type"] == "text" for box in boxes)
    assert "govuk-input--width-4" in boxes[2].classes
    labels = date_input.find_all("label", class_="govuk-date-input__label")
    assert [(label.text, label.attrs["for"]) for label in labels] == [
        ("Day", "id_date_of_birth_day"),
        ("Month", "id_date_of_birth_month"),
        ("Year", "id_date_of_birth_year"),
    ]


def test_form_with_errors_marks_groups_inputs_and_messages():
    form = PersonForm(
        data={"date_of_birth_day": "31", "date_of_birth_month": "02", "date_of_birth_year": "2025"}
    )
    assert not form.is_valid()
    tree = parse(str(form))

    group = _group(tree, "first_name")
    assert "govuk-form-group--error" in group.classes
    message = group.find("p", class_="govuk-error-message", id="id_first_name-error")
    assert message.find("span", class_="govuk-visually-hidden").text == "Error:"
    assert message.text == "Error: Enter first name"
    text_input = group.find("input", id="id_first_name")
    assert text_input.classes == {"govuk-input", "govuk-input--error"}
    assert text_input.attrs["aria-describedby"] == "id_first_name-hint id_first_name-error"
    assert text_input.attrs["aria-invalid"] == "true"

    assert tree.find("select", id="id_region").classes == {"govuk-select", "govuk-select--error"}
    assert _group(tree, "region").find(class_="govuk-error-message").text == "Error: Select region"
    assert _group(tree, "crn").find(class_="govuk-error-message").text == "Error: Enter CRN"
    assert _group(tree, "gender").find(class_="govuk-error-message").text == "Error: Select gender"
    assert "govuk-form-group--error" not in _group(tree, "notes").classes

    date_group = _group(tree, "date_of_birth")
    assert date_group.find(class_="govuk-error-message").text == "Error: Date of birth must be a real date"
    assert (
        date_group.find("fieldset").attrs["aria-describedby"]
        == "id_date_of_birth-hint id_date_of_birth-error"
    )
    boxes = date_group.find_all("input")
    assert all("govuk-input--error" in box.classes for box in boxes)
    assert boxes[0].attrs["value"] == "31"  # what they typed comes back to fix
    assert boxes[1].attrs["value"] == "02"


def test_error_summary_links_to_each_field_in_order():
    form = PersonForm(
        data={"first_name": "Duplicate", "date_of_birth_day": "1", "date_of_birth_year": "1990"}
    )
    assert not form.is_valid()

    assert error_summary_items(form) == [
        ("A person with these details already exists", None),
        ("Date of birth must include a month", "#id_date_of_birth_month"),
        ("Select gender", "#id_gender_0"),
        ("Select region", "#id_region"),
        ("Enter CRN", "#id_crn"),
    ]
    tree = parse(
        engines["django"].from_string("{% load govuk %}{% govuk_error_summary form %}").render({"form": form})
    )
    summary = tree.find("div", class_="govuk-error-summary")
    assert summary.attrs["data-module"] == "govuk-error-summary"
    assert (
        summary.find("div", role="alert").find("h2", class_="govuk-error-summary__title").text
        == "There is a problem"
    )
    links = summary.find("ul", class_="govuk-error-summary__list").find_all("a")
    assert [link.attrs["href"] for link in links] == [
        "#id_date_of_birth_month",
        "#id_gender_0",
        "#id_region",
        "#id_crn",
    ]
    assert summary.find("li").text == "A person with these details already exists"
    every_target = {element.attrs.get("id") for element in parse(str(form)).iter()}
    assert {link.attrs["href"][1:] for link in links} <= every_target


def test_only_the_missing_date_part_is_highlighted():
    form = PersonForm(data={**VALID, "date_of_birth_month": ""})
    assert not form.is_valid()
    boxes = _group(parse(str(form)), "date_of_birth").find_all("input")

    assert ["govuk-input--error" in box.classes for box in boxes] == [False, True, False]
    assert ["aria-invalid" in box.attrs for box in boxes] == [False, True, False]


def test_error_summary_variants_and_empty_output():
    engine = engines["django"]
    assert (
        engine.from_string("{% load govuk %}{% govuk_error_summary form %}")
        .render({"form": PersonForm()})
        .strip()
        == ""
    )
    assert "<form" not in PersonForm(data={}).error_summary
    assert "Enter first name" in PersonForm(data={}).error_summary
    FormSet = forms.formset_factory(PersonForm, extra=0, min_num=1, validate_min=True)
    formset = FormSet(data={"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-0-first_name": ""})
    assert not formset.is_valid()
    assert ("Enter first name", "#id_form-0-first_name") in error_summary_items(formset)
    assert error_summary_items(None, [PersonForm()]) == []


def test_labels_hints_and_errors_are_escaped():
    class Risky(GovUKFormMixin, forms.Form):
        name = forms.CharField(label=XSS, help_text=XSS)
        safe = forms.CharField(help_text=mark_safe("<strong>trusted</strong>"), required=False)  # noqa: S308

        def clean_name(self):
            raise forms.ValidationError(XSS)

    html = str(Risky(data={"name": "x"}))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<strong>trusted</strong>" in html


def test_page_heading_label_and_label_size():
    class Question(forms.Form):
        govuk_page_heading = "reason"
        govuk_label_size = "m"
        reason = forms.CharField(label="Why was the appointment missed?")
        other = forms.CharField()

    tree = parse(str(Question()))
    heading = tree.find("h1", class_="govuk-label-wrapper")
    assert heading.find("label").classes == {"govuk-label", "govuk-label--l"}
    assert tree.find("label", for_="id_other").classes == {"govuk-label", "govuk-label--m"}


def test_question_labels_keep_django_required_message():
    class Question(GovUKFormMixin, forms.Form):
        reason = forms.CharField(label="Why was it missed?")

    form = Question(data={})
    assert not form.is_valid()
    assert form.errors["reason"] == ["This field is required."]


class DateForm(forms.Form):
    date_of_birth = GovUKDateField()
    start = GovUKDateField(label="When did the order start?", error_label="Start date", required=False)


def _date_errors(day, month, year, field="date_of_birth"):
    form = DateForm(data={f"{field}_day": day, f"{field}_month": month, f"{field}_year": year})
    form.is_valid()
    return form.errors.get(field), form.cleaned_data.get(field)


def test_date_field_rejects_31_february_2025():
    errors, value = _date_errors("31", "02", "2025")
    assert errors == ["Date of birth must be a real date"]
    assert value is None


def test_date_field_accepts_a_real_date():
    assert _date_errors("28", "02", "2025") == (None, datetime.date(2025, 2, 28))
    assert _date_errors(" 29 ", "2", "2024") == (None, datetime.date(2024, 2, 29))
    assert _date_errors("1", "Feb", "2025") == (None, datetime.date(2025, 2, 1))
    assert _date_errors("1", "september", "2025") == (None, datetime.date(2025, 9, 1))


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("", "", "", "Enter date of birth"),
        ("", "3", "1990", "Date of birth must include a day"),
        ("", "", "1990", "Date of birth must include a day and month"),
        ("5", "", "", "Date of birth must include a month and year"),
        ("5", "13", "1990", "Date of birth must be a real date"),
        ("0", "3", "1990", "Date of birth must be a real date"),
        ("5", "three", "1990", "Date of birth must be a real date"),
        ("5", "3", "-1990", "Date of birth must be a real date"),
        ("5", "3", "90", "Year must include 4 numbers"),
    ],
)
def test_date_field_messages(day, month, year, message):
    assert _date_errors(day, month, year)[0] == [message]


def test_date_field_error_label_and_optional_blank():
    assert _date_errors("31", "4", "2025", field="start")[0] == ["Start date must be a real date"]
    assert _date_errors("", "", "", field="start") == (None, None)


def test_date_field_initial_value_and_custom_messages():
    class Custom(forms.Form):
        when = GovUKDateField(
            error_messages={"required": "Enter the date of the contact", "invalid": "Check the date"}
        )

    boxes = parse(str(Custom(initial={"when": datetime.date(2025, 1, 9)}))).find_all("input")
    assert [box.attrs["value"] for box in boxes] == ["9", "1", "2025"]
    form = Custom(data={"when_day": "", "when_month": "", "when_year": ""})
    assert not form.is_valid()
    assert form.errors["when"] == ["Enter the date of the contact"]
    form = Custom(data={"when_day": "30", "when_month": "2", "when_year": "2025"})
    assert not form.is_valid()
    assert form.errors["when"] == ["Check the date"]


class TimeForm(forms.Form):
    at = GovUKTimeField(label="Appointment time")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("14:30", datetime.time(14, 30)),
        ("9:05", datetime.time(9, 5)),
        ("0930", datetime.time(9, 30)),
        ("9.30", datetime.time(9, 30)),
        ("2pm", datetime.time(14, 0)),
        ("12:15am", datetime.time(0, 15)),
        ("12 pm", datetime.time(12, 0)),
    ],
)
def test_time_field_accepts_common_forms(typed, expected):
    form = TimeForm(data={"at": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["at"] == expected


@pytest.mark.parametrize("typed", ["24:00", "14:60", "14", "13pm", "half two", "1:5"])
def test_time_field_rejects_impossible_times(typed):
    form = TimeForm(data={"at": typed})
    assert not form.is_valid()
    assert form.errors["at"] == ["Appointment time must be a real time, like 14:30"]


def test_time_field_required_and_rendering():
    form = TimeForm(data={"at": ""})
    assert not form.is_valid()
    assert form.errors["at"] == ["Enter appointment time"]
    box = parse(str(TimeForm(initial={"at": datetime.time(9, 5)}))).find("input", name="at")
    assert box.attrs["value"] == "09:05"
    assert box.classes == {"govuk-input", "govuk-input--width-5"}


def test_date_field_cleans_dates_and_iso_strings_outside_a_form():
    field = GovUKDateField()
    assert field.clean(datetime.date(2025, 2, 28)) == datetime.date(2025, 2, 28)
    assert field.clean("2025-02-28") == datetime.date(2025, 2, 28)
    with pytest.raises(forms.ValidationError, match="Date must be a real date"):
        field.clean("2025-02-31")
    with pytest.raises(forms.ValidationError, match="Date must be a real date"):
        field.clean(["31", "2", "2025"])


def test_inline_choices_and_no_optional_marker():
    class Quiet(forms.Form):
        govuk_mark_optional = False
        answer = forms.ChoiceField(choices=[("y", "Yes"), ("n", "No")], widget=GovUKRadioSelect(inline=True))
        notes = forms.CharField(required=False)

    tree = parse(str(Quiet()))
    assert "govuk-radios--inline" in tree.find("div", class_="govuk-radios").classes
    assert tree.find("label", for_="id_notes").text == "Notes"
