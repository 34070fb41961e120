"""The Python-written form markup (frontend.form_html) is byte for byte what the templates write."""

import datetime
import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.utils.safestring import mark_safe

import openprobation
from openprobation.frontend import form_html
from openprobation.frontend.forms import (
    GovUKCheckboxSelectMultiple,
    GovUKDateField,
    GovUKFormRenderer,
    GovUKRadioSelect,
    GovUKTimeField,
)

XSS = '<b>"&\'</b>'


class TemplatesOnly(GovUKFormRenderer):
    python_markup = False


class EveryKind(forms.Form):
    name = forms.CharField(help_text="As shown on their ID", max_length=40)
    nickname = forms.CharField(required=False, label=XSS, help_text=mark_safe("<a href='#x'>Why</a>"))
    email = forms.EmailField(required=False)
    count = forms.IntegerField(required=False, min_value=0)
    secret = forms.CharField(widget=forms.PasswordInput, required=False)
    when = GovUKDateField(required=False, help_text="For example, 27 3 2026")
    at = GovUKTimeField(required=False)
    gender = forms.ChoiceField(
        choices=[("f", "Female"), ("x", XSS)], widget=GovUKRadioSelect(hints={"x": "Later"}), required=False
    )
    needs = forms.MultipleChoiceField(
        choices=[("a", "Interpreter"), ("b", "Step-free")], widget=GovUKCheckboxSelectMultiple, required=False
    )
    region = forms.ChoiceField(choices=[("", "Choose"), ("nw", "North West"), ("x", XSS)])
    kind = forms.ChoiceField(
        required=False,
        choices=[("", "All"), ("Appointments", [("a1", "Office visit"), ("a2", XSS)]), ("Other", [("o1", "Email")])],
    )
    many = forms.MultipleChoiceField(choices=[("1", "One"), ("2", "Two")], required=False)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    consent = forms.BooleanField(label="They agreed", help_text="Ask first", required=False)
    agreed = forms.BooleanField(label="Must agree")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False)


class Heading(EveryKind):
    govuk_page_heading = "name"
    govuk_label_size = ""
    govuk_mark_optional = False


class DateHeading(EveryKind):
    govuk_page_heading = "when"
    govuk_label_size = "m"


BOUND = {
    "name": XSS, "nickname": "", "email": "not an email", "count": "-1", "when_day": "31", "when_month": "2",
    "when_year": "2026", "at": "25:00", "gender": "x", "needs": ["a", "b"], "region": "x", "kind": "a2",
    "many": ["1", "2"], "notes": f"line one\n{XSS}", "consent": "on", "version": "3", "token": XSS,
}
VALID = {**BOUND, "email": "a@example.org", "count": "2", "when_day": "1", "at": "14:30", "agreed": "on",
         "name": "Sam"}


def both_ways(form_class, *args, **kwargs) -> tuple[str, str]:
    fast = form_class(*args, **kwargs)
    slow = form_class(*args, renderer=TemplatesOnly(), **kwargs)
    for form in (fast, slow):
        form.is_valid()  # nothing for an unbound form; errors for a bound one
    return str(fast), str(slow)


@pytest.mark.parametrize("form_class", [EveryKind, Heading, DateHeading])
@pytest.mark.parametrize("data", [None, {}, BOUND, VALID], ids=["unbound", "empty", "errors", "valid"])
def test_python_markup_is_the_template_markup(form_class, data):
    fast, slow = both_ways(form_class, data)
    assert fast == slow


def test_initial_values_are_written_the_same():
    initial = {"name": XSS, "count": 5, "when": datetime.date(2026, 3, 27), "at": datetime.time(9, 5),
               "kind": "o1", "consent": True, "notes": XSS, "version": 7}
    fast, slow = both_ways(EveryKind, initial=initial)
    assert fast == slow
    assert "&lt;b&gt;" in fast
    assert XSS not in fast


def test_the_python_path_is_taken_for_the_common_templates():
    form = EveryKind(BOUND)
    form.is_valid()
    for name in ("name", "region", "notes", "consent", "version", "when"):
        template = form[name].field.widget.template_name
        assert template in form_html.RENDERERS, template
    assert GovUKFormRenderer.form_template_name in form_html.RENDERERS
    assert GovUKFormRenderer.field_template_name in form_html.RENDERERS


def _project_forms():
    """Every form class in the project that can be built without arguments."""
    found = {}
    for module_info in pkgutil.walk_packages(openprobation.__path__, "openprobation."):
        name = module_info.name
        if ".tests" in name or ".migrations" in name or "management" in name or name.endswith(("wsgi", "cli")):
            continue
        module = importlib.import_module(name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if not issubclass(obj, forms.BaseForm) or obj.__module__ != name or getattr(obj, "_meta", None) and obj._meta.model is None:
                continue
            found[f"{name}.{obj.__name__}"] = obj
    return found


@pytest.mark.django_db
def test_every_project_form_renders_the_same_both_ways():
    compared = 0
    for label, form_class in sorted(_project_forms().items()):
        for data in (None, {}):
            try:
                fast, slow = both_ways(form_class, data)
            except (TypeError, AttributeError):
                continue  # needs arguments of its own (a user, a case, its data): covered by its views' tests
            assert fast == slow, label
            compared += 1
    assert compared >= 20, compared
