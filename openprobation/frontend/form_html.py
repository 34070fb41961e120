"""The GOV.UK markup of forms, fields and the common widgets, written in Python.

``GovUKFormRenderer`` hands these the templates they stand for: the form (``frontend/forms/form.html``),
the field group (``frontend/forms/field.html``), text-like inputs, checkboxes, text areas, selects and the
GOV.UK date input. Each writes exactly what its template writes, byte for byte
(``frontend/tests/test_form_html.py`` renders every kind of field both ways and compares), at a fraction
of the cost: a template pays a context lookup for every variable and a render for every include, and a
filter form of seven fields cost about 2 ms a page that way. Anything else (radios, checkbox groups, a
field or widget with a template of its own) goes to its template as before, as does anything a writer
returns None for.
"""

from __future__ import annotations

from .markup import escaped as _text

# ``{{ value|stringformat:'s' }}`` writes the same as ``{{ value }}`` for every value a widget holds.
_formatted = _text

FORM_TEMPLATE = "frontend/forms/form.html"
FIELD_TEMPLATE = "frontend/forms/field.html"
SELECT_TEMPLATE = "django/forms/widgets/select.html"
DATE_INPUT_TEMPLATE = "frontend/forms/widgets/date_input.html"
TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"
# Django's templates for these are each `{% include "django/forms/widgets/input.html" %}` and a newline.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("text", "email", "number", "password", "hidden", "url", "tel", "search", "date", "datetime",
                 "time", "color", "checkbox")
)


def _attrs(attrs: dict) -> str:
    """Django's ``attrs.html``: ` name="value"`, a bare ` name` for True, nothing for False."""
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def render_input(context) -> str:
    widget = context["widget"]
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}{_attrs(widget["attrs"])}>\n\n'


def render_textarea(context) -> str:
    widget = context["widget"]
    value = _text(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>\n'


def render_select(context) -> str:
    """``frontend/forms/widgets/select.html``: options written in place, grouped under their optgroups."""
    widget = context["widget"]
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _ in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        parts.extend(
            f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>{_text(option["label"])}</option>\n'
            for option in options
        )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


def render_date_input(context) -> str | None:
    """``frontend/forms/widgets/date_input.html``: the day, month and year boxes, each with its label."""
    widget = context["widget"]
    if any(sub["template_name"] not in INPUT_TEMPLATES for sub in widget["subwidgets"]):
        return None  # a box with a template of its own
    box_id = f' id="{_text(widget["attrs"]["id"])}"' if widget["attrs"].get("id") else ""
    items = "".join(
        '\n  <div class="govuk-date-input__item">\n    <div class="govuk-form-group">\n'
        f'      <label class="govuk-label govuk-date-input__label" for="{_text(sub["attrs"].get("id", ""))}">'
        f'{_text(sub["label"])}</label>\n'
        f"      {render_input({'widget': sub})}\n    </div>\n  </div>\n  "
        for sub in widget["subwidgets"]
    )
    return f'<div class="govuk-date-input"{box_id}>\n  {items}\n</div>\n'


def _label_text(field) -> str:
    optional = not field.field.required and getattr(field.form, "govuk_mark_optional", None) is not False
    return _text(field.label) + (" (optional)" if optional else "")


def _hint(field, hint_class: str = "") -> str:
    if not field.help_text:
        return "\n"
    hint_id = f' id="{_text(field.hint_id)}"' if field.hint_id else ""
    classes = f"govuk-hint {_text(hint_class)}" if hint_class else "govuk-hint"
    return f'<div{hint_id} class="{classes}">{_text(field.help_text)}</div>\n'


def _error_message(field) -> str:
    errors = field.errors
    if not errors:
        return "\n"
    error_id = f' id="{_text(field.error_id)}"' if field.error_id else ""
    messages = "<br>".join(f'<span class="govuk-visually-hidden">Error:</span> {_text(error)}' for error in errors)
    return f'<p{error_id} class="govuk-error-message">{messages}</p>\n'


def render_field(context) -> str:
    """``frontend/forms/field.html``: the form group of one field, its widget rendered as usual.

    The hint and error message end with the newline their include files end with, and the template
    puts its own line break and indent after each include.
    """
    field = context["field"]
    if field.is_hidden:
        return f"{field}\n"
    group = '<div class="govuk-form-group govuk-form-group--error">' if field.errors else '<div class="govuk-form-group">'
    if field.is_single_checkbox:
        return (
            f"{group}\n"
            f"  {_error_message(field)}\n"
            '  <div class="govuk-checkboxes" data-module="govuk-checkboxes">\n'
            '    <div class="govuk-checkboxes__item">\n'
            f"      {field}\n"
            f'      <label class="govuk-label govuk-checkboxes__label" for="{_text(field.id_for_label)}">'
            f"{_text(field.label)}</label>\n"
            f'      {_hint(field, "govuk-checkboxes__hint")}\n'
            "    </div>\n  </div>\n</div>\n"
        )
    heading = field.is_page_heading
    size = field.label_size
    if field.use_fieldset:
        role = ' role="group"' if field.is_date_input else ""
        described = f' aria-describedby="{_text(field.aria_describedby)}"' if field.aria_describedby else ""
        legend_size = f" govuk-fieldset__legend--{_text(size)}" if size else ""
        label = _label_text(field)
        if heading:
            label = f'<h1 class="govuk-fieldset__heading">{label}</h1>'
        return (
            f"{group}\n"
            f'  <fieldset class="govuk-fieldset"{role}{described}>\n'
            f'    <legend class="govuk-fieldset__legend{legend_size}">\n'
            f"      {label}\n"
            "    </legend>\n"
            f"    {_hint(field)}\n"
            f"    {_error_message(field)}\n"
            f"    {field}\n"
            "  </fieldset>\n</div>\n"
        )
    label_size = f" govuk-label--{_text(size)}" if size else ""
    label = f'<label class="govuk-label{label_size}" for="{_text(field.id_for_label)}">{_label_text(field)}</label>'
    if heading:
        label = f'<h1 class="govuk-label-wrapper">{label}</h1>'
    return f"{group}\n  {label}\n  {_hint(field)}\n  {_error_message(field)}\n  {field}\n</div>\n"


def render_form(context) -> str:
    """``frontend/forms/form.html``: every visible field's group, then the hidden fields."""
    visible = "".join(f"{field.as_field_group()}\n" for field, _ in context["fields"])
    return visible + "".join(str(field) for field in context["hidden_fields"]) + "\n"


RENDERERS = {
    FORM_TEMPLATE: render_form,
    FIELD_TEMPLATE: render_field,
    SELECT_TEMPLATE: render_select,
    DATE_INPUT_TEMPLATE: render_date_input,
    TEXTAREA_TEMPLATE: render_textarea,
    **dict.fromkeys(INPUT_TEMPLATES, render_input),
}
