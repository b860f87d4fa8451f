"""Every transition of the workflow table, allowed for its sides and refused for every other
persona; the happy path of every remedy; and the workflow's special rules (offers, revisions,
escalation timing, the platform's steps, appeals, withdrawal, rating)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from gongdao.cases import workflow
from gongdao.cases.effects import STEPS
from gongdao.cases.models import Case, CaseEvent, Deadline, Outbox
from gongdao.cases.queries import allowed_actions, case_object
from gongdao.errors import InvalidInput, NotAllowed, NotFound
from tests.core.flow import (
    OUTSIDERS,
    PERSONAS,
    Flow,
    State,
    assert_unchanged,
    default_policy_with,
    evidence_of_each_side,
    shipped,
)

REASON = {"reason": "Stated for the record."}
PAUSABLE = ("awaiting_merchant", "awaiting_consumer", "escalated", "evidence_period", "under_review")


@dataclass
class Scenario:
    """A case in the transition's source status, valid input, and what the action leads to."""

    build: Callable[[Flow], Case]
    data: dict[str, Any] | Callable[[Case, str], dict[str, Any]] = field(default_factory=dict)
    to: str | None = None  # None: the status stays
    assignee: str = ""

    def input(self, case: Case, who: str) -> dict[str, Any]:
        return self.data(case, who) if callable(self.data) else self.data


def _with(build: Callable[[Flow], Case], *steps: tuple[str, str, dict[str, Any]]) -> Callable[[Flow], Case]:
    def run(f: Flow) -> Case:
        case = build(f)
        for action, who, data in steps:
            f.do(case, action, who, **data)
        return case

    return run


def _silent_merchant(f: Flow) -> Case:
    case = f.awaiting_merchant()
    f.advance(hours=25)
    return case


def _closed_with_decision(f: Flow) -> Case:
    case = f.decided()
    f.do(case, "close", "system", deadline="appeal_window")
    return case


def _resolved_by_decision(f: Flow) -> Case:
    case = f.decided("consumer_upheld", "refund_only")
    f.do(case, "confirm_refund", "bob")
    return case


def _appeal_taken_by_sam(f: Flow) -> Case:
    case = f.appealed()
    f.do(case, "assign", "sam")
    return case


def _in(status: str) -> Callable[[Flow], Case]:
    """A plain case in each status where deadlines can be paused."""
    return {
        "draft": lambda f: f.draft(),
        "awaiting_merchant": lambda f: f.awaiting_merchant(),
        "awaiting_consumer": lambda f: f.rejected(),
        "escalated": lambda f: f.escalated(),
        "evidence_period": lambda f: f.evidence_period(),
        "under_review": lambda f: f.under_review(),
        "decided": lambda f: f.decided(),
        "appealed": lambda f: f.appealed(),
        "fulfilling": lambda f: f.fulfilling("return_and_refund"),
    }[status]


ASSIGNEE = {"evidence_period": "agnes", "under_review": "agnes"}
SIDE_OF = {"alice": "consumer", "bob": "merchant", "agnes": "platform", "sam": "platform", "sara": "platform"}
SIDE_OF["ada"] = "platform"


def _with_evidence(build: Callable[[Flow], Case]) -> Callable[[Flow], Case]:
    def run(f: Flow) -> Case:
        case = build(f)
        evidence_of_each_side(case)
        return case

    return run


def _own_item(case: Case, who: str) -> dict[str, Any]:
    side = SIDE_OF.get(who, "consumer")  # outsiders name the consumer's item
    return {"item": case.evidence.get(side=side).public_id, "reason": "Uploaded the wrong file."}


EVENT_TYPE = {"alert": "sla_alert", "withdraw_evidence": "evidence_withdrawn"}

