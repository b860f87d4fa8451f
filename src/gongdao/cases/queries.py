"""Reads of cases, scoped to a viewer: the case object (the same keys in the CLI and the API),
what the viewer may do now, who must act next, and the timeline with what the viewer may see."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongdao import codes
from gongdao.cases import facts, workflow
from gongdao.cases.actors import Actor
from gongdao.cases.effects import Move
from gongdao.cases.models import Case, CaseEvent
from gongdao.errors import DomainError, NotFound
from gongdao.parties import permissions
from gongdao.policy import queries as policy_queries

ACTOR_SIDES = {
    "consumer": ("consumer",),
    "merchant": ("merchant",),
    "platform": ("assignee", "agent", "platform"),
}


def get_case(actor: Actor, public_id: str) -> Case:
    """The case if this viewer may see it; otherwise 404 (never 403: ids are not confirmed)."""
    case = (
        Case.objects.select_related("shop", "consumer", "assignee", "policy", "order", "outside_merchant")
        .filter(public_id=public_id.strip().upper())
        .first()
    )
    if case is None or not permissions.can_view(actor, case):
        raise NotFound("case_not_found", _("No such case."))
    return case


def cases_for(user: Any) -> QuerySet:
    return permissions.visible_cases(user).select_related("shop", "consumer", "assignee")


def allowed_actions(case: Case, actor: Actor, now: datetime | None = None) -> list[str]:
    """The actions whose side and guard this viewer passes now, in the table's order. Guards
    that look at other rows (evidence, deadlines) share one read of them (``cases.facts``)."""
    sides = permissions.sides(actor, case)
    if not sides:
        return []
    candidates = [
        (t, sides & t_sides) for t, t_sides in _transitions_from(case.status, case.mode) if sides & t_sides
    ]
    if not candidates:
        return []
    now = now or timezone.now()
    policy = policy_queries.parsed(case.policy)
    with facts.reading(case):
        return [t.action for t, mine in candidates if _guard_passes(t, case, actor, mine, now, policy)]


@functools.cache
def _transitions_from(status: str, mode: str) -> tuple[tuple[workflow.Transition, frozenset[str]], ...]:
    """For each action, in the table's order, the transition ``perform`` would take from this
    status in a case of this mode, with its sides as a set: the table is fixed, so this is
    worked out once per status and mode."""
    found = []
    for action in workflow.ACTIONS:
        transition = workflow.find(action, status, mode)
        if transition is not None:
            found.append((transition, frozenset(transition.sides)))
    return tuple(found)


def _guard_passes(
    transition: Any, case: Case, actor: Actor, sides: set[str], now: datetime, policy: Any
) -> bool:
    if transition.guard is None:
        return True
    move = Move(case, transition.action, actor, sides, {}, now, policy, transition.target or case.status)
    try:
        transition.guard(move)
    except DomainError:
        return False
    return True


def is_your_move(case: Case, sides: set[str]) -> bool:
    return bool(set(ACTOR_SIDES.get(case.next_actor, ())) & sides)


def case_object(case: Case, actor: Actor, *, now: datetime | None = None) -> dict[str, Any]:
    """The case as the CLI (--json) and the API return it."""
    sides = permissions.sides(actor, case)
    lines = facts.lines(case)
    return {
        "id": case.public_id,
        "mode": case.mode,
        "status": case.status,
        "stage": case.stage,
        "stage_name": codes.STAGES[case.stage][0],
        "order": case.order.public_id,
        "shop": case.shop.public_id if case.shop else None,
        "shop_name": case.shop.name
        if case.shop
        else (case.outside_merchant.name if case.outside_merchant else ""),
        "consumer": case.consumer.public_id,
        "issue": case.issue,
        "remedy": case.remedy,
        "outcome": case.outcome or None,
        "requested_fen": case.requested_fen,
        "agreed_fen": case.agreed_fen,
        "refunded_fen": case.refunded_fen,
        "lines": [
            {
                "line_no": cl.order_line.line_no,
                "name": cl.order_line.name,
                "paid_fen": cl.order_line.paid_fen,
                "requested_fen": cl.requested_fen,
                "agreed_fen": cl.agreed_fen,
                "refunded_fen": cl.refunded_fen,
            }
            for cl in lines
        ],
        "steps": list(case.steps),
        "offer": case.offer,
        "decision": case.decision,
        "assignee": case.assignee.public_id if case.assignee else None,
        "next_actor": case.next_actor or None,
        "your_move": is_your_move(case, sides),
        "due_at": case.due_at.isoformat() if case.due_at else None,
        "allowed_actions": allowed_actions(case, actor, now),
        "policy_version": case.policy.version,
        "version": case.version,
        "rating": case.rating,
        "created_at": case.created_at.isoformat(),
        "filed_at": case.filed_at.isoformat() if case.filed_at else None,
        "updated_at": case.updated_at.isoformat(),
        "ended_at": case.ended_at.isoformat() if case.ended_at else None,
    }


def timeline(case: Case, actor: Actor) -> list[CaseEvent]:
    """The case's events; platform-only events' payloads are withheld from the parties."""
    sides = permissions.sides(actor, case)
    events = list(case.events.order_by("seq"))
    if sides & {"agent", "platform", "system"}:
        return events
    for event in events:
        if event.visibility == "platform_only":
            event.payload = None
    return events


def pending_deadlines(case: Case) -> list[Any]:
    return list(case.deadlines.filter(state__in=("pending", "paused")).order_by("due_at"))
