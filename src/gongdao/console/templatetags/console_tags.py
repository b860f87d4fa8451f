"""Template filters of the consoles: labels for codes, money in yuan, file sizes."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import filesizeformat

from gongdao import codes
from gongdao.console import labels
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


@register.filter
def outcome_label(code: str) -> Any:
    return codes.OUTCOMES.get(code, code)


@register.filter
def stage_label(number: int) -> Any:
    return codes.STAGES[number][1] if number in codes.STAGES else number


@register.filter
def evidence_kind_label(code: str) -> Any:
    return codes.EVIDENCE_KINDS.get(code, code)


@register.filter
def role_label(code: str) -> Any:
    return codes.ROLES.get(code, code)


@register.filter
def actor_label(code: str) -> Any:
    return labels.NEXT_ACTORS.get(code, code)


@register.filter
def deadline_label(code: str) -> Any:
    return labels.DEADLINE_KINDS.get(code, code)


@register.filter
def event_label(code: str) -> Any:
    return labels.event_label(code)


@register.filter
def action_label(code: str) -> Any:
    return labels.ACTIONS.get(code, code)


@register.filter
def problem_label(code: str) -> Any:
    return labels.RETURN_PROBLEMS.get(code, code)


@register.filter
def party_label(code: str) -> Any:
    return labels.EVIDENCE_PARTIES.get(code, code)


@register.filter
def size(value: int | None) -> str:
    return "" if value is None else filesizeformat(value)


@register.filter
def get(mapping: dict[Any, Any] | None, key: Any) -> Any:
    return (mapping or {}).get(key)


@register.simple_tag(takes_context=True)
def console_links(context: Any) -> list[tuple[str, Any]]:
    """The console pages this person may open, for the console's navigation."""
    from django.utils.translation import gettext_lazy as _

    from gongdao.parties import permissions

    user = context.get("user")
    links: list[tuple[str, Any]] = []
    if permissions.is_merchant(user):
        links += [("console:shop_queue", _("Shop cases")), ("console:replies", _("Canned replies"))]
        if permissions.is_merchant_admin(user):
            links += [("console:staff", _("Staff")), ("console:shop_settings", _("Return address"))]
    if permissions.is_agent(user):
        links.append(("console:agent_queue", _("Workbench")))
    if permissions.is_admin(user):
        links += [("console:overview", _("Overview")), ("console:agents", _("Agents"))]
    return links


@register.filter
def iso_time(value: str | None) -> Any:
    """An ISO 8601 timestamp from a snapshot or payload, as an aware datetime (for |date)."""
    from datetime import datetime

    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
