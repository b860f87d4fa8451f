"""Every cell of self-help mode's table (action × status): open to its sides, refused — or
hidden — for everyone else; nothing changes on a refusal."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction

from gongdao.cases import workflow
from gongdao.cases.actions import perform
from gongdao.cases.actors import SYSTEM, of_user
from gongdao.cases.queries import allowed_actions
from gongdao.errors import NotAllowed, NotFound
from gongdao.parties.models import User
from gongdao.selfhelp.models import Invitation
from tests.selfhelp.conftest import NOW, attach

# Statuses only the platform's own process reaches (agents' evidence review; closing on expiry).
PLATFORM_ONLY_STATUSES = {"evidence_period", "under_review", "closed"}
CELLS = sorted(
    {
        (t.action, s)
        for t in workflow.TRANSITIONS
        if "self_help" in t.modes
        for s in t.sources
        if s not in PLATFORM_ONLY_STATUSES
    }
)
# How to bring a fresh self-help case to each status (recorded steps, as the consumer).
PATHS: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "draft": [],
    "awaiting_merchant": [("submit", {})],
    "awaiting_consumer": [("submit", {}), ("record_merchant_reply", {"reply": "refused", "note": "不退"})],
    "fulfilling": [("submit", {}), ("record_merchant_reply", {"reply": "accepted"})],
    "escalated": [("submit", {}), ("record_platform_step", {"step": "applied"})],
    "decided": [
        ("submit", {}),
        ("record_platform_step", {"step": "applied"}),
        ("record_platform_step", {"step": "decided", "outcome": "merchant_upheld"}),
    ],
    "appealed": [
        ("submit", {}),
        ("record_platform_step", {"step": "applied"}),
        ("record_platform_step", {"step": "decided", "outcome": "merchant_upheld"}),
        ("record_platform_step", {"step": "appealed"}),
    ],
    "resolved": [("submit", {}), ("record_merchant_reply", {"reply": "carried_out"})],
    "withdrawn": [("submit", {}), ("withdraw", {})],
}
# Input that makes each action succeed from the given status.
PATH_FOR = {
    ("accept_offer", "awaiting_consumer"): [
        ("submit", {}),
        ("record_merchant_reply", {"reply": "offered", "remedy": "partial_refund", "amount_fen": 1000}),
    ],
}
INPUT: dict[tuple[str, str], dict[str, Any]] = {
    ("record_merchant_reply", "fulfilling"): {"reply": "carried_out"},
    ("record_platform_step", "escalated"): {"step": "decided", "outcome": "consumer_upheld"},
    ("record_platform_step", "decided"): {"step": "appealed"},
    ("record_platform_step", "appealed"): {"step": "appeal_decided", "outcome": "consumer_upheld"},
}
DEFAULT_INPUT = {
    "record_merchant_reply": {"reply": "refused", "note": "不退"},
    "record_platform_step": {"step": "applied"},
    "offer": {"remedy": "partial_refund", "amount_fen": 1000},
    "reject": {"reason": "不同意"},
    "note_overdue": {"deadline": "merchant_response"},
    "rate": {"rating": 4},
}


def _withdrawable(case: Any) -> dict[str, Any]:
    return {"item": case.evidence.filter(withdrawn_at__isnull=True).first().public_id}


SIDES = {"consumer": {"alice"}, "merchant": {"guest"}, "system": {"system"}}
PERSONAS = ("alice", "guest", "bob", "charlie", "agnes", "sam", "ada", "system")
# Who sees a self-help case: its consumer, an invited merchant (once filed), the platform's admins.
SEE_IT = {"alice", "guest", "ada", "system"}


def _actor(world: Any, who: str, guest: Any) -> Any:
    if who == "system":
        return SYSTEM
    return of_user(guest if who == "guest" else getattr(world, who))


def _invite(case: Any, world: Any) -> Any:
    guest = User.objects.create(username="guest-merchant", role="merchant_guest")
    Invitation.objects.create(
        case=case, guest=guest, created_by=world.alice, created_at=NOW, expires_at=NOW + timedelta(days=30)
    )
    return guest


def _build(world: Any, case: Any, action: str, status: str) -> None:
    alice = world.actor("alice")
    attach(case, alice)
    for step, data in PATH_FOR.get((action, status), PATHS[status]):
        perform(case, step, alice, now=NOW, **data)
    assert case.status == status


def test_every_self_help_cell_has_a_path() -> None:
    assert {status for _action, status in CELLS} <= set(PATHS)


@pytest.mark.parametrize(("action", "status"), CELLS, ids=[f"{a}-from-{s}" for a, s in CELLS])
def test_self_help_cell(world: Any, draft: Any, action: str, status: str) -> None:
    case = draft
    _build(world, case, action, status)
    guest = _invite(case, world)
    transition = workflow.find(action, status, "self_help")
    assert transition is not None
    allowed = set().union(*(SIDES.get(side, set()) for side in transition.sides))
    data = {**DEFAULT_INPUT.get(action, {}), **INPUT.get((action, status), {})}
    if action == "withdraw_evidence":  # a side withdraws only its own items: here, the consumer's
        data, allowed = _withdrawable(case), {"alice"}
    later = NOW + timedelta(minutes=1)
    before = (case.status, case.seq)
    for who in sorted(set(PERSONAS) - allowed):
        actor = _actor(world, who, guest)
        assert action not in allowed_actions(case, actor, later), who
        sees = who in SEE_IT and not (who == "guest" and status == "draft")
        expected = NotAllowed if sees else NotFound
        with pytest.raises(expected):
            perform(case, action, actor, now=later, **data)
        case.refresh_from_db()
        assert (case.status, case.seq) == before, who
    for who in sorted(allowed):
        with transaction.atomic():
            sid = transaction.savepoint()
            actor = _actor(world, who, guest)
            if who != "system":
                assert action in allowed_actions(case, actor, later), who
            event = perform(case, action, actor, now=later, **data)
            assert event.payload["action"] == action
            transaction.savepoint_rollback(sid)
        case.refresh_from_db()
