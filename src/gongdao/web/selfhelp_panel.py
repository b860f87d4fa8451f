"""The self-help panel of the consumer's case page (issue #10): the next-step guidance
(gongdao.selfhelp.guidance), the outside platform's profile with its "check against the
platform's current rules", the drafted messages to copy, and the forms that record what happened
outside Gongdao — "I asked the merchant", "The merchant answered", "The platform…".

Only reads and builds context; the views that post these forms are in selfhelp_views.py.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongdao import codes
from gongdao.cases import queries
from gongdao.cases.actors import of_user
from gongdao.cases.effects import MONEY_REMEDIES
from gongdao.parties import permissions
from gongdao.policy import queries as policy_queries
from gongdao.policy.document import PROFILES
from gongdao.selfhelp import effects as self_help
from gongdao.selfhelp.guidance import Guidance, guidance
from gongdao.web import evidence_ui, labels

# The actions this panel's forms take; the case page's generic action list leaves them out.
PANEL_ACTIONS = ("submit", "record_merchant_reply", "record_platform_step")
TITLES = {
    "submit": _("I asked the merchant"),
    "record_merchant_reply": _("The merchant answered"),
    "record_platform_step": _("The platform…"),
}
EXPLAIN = {
    "submit": _("Record when and how you sent your request to the merchant."),
    "record_merchant_reply": _(
        "Record what the merchant said, with the date it came and a screenshot of it — or that "
        "there was no answer."
    ),
    "record_platform_step": _(
        "Record that you asked the platform to step in, what it decided, or your appeal — with the "
        "date and its reference number."
    ),
}
DRAFT_TITLES = {
    "merchant": _("Message to the merchant"),
    "platform": _("Application to the platform"),
}
WHO = {
    "merchant": _("The merchant"),
    "platform": _("The platform"),
    "consumer": _("You"),
}
# The evidence kinds offered for a file uploaded with a recorded step, the most likely first.
UPLOAD_KINDS = ("chat_record", "other", "payment_proof", "logistics_record", "order_record", "problem_photo")
# Domain error fields → the input that shows them.
FIELD_INPUTS = {"occurred_at": "occurred_on", "amount_fen": "amount", "kind": "file", "description": "file"}


def field_name(field: str | None, case_lines: list[Any]) -> str:
    """The name of the input a domain error's field belongs to ("" for the form as a whole);
    the input's id is "<action>-<name>"."""
    if not field:
        return ""
    if field == "lines":
        return f"amount-{case_lines[0].order_line.line_no}" if case_lines else ""
    return FIELD_INPUTS.get(field, field)


def panel(
    request: HttpRequest,
    case: Any,
    *,
    failed: str = "",
    posted: Any = None,
    errors: dict[str, Any] | None = None,
) -> dict[str, Any] | None:
    """The panel's context, or None when it does not apply (a platform-mode case, or a viewer
    who is not on the consumer's side)."""
    if case.mode != "self_help":
        return None
    actor = of_user(request.user)
    sides = permissions.sides(actor, case)
    if "consumer" not in sides:
        return None
    found = guidance(case, sides)
    policy = policy_queries.parsed(case.policy)
    allowed = set(queries.allowed_actions(case, actor))
    case_lines = list(case.lines.select_related("order_line"))
    items = [
        item
        for item in evidence_ui.case_evidence(case, actor, sides)["items"]
        if item.mine and not item.withdrawn_at
    ]
    forms = [
        _form(action, case, policy, case_lines, items, posted if failed == action else None, errors or {})
        for action in PANEL_ACTIONS
        if action in allowed and _has_choices(action, case)
    ]
    return {
        "guidance": found,
        "profile": policy.profile or "other",
        "profile_name": PROFILES.get(policy.profile or "other", policy.name),
        "profile_version": policy.version,
        "profile_note": policy.note,
        "profile_sources": list(policy.sources),
        "dues": [_due_row(d) for d in found.deadlines],
        "helps": [
            {"kind": k, "label": codes.EVIDENCE_KINDS.get(k, k), "advice": labels.EVIDENCE_ADVICE.get(k, "")}
            for k in found.evidence_helps
        ],
        "drafts": _drafts(found),
        "forms": forms,
        "failed": failed,
    }


