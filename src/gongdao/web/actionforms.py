"""The form each workflow action needs on the case page: which inputs (from the action's effect in
cases/effects.py), how they are labelled, and how the posted text becomes ``perform``'s data.

Parsing only turns text into the types ``perform`` takes (yuan → fen, "4" → 4); every rule about
the values is checked by the effect itself, whose errors come back with the field they concern.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from gongdao import codes
from gongdao.cases.effects import DECISION_OUTCOMES, MONEY_REMEDIES
from gongdao.errors import InvalidInput
from gongdao.money import parse_yuan

RETURN_PROBLEMS = {
    "damaged": _("The goods came back damaged"),
    "empty": _("The parcel was empty"),
    "missing_items": _("Items are missing"),
    "other": _("Another problem"),
}
EVIDENCE_PARTIES = {
    "consumer": _("The consumer"),
    "merchant": _("The merchant"),
    "both": _("Both parties"),
}
RATINGS = {
    str(n): label
    for n, label in enumerate(
        (_("1 – very poor"), _("2 – poor"), _("3 – acceptable"), _("4 – good"), _("5 – very good")), start=1
    )
}

# Inputs per action, in the order the form shows them. "lines" is an amount per case line.
INPUTS: dict[str, tuple[str, ...]] = {
    "offer": ("remedy", "lines", "message"),
    "reject": ("reason",),
    "revise": ("remedy", "lines", "statement"),
    "escalate": ("reason",),
    "assign": ("assignee",),
    "request_evidence": ("party", "note"),
    "decide": ("outcome", "remedy", "lines", "reasons", "rules"),
    "decide_appeal": ("outcome", "remedy", "lines", "reasons", "rules"),
    "appeal": ("reason",),
    "ship_return": ("carrier", "tracking_number"),
    "ship_replacement": ("carrier", "tracking_number"),
    "report_return_problem": ("problem", "reason"),
    "confirm_refund": ("reference",),
    "pause_deadline": ("reason",),
    "withdraw": ("reason",),
    "withdraw_evidence": ("item", "reason"),
    "rate": ("rating", "comment"),
}
REQUIRED = {
    ("reject", "reason"),
    ("appeal", "reason"),
    ("report_return_problem", "reason"),
    ("pause_deadline", "reason"),
    ("request_evidence", "note"),
    ("request_evidence", "party"),
    ("decide", "outcome"),
    ("decide", "reasons"),
    ("decide_appeal", "outcome"),
    ("decide_appeal", "reasons"),
    ("report_return_problem", "problem"),
    ("rate", "rating"),
    ("withdraw_evidence", "item"),
}
LABELS = {
    "remedy": _("What is offered or decided"),
    "message": _("Message to the consumer"),
    "statement": _("What you want, in your own words"),
    "note": _("What evidence is needed"),
    "party": _("Who should add it"),
    "outcome": _("Outcome"),
    "reasons": _("Reasons"),
    "rules": _("Rules cited"),
    "carrier": _("Courier company"),
    "tracking_number": _("Tracking number"),
    "reference": _("Payment reference"),
    "assignee": _("Agent"),
    "problem": _("What is wrong"),
    "rating": _("Your rating"),
    "comment": _("Comment"),
    "item": _("Which item"),
}
REASON_LABELS = {
    "reject": _("Why you reject the request"),
    "appeal": _("Why the decision is wrong"),
    "escalate": _("What you want the platform to know"),
    "withdraw": _("Why you withdraw (optional)"),
    "pause_deadline": _("Why the deadlines pause (e.g. lab test, court or police matter)"),
    "report_return_problem": _("Describe the problem"),
    "withdraw_evidence": _("Why you withdraw it (optional)"),
}
REMEDY_LABELS = {
    "revise": _("What you want"),
    "offer": _("What you offer"),
    "decide": _("Remedy"),
    "decide_appeal": _("Remedy"),
}
HINTS = {
    "rules": _("Rule ids from the policy, separated by commas."),
    "lines": _("Amount in yuan for each item, like 12.30."),
    "message": _("Explain your offer in a few calm, factual sentences."),
}
TEXTAREAS = {"reason", "message", "statement", "note", "reasons", "comment"}


@dataclass
class Field:
    name: str
    kind: str  # text, textarea, radios, select, lines
    label: Any
    id: str
    required: bool = False
    hint: Any = ""
    choices: list[tuple[str, Any]] = field(default_factory=list)
    value: Any = ""
    error: Any = ""
    lines: list[dict[str, Any]] = field(default_factory=list)


def field_id(action: str, name: str) -> str:
    return f"{action}-{name}"


def line_input_id(action: str, line_no: int) -> str:
    return f"{action}-amount-{line_no}"


def build_fields(
    action: str,
    case: Any,
    case_lines: list[Any],
    remedies: tuple[str, ...],
    assignees: list[tuple[str, Any]],
    posted: dict[str, Any] | None = None,
    errors: dict[str, Any] | None = None,
    *,
    rules: dict[str, Any] | None = None,
    items: list[tuple[str, Any]] | None = None,
) -> list[Field]:
    """The fields of one action's form, filled with what was posted (nothing typed is lost)."""
    posted = posted or {}
    errors = errors or {}
    fields = []
    for name in INPUTS.get(action, ()):
        fid = field_id(action, name)
        f = Field(
            name=name,
            kind="textarea" if name in TEXTAREAS else "text",
            label=LABELS.get(name, name),
            id=fid,
            required=(action, name) in REQUIRED,
            hint=HINTS.get(name, ""),
            value=posted.get(name, ""),
            error=errors.get(name, ""),
        )
        if name == "reason":
            f.label = REASON_LABELS.get(action, _("Reason"))
        if name == "remedy":
            f.kind, f.label = "radios", REMEDY_LABELS.get(action, LABELS["remedy"])
            f.choices = [(r, codes.REMEDIES[r]) for r in remedies]
            f.value = posted.get("remedy", case.remedy)
        elif name == "outcome":
            f.kind, f.choices = "radios", [(o, codes.OUTCOMES[o]) for o in DECISION_OUTCOMES]
        elif name == "party":
            f.kind, f.choices = "radios", list(EVIDENCE_PARTIES.items())
        elif name == "problem":
            f.kind, f.choices = "radios", list(RETURN_PROBLEMS.items())
        elif name == "rating":
            f.kind, f.choices = "radios", list(RATINGS.items())
        elif name == "rules" and rules:
            language = get_language()
            f.kind, f.hint = "checkboxes", ""
            f.choices = [(rid, f"{rid} {rule.title(language)}") for rid, rule in rules.items()]
            f.value = posted.get("rules", [])
        elif name == "rules":
            f.value = ", ".join(posted.get("rules", []))
        elif name == "item":
            f.kind, f.choices = "radios", list(items or [])
        elif name == "assignee":
            f.kind, f.choices = "select", assignees
            f.value = posted.get("assignee", "me")
        elif name == "lines":
            f.kind = "lines"
            f.error = errors.get("lines", "")
            f.lines = [_line_row(action, cl, posted, errors) for cl in case_lines]
            f.id = f.lines[0]["id"] if f.lines else fid
        fields.append(f)
    return fields


