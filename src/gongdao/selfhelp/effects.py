"""Self-help mode's actions (DESIGN.md "Two ways a case is run"): the consumer records what the
outside merchant and platform did, each with the date it happened (``occurred_at``, kept apart
from ``recorded_at``) and the evidence that shows it. Deadlines count from when a step happened,
under the outside platform's profile (the case's policy version); when one passes, nothing here
can act for an outside party, so the consumer is told what the profile says follows
(``note_overdue``).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongdao.cases import effects, filing
from gongdao.cases.effects import Move
from gongdao.errors import InvalidInput, NotAllowed

CHANNELS = {
    "platform_chat": _("The platform's chat"),
    "phone": _("Phone"),
    "email": _("Email"),
    "sms": _("Text message"),
    "in_person": _("In person"),
    "letter": _("Letter"),
    "other": _("Other"),
}
REPLIES = {
    "accepted": _("agreed to the request"),
    "offered": _("offered something else"),
    "refused": _("refused"),
    "no_answer": _("did not answer"),
    "carried_out": _("carried out the remedy"),
}
PLATFORM_STEPS = {
    "applied": _("I asked the platform to step in"),
    "decided": _("The platform decided"),
    "appealed": _("I appealed the platform's decision"),
    "appeal_decided": _("The platform decided the appeal"),
}
PLATFORM_OUTCOMES = ("consumer_upheld", "partially_upheld", "merchant_upheld")
# Where each recorded step may come from, and where it leads (None: the status stays).
REPLY_MOVES: dict[str, tuple[tuple[str, ...], str | None]] = {
    "accepted": (("awaiting_merchant", "awaiting_consumer"), "fulfilling"),
    "offered": (("awaiting_merchant", "awaiting_consumer"), "awaiting_consumer"),
    "refused": (("awaiting_merchant", "awaiting_consumer"), "awaiting_consumer"),
    "no_answer": (("awaiting_merchant",), None),
    "carried_out": (("awaiting_merchant", "awaiting_consumer", "fulfilling"), "resolved"),
}
PLATFORM_MOVES: dict[str, tuple[tuple[str, ...], str]] = {
    "applied": (("awaiting_merchant", "awaiting_consumer", "fulfilling"), "escalated"),
    "decided": (("escalated",), "decided"),
    "appealed": (("decided",), "appealed"),
    "appeal_decided": (("appealed",), "decided"),
}


# ---- input -------------------------------------------------------------------------------


def parse_when(value: Any, field: str = "occurred_at") -> datetime | None:
    """A datetime, an ISO string (naive: China time), or a date (noon China time); None if empty."""
    if value in (None, ""):
        return None
    zone = timezone.get_default_timezone()
    if isinstance(value, datetime):
        result = value
    elif isinstance(value, date):
        result = datetime.combine(value, time(12, 0))
    elif isinstance(value, str):
        try:
            result = (
                datetime.combine(date.fromisoformat(value), time(12, 0))
                if len(value.strip()) == 10
                else datetime.fromisoformat(value.strip())
            )
        except ValueError:
            raise InvalidInput(
                "invalid_date", _("Enter a real date and time, e.g. 2026-11-20 14:30."), field=field
            )
    else:
        raise InvalidInput(
            "invalid_date", _("Enter a real date and time, e.g. 2026-11-20 14:30."), field=field
        )
    if timezone.is_naive(result):
        result = timezone.make_aware(result, zone)
    return result


def when(move: Move) -> datetime:
    """When the recorded step happened: given, or now. Never in the future, never before the order."""
    raw = move.occurred_at if move.occurred_at is not None else move.data.get("occurred_at")
    given = parse_when(raw)
    if given is None:
        return move.now
    if given > move.now + timedelta(minutes=5):
        raise InvalidInput("date_in_future", _("This date is in the future."), field="occurred_at")
    ordered = move.case.order.ordered_at
    if ordered and given < ordered - timedelta(days=1):
        raise InvalidInput(
            "date_before_order", _("This date is before the order was placed."), field="occurred_at"
        )
    move.occurred_at = given
    return given


def evidence_ids(move: Move) -> list[str]:
    """Evidence items of this case that show the step (uploaded first, then named here)."""
    raw = move.data.get("evidence") or []
    if isinstance(raw, str):
        raw = [part.strip() for part in raw.split(",") if part.strip()]
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise InvalidInput("invalid_evidence", _("Name evidence items by their ids."), field="evidence")
    found = set(
        move.case.evidence.filter(public_id__in=raw, withdrawn_at__isnull=True).values_list(
            "public_id", flat=True
        )
    )
    unknown = [item for item in raw if item not in found]
    if unknown:
        raise InvalidInput(
            "unknown_evidence",
            _("These are not evidence of this case: %(ids)s.") % {"ids": ", ".join(unknown)},
            field="evidence",
        )
    return list(dict.fromkeys(raw))


def _common(move: Move) -> None:
    happened = when(move)
    move.payload["occurred_at"] = happened.isoformat()
    move.payload["channel"] = effects.choice(move, "channel", CHANNELS, default="other")
    ids = evidence_ids(move)
    if ids:
        move.payload["evidence"] = ids


def _outside_merchant(move: Move) -> None:
    party = move.case.outside_merchant
    if party is not None:
        move.payload["party"] = {"id": party.public_id, "name": party.name}


# ---- the actions -------------------------------------------------------------------------


def submit(move: Move) -> None:
    """The consumer asked the merchant (when, through which channel): the request is on record."""
    if not move.case.evidence.filter(kind="order_record", withdrawn_at__isnull=True).exists():
        raise NotAllowed(
            "evidence_missing",
            _("Add the order record (a screenshot or export of the order) before going on."),
            missing=["order_record"],
        )
    _common(move)
    _outside_merchant(move)
    effects.submit(move)


def record_merchant_reply(move: Move) -> None:
    case = move.case
    reply = effects.choice(move, "reply", REPLIES)
    sources, target = REPLY_MOVES[reply]
    if case.status not in sources:
        raise InvalidInput(
            "step_not_now", _("That answer does not fit where the case is now."), field="reply"
        )
    _common(move)
    _outside_merchant(move)
    move.payload["reply"] = reply
    note = effects.text(move, "note", required=reply == "refused", limit=move.policy.statement_max_chars)
    if note:
        move.payload["note"] = note
    if reply == "accepted":
        agreed = effects.amounts(move, case.remedy, default=filing.requested(case))
        move.payload["remedy"] = case.remedy
        move.payload["amounts"] = effects.as_lines(agreed)
        case.offer = None
        effects.begin_fulfilment(move, case.remedy, agreed)
    elif reply == "offered":
        remedy = effects.remedy_for(move)
        offered = effects.require_money(remedy, effects.amounts(move, remedy))
        case.offer = {"remedy": remedy, "amounts": effects.as_lines(offered), "message": note}
        move.payload.update({"remedy": remedy, "amounts": case.offer["amounts"]})
        move.starts.append(("consumer_reply", "consumer"))
    elif reply == "refused":
        case.offer = None
        move.payload["reason"] = note
        move.starts.append(("consumer_reply", "consumer"))
    elif reply == "carried_out":
        received = move.data.get("amount_fen")
        if received is not None:
            if isinstance(received, bool) or not isinstance(received, int) or received < 0:
                raise InvalidInput(
                    "invalid_amount", _("Amounts are whole numbers of fen."), field="amount_fen"
                )
            move.payload["amount_fen"] = received
        case.outcome = "settled"
        case.offer = None
    if target is not None:
        move.status = target


def record_platform_step(move: Move) -> None:
    case = move.case
    step = effects.choice(move, "step", PLATFORM_STEPS)
    sources, target = PLATFORM_MOVES[step]
    if case.status not in sources:
        raise InvalidInput("step_not_now", _("That step does not fit where the case is now."), field="step")
    _common(move)
    move.payload["step"] = step
    move.payload["platform"] = move.policy.profile or ""
    reference = effects.text(move, "reference", limit=100)
    if reference:
        move.payload["reference"] = reference
    note = effects.text(move, "note", limit=move.policy.statement_max_chars)
    if note:
        move.payload["note"] = note
    if step == "applied":
        case.steps = []
        case.offer = None
        move.starts.append(("decision_sla", "platform"))
        move.outbox.append(("case.escalated", ["consumer"]))
    elif step in ("decided", "appeal_decided"):
        outcome = effects.choice(move, "outcome", PLATFORM_OUTCOMES)
        case.decision = {
            "outcome": outcome,
            "by": "outside_platform",
            "reference": reference,
            "reasoning": note,
            "final": step == "appeal_decided",
        }
        case.outcome = outcome
        move.payload["outcome"] = outcome
        if step == "decided":
            move.starts.append(("appeal_window", "consumer"))
        move.outbox.append(("case.decided", ["consumer"]))
    elif step == "appealed":
        case.appealed_by = "consumer"
        move.starts.append(("appeal_decision_sla", "platform"))
        move.outbox.append(("case.appealed", ["consumer"]))
    move.status = target


def note_overdue(move: Move) -> None:
    """A deadline of the outside platform's rules has passed: say so, and what the rules say follows."""
    kind = move.data.get("deadline", "")
    if kind not in move.policy.deadlines:
        raise InvalidInput("unknown_deadline", _("There is no such deadline."), field="deadline")
    row = move.case.deadlines.filter(kind=kind).order_by("-created_at").first()
    move.payload["deadline"] = kind
    move.payload["party"] = row.party if row else ""
    move.payload["profile_expiry"] = move.policy.deadline(kind).on_expiry
    move.event_type = "deadline.passed"
    move.outbox.append(("deadline.expired", ["consumer"]))