SCENARIOS: dict[tuple[str, str], Scenario] = {
    ("submit", "draft"): Scenario(lambda f: f.draft(), to="awaiting_merchant"),
    ("accept", "awaiting_merchant"): Scenario(
        lambda f: f.awaiting_merchant(remedy="return_and_refund"), to="fulfilling"
    ),
    ("offer", "awaiting_merchant"): Scenario(
        lambda f: f.awaiting_merchant(),
        {"remedy": "partial_refund", "lines": [{"line_no": 1, "amount_fen": 3000}], "message": "¥30 back?"},
        to="awaiting_consumer",
    ),
    ("reject", "awaiting_merchant"): Scenario(
        lambda f: f.awaiting_merchant(), REASON, to="awaiting_consumer"
    ),
    ("accept_offer", "awaiting_consumer"): Scenario(lambda f: f.offered(), to="fulfilling"),
    ("revise", "awaiting_consumer"): Scenario(
        lambda f: f.rejected(),
        {
            "remedy": "partial_refund",
            "lines": [{"line_no": 1, "amount_fen": 4000}, {"line_no": 2, "amount_fen": 1000}],
        },
        to="awaiting_merchant",
    ),
    ("escalate", "awaiting_merchant"): Scenario(_silent_merchant, REASON, to="escalated"),
    ("escalate", "awaiting_consumer"): Scenario(lambda f: f.rejected(), REASON, to="escalated"),
    ("escalate", "fulfilling"): Scenario(lambda f: f.fulfilling("refund_only"), REASON, to="escalated"),
    ("assign", "escalated"): Scenario(lambda f: f.escalated(), to="evidence_period"),
    ("assign", "evidence_period"): Scenario(lambda f: f.evidence_period(), assignee="agnes"),
    ("assign", "under_review"): Scenario(lambda f: f.under_review(), assignee="agnes"),
    ("assign", "appealed"): Scenario(lambda f: f.appealed()),
    ("close_evidence", "evidence_period"): Scenario(
        lambda f: f.evidence_period(), to="under_review", assignee="agnes"
    ),
    ("close_evidence", "under_review"): Scenario(
        _with(
            lambda f: f.under_review(), ("request_evidence", "agnes", {"party": "consumer", "note": "Video?"})
        ),
        assignee="agnes",
    ),
    ("request_evidence", "under_review"): Scenario(
        lambda f: f.under_review(), {"party": "merchant", "note": "The waybill, please."}, assignee="agnes"
    ),
    ("decide", "under_review"): Scenario(
        lambda f: f.under_review(),
        {"outcome": "merchant_upheld", "reasons": "The goods match the listing."},
        to="decided",
        assignee="agnes",
    ),
    ("appeal", "decided"): Scenario(lambda f: f.decided(), REASON, to="appealed"),
    ("appeal", "resolved"): Scenario(_resolved_by_decision, REASON, to="appealed"),
    ("appeal", "closed"): Scenario(_closed_with_decision, REASON, to="appealed"),
    ("decide_appeal", "appealed"): Scenario(
        _appeal_taken_by_sam,
        {"outcome": "merchant_upheld", "reasons": "The first decision stands."},
        to="closed",
        assignee="sam",
    ),
    ("ship_return", "fulfilling"): Scenario(lambda f: f.fulfilling("return_and_refund"), shipped()),
    ("ship_return", "decided"): Scenario(
        lambda f: f.decided("consumer_upheld", "return_and_refund"), shipped()
    ),
    ("confirm_return", "fulfilling"): Scenario(
        _with(lambda f: f.fulfilling("return_and_refund"), ("ship_return", "alice", shipped()))
    ),
    ("confirm_return", "decided"): Scenario(
        _with(
            lambda f: f.decided("consumer_upheld", "return_and_refund"), ("ship_return", "alice", shipped())
        )
    ),
    ("report_return_problem", "fulfilling"): Scenario(
        _with(lambda f: f.fulfilling("return_and_refund"), ("ship_return", "alice", shipped())),
        {"problem": "empty", "reason": "The box arrived empty."},
        to="escalated",
    ),
    ("ship_replacement", "fulfilling"): Scenario(lambda f: f.fulfilling("resend"), shipped()),
    ("ship_replacement", "decided"): Scenario(lambda f: f.decided("consumer_upheld", "resend"), shipped()),
    ("confirm_replacement", "fulfilling"): Scenario(
        _with(lambda f: f.fulfilling("resend"), ("ship_replacement", "bob", shipped())), to="resolved"
    ),
    ("confirm_replacement", "decided"): Scenario(
        _with(lambda f: f.decided("consumer_upheld", "resend"), ("ship_replacement", "bob", shipped())),
        to="resolved",
    ),
    ("confirm_refund", "fulfilling"): Scenario(
        lambda f: f.fulfilling("refund_only"), {"reference": "PAY-7"}, to="resolved"
    ),
    ("confirm_refund", "decided"): Scenario(
        lambda f: f.decided("consumer_upheld", "refund_only"), {"reference": "PAY-8"}, to="resolved"
    ),
    ("record_advance_payout", "fulfilling"): Scenario(lambda f: f.fulfilling("refund_only"), to="resolved"),
    ("record_advance_payout", "decided"): Scenario(
        lambda f: f.decided("consumer_upheld", "refund_only"), to="resolved"
    ),
    **{
        ("pause_deadline", s): Scenario(_in(s), REASON, assignee=ASSIGNEE.get(s, ""))
        for s in (*PAUSABLE, "decided", "appealed", "fulfilling")
    },
    **{
        ("resume_deadline", s): Scenario(
            _with(_in(s), ("pause_deadline", "agnes", REASON)), assignee=ASSIGNEE.get(s, "")
        )
        for s in (*PAUSABLE, "decided", "appealed", "fulfilling")
    },
    **{
        ("withdraw_evidence", s): Scenario(_with_evidence(_in(s)), _own_item, assignee=ASSIGNEE.get(s, ""))
        for s in ("draft", *PAUSABLE, "decided", "appealed", "fulfilling")
    },
    ("withdraw", "draft"): Scenario(lambda f: f.draft(), REASON, to="withdrawn"),
    **{
        ("withdraw", s): Scenario(_in(s), REASON, to="withdrawn", assignee=ASSIGNEE.get(s, ""))
        for s in PAUSABLE
    },
    ("close", "awaiting_consumer"): Scenario(
        lambda f: f.rejected(), {"deadline": "consumer_reply"}, to="closed"
    ),
    ("close", "fulfilling"): Scenario(
        lambda f: f.fulfilling("return_and_refund"), {"deadline": "return_shipment"}, to="closed"
    ),
    ("close", "decided"): Scenario(lambda f: f.decided(), {"deadline": "appeal_window"}, to="closed"),
    **{
        ("alert", s): Scenario(_in(s), {"deadline": "sla"}, assignee=ASSIGNEE.get(s, ""))
        for s in ("escalated", "under_review", "appealed", "evidence_period")
    },
    ("rate", "resolved"): Scenario(lambda f: f.resolved(), {"rating": 4}),
    ("rate", "closed"): Scenario(lambda f: f.closed(), {"rating": 2}),
    ("rate", "withdrawn"): Scenario(lambda f: f.withdrawn(), {"rating": 5}),
}

