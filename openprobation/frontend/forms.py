"""GOV.UK Design System forms for Django.

``GovUKFormRenderer`` (settings.FORM_RENDERER) makes ``{{ form }}`` and
``{{ form.field.as_field_group }}`` render GOV.UK markup: form groups, labels,
hints, error messages and inputs with the GOV.UK classes. ``GovUKDateField`` and
``GovUKTimeField`` give GOV.UK date and time inputs with GOV.UK error messages.
``error_summary_items`` turns forms' errors into the links of the error summary.
"""

import calendar
import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.forms.utils import pretty_name
from django.template.loader import render_to_string

from . import form_html

DATE_PARTS = ("day", "month", "year")


def _lower_first(text):
    """ "Date of birth" -> "date of birth", but "CRN" stays "CRN"."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def _join_parts(parts):
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


# ---------------------------------------------------------------------------
# Widgets


class GovUKChoiceHintsMixin:
    """Per-choice hints and the inline layout for GOV.UK radios and checkboxes."""

    def __init__(self, attrs=None, choices=(), hints=None, inline=False):
        super().__init__(attrs, choices)
        self.hints = dict(hints or {})
        self.inline = inline

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        hint = self.hints.get(str(value)) or self.hints.get(value)
        if hint and option["attrs"].get("id"):
            option["hint"] = hint
            option["hint_id"] = f"{option['attrs']['id']}-hint"
            option["attrs"]["aria-describedby"] = option["hint_id"]
        return option

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["inline"] = self.inline
        return context


class GovUKRadioSelect(GovUKChoiceHintsMixin, forms.RadioSelect):
    """Radios with optional ``hints={value: text}`` and ``inline=True``."""


class GovUKCheckboxSelectMultiple(GovUKChoiceHintsMixin, forms.CheckboxSelectMultiple):
    """Checkboxes with optional ``hints={value: text}`` and ``inline=True``."""


class GovUKDateWidget(forms.MultiWidget):
    """The GOV.UK date input: three text boxes named ``<name>_day``, ``_month`` and ``_year``."""

    template_name = "frontend/forms/widgets/date_input.html"
    use_fieldset = True
    part_widths = {"day": 2, "month": 2, "year": 4}

    def __init__(self, attrs=None):
        # Text, not number, inputs: GOV.UK advises against type=number (it rounds and spins).
        widgets = {part: forms.TextInput(attrs={"inputmode": "numeric"}) for part in DATE_PARTS}
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        return [None, None, None]

    def get_context(self, name, value, attrs):
        attrs = dict(attrs or {})
        error_parts = attrs.pop("govuk_error_parts", ())
        context = super().get_context(name, value, attrs)
        base_id = context["widget"]["attrs"].get("id")
        for part, subwidget in zip(DATE_PARTS, context["widget"]["subwidgets"], strict=True):
            classes = [
                "govuk-input",
                "govuk-date-input__input",
                f"govuk-input--width-{self.part_widths[part]}",
            ]
            if part in error_parts:
                classes.append("govuk-input--error")
            subwidget["attrs"]["class"] = " ".join(classes)
            if base_id:
                subwidget["attrs"]["id"] = f"{base_id}_{part}"
            if part not in error_parts:
                subwidget["attrs"].pop("aria-invalid", None)
            subwidget["label"] = part.capitalize()
            subwidget["part"] = part
        return context

    def id_for_label(self, id_):
        return f"{id_}_day" if id_ else ""


class GovUKTimeInput(forms.TextInput):
    """A short text box for a 24-hour time such as 14:30."""

    def __init__(self, attrs=None):
        super().__init__({"class": "govuk-input--width-5", "spellcheck": "false", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, datetime.time):
            return value.strftime("%H:%M")
        return super().format_value(value)


# ---------------------------------------------------------------------------
# Fields


class _LabelledErrorsMixin:
    """Error messages name the field ("Date of birth must ..."), so remember its label."""

    error_label = None

    def __init__(self, *, error_label=None, error_messages=None, **kwargs):
        # error_label: the name used in messages when the label is a question ("When were they born?").
        self._explicit_error_label = error_label
        self._custom_messages = dict(error_messages or {})
        super().__init__(error_messages=error_messages, **kwargs)

    def get_bound_field(self, form, field_name):
        # form.fields holds this form instance's own copy of the field, so this does not leak.
        if self.error_label is None:
            self.error_label = self._explicit_error_label or (
                str(self.label) if self.label is not None else pretty_name(field_name)
            )
        return super().get_bound_field(form, field_name)

    def _label(self):
        if self.error_label:
            return self.error_label
        if self._explicit_error_label:
            return self._explicit_error_label
        return str(self.label) if self.label is not None else self.default_error_label

    def _required_error(self):
        if "required" in self._custom_messages:
            return ValidationError(self.error_messages["required"], code="required")
        return ValidationError(f"Enter {_lower_first(self._label())}", code="required")

    def validate(self, value):
        if value in self.empty_values and self.required:
            raise self._required_error()


class GovUKDateField(_LabelledErrorsMixin, forms.Field):
    """A date entered as day, month and year, with GOV.UK's error messages.

    Accepts month names ("feb", "February") as GOV.UK recommends. The error code says
    which boxes to highlight: ``missing_<parts>``, ``invalid_year``, or ``invalid``
    (all three).
    """

    widget = GovUKDateWidget
    default_error_label = "Date"
    _months = {name.lower(): number for number, name in enumerate(calendar.month_name) if name} | {
        name.lower(): number for number, name in enumerate(calendar.month_abbr) if name
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value.strip())
            except ValueError:
                raise self._invalid() from None
        parts = dict(zip(DATE_PARTS, [str(v or "").strip() for v in value], strict=True))
        missing = [part for part in DATE_PARTS if not parts[part]]
        if len(missing) == len(DATE_PARTS):
            return None
        if missing:
            raise ValidationError(
                f"{self._label()} must include a {_join_parts(missing)}", code="missing_" + "_".join(missing)
            )
        month = self._months.get(parts["month"].lower(), parts["month"])
        if not (parts["day"].isdigit() and str(month).isdigit() and parts["year"].isdigit()):
            raise self._invalid()
        if len(parts["year"]) != 4:
            raise ValidationError("Year must include 4 numbers", code="invalid_year")
        try:
            return datetime.date(int(parts["year"]), int(month), int(parts["day"]))
        except ValueError:
            raise self._invalid() from None

    def _invalid(self):
        if "invalid" in self._custom_messages:
            return ValidationError(self.error_messages["invalid"], code="invalid")
        return ValidationError(f"{self._label()} must be a real date", code="invalid")


class GovUKTimeField(_LabelledErrorsMixin, forms.Field):
    """A time typed as 14:30 (also 9:15, 0930, 2pm, 2:30pm), with GOV.UK-style messages."""

    widget = GovUKTimeInput
    default_error_label = "Time"
    _pattern = re.compile(
        r"^(?P<hour>\d{1,2})(?:[:.]?(?P<minute>\d{2}))?\s*(?P<meridiem>am|pm)?$", re.IGNORECASE
    )

    def to_python(self, value):
        if isinstance(value, datetime.time):
            return value
        if value in self.empty_values or not str(value).strip():
            return None
        match = self._pattern.match(str(value).strip())
        if not match:
            raise self._invalid()
        hour = int(match["hour"])
        minute = int(match["minute"] or 0)
        meridiem = (match["meridiem"] or "").lower()
        if not meridiem and match["minute"] is None:
            raise self._invalid()  # "14" alone is ambiguous; GOV.UK asks for minutes
        if meridiem:
            if not 1 <= hour <= 12:
                raise self._invalid()
            hour = hour % 12 + (12 if meridiem == "pm" else 0)
        if hour > 23 or minute > 59:
            raise self._invalid()
        return datetime.time(hour, minute)

    def prepare_value(self, value):
        if isinstance(value, datetime.time):
            return value.strftime("%H:%M")
        return value

    def _invalid(self):
        if "invalid" in self._custom_messages:
            return ValidationError(self.error_messages["invalid"], code="invalid")
        return ValidationError(f"{self._label()} must be a real time, like 14:30", code="invalid")


# ---------------------------------------------------------------------------
# Bound fields and the renderer


def _date_error_parts(bound_field):
    parts = []
    for error in bound_field.errors.as_data():
        code = error.code or ""
        if code.startswith("missing_"):
            parts.extend(code.removeprefix("missing_").split("_"))
        elif code == "invalid_year":
            parts.append("year")
        else:
            return list(DATE_PARTS)
    return [part for part in DATE_PARTS if part in parts]


def _widget_classes(widget, has_errors):
    """The GOV.UK classes for a widget's input(s), or None if the template handles them."""
    if isinstance(widget, (forms.MultiWidget, forms.HiddenInput, forms.MultipleHiddenInput)):
        return None
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "govuk-checkboxes__input"
    if isinstance(widget, forms.RadioSelect):
        return "govuk-radios__input"
    if isinstance(widget, forms.CheckboxInput):
        return "govuk-checkboxes__input"
    if isinstance(widget, forms.Textarea):
        base = "govuk-textarea"
    elif isinstance(widget, forms.Select):
        base = "govuk-select"
    elif isinstance(widget, forms.FileInput):
        base = "govuk-file-upload"
    else:
        base = "govuk-input"
    return f"{base} {base}--error" if has_errors else base


