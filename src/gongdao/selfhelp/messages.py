"""Messages drafted for a self-help case from its facts (issue #10 §4): the request to the
merchant, a last request after their answer, the application for the platform's intervention
and, after a decision against the consumer, the appeal. In the active language: Chinese by
default, English when the user chose it. Also the reading of the record both the messages and
the guidance (selfhelp/guidance.py) start from: what was asked, answered and decided, and when.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language, gettext

from gongdao import codes
from gongdao.cases.effects import MONEY_REMEDIES
from gongdao.money import format_fen
from gongdao.selfhelp.effects import CHANNELS, parse_when

AGAINST = ("merchant_upheld", "partially_upheld")
# The recorded steps guidance reads, by event type (the merchant's own answers through an
# invitation link are accept / offer / reject).
STEP_EVENTS = (
    "submit",
    "revise",
    "record_merchant_reply",
    "accept",
    "offer",
    "reject",
    "accept_offer",
    "record_platform_step",
    "deadline.passed",
)


@dataclass
class Facts:
    """What the record says happened, newest of each kind."""

    asked: dict[str, Any] | None = None  # when and how the consumer asked the merchant
    reply: dict[str, Any] | None = None  # the merchant's latest answer
    applied: dict[str, Any] | None = None  # the consumer asked the platform to step in
    decision: dict[str, Any] | None = None  # the platform's latest decision
    passed: set[str] = field(default_factory=set)  # deadline kinds that ran out


def read_facts(case: Any) -> Facts:
    facts = Facts()
    for event in case.events.filter(type__in=STEP_EVENTS).order_by("seq"):
        payload = event.payload or {}
        step = {**payload, "when": event.occurred_at or event.recorded_at}
        if event.type in ("submit", "revise"):
            facts.asked = step
            facts.reply = None
        elif event.type == "record_merchant_reply":
            facts.reply = step
        elif event.type in ("accept", "offer", "reject", "accept_offer"):
            reply = {
                "accept": "accepted",
                "offer": "offered",
                "reject": "refused",
                "accept_offer": "accepted",
            }
            facts.reply = {
                **step,
                "reply": reply[event.type],
                "note": payload.get("reason") or payload.get("message", ""),
            }
        elif event.type == "record_platform_step":
            if payload.get("step") == "applied":
                facts.applied = step
            elif payload.get("step") in ("decided", "appeal_decided"):
                facts.decision = step
        elif event.type == "deadline.passed":
            facts.passed.add(payload.get("deadline", ""))
    return facts


# ---- words and dates ------------------------------------------------------------------------


def when_text(moment: datetime | date | None) -> str:
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"
    return moment.isoformat()


def day_text(moment: datetime | date | str | None) -> str:
    if isinstance(moment, str):
        moment = parse_when(moment)
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        return f"{timezone.localtime(moment):%Y-%m-%d}"
    return moment.isoformat()


def kinds_text(kinds: list[str]) -> str:
    return list_text([str(codes.EVIDENCE_KINDS.get(k, k)) for k in kinds])


def list_text(items: list[str]) -> str:
    return ("、" if chinese() else ", ").join(items)


def profile_due(dues: list[Any], kind: str) -> Any:
    """The profile's deadline of this kind among the case's dues, or None."""
    return next((d for d in dues if d.kind == kind and d.source == "profile"), None)


# ---- drafted messages ----------------------------------------------------------------------


def chinese() -> bool:
    return (get_language() or "zh-hans").lower().startswith("zh")


def _join(parts: list[str]) -> str:
    return ("" if chinese() else " ").join(p for p in parts if p)


def _items(case: Any) -> tuple[str, int]:
    lines = list(case.lines.select_related("order_line"))
    names = list_text([cl.order_line.name for cl in lines])
    return names, sum(cl.order_line.paid_fen for cl in lines)


def _ask(case: Any) -> str:
    remedy = str(codes.REMEDIES[case.remedy]).lower()
    if case.remedy in MONEY_REMEDIES and case.requested_fen:
        return gettext("%(remedy)s, %(amount)s") % {
            "remedy": remedy,
            "amount": format_fen(case.requested_fen),
        }
    return remedy


def offer_text(offer: dict[str, Any]) -> str:
    remedy = str(codes.REMEDIES.get(offer.get("remedy", ""), offer.get("remedy", ""))).lower()
    total = sum(item.get("amount_fen", 0) for item in offer.get("amounts") or [])
    return (
        gettext("%(remedy)s, %(amount)s") % {"remedy": remedy, "amount": format_fen(total)}
        if total
        else remedy
    )


def _channel(step: dict[str, Any] | None) -> str:
    code = (step or {}).get("channel", "")
    return str(CHANNELS.get(code, "")).lower() if code and code != "other" else ""


def _shop(case: Any) -> str:
    party = case.outside_merchant
    return party.name if party is not None else (case.shop.name if case.shop else "")


def _reply_sentence(facts: Facts, *, to_merchant: bool) -> str:
    reply = facts.reply or {}
    kind = reply.get("reply")
    when = day_text(reply.get("occurred_at") or reply.get("when"))
    note = (reply.get("note") or reply.get("reason") or "").strip().rstrip("。.!！")
    if kind == "refused":
        if to_merchant:
            return (
                gettext("On %(date)s you refused: “%(note)s”.") % {"date": when, "note": note}
                if note
                else gettext("On %(date)s you refused.") % {"date": when}
            )
        return (
            gettext("On %(date)s the shop refused: “%(note)s”.") % {"date": when, "note": note}
            if note
            else gettext("On %(date)s the shop refused.") % {"date": when}
        )
    if kind == "offered":
        offer = {"remedy": reply.get("remedy", ""), "amounts": reply.get("amounts") or []}
        return (
            gettext("On %(date)s you offered %(offer)s, which I do not accept.")
            if to_merchant
            else gettext("On %(date)s the shop offered %(offer)s, which I do not accept.")
        ) % {"date": when, "offer": offer_text(offer)}
    if kind == "no_answer" or kind is None:
        return gettext("I have had no answer.") if to_merchant else gettext("The shop has not answered.")
    return ""


def merchant_message(case: Any, facts: Facts, dues: list[Any], name: str) -> str:
    """The message to the merchant: the first request, or a last request after an answer."""
    order = case.order
    items, paid = _items(case)
    values = {
        "date": day_text(order.ordered_at),
        "items": items,
        "order": order.external_id,
        "paid": format_fen(paid),
        "ask": _ask(case),
        "issue": str(codes.ISSUE_TYPES[case.issue]).lower(),
        "platform": name,
    }
    due = profile_due(dues, "merchant_response")
    first = facts.asked is None or case.status == "draft"
    if case.status == "awaiting_merchant" and facts.reply is None and not (due and due.passed):
        first = True  # still waiting for the first answer: the request, to send again if need be
    if first:
        return _join(
            [
                gettext(
                    "Hello. On %(date)s I bought %(items)s from your shop (order %(order)s, paid %(paid)s)."
                )
                % values,
                gettext("The problem: %(issue)s.") % values,
                gettext("I ask for: %(ask)s.") % values,
                gettext("I have kept photos and records of this."),
                gettext("Please answer by %(due)s.") % {"due": when_text(due.due)}
                if due
                else gettext("Please answer within the time %(platform)s's rules allow.") % values,
                gettext("If we cannot settle it, I will ask %(platform)s to step in and complain to 12315.")
                % values,
            ]
        )
    due = profile_due(dues, "consumer_reply")
    step = facts.asked or {}
    channel = _channel(step)
    asked = {"asked": day_text(step.get("occurred_at") or step.get("when")), "channel": channel}
    return _join(
        [
            gettext(
                "Hello. On %(asked)s I asked you (%(channel)s) about order %(order)s (%(items)s) for: %(ask)s."
            )
            % {**values, **asked}
            if channel
            else gettext("Hello. On %(asked)s I asked you about order %(order)s (%(items)s) for: %(ask)s.")
            % {**values, **asked},
            _reply_sentence(facts, to_merchant=True),
            gettext("I ask you once more for: %(ask)s.") % values,
            gettext(
                "If you do not agree by %(due)s, I will ask %(platform)s to step in and complain to 12315."
            )
            % {**values, "due": when_text(due.due)}
            if due and not due.passed
            else gettext("Otherwise I will ask %(platform)s to step in and complain to 12315.") % values,
        ]
    )


def platform_message(case: Any, facts: Facts, present: set[str], name: str) -> str:
    """The application for the platform's intervention, or the appeal after its decision."""
    order = case.order
    items, paid = _items(case)
    values = {
        "platform": name,
        "date": day_text(order.ordered_at),
        "items": items,
        "order": order.external_id,
        "paid": format_fen(paid),
        "shop": _shop(case),
        "ask": _ask(case),
        "issue": str(codes.ISSUE_TYPES[case.issue]).lower(),
        "evidence": kinds_text(sorted(present, key=list(codes.EVIDENCE_KINDS).index)) if present else "",
    }
    evidence = gettext("My evidence: %(evidence)s.") % values if present else ""
    decision = case.decision or {}
    if case.status == "decided" and decision.get("outcome") in AGAINST and not decision.get("final"):
        reference = decision.get("reference") or ""
        when = day_text((facts.decision or {}).get("occurred_at") or (facts.decision or {}).get("when"))
        return _join(
            [
                gettext("I appeal the decision of %(date)s (reference %(reference)s) on order %(order)s.")
                % {**values, "date": when, "reference": reference}
                if reference
                else gettext("I appeal the decision of %(date)s on order %(order)s.")
                % {**values, "date": when},
                gettext("The decision: %(outcome)s.")
                % {"outcome": str(codes.OUTCOMES[decision["outcome"]]).lower()},
                gettext("The problem: %(issue)s.") % values,
                evidence,
                gettext("I ask for the decision to be reviewed and for: %(ask)s.") % values,
            ]
        )
    asked_sentence = ""
    if facts.asked is not None:
        channel = _channel(facts.asked)
        asked = {
            "asked": day_text(facts.asked.get("occurred_at") or facts.asked.get("when")),
            "channel": channel,
        }
        asked_sentence = (
            gettext("On %(asked)s I asked the shop (%(channel)s) for: %(ask)s.")
            if channel
            else gettext("On %(asked)s I asked the shop for: %(ask)s.")
        ) % {**values, **asked}
    return _join(
        [
            gettext("I ask %(platform)s to step in on order %(order)s from the shop %(shop)s.") % values,
            gettext("On %(date)s I bought %(items)s and paid %(paid)s.") % values,
            gettext("The problem: %(issue)s.") % values,
            asked_sentence,
            _reply_sentence(facts, to_merchant=False) if facts.asked is not None else "",
            evidence,
            gettext("I ask %(platform)s to decide that the shop must give me: %(ask)s.") % values,
        ]
    )
