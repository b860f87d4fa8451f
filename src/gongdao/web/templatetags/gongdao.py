from __future__ import annotations

from typing import Any

from django import template

from gongdao import codes
from gongdao.money import format_fen

register = template.Library()


@register.filter
def fen(value: int | None) -> str:
    return "" if value is None else format_fen(value)


@register.filter
def status_label(code: str) -> Any:
    return codes.STATUSES.get(code, code)


@register.filter
def issue_label(code: str) -> Any:
    return codes.ISSUE_TYPES.get(code, code)


@register.filter
def remedy_label(code: str) -> Any:
    return codes.REMEDIES.get(code, code)