def error_anchor(bound_field):
    """The id the error summary links to: the first box that needs fixing."""
    widget = bound_field.field.widget
    id_ = widget.attrs.get("id") or bound_field.auto_id
    if not id_:
        return ""
    if isinstance(widget, GovUKDateWidget):
        parts = _date_error_parts(bound_field) or ["day"]
        return f"{id_}_{parts[0]}"
    if isinstance(widget, forms.MultiWidget):
        return f"{id_}_0"
    if isinstance(widget, forms.RadioSelect):  # CheckboxSelectMultiple too
        return f"{id_}_0"
    return id_


class GovUKBoundField(BoundField):
    """Adds GOV.UK classes, hint and error ids, and drops the browser's own validation."""

    @property
    def hint_id(self):
        return f"{self.auto_id}-hint" if self.help_text and self.auto_id else ""

    @property
    def error_id(self):
        return f"{self.auto_id}-error" if self.errors and self.auto_id else ""

    @property
    def aria_describedby(self):
        if self.field.widget.attrs.get("aria-describedby"):
            return None
        return " ".join(filter(None, [self.hint_id, self.error_id]))

    @property
    def error_anchor(self):
        return error_anchor(self)

    @property
    def is_date_input(self):
        return isinstance(self.field.widget, GovUKDateWidget)

    @property
    def is_single_checkbox(self):
        return isinstance(self.field.widget, forms.CheckboxInput)

    @property
    def is_page_heading(self):
        return getattr(self.form, "govuk_page_heading", None) == self.name

    @property
    def label_size(self):
        if self.is_page_heading:
            return "l"
        return getattr(self.form, "govuk_label_size", "s")

    def build_widget_attrs(self, attrs, widget=None):
        widget = widget or self.field.widget
        attrs = super().build_widget_attrs(attrs, widget)
        # GOV.UK turns off browser validation: our error messages are clearer and consistent.
        attrs.pop("required", None)
        classes = _widget_classes(widget, bool(self.errors))
        if classes:
            attrs["class"] = " ".join(filter(None, [classes, widget.attrs.get("class"), attrs.get("class")]))
        if isinstance(widget, GovUKDateWidget) and self.errors:
            attrs["govuk_error_parts"] = _date_error_parts(self)
        return attrs


