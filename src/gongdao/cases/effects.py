"""Effects of the transition table: what each action does to the case, inside perform's
transaction. An effect validates its input, changes the projection, and says which deadlines
start and which outbox rows go out; perform (cases/actions.py) records all of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from gongdao import codes
from gongdao.cases.actors import Actor
from gongdao.cases.filing import requested
from gongdao.cases.models import Case, CaseLine, LedgerEntry, RefundRequest
from gongdao.errors import InvalidInput
from gongdao.orders import queries as orders_queries
from gongdao.policy.document import PolicyDocument

MONEY_REMEDIES = ("refund_only", "return_and_refund", "partial_refund", "compensation")
CAPPED_REMEDIES = ("refund_only", "return_and_refund", "partial_refund")
STEPS = {
    "refund_only": ["refund"],
    "partial_refund": ["refund"],
    "compensation": ["refund"],
    "return_and_refund": ["ship_return", "confirm_return", "refund"],
    "exchange": ["ship_return", "confirm_return", "ship_replacement", "confirm_replacement"],
    "repair": ["ship_return", "confirm_return", "ship_replacement", "confirm_replacement"],
    "resend": ["ship_replacement", "confirm_replacement"],
}
STEP_DEADLINES = {
    "ship_return": ("return_shipment", "consumer"),
    "confirm_return": ("return_receipt", "merchant"),
    "ship_replacement": ("replacement_shipment", "merchant"),
    "confirm_replacement": ("replacement_receipt", "consumer"),
    "refund": ("refund_execution", "merchant"),
}
UPHOLDING = ("consumer_upheld", "partially_upheld")
DECISION_OUTCOMES = ("consumer_upheld", "partially_upheld", "merchant_upheld", "rejected")


@dataclass
class Move:
    """One action under way: its input, and what it will record."""

    case: Case
    action: str
    actor: Actor
    sides: set[str]
    data: dict[str, Any]
    now: datetime
    policy: PolicyDocument
    status: str
    payload: dict[str, Any] = field(default_factory=dict)
    starts: list[tuple[str, str]] = field(default_factory=list)  # (deadline kind, party)
    cancels: set[str] = field(default_factory=set)  # deadline kinds to cancel
    outbox: list[tuple[str, list[str]]] = field(default_factory=list)  # (event type, audience)
    event_type: str = ""
    # When it happened, for a step recorded after the fact (self-help mode); deadlines it starts
    # count from then. None: now.
    occurred_at: datetime | None = None


# ---- input -------------------------------------------------------------------------------


def text(move: Move, key: str, *, required: bool = False, limit: int = 2000) -> str:
    return clean_text(move.data.get(key, ""), key, required=required, limit=limit)


def clean_text(value: Any, key: str, *, required: bool = False, limit: int = 2000) -> str:
    """A text input stripped, required or not, within its length; errors name ``key``."""
    if not isinstance(value, str):
        raise InvalidInput("invalid_text", _("Enter text."), field=key)
    value = value.strip()
    if required and not value:
        raise InvalidInput("required", _("This field is required."), field=key)
    if len(value) > limit:
        raise InvalidInput(
            "too_long", _("Keep this under %(limit)d characters.") % {"limit": limit}, field=key
        )
    return value


def choice(move: Move, key: str, allowed: Any, *, default: str | None = None) -> str:
    value = move.data.get(key, default)
    if value not in allowed:
        raise InvalidInput("invalid_choice", _("Choose one of the options offered."), field=key)
    return str(value)


def remedy_for(move: Move, key: str = "remedy") -> str:
    remedy = choice(move, key, codes.REMEDIES, default=move.case.remedy)
    if remedy not in move.policy.remedies_for(move.case.issue):
        raise InvalidInput(
            "remedy_not_allowed", _("This remedy is not available for this kind of problem."), field=key
        )
    return remedy


def refundable(line: CaseLine) -> int:
    return orders_queries.refundable(line.order_line)


def amounts(move: Move, remedy: str, *, default: dict[int, int] | None = None) -> dict[int, int]:
    """Amount per line (line_no → fen) from ``lines`` or, for a one-line case, ``amount_fen``."""
    lines = {cl.order_line.line_no: cl for cl in move.case.lines.select_related("order_line")}
    raw = move.data.get("lines")
    if raw is None and "amount_fen" in move.data:
        if len(lines) != 1:
            raise InvalidInput("lines_required", _("Give the amount for each line."), field="lines")
        raw = [{"line_no": next(iter(lines)), "amount_fen": move.data["amount_fen"]}]
    if raw is None:
        return dict(default or {})
    return parse_amounts(raw, lines, remedy)


def parse_amounts(raw: Any, lines: dict[int, CaseLine], remedy: str) -> dict[int, int]:
    if not isinstance(raw, list) or not raw:
        raise InvalidInput("lines_required", _("Give the amount for each line."), field="lines")
    result: dict[int, int] = {}
    for item in raw:
        line_no = item.get("line_no") if isinstance(item, dict) else None
        fen = item.get("amount_fen") if isinstance(item, dict) else None
        if line_no not in lines:
            raise InvalidInput("unknown_line", _("That line is not part of this case."), field="lines")
        if isinstance(fen, bool) or not isinstance(fen, int):
            raise InvalidInput("invalid_amount", _("Amounts are whole numbers of fen."), field="lines")
        check_amount(fen, lines[line_no], remedy)
        result[line_no] = fen
    return result


def check_amount(fen: int, line: CaseLine, remedy: str) -> None:
    if remedy in MONEY_REMEDIES and fen <= 0:
        raise InvalidInput("amount_not_positive", _("The amount must be more than ¥0.00."), field="lines")
    if fen < 0:
        raise InvalidInput("amount_not_positive", _("The amount cannot be negative."), field="lines")
    if remedy in CAPPED_REMEDIES and fen > refundable(line):
        from gongdao.money import format_fen

        raise InvalidInput(
            "amount_over_refundable",
            _("At most %(amount)s can be refunded on this line.") % {"amount": format_fen(refundable(line))},
            field="lines",
        )


def require_money(remedy: str, amounts_: dict[int, int]) -> dict[int, int]:
    """A money remedy needs an amount: agreeing to a refund of nothing would settle nothing."""
    if remedy in MONEY_REMEDIES and not any(fen > 0 for fen in amounts_.values()):
        raise InvalidInput("lines_required", _("Give the amount for each line."), field="lines")
    return amounts_


def as_lines(amounts_: dict[int, int]) -> list[dict[str, int]]:
    """Amounts per line as JSON (object keys must be strings; a list keeps the line number an int)."""
    return [{"line_no": no, "amount_fen": fen} for no, fen in sorted(amounts_.items())]


def from_lines(items: list[dict[str, int]]) -> dict[int, int]:
    return {item["line_no"]: item["amount_fen"] for item in items}


# ---- fulfilment steps --------------------------------------------------------------------


def begin_fulfilment(move: Move, remedy: str, agreed: dict[int, int]) -> None:
    case = move.case
    case.remedy = remedy
    total = 0
    for cl in case.lines.select_related("order_line"):
        cl.agreed_fen = agreed.get(cl.order_line.line_no, 0)
        cl.save(update_fields=["agreed_fen"])
        total += cl.agreed_fen
    case.agreed_fen = total
    if case.mode == "self_help":
        # Outside parties carry the remedy out outside Gongdao: the consumer records when it
        # was done (record_merchant_reply "carried_out"); the profile says how long it may take.
        case.steps = []
        move.payload["steps"] = []
        move.starts.append(
            ("refund_execution" if remedy in MONEY_REMEDIES else "replacement_shipment", "merchant")
        )
        return
    steps = list(STEPS[remedy])
    if total - case.refunded_fen <= 0 and "refund" in steps:
        steps.remove("refund")
    case.steps = steps
    move.payload["steps"] = list(steps)
    start_step(move) if steps else finish(move)


def start_step(move: Move) -> None:
    case = move.case
    step = case.steps[0]
    kind, party = STEP_DEADLINES[step]
    if step == "refund" and move.status == "decided":
        kind = "decision_execution"
    move.starts.append((kind, party))
    if step == "refund":
        request_refund(move)


def request_refund(move: Move) -> None:
    case = move.case
    lines = [
        {"line_no": cl.order_line.line_no, "amount_fen": (cl.agreed_fen or 0) - cl.refunded_fen}
        for cl in case.lines.select_related("order_line")
        if (cl.agreed_fen or 0) > cl.refunded_fen
    ]
    amount = sum(item["amount_fen"] for item in lines)
    RefundRequest.objects.create(
        case=case, lines=lines, amount_fen=amount, owed_by="merchant", requested_at=move.now
    )
    move.payload["refund"] = {"lines": lines, "amount_fen": amount, "owed_by": "merchant"}
    move.outbox.append(("refund.requested", ["merchant", "platform"]))


def complete_step(move: Move) -> None:
    case = move.case
    done = case.steps.pop(0)
    move.cancels.add(STEP_DEADLINES[done][0])
    move.cancels.add("decision_execution")
    move.payload["step"] = done
    if done in ("ship_return", "ship_replacement"):
        move.payload["carrier"] = text(move, "carrier", limit=100)
        move.payload["tracking_number"] = text(move, "tracking_number", limit=100)
    if case.steps:
        start_step(move)
    else:
        finish(move)


def finish(move: Move) -> None:
    """Every step of the remedy is done: the case is resolved."""
    case = move.case
    if move.status == "fulfilling" or case.status == "fulfilling":
        case.outcome = "settled"
    elif case.decision:
        case.outcome = case.decision["outcome"]
    move.status = "resolved"


def settle_refund(move: Move, state: str) -> int:
    request = move.case.refund_requests.filter(state="requested").order_by("-requested_at").first()
    amount = 0
    if request is not None:
        request.state = state
        request.settled_at = move.now
        request.save(update_fields=["state", "settled_at"])
        amount = request.amount_fen
    for cl in move.case.lines.all():
        cl.refunded_fen = max(cl.refunded_fen, cl.agreed_fen or 0)
        cl.save(update_fields=["refunded_fen"])
    move.case.refunded_fen = sum(cl.refunded_fen for cl in move.case.lines.all())
    return amount


# ---- the actions -------------------------------------------------------------------------


def submit(move: Move) -> None:
    move.case.filed_at = move.case.filed_at or move.now
    move.starts.append(("merchant_response", "merchant"))
    move.outbox.append(("case.filed", ["merchant", "platform"]))


def accept(move: Move) -> None:
    agreed = requested(move.case)
    move.payload["remedy"] = move.case.remedy
    move.payload["amounts"] = as_lines(agreed)
    begin_fulfilment(move, move.case.remedy, agreed)


def offer(move: Move) -> None:
    remedy = remedy_for(move)
    offered = require_money(remedy, amounts(move, remedy))
    message = text(move, "message", limit=move.policy.statement_max_chars)
    move.case.offer = {"remedy": remedy, "amounts": as_lines(offered), "message": message}
    move.payload.update(move.case.offer)
    move.starts.append(("consumer_reply", "consumer"))


def reject(move: Move) -> None:
    move.payload["reason"] = text(move, "reason", required=True, limit=move.policy.statement_max_chars)
    move.case.offer = None
    move.starts.append(("consumer_reply", "consumer"))


def accept_offer(move: Move) -> None:
    offer_ = move.case.offer or {}
    agreed = from_lines(offer_.get("amounts", []))
    move.payload.update({"remedy": offer_["remedy"], "amounts": offer_.get("amounts", [])})
    move.case.offer = None
    begin_fulfilment(move, offer_["remedy"], agreed)


def revise(move: Move) -> None:
    case = move.case
    remedy = remedy_for(move)
    lines = list(case.lines.select_related("order_line"))
    defaults = {
        cl.order_line.line_no: cl.requested_fen or (refundable(cl) if remedy in MONEY_REMEDIES else 0)
        for cl in lines
    }
    requested = amounts(move, remedy, default=defaults)
    for cl in lines:
        check_amount(requested.get(cl.order_line.line_no, 0), cl, remedy)
        cl.requested_fen = requested.get(cl.order_line.line_no, 0)
        cl.save(update_fields=["requested_fen"])
    case.remedy = remedy
    case.requested_fen = sum(requested.values())
    case.statement = text(move, "statement", limit=2000) or case.statement
    case.offer = None
    move.payload.update({"remedy": remedy, "amounts": as_lines(requested), "statement": case.statement})
    move.starts.append(("merchant_response", "merchant"))


def escalate(move: Move) -> None:
    move.payload["reason"] = text(move, "reason", limit=2000)
    move.case.steps = []
    move.case.assignee = None
    move.starts.append(("assignment_sla", "platform"))
    move.outbox.append(("case.escalated", ["consumer", "merchant", "agent"]))


def report_return_problem(move: Move) -> None:
    move.payload["problem"] = choice(move, "problem", ("damaged", "empty", "missing_items", "other"))
    move.payload["reason"] = text(move, "reason", required=True)
    escalate(move)


def _assignee(move: Move, *, senior: bool) -> Any:
    from gongdao.parties.models import User

    ident = move.data.get("assignee")
    if ident in (None, "", "me"):
        user = move.actor.user
    else:
        user = User.objects.filter(public_id=ident).first() or User.objects.filter(username=ident).first()
    allowed = ("senior_agent",) if senior else ("agent", "senior_agent")
    if user is None or user.role not in allowed or not user.is_active:
        message = _("Choose a senior agent.") if senior else _("Choose a platform agent.")
        raise InvalidInput("invalid_assignee", message, field="assignee")
    if senior and user.id == move.case.decided_by_id:
        raise InvalidInput(
            "same_agent", _("An appeal must go to an agent other than the one who decided."), field="assignee"
        )
    return user


def assign(move: Move) -> None:
    move.case.assignee = _assignee(move, senior=False)
    move.payload["assignee"] = move.case.assignee.public_id
    move.starts.append(("evidence_period", "platform"))


def reassign(move: Move) -> None:
    move.case.assignee = _assignee(move, senior=move.case.status == "appealed")
    move.payload["assignee"] = move.case.assignee.public_id


def close_evidence(move: Move) -> None:
    move.starts.append(("decision_sla", "platform"))


def close_extra_evidence(move: Move) -> None:
    move.payload["party"] = move.case.evidence_requested_from
    move.case.evidence_requested_from = ""
    move.cancels.add("extra_evidence")


def request_evidence(move: Move) -> None:
    party = choice(move, "party", ("consumer", "merchant", "both"))
    move.case.evidence_requested_from = party
    move.payload.update({"party": party, "note": text(move, "note", required=True)})
    move.cancels.add("extra_evidence")
    move.starts.append(("extra_evidence", party))
    move.outbox.append(("case.status_changed", ["consumer", "merchant"] if party == "both" else [party]))


def _decision(move: Move, *, final: bool) -> dict[str, Any]:
    outcome = choice(move, "outcome", DECISION_OUTCOMES)
    reasons = text(move, "reasons", required=True, limit=5000)
    rules = move.data.get("rules", [])
    if not isinstance(rules, list) or not all(isinstance(r, str) for r in rules):
        raise InvalidInput("invalid_rules", _("Cite rules by their ids."), field="rules")
    for rule in rules:
        if rule not in move.policy.rules:
            raise InvalidInput(
                "unknown_rule",
                _("Rule %(rule)s is not in this case's policy; cite the rules it lists.") % {"rule": rule},
                field="rules",
            )
    decision: dict[str, Any] = {"outcome": outcome, "reasons": reasons, "rules": rules, "final": final}
    decision["decided_at"] = move.now.isoformat()
    decision["decided_by"] = move.actor.user_public_id
    if outcome in UPHOLDING:
        remedy = remedy_for(move)
        decision["remedy"] = remedy
        decided = amounts(move, remedy, default=_requested(move.case))
        decision["amounts"] = as_lines(require_money(remedy, decided))
    return decision


def _requested(case: Case) -> dict[int, int]:
    return {cl.order_line.line_no: cl.requested_fen for cl in case.lines.select_related("order_line")}


def _apply_decision(move: Move, decision: dict[str, Any]) -> None:
    case = move.case
    case.decision = decision
    case.evidence_requested_from = ""
    move.payload["decision"] = case.decision
    move.outbox.append(("case.decided", ["consumer", "merchant"]))
    if decision["outcome"] in UPHOLDING:
        begin_fulfilment(move, decision["remedy"], from_lines(decision["amounts"]))
    else:
        case.steps = []


def decide(move: Move) -> None:
    move.case.decided_by = move.actor.user
    _apply_decision(move, _decision(move, final=False))
    move.starts.append(("appeal_window", ""))


def appeal(move: Move) -> None:
    side = "consumer" if "consumer" in move.sides else "merchant"
    move.case.appealed_by = side
    move.case.assignee = None
    move.case.steps = []
    move.case.outcome = ""
    move.case.ended_at = None
    move.payload.update({"by": side, "reason": text(move, "reason", required=True, limit=2000)})
    move.cancels.add("appeal_window")
    move.starts.append(("appeal_decision_sla", "platform"))
    move.outbox.append(("case.appealed", ["consumer", "merchant", "senior_agent"]))


def decide_appeal(move: Move) -> None:
    decision = _decision(move, final=True)
    _apply_decision(move, decision)
    if move.status == "decided" and not move.case.steps:
        move.case.outcome = decision["outcome"]
        move.status = "closed"


def confirm_refund(move: Move) -> None:
    move.payload["amount_fen"] = settle_refund(move, "confirmed")
    move.payload["reference"] = text(move, "reference", limit=200)
    complete_step(move)


def record_advance_payout(move: Move) -> None:
    case = move.case
    amount = settle_refund(move, "paid_out")
    if case.shop_id:
        LedgerEntry.objects.create(shop_id=case.shop_id, case=case, amount_fen=amount, recorded_at=move.now)
    move.payload.update({"amount_fen": amount, "booked_against": case.shop.public_id if case.shop else ""})
    complete_step(move)


def pause_deadlines(move: Move) -> None:
    from gongdao.cases.deadlines import pause_all

    move.payload["reason"] = text(move, "reason", required=True)
    move.payload["paused"] = pause_all(move.case, move.now)


def resume_deadlines(move: Move) -> None:
    from gongdao.cases.deadlines import resume_all

    move.payload["resumed"] = resume_all(move.case, move.now)


def withdraw(move: Move) -> None:
    move.case.outcome = "withdrawn"
    move.payload["reason"] = text(move, "reason", limit=2000)


def close_abandoned(move: Move) -> None:
    move.case.outcome = "abandoned"


def close_decided(move: Move) -> None:
    from gongdao.cases.guards import consumer_return_expired

    if consumer_return_expired(move):
        move.case.outcome = "abandoned"
        move.case.steps = []
        return
    move.case.outcome = move.case.decision["outcome"] if move.case.decision else "rejected"


def alert(move: Move) -> None:
    move.event_type = "sla_alert"
    move.payload["deadline"] = move.data.get("deadline", "")
    move.outbox.append(("deadline.expired", ["senior_agent"]))


def rate(move: Move) -> None:
    value = move.data.get("rating")
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise InvalidInput("invalid_rating", _("Rate from 1 to 5 stars."), field="rating")
    move.case.rating = value
    move.payload.update({"rating": value, "comment": text(move, "comment", limit=500)})
