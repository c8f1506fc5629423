"""Putting a service's refusal on the form the person filled in."""

from __future__ import annotations

from collections.abc import Iterable

from flask import flash
from wtforms.fields.choices import SelectChoice

from lab.core.errors import DomainError


def show_domain_error(form: object, error: DomainError) -> None:
    """Show the message next to the field it concerns, or as a flash message if none."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [*list(field.errors), error.message]
    else:
        flash(error.message, "error")


def options(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """Select options from (value, label) pairs (WTForms 3.3 deprecates bare tuples)."""
    return [SelectChoice(value, label) for value, label in pairs]