def _has_choices(action: str, case: Any) -> bool:
    if action == "record_merchant_reply":
        return bool(_replies(case))
    if action == "record_platform_step":
        return bool(_steps(case))
    return True


def _replies(case: Any) -> list[tuple[str, Any]]:
    return [
        (code, label)
        for code, label in self_help.REPLIES.items()
        if case.status in self_help.REPLY_MOVES[code][0]
    ]


def _steps(case: Any) -> list[tuple[str, Any]]:
    return [
        (code, label)
        for code, label in self_help.PLATFORM_STEPS.items()
        if case.status in self_help.PLATFORM_MOVES[code][0]
    ]


def _due_row(due: Any) -> dict[str, Any]:
    return {
        "who": WHO.get(due.who, due.who),
        "what": due.what,
        "due": due.due,
        "is_day": isinstance(due.due, date) and not isinstance(due.due, datetime),
        "passed": due.passed,
        "provisional": due.provisional,
        "consequence": due.consequence,
        "law": due.source == "law",
    }


def _drafts(found: Guidance) -> list[dict[str, Any]]:
    return [
        {"key": key, "id": f"draft-{key}", "title": DRAFT_TITLES.get(key, key), "text": text}
        for key, text in found.drafts.items()
        if text
    ]


def _today() -> str:
    return f"{timezone.localtime(timezone.now()):%Y-%m-%d}"


def _value(posted: Any, name: str, default: Any = "") -> Any:
    if posted is None:
        return default
    return posted.get(name, default)


def _form(
    action: str,
    case: Any,
    policy: Any,
    case_lines: list[Any],
    items: list[Any],
    posted: Any,
    errors: dict[str, Any],
) -> dict[str, Any]:
    """One form's context: its choices, what was typed (after an error) and the errors by input."""
    mine = posted is not None
    errs = errors if mine else {}
    picked = posted.getlist("evidence") if mine and hasattr(posted, "getlist") else []
    form: dict[str, Any] = {
        "action": action,
        "title": TITLES[action],
        "explain": EXPLAIN[action],
        "url": reverse("web:selfhelp_record", args=[case.public_id, action]),
        "open": mine,
        "errors": errs,
        "error": errs.get("_form", ""),
        "occurred_on": _value(posted, "occurred_on", _today()),
        "occurred_time": _value(posted, "occurred_time"),
        "channel": _value(posted, "channel", "platform_chat"),
        "channels": list(self_help.CHANNELS.items()),
        "note": _value(posted, "note"),
        "items": [
            {
                "id": item.public_id,
                "label": f"{codes.EVIDENCE_KINDS.get(item.kind, item.kind)}: {item.original_name}",
                "checked": item.public_id in picked,
            }
            for item in items
        ],
        "upload_kinds": [(k, codes.EVIDENCE_KINDS[k]) for k in UPLOAD_KINDS],
        "file_kind": _value(posted, "file_kind", "chat_record" if action != "submit" else "order_record"),
        "with_evidence": action != "submit",
    }
    if action == "record_merchant_reply":
        form["choices"] = _replies(case)
        form["choice"] = _value(posted, "reply")
        form["remedies"] = [(r, codes.REMEDIES[r]) for r in policy.remedies_for(case.issue)]
        form["remedy"] = _value(posted, "remedy", case.remedy)
        form["money"] = sorted(MONEY_REMEDIES)
        form["lines"] = [
            {
                "id": f"{action}-amount-{cl.order_line.line_no}",
                "name": f"amount-{cl.order_line.line_no}",
                "label": cl.order_line.name,
                "paid": cl.order_line.paid_fen,
                "value": _value(posted, f"amount-{cl.order_line.line_no}"),
                "error": errs.get(f"amount-{cl.order_line.line_no}", ""),
            }
            for cl in case_lines
        ]
        form["amount"] = _value(posted, "amount")
    elif action == "record_platform_step":
        form["choices"] = _steps(case)
        form["choice"] = _value(posted, "step")
        form["outcomes"] = [(o, codes.OUTCOMES[o]) for o in self_help.PLATFORM_OUTCOMES]
        form["outcome"] = _value(posted, "outcome")
        form["reference"] = _value(posted, "reference")
    form["channel_default"] = "platform_chat"
    return form