# Platform mode's table; self-help mode's cells are in tests/selfhelp/test_selfhelp_matrix.py.
CELLS = sorted({(t.action, s) for t in workflow.TRANSITIONS if "platform" in t.modes for s in t.sources})


def test_every_transition_of_the_table_has_a_scenario() -> None:
    assert sorted(SCENARIOS) == CELLS


def _allowed_personas(action: str, status: str, scenario: Scenario) -> set[str]:
    by_side = {
        "consumer": {"alice"},
        "merchant": {"bob"},
        "agent": {"agnes", "sam", "sara"},
        "senior_agent": {"sam", "sara"},
        "platform": {"ada"},
        "system": {"system"},
        "assignee": {scenario.assignee} if scenario.assignee else set(),
    }
    if status == "draft":  # a draft is the consumer's alone (and the admin's)
        by_side.update(merchant=set(), agent=set(), senior_agent=set(), assignee=set())
    transition = workflow.find(action, status, "platform")
    assert transition is not None
    return set().union(*(by_side[side] for side in transition.sides))


@pytest.mark.parametrize(("action", "status"), CELLS, ids=[f"{a}-from-{s}" for a, s in CELLS])
def test_transition_allowed_for_its_sides_and_refused_for_everyone_else(
    world: Any, action: str, status: str
) -> None:
    scenario = SCENARIOS[(action, status)]
    allowed = _allowed_personas(action, status, scenario)
    assert allowed, "every transition is open to someone"

    flow = Flow(world)
    case = scenario.build(flow)
    assert case.status == status
    before = State.of(case)
    for who in sorted(set(PERSONAS) - allowed):
        flow.advance()
        assert action not in allowed_actions(case, flow.actor(who), flow.now), who
        # A draft is the consumer's alone: nobody else sees it until it is filed.
        hidden = who in OUTSIDERS or (status == "draft" and who not in ("alice", "ada", "system"))
        expected = NotFound if hidden else NotAllowed
        with pytest.raises(expected) as refused:
            from gongdao.cases.actions import perform

            perform(case, action, flow.actor(who), now=flow.now, **scenario.input(case, who))
        assert refused.value.code == ("case_not_found" if hidden else "not_your_role"), who
        assert_unchanged(case, before)

    for who in sorted(allowed):  # each on the same case, undone afterwards (a savepoint)
        try:
            with transaction.atomic():
                flow.advance()
                assert action in allowed_actions(case, flow.actor(who), flow.now), who
                events = case.seq
                event = flow.do(case, action, who, **scenario.input(case, who))
                case.refresh_from_db()
                assert case.status == (scenario.to or status), who
                assert case.seq == events + 1 and case.head_hash == event.hash
                assert event.type == EVENT_TYPE.get(action, action) and event.payload["action"] == action
                raise Undo
        except Undo:
            case.refresh_from_db()
        assert State.of(case) == before, "undone for the next persona"