def _line_row(action: str, case_line: Any, posted: dict[str, str], errors: dict[str, Any]) -> dict[str, Any]:
    no = case_line.order_line.line_no
    key = f"amount-{no}"
    default = case_line.requested_fen
    if key in posted:
        value = posted[key]
    else:
        whole, cents = divmod(default or 0, 100)
        value = f"{whole}.{cents:02d}" if default else ""
    return {
        "id": line_input_id(action, no),
        "name": key,
        "line": case_line,
        "value": value,
        "error": errors.get(key, ""),
    }


def parse(action: str, post: Any, case_lines: list[Any]) -> dict[str, Any]:
    """Posted text → ``perform`` keyword data. Raises InvalidInput for text that is not a number."""
    data: dict[str, Any] = {}
    for name in INPUTS.get(action, ()):
        if name == "lines":
            lines = parse_lines(post, case_lines, action)
            if lines is not None:
                data["lines"] = lines
        elif name == "rules":
            data["rules"] = _rule_ids(post)
        elif name == "rating":
            value = post.get("rating", "")
            if value:
                data["rating"] = int(value) if value.isdigit() else value
        elif name == "assignee":
            data["assignee"] = post.get("assignee", "me") or "me"
        elif post.get(name, "") != "":
            data[name] = post.get(name)
    return data


def _rule_ids(post: Any) -> list[str]:
    raw = post.getlist("rules") if hasattr(post, "getlist") else [post.get("rules", "")]
    ids: list[str] = []
    for chunk in raw:
        ids += [r for r in chunk.replace("，", ",").replace(" ", ",").split(",") if r and r not in ids]
    return ids


def parse_lines(post: Any, case_lines: list[Any], action: str) -> list[dict[str, int]] | None:
    lines = []
    for cl in case_lines:
        no = cl.order_line.line_no
        text = (post.get(f"amount-{no}") or "").strip()
        if not text:
            continue
        try:
            fen = parse_yuan(text)
        except ValueError:
            raise InvalidInput(
                "invalid_amount", _("Enter an amount in yuan, like 12.30."), field=f"amount-{no}"
            )
        lines.append({"line_no": no, "amount_fen": fen})
    if not lines:
        remedy = post.get("remedy", "")
        if action in ("offer",) and remedy in MONEY_REMEDIES:
            raise InvalidInput("lines_required", _("Enter the amount for at least one item."), field="lines")
        return None
    return lines


def posted_values(action: str, post: Any, case_lines: list[Any]) -> dict[str, str]:
    """What the user typed, to put back into the form after an error."""
    values: dict[str, Any] = {name: post.get(name, "") for name in INPUTS.get(action, ()) if name != "lines"}
    if "rules" in INPUTS.get(action, ()):
        values["rules"] = _rule_ids(post)
    for cl in case_lines:
        key = f"amount-{cl.order_line.line_no}"
        values[key] = post.get(key, "")
    return values
