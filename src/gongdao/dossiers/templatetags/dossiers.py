"""``{% outside_help case as oh %}``: what the case page's outside-help section shows this viewer
(used by ``dossiers/case_section.html``), and small filters for referral words."""

from __future__ import annotations

from typing import Any

from django import template

from gongdao import codes
from gongdao.cases.actors import of_user
from gongdao.dossiers import labels
from gongdao.parties import permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def outside_help(context: Any, case: Any) -> dict[str, Any] | None:
    from gongdao.dossiers.views import section_context

    request = context.get("request")
    if request is None or case is None:
        return None
    actor = of_user(request.user)
    if not permissions.can_view(actor, case):
        return None
    return section_context(case, actor)


@register.filter
def referral_status(code: str) -> Any:
    return labels.REFERRAL_STATUS_LABELS.get(code, code)


@register.filter
def target_label(code: str) -> Any:
    return codes.DOSSIER_TARGETS.get(code, code)
