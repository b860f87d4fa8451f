"""The GOV.UK error summary: each problem once at the top, linking to its field, with the same
words as the message next to the field."""

from __future__ import annotations

from typing import Any

from django import forms

from gongdao.errors import DomainError


def from_form(form: forms.BaseForm, id_for: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Summary rows for a bound form's errors, in the order of its fields."""
    id_for = id_for or {}
    rows = []
    first = next(iter(form.fields), "")
    for message in form.non_field_errors():
        rows.append({"href": "#" + id_for.get(first, form[first].auto_id if first else ""), "text": message})
    for name in form.fields:
        for message in form.errors.get(name, []):
            rows.append({"href": "#" + id_for.get(name, form[name].auto_id), "text": message})
    return rows


def from_domain(exc: DomainError, anchor: str) -> list[dict[str, Any]]:
    return [{"href": "#" + anchor, "text": exc.message}]