class GovUKFormRenderer(TemplatesSetting):
    """Renders forms, fields and widgets with GOV.UK markup from settings.TEMPLATES.

    Django's radio and checkbox templates are swapped for ours by name here rather than
    overridden in a templates folder, so app order in INSTALLED_APPS does not matter. So is the
    select: ours writes each option in place of including an option template (and its attributes
    template) per option, the same markup at a fraction of the cost for long lists. A select widget
    with its own ``option_template_name`` must therefore also give its own ``template_name``.

    The form, the field group and the common widgets are written in Python (``form_html``), byte for byte
    what their templates write; ``python_markup = False`` renders everything from the templates instead.
    """

    python_markup = True
    form_template_name = "frontend/forms/form.html"
    formset_template_name = "frontend/forms/formset.html"
    field_template_name = "frontend/forms/field.html"
    bound_field_class = GovUKBoundField
    widget_templates = {
        "django/forms/widgets/radio.html": "frontend/forms/widgets/radios.html",
        "django/forms/widgets/checkbox_select.html": "frontend/forms/widgets/checkboxes.html",
        "django/forms/widgets/select.html": "frontend/forms/widgets/select.html",
    }

    def get_template(self, template_name):
        return super().get_template(self.widget_templates.get(template_name, template_name))

    def render(self, template_name, context, request=None):
        # The common templates are written in Python (form_html), the same markup without the template cost,
        # stripped as Django strips what a template renders here.
        if (
            self.python_markup
            and (write := form_html.RENDERERS.get(template_name)) is not None
            and (markup := write(context)) is not None
        ):
            return markup.strip()
        return super().render(template_name, context, request)