class Undo(Exception):
    """Rolls a savepoint back on purpose."""


# ---- the happy path of every remedy --------------------------------------------------------

HAPPY_PATHS: dict[str, tuple[list[dict[str, int]] | None, list[tuple[str, str, dict[str, Any]]]]] = {
    "refund_only": (None, [("confirm_refund", "bob", {"reference": "PAY-1"})]),
    "partial_refund": ([{"line_no": 1, "amount_fen": 5000}], [("confirm_refund", "bob", {})]),
    "compensation": ([{"line_no": 2, "amount_fen": 3000}], [("confirm_refund", "bob", {})]),
    "return_and_refund": (
        None,
        [
            ("ship_return", "alice", shipped()),
            ("confirm_return", "bob", {}),
            ("confirm_refund", "bob", {"reference": "PAY-2"}),
        ],
    ),
    "exchange": (
        None,
        [
            ("ship_return", "alice", shipped()),
            ("confirm_return", "bob", {}),
            ("ship_replacement", "bob", shipped("中通快递", "ZT100")),
            ("confirm_replacement", "alice", {}),
        ],
    ),
    "repair": (
        None,
        [
            ("ship_return", "alice", shipped()),
            ("confirm_return", "bob", {}),
            ("ship_replacement", "bob", shipped("中通快递", "ZT200")),
            ("confirm_replacement", "alice", {}),
        ],
    ),
    "resend": (
        None,
        [("ship_replacement", "bob", shipped()), ("confirm_replacement", "alice", {})],
    ),
}


def test_every_remedy_has_a_happy_path() -> None:
    assert set(HAPPY_PATHS) == set(STEPS)


