"""``{% selfhelp_panels as sp %}``: the case page's invitation, power-of-attorney, "acting for"
and guest panels for this viewer (``selfhelp.panels``), used by ``selfhelp/_case_panels.html``."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def selfhelp_panels(context: Any) -> dict[str, Any] | None:
    from gongdao.selfhelp import panels

    request = context.get("request")
    case = context.get("case")
    if request is None or case is None:
        return None
    return panels.context(request, case, context.get("selfhelp_forms"))


@register.filter
def invitation_status(code: str) -> Any:
    from gongdao.selfhelp.labels import INVITATION_STATUSES

    return INVITATION_STATUSES.get(code, code)
