"""Who hears what: the people an outbox row names, the category of each one's notice, and the
facts the notice keeps (rendered later in the reader's language).

The core names sides (``consumer``, ``merchant``, ``assignee``, ``agent``, ``senior_agent``);
here they become people. Nobody hears about a case they cannot see (``permissions.user_sides``
must give them a side), so a shop's staff get nothing about another shop's cases; the person
who acted is not told about their own action.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gongdao.cases.models import Outbox
from gongdao.notify.categories import GENERIC, NOT_FOR_PEOPLE, PROMOTABLE, TYPE_CATEGORY
from gongdao.parties import permissions
from gongdao.parties.models import User

SLA_KINDS = ("assignment_sla", "decision_sla", "appeal_decision_sla")


@dataclass(frozen=True)
class Recipient:
    user: User
    sides: frozenset[str]  # the user's sides on the case
    via: str  # the audience side that named them


def recipients(row: Outbox) -> list[Recipient]:
    case = row.case
    if case is None or row.type in NOT_FOR_PEOPLE:
        return []
    found: dict[int, Recipient] = {}
    for side in row.audience:
        for user in side_users(case, side):
            if user.id in found or not user.is_active or user.public_id == row.exclude_user:
                continue
            sides = permissions.user_sides(user, case)
            if sides:
                found[user.id] = Recipient(user, frozenset(sides), side)
    return list(found.values())


def side_users(case: Any, side: str) -> list[User]:
    if side == "consumer":
        # Association staff acting for the consumer under a power of attorney hear what the
        # consumer hears (issue 5: "an association acting for the consumer").
        return [case.consumer, *acting_for_consumer(case)]
    if side == "merchant":
        if case.shop_id:
            return list(User.objects.filter(shop_id=case.shop_id, role__in=permissions.MERCHANT_ROLES))
        return invited_merchants(case)
    if side == "assignee" and case.assignee_id:
        return [case.assignee]
    if side == "agent":
        if case.assignee_id:
            return [case.assignee]
        return list(User.objects.filter(role__in=("agent", "senior_agent"), is_active=True))
    if side == "senior_agent":
        return list(User.objects.filter(role="senior_agent", is_active=True))
    return []  # "platform" (admins and platform keys) hears through webhooks


def invited_merchants(case: Any) -> list[User]:
    """The outside merchant on a self-help case: the guest of each invitation that works now
    (they hear by email, with their invitation link; docs/self-help.md)."""
    from gongdao.selfhelp.models import Invitation

    invited = Invitation.objects.active().filter(case=case).values("guest_id")
    return list(User.objects.filter(role="merchant_guest", is_active=True, pk__in=invited))


def acting_for_consumer(case: Any) -> list[User]:
    """Association staff holding an authorisation in force on this case."""
    return list(
        User.objects.filter(
            role="association_staff",
            is_active=True,
            authorizations__case=case,
            authorizations__revoked_at__isnull=True,
        ).distinct()
    )


def _rank(type_: str) -> int:
    return GENERIC.index(type_) if type_ in GENERIC else len(GENERIC)


def superseded(row: Outbox) -> set[int]:
    """Users who get a more specific row of the same event (e.g. ``case.decided`` rather than
    ``case.status_changed``), so one action is one notice to each person."""
    if row.type not in GENERIC or row.event_id is None:
        return set()
    covered: set[int] = set()
    siblings = Outbox.objects.filter(event_id=row.event_id).exclude(id=row.id)
    for sibling in siblings.exclude(type__in=NOT_FOR_PEOPLE):
        if _rank(sibling.type) > _rank(row.type):
            sibling.case = row.case
            covered |= {r.user.id for r in recipients(sibling)}
    return covered


def acting_side(next_actor: str, sides: frozenset[str]) -> str:
    """The recipient's side that must act next, or "" when it is not their move."""
    if next_actor in ("consumer", "merchant") and next_actor in sides:
        return next_actor
    if next_actor == "both":
        return next((s for s in ("consumer", "merchant") if s in sides), "")
    if next_actor == "platform" and "assignee" in sides:
        return "assignee"
    return ""


def categorize(row: Outbox, recipient: Recipient, data: dict[str, Any]) -> str:
    if row.type == "deadline.expired" and (
        recipient.via == "senior_agent" or data.get("deadline") in SLA_KINDS
    ):
        return "sla_alerts"
    if row.type in PROMOTABLE and data.get("your_move"):
        return "your_move"
    return TYPE_CATEGORY.get(row.type, "updates")


def notice_data(row: Outbox, recipient: Recipient) -> dict[str, Any]:
    """The facts a notice keeps, language-neutral: rendered when read or emailed. "Your move"
    and the due time are the case's when the worker fans the row out (seconds after the event)."""
    case: Any = row.case
    event = row.event
    payload: dict[str, Any] = (event.payload or {}) if event is not None else {}
    acting = acting_side(case.next_actor, recipient.sides)
    data: dict[str, Any] = {
        "case": case.public_id,
        "shop": case.shop.name if case.shop_id else (case.order_snapshot or {}).get("shop_name", ""),
        "status": case.status,
        "step": case.steps[0] if case.steps else "",
        "next_actor": case.next_actor,
        "due_at": case.due_at.isoformat() if case.due_at else None,
        "your_move": bool(acting),
        "side": acting or recipient.via,
        "action": payload.get("action", ""),
        "actor_role": event.actor_role if event is not None else "system",
        "to": payload.get("to", ""),
        "by": payload.get("by", ""),
        "outcome": (case.decision or {}).get("outcome") or case.outcome or "",
    }
    if payload.get("deadline"):
        data["deadline"] = payload["deadline"]
    if recipient.user.role == "association_staff" and "consumer" in recipient.sides:
        data["acting_for"] = case.consumer.public_id  # the notice says whom they act for
    if isinstance(payload.get("refund"), dict):
        data["amount_fen"] = payload["refund"].get("amount_fen")
    data.update(row.data or {})
    return data