@pytest.mark.parametrize("remedy", sorted(HAPPY_PATHS))
def test_remedy_is_carried_out_step_by_step_to_resolved(flow: Flow, remedy: str) -> None:
    lines, steps = HAPPY_PATHS[remedy]
    case = flow.open(remedy=remedy, lines=lines)
    flow.do(case, "accept", "bob")
    assert case.status == "fulfilling"
    for action, who, data in steps:
        assert case.steps[0] in (action, "refund"), "the table's next step is the one due"
        assert action in allowed_actions(case, flow.actor(who), flow.now), (action, who)
        obj = case_object(case, flow.actor(who), now=flow.now)
        assert obj["your_move"] and obj["due_at"] is not None
        flow.do(case, action, who, **data)
    case.refresh_from_db()
    assert case.status == "resolved" and case.outcome == "settled" and case.steps == []
    assert case.ended_at is not None and not case.lines.filter(is_open=True).exists()
    assert not case.deadlines.filter(state="pending").exists()
    money = remedy in ("refund_only", "partial_refund", "compensation", "return_and_refund")
    assert case.refunded_fen == (case.agreed_fen if money else 0)
    assert (case.agreed_fen > 0) == money
    assert Outbox.objects.filter(case=case, type="case.closed").count() == 1


# ---- offers and revisions ---------------------------------------------------------------


def test_accepting_an_offer_carries_out_the_offered_remedy_and_amount(flow: Flow) -> None:
    case = flow.offered(amount_fen=4500)
    assert case.offer["amounts"] == [{"line_no": 1, "amount_fen": 4500}]
    assert case.next_actor == "consumer"
    flow.do(case, "accept_offer", "alice")
    assert (case.status, case.remedy, case.agreed_fen, case.steps) == (
        "fulfilling",
        "partial_refund",
        4500,
        ["refund"],
    )
    assert case.offer is None
    assert case.refund_requests.get().lines == [{"line_no": 1, "amount_fen": 4500}]


def test_a_rejection_leaves_no_offer_to_accept(flow: Flow) -> None:
    case = flow.rejected()
    before = State.of(case)
    with pytest.raises(NotAllowed) as refused:
        flow.do(case, "accept_offer", "alice")
    assert refused.value.code == "no_offer"
    assert_unchanged(case, before)


def test_revising_asks_the_merchant_again_with_a_fresh_deadline(flow: Flow) -> None:
    case = flow.rejected()
    flow.do(
        case,
        "revise",
        "alice",
        remedy="partial_refund",
        lines=[{"line_no": 1, "amount_fen": 6000}, {"line_no": 2, "amount_fen": 500}],
        statement="A partial refund would settle it.",
    )
    assert (case.status, case.remedy, case.requested_fen) == ("awaiting_merchant", "partial_refund", 6500)
    assert case.statement == "A partial refund would settle it."
    answer = case.deadlines.get(kind="merchant_response", state="pending")
    assert answer.due_at == flow.now + timedelta(hours=48)
    assert case.deadlines.get(kind="consumer_reply").state == "cancelled"
    assert (case.next_actor, case.due_at) == ("merchant", answer.due_at)


# ---- escalation ---------------------------------------------------------------------------


def test_escalating_before_the_merchant_has_been_silent_long_enough_is_refused(
    world: Any, time_machine: Any
) -> None:
    start = timezone.now().replace(microsecond=0)
    time_machine.move_to(start, tick=False)
    case = Flow(world, start).awaiting_merchant()
    actor = world.actor("alice")
    from gongdao.cases.actions import perform

    time_machine.move_to(case.status_since + timedelta(hours=23, minutes=59), tick=False)
    assert "escalate" not in allowed_actions(case, actor)
    before = State.of(case)
    with pytest.raises(NotAllowed) as refused:
        perform(case, "escalate", actor, reason="No answer.")
    assert refused.value.code == "too_early_to_escalate"
    assert refused.value.extra["available_at"] == (case.status_since + timedelta(hours=24)).isoformat()
    assert_unchanged(case, before)

    time_machine.move_to(case.status_since + timedelta(hours=24), tick=False)
    assert "escalate" in allowed_actions(case, actor)
    perform(case, "escalate", actor, reason="No answer.")
    assert (case.status, case.stage, case.next_actor) == ("escalated", 3, "platform")
    assert case.deadlines.get(kind="merchant_response").state == "cancelled"
    assert case.deadlines.get(kind="assignment_sla").state == "pending"
    assert Outbox.objects.filter(case=case, type="case.escalated").exists()


