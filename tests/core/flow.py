"""Helpers for the core tests.

``Flow`` drives cases through the workflow with the personas of tests/conftest.py, through the
same write path the product uses (``open_case``, ``perform``), each step a few minutes after the
previous one on its own clock. ``State`` records everything an action could change, so a refused
action can be shown to have changed nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from gongdao.cases.actions import open_case, perform
from gongdao.cases.actors import OPERATOR, SYSTEM, Actor, of_user
from gongdao.cases.models import (
    Case,
    CaseEvent,
    CaseLine,
    Checkpoint,
    Deadline,
    LedgerEntry,
    Outbox,
    RefundRequest,
)
from tests.factories import OrderFactory

PERSONAS = ("alice", "charlie", "bob", "mallory", "agnes", "sam", "sara", "ada", "system")
OUTSIDERS = ("charlie", "mallory")  # see nothing of Alice's case: every attempt answers 404


class Flow:
    """Builds cases in any status; ``now`` is the time of the last step."""

    def __init__(self, world: Any, now: datetime | None = None) -> None:
        self.world = world
        self.now = now or timezone.now()

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta) if delta else timedelta(minutes=5)
        return self.now

    def actor(self, who: str) -> Actor:
        if who == "system":
            return SYSTEM
        if who == "operator":
            return OPERATOR
        return self.world.actor(who)

    def order(self, lines: list[tuple[str, int]] | None = None) -> Any:
        return OrderFactory(shop=self.world.shop, consumer=self.world.alice, lines=lines)

    def open(
        self,
        *,
        issue: str = "other",
        remedy: str = "refund_only",
        lines: list[dict[str, int]] | None = None,
        submit: bool = True,
        order: Any = None,
    ) -> Case:
        self.advance()
        order = order or self.order()
        return open_case(
            order,
            of_user(order.consumer),
            issue=issue,
            remedy=remedy,
            lines=lines,
            statement="The item is not what the shop page promised.",
            submit=submit,
            now=self.now,
        )

    def do(self, case: Case, action: str, who: str, **data: Any) -> CaseEvent:
        self.advance()
        return perform(case, action, self.actor(who), now=self.now, **data)

    # ---- cases in each status ----------------------------------------------------------

    def draft(self, **kw: Any) -> Case:
        return self.open(submit=False, **kw)

    def awaiting_merchant(self, **kw: Any) -> Case:
        return self.open(**kw)

    def rejected(self, **kw: Any) -> Case:
        case = self.open(**kw)
        self.do(case, "reject", "bob", reason="The photos do not show a defect.")
        return case

    def offered(self, amount_fen: int = 5000, **kw: Any) -> Case:
        case = self.open(**kw)
        self.do(
            case,
            "offer",
            "bob",
            remedy="partial_refund",
            lines=[{"line_no": 1, "amount_fen": amount_fen}],
            message="We can refund part of the price.",
        )
        return case

    def escalated(self, **kw: Any) -> Case:
        case = self.rejected(**kw)
        self.do(case, "escalate", "alice", reason="The shop refuses to help.")
        return case

    def evidence_period(self, agent: str = "agnes", **kw: Any) -> Case:
        case = self.escalated(**kw)
        self.do(case, "assign", agent)
        return case

    def under_review(self, agent: str = "agnes", **kw: Any) -> Case:
        case = self.evidence_period(agent, **kw)
        self.do(case, "close_evidence", agent)
        return case

    def decided(
        self, outcome: str = "merchant_upheld", remedy: str | None = None, agent: str = "agnes", **kw: Any
    ) -> Case:
        case = self.under_review(agent, **kw)
        data: dict[str, Any] = {"outcome": outcome, "reasons": "Decided on the evidence both sides gave."}
        if remedy:
            data["remedy"] = remedy
        self.do(case, "decide", agent, **data)
        return case

    def appealed(self, by: str = "alice", **kw: Any) -> Case:
        case = self.decided(**kw)
        self.do(case, "appeal", by, reason="The decision overlooks the unboxing video.")
        return case

    def fulfilling(self, remedy: str = "refund_only", **kw: Any) -> Case:
        case = self.open(remedy=remedy, **kw)
        self.do(case, "accept", "bob")
        return case

    def resolved(self, **kw: Any) -> Case:
        case = self.fulfilling("refund_only", **kw)
        self.do(case, "confirm_refund", "bob", reference="PAY-1")
        return case

    def closed(self, **kw: Any) -> Case:
        case = self.rejected(**kw)
        self.do(case, "close", "system", deadline="consumer_reply")
        return case

    def withdrawn(self, **kw: Any) -> Case:
        case = self.open(**kw)
        self.do(case, "withdraw", "alice", reason="Found the parcel at the gate.")
        return case


def default_policy_with(version: str, **deadlines: dict[str, Any]) -> str:
    """The packaged default policy's text under another version label, with some
    ``[deadlines.<kind>]`` tables rewritten, e.g. ``merchant_response={"hours": 48, "on_expiry": "accept"}``."""
    from gongdao.policy import document

    text = document.default_text()
    for kind, values in deadlines.items():
        body = "".join(f"{key} = {json.dumps(value)}\n" for key, value in values.items())
        table = rf"^\[deadlines\.{kind}\][^\n]*\n(?:(?!\[)[^\n]*\S[^\n]*\n)*"
        text, found = re.subn(table, f"[deadlines.{kind}]\n{body}", text, flags=re.M)
        assert found == 1, kind
    text, found = re.subn(r'^version = "[^"]*"', f'version = "{version}"', text, count=1, flags=re.M)
    assert found == 1
    return text


def evidence_of_each_side(case: Case) -> dict[str, str]:
    """One item of evidence per side (consumer, merchant, platform) on the case: side → public id.

    Rows written directly: the upload path has its own tests (tests/evidence); the workflow only
    needs items to exist."""
    from gongdao.evidence.models import EvidenceItem

    items = {}
    for n, side in enumerate(("consumer", "merchant", "platform")):
        item = EvidenceItem.objects.create(
            case=case,
            kind="chat_record" if side != "platform" else "other",
            side=side,
            actor=f"test:{side}",
            received_at=timezone.now(),
            original_name=f"{side}.txt",
            size=10 + n,
            content_type="text/plain",
            sha256=f"{n:064x}",
        )
        items[side] = item.public_id
    return items


def shipped(carrier: str = "顺丰速运", number: str = "SF1234567890") -> dict[str, str]:
    return {"carrier": carrier, "tracking_number": number}


# ---- "nothing changed" -----------------------------------------------------------------


@dataclass
class State:
    """Everything an action on a case could write, read back from the database."""

    case: dict[str, Any] | None
    lines: list[dict[str, Any]]
    deadlines: list[dict[str, Any]]
    events: int
    outbox: int
    refunds: list[dict[str, Any]]
    ledger: int
    checkpoints: int
    cases: int
    case_lines: int

    @classmethod
    def of(cls, case: Case | None = None) -> State:
        pk = case.pk if case is not None else None
        return cls(
            case=Case.objects.filter(pk=pk).values().first() if pk else None,
            lines=list(CaseLine.objects.filter(case_id=pk).order_by("id").values()),
            deadlines=list(Deadline.objects.order_by("id").values()),
            events=CaseEvent.objects.count(),
            outbox=Outbox.objects.count(),
            refunds=list(RefundRequest.objects.order_by("id").values()),
            ledger=LedgerEntry.objects.count(),
            checkpoints=Checkpoint.objects.count(),
            cases=Case.objects.count(),
            case_lines=CaseLine.objects.count(),
        )


def in_memory(case: Case) -> dict[str, Any]:
    return {f.attname: getattr(case, f.attname) for f in Case._meta.concrete_fields}


def assert_unchanged(case: Case | None, before: State) -> None:
    """No event, no projection change, no deadline, no outbox row; the caller's object is current."""
    after = State.of(case)
    assert after.events == before.events, "a CaseEvent was written"
    assert after.outbox == before.outbox, "an Outbox row was written"
    assert after.deadlines == before.deadlines, "deadlines changed"
    assert after.case == before.case, "the Case row changed"
    assert after.lines == before.lines, "the case lines changed"
    assert after.refunds == before.refunds, "refund requests changed"
    assert (after.ledger, after.checkpoints) == (before.ledger, before.checkpoints)
    assert (after.cases, after.case_lines) == (before.cases, before.case_lines), "a case was created"
    if case is not None:
        assert in_memory(case) == before.case, "the in-memory case differs from the database"
