"""Shared form pieces."""

from django import forms
from django.core.exceptions import ValidationError

TEXT_MAX = 12000


def text_field(label, *, required=True, help_text="", rows=5, max_length=TEXT_MAX, message=None):
    return forms.CharField(
        label=label, required=required, help_text=help_text, max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": message or f"Enter {label[:1].lower()}{label[1:]}",
                        "max_length": f"This must be {max_length:,} characters or fewer"},
    )


def show_error(form, error: ValidationError, mapping: dict | None = None) -> None:
    """Put an action's ValidationError on the form: field errors on their field, the rest at the top."""
    mapping = mapping or {}
    if hasattr(error, "error_dict"):
        for key, errors in error.error_dict.items():
            field = mapping.get(key, key)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