def test_escalating_a_fulfilment_needs_an_overdue_merchant_step(flow: Flow) -> None:
    case = flow.fulfilling("return_and_refund")  # the consumer ships first
    with pytest.raises(NotAllowed) as refused:
        flow.do(case, "escalate", "alice", reason="Slow.")
    assert refused.value.code == "nothing_overdue"
    flow.do(case, "ship_return", "alice", **shipped())
    flow.do(case, "escalate", "alice", reason="The shop does not confirm the return.")
    assert case.status == "escalated" and case.steps == []


# ---- the platform's steps -----------------------------------------------------------------


def test_agent_takes_gathers_evidence_and_decides(flow: Flow, world: Any) -> None:
    case = flow.escalated()
    flow.do(case, "assign", "agnes")
    assert (case.status, case.assignee_id) == ("evidence_period", world.agnes.id)
    assert case.deadlines.get(kind="evidence_period", state="pending")

    flow.do(case, "assign", "sam", assignee="agnes")  # another agent hands it back: allowed, no change
    assert case.assignee_id == world.agnes.id
    flow.do(case, "close_evidence", "agnes")
    assert case.status == "under_review"
    sla = case.deadlines.get(kind="decision_sla", state="pending")

    flow.do(case, "request_evidence", "agnes", party="merchant", note="Send the waybill photo.")
    assert case.evidence_requested_from == "merchant"
    window = case.deadlines.get(kind="extra_evidence", state="pending")
    assert (window.party, window.due_at) == ("merchant", flow.now + timedelta(hours=48))
    flow.do(case, "close_evidence", "agnes")
    assert case.evidence_requested_from == "" and case.status == "under_review"
    window.refresh_from_db()
    assert window.state == "cancelled"

    flow.do(
        case,
        "decide",
        "agnes",
        outcome="partially_upheld",
        remedy="partial_refund",
        lines=[{"line_no": 1, "amount_fen": 8000}],
        reasons="The defect is shown; the price is partly refunded.",
        rules=["R-3.1"],
    )
    sla.refresh_from_db()
    assert sla.state == "cancelled"
    assert case.status == "decided" and case.decided_by_id == world.agnes.id
    assert case.decision["outcome"] == "partially_upheld" and case.decision["final"] is False
    assert case.decision["amounts"] == [{"line_no": 1, "amount_fen": 8000}]
    assert case.steps == ["refund"]
    assert case.deadlines.get(kind="decision_execution", state="pending").party == "merchant"
    assert case.deadlines.get(kind="appeal_window", state="pending").due_at == flow.now + timedelta(days=7)
    assert Outbox.objects.filter(case=case, type="case.decided").exists()


def test_only_the_assigned_agent_decides(flow: Flow) -> None:
    case = flow.under_review("agnes")
    before = State.of(case)
    with pytest.raises(NotAllowed) as refused:
        flow.do(case, "decide", "sam", outcome="rejected", reasons="No.")
    assert refused.value.code == "not_your_role"
    assert_unchanged(case, before)


# ---- appeals --------------------------------------------------------------------------------


@pytest.mark.parametrize("by", ["alice", "bob"])
def test_either_party_may_appeal_within_the_window(flow: Flow, by: str) -> None:
    case = flow.decided("consumer_upheld", "refund_only")
    flow.advance(days=6, hours=23)
    flow.do(case, "appeal", by, reason="The decision overlooks a fact.")
    assert case.status == "appealed"
    assert case.appealed_by == ("consumer" if by == "alice" else "merchant")
    assert case.assignee_id is None and case.steps == []
    pending = {d.kind for d in case.deadlines.filter(state="pending")}
    assert pending == {"appeal_decision_sla"}, "the decision's own deadlines stop while it is appealed"
    assert (case.next_actor, case.due_at) == (
        "platform",
        case.deadlines.get(kind="appeal_decision_sla").due_at,
    )