# ---------------------------------------------------------------------------
# The error summary


def error_summary_items(*forms_or_formsets):
    """(message, href) pairs for the GOV.UK error summary, in page order.

    Accepts forms, formsets, None (ignored) and lists of these. Errors that belong to
    no visible field (non-field errors, hidden fields) have no link.
    """
    items = []
    for obj in forms_or_formsets:
        if obj is None:
            continue
        if isinstance(obj, (list, tuple)):
            items.extend(error_summary_items(*obj))
        elif isinstance(obj, forms.BaseFormSet):
            items.extend((str(message), None) for message in obj.non_form_errors())
            items.extend(error_summary_items(*obj.forms))
        else:
            items.extend(_form_error_items(obj))
    return items


def _form_error_items(form):
    if not form.is_bound or not form.errors:
        return []
    items = [(str(message), None) for message in form.non_field_errors()]
    for name in form.fields:
        bound_field = form[name]
        for message in bound_field.errors:
            if bound_field.is_hidden:
                items.append((str(message), None))
            else:
                anchor = error_anchor(bound_field)
                items.append((str(message), f"#{anchor}" if anchor else None))
    return items


class GovUKFormMixin:
    """GOV.UK habits for a form: specific "required" messages and ``{{ form.error_summary }}``.

    A field still showing Django's "This field is required." gets "Enter <label>" (text
    boxes) or "Select <label>" (choices) instead, unless its label is a question, which
    needs a message written by hand (``error_messages={"required": ...}``).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        default_required = forms.Field.default_error_messages["required"]
        for name, field in self.fields.items():
            if field.error_messages.get("required") != default_required:
                continue
            label = str(field.label) if field.label is not None else pretty_name(name)
            if label.rstrip().endswith("?"):
                continue
            choosing = isinstance(field.widget, (forms.Select, forms.RadioSelect, forms.CheckboxInput))
            verb = "Select" if choosing else "Enter"
            field.error_messages["required"] = f"{verb} {_lower_first(label)}"

    @property
    def error_summary_items(self):
        return error_summary_items(self)

    @property
    def error_summary(self):
        return render_to_string(
            "frontend/components/error_summary.html",
            {"items": self.error_summary_items, "title": "There is a problem"},
        )


def has_errors(*forms_or_formsets):
    """Whether any of the given forms or formsets has an error to show."""
    return bool(error_summary_items(*forms_or_formsets))