def test_appeal_after_the_window_is_refused(flow: Flow) -> None:
    case = flow.decided()
    flow.advance(days=7)
    before = State.of(case)
    with pytest.raises(NotAllowed) as refused:
        flow.do(case, "appeal", "alice", reason="Late.")
    assert refused.value.code == "appeal_window_closed"
    assert_unchanged(case, before)


def test_appeal_goes_to_a_senior_agent_other_than_the_decider(flow: Flow, world: Any) -> None:
    case = flow.decided("merchant_upheld", agent="sam")
    flow.do(case, "appeal", "alice", reason="Please look again.")
    before = State.of(case)
    with pytest.raises(InvalidInput) as refused:
        flow.do(case, "assign", "sam")
    assert refused.value.code == "same_agent"
    assert_unchanged(case, before)
    with pytest.raises(InvalidInput) as refused:
        flow.do(case, "assign", "sara", assignee="agnes")  # not a senior agent
    assert refused.value.code == "invalid_assignee"

    flow.do(case, "assign", "sara")
    flow.do(
        case,
        "decide_appeal",
        "sara",
        outcome="consumer_upheld",
        remedy="refund_only",
        reasons="The video shows the defect.",
    )
    assert case.status == "decided" and case.decision["final"] is True
    assert case.steps == ["refund"] and case.decided_by_id == world.sam.id
    with pytest.raises(NotAllowed) as refused:
        flow.do(case, "appeal", "bob", reason="A second appeal.")
    assert refused.value.code == "appeal_used"


def test_the_agent_who_decided_cannot_decide_the_appeal(flow: Flow, world: Any) -> None:
    case = flow.decided("merchant_upheld", agent="sam")
    flow.do(case, "appeal", "alice", reason="Please look again.")
    Case.objects.filter(pk=case.pk).update(assignee=world.sam)  # however it came to be assigned
    case.refresh_from_db()
    before = State.of(case)
    with pytest.raises(NotAllowed) as refused:
        flow.do(case, "decide_appeal", "sam", outcome="merchant_upheld", reasons="I stand by it.")
    assert refused.value.code == "same_agent"
    assert_unchanged(case, before)


def test_an_appeal_decision_with_no_remedy_closes_the_case(flow: Flow) -> None:
    case = flow.decided("consumer_upheld", "refund_only")
    flow.do(case, "appeal", "bob", reason="The item was used.")
    flow.do(case, "assign", "sara")
    flow.do(case, "decide_appeal", "sara", outcome="merchant_upheld", reasons="Signs of use are clear.")
    assert (case.status, case.outcome) == ("closed", "merchant_upheld")
    assert case.ended_at is not None and not case.lines.filter(is_open=True).exists()
    assert not case.deadlines.filter(state="pending").exists()
    assert case.refund_requests.filter(state="requested").count() == 1  # the first decision's request
    with pytest.raises(NotAllowed):
        flow.do(case, "appeal", "alice", reason="Again.")


def test_appeal_from_a_resolved_case_reopens_its_lines(flow: Flow) -> None:
    case = _resolved_by_decision(flow)
    assert case.status == "resolved" and not case.lines.filter(is_open=True).exists()
    flow.do(case, "appeal", "bob", reason="The refund was too high.")
    assert case.status == "appealed" and case.ended_at is None and case.outcome == ""
    assert case.lines.filter(is_open=True).count() == case.lines.count()


# ---- withdrawal and rating ------------------------------------------------------------------


def test_withdrawing_ends_the_case_and_frees_its_lines(flow: Flow) -> None:
    case = flow.escalated()
    flow.do(case, "withdraw", "alice", reason="Settled by phone.")
    assert (case.status, case.outcome, case.next_actor, case.due_at) == ("withdrawn", "withdrawn", "", None)
    assert not case.deadlines.filter(state="pending").exists()
    assert not case.lines.filter(is_open=True).exists()
    again = flow.open(order=case.order)  # the lines may carry a new case now
    assert again.status == "awaiting_merchant"


def test_a_decided_case_can_no_longer_be_withdrawn(flow: Flow) -> None:
    case = flow.decided()
    before = State.of(case)
    with pytest.raises(NotAllowed) as refused:
        flow.do(case, "withdraw", "alice")
    assert refused.value.code == "not_in_this_status"
    assert_unchanged(case, before)


def test_consumer_rates_once_within_the_rating_window(flow: Flow) -> None:
    case = flow.resolved()
    flow.advance(days=14)
    flow.do(case, "rate", "alice", rating=5, comment="Quick.")
    assert case.rating == 5
    assert "rate" not in allowed_actions(case, flow.actor("alice"), flow.now)
    before = State.of(case)
    with pytest.raises(NotAllowed) as refused:
        flow.do(case, "rate", "alice", rating=1)
    assert refused.value.code == "already_rated"
    assert_unchanged(case, before)


def test_rating_after_the_window_is_refused(flow: Flow) -> None:
    case = flow.withdrawn()
    flow.advance(days=15, minutes=1)
    before = State.of(case)
    with pytest.raises(NotAllowed) as refused:
        flow.do(case, "rate", "alice", rating=3)
    assert refused.value.code == "rating_closed"
    assert_unchanged(case, before)


def test_every_read_says_who_moves_next_and_what_each_viewer_may_do(flow: Flow) -> None:
    case = flow.awaiting_merchant()
    merchant = case_object(case, flow.actor("bob"), now=flow.now)
    consumer = case_object(case, flow.actor("alice"), now=flow.now)
    assert merchant["next_actor"] == consumer["next_actor"] == "merchant"
    assert merchant["your_move"] and not consumer["your_move"]
    assert merchant["due_at"] == case.deadlines.get(kind="merchant_response").due_at.isoformat()
    assert merchant["allowed_actions"] == ["accept", "offer", "reject"]
    assert consumer["allowed_actions"] == ["withdraw"]
    assert case_object(case, flow.actor("agnes"), now=flow.now)["allowed_actions"] == ["pause_deadline"]


def test_event_counts_match_the_actions_taken(flow: Flow) -> None:
    case = flow.under_review()
    types = list(CaseEvent.objects.filter(case=case).order_by("seq").values_list("type", flat=True))
    assert types == ["case_opened", "submit", "reject", "escalate", "assign", "close_evidence"]
    assert Deadline.objects.filter(case=case, state="pending").count() == 1


def test_silence_counted_in_working_days_when_the_policy_says_so(world: Any) -> None:
    from zoneinfo import ZoneInfo

    from gongdao.policy import document
    from gongdao.policy.models import PolicyVersion

    text = default_policy_with(
        "silence-in-working-days", escalate_after_silence={"working_days": 1, "on_expiry": "none"}
    )
    assert document.parse(text).deadline("escalate_after_silence").unit == "working_days"
    friday = timezone.datetime(2025, 3, 14, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    PolicyVersion.objects.create(
        version="silence-in-working-days", document=text, effective_at=friday - timedelta(days=1)
    )
    flow = Flow(world, friday - timedelta(minutes=5))
    case = flow.awaiting_merchant()
    flow.now = friday + timedelta(days=2)  # Sunday: still no working day has passed
    with pytest.raises(NotAllowed) as refused:
        flow.do(case, "escalate", "alice")
    assert refused.value.code == "too_early_to_escalate"
    flow.now = friday + timedelta(days=3)  # Monday, same time
    flow.do(case, "escalate", "alice")
    assert case.status == "escalated"
