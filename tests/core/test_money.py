"""Money (DESIGN.md "Money"): refunds per line never exceed what was paid minus what earlier
cases refunded; one open case per line; refunds are requested through `refund.requested` rows
and confirmed by the merchant or the platform."""

from __future__ import annotations

from typing import Any

import pytest

from gongdao.cases.models import Case, Outbox, RefundRequest
from gongdao.errors import Conflict, InvalidInput
from gongdao.orders.queries import refundable
from tests.core.flow import Flow, State, assert_unchanged


def _line(world: Any, no: int) -> Any:
    return world.order.lines.get(line_no=no)


def _refund_part_of_line_one(flow: Flow, world: Any, fen: int) -> Case:
    case = flow.open(order=world.order, remedy="partial_refund", lines=[{"line_no": 1, "amount_fen": fen}])
    flow.do(case, "accept", "bob")
    flow.do(case, "confirm_refund", "bob", reference="PAY-1")
    assert case.status == "resolved"
    return case


def test_second_case_on_a_line_can_only_ask_for_what_is_left(flow: Flow, world: Any) -> None:
    first = _refund_part_of_line_one(flow, world, 5000)
    assert first.refunded_fen == 5000
    assert refundable(_line(world, 1)) == 19900 - 5000

    before = State.of(None)
    with pytest.raises(InvalidInput) as refused:
        flow.open(order=world.order, remedy="refund_only", lines=[{"line_no": 1, "amount_fen": 14901}])
    assert refused.value.code == "amount_over_refundable" and "¥149.00" in str(refused.value)
    assert_unchanged(None, before)

    second = flow.open(order=world.order, remedy="refund_only", lines=[{"line_no": 1, "amount_fen": 14900}])
    flow.do(second, "accept", "bob")
    flow.do(second, "confirm_refund", "bob")
    assert second.refunded_fen == 14900
    assert refundable(_line(world, 1)) == 0

    with pytest.raises(InvalidInput) as refused:
        flow.open(order=world.order, remedy="refund_only", lines=[{"line_no": 1, "amount_fen": 1}])
    assert refused.value.code == "amount_over_refundable"


def test_default_request_asks_for_what_is_still_refundable(flow: Flow, world: Any) -> None:
    _refund_part_of_line_one(flow, world, 5000)
    second = flow.open(order=world.order, remedy="refund_only")  # no lines given: every line
    amounts = {cl.order_line.line_no: cl.requested_fen for cl in second.lines.select_related("order_line")}
    assert amounts == {1: 14900, 2: 5000}
    assert second.requested_fen == 19900


def test_default_request_leaves_out_lines_refunded_in_full(flow: Flow, world: Any) -> None:
    _refund_part_of_line_one(flow, world, 19900)
    second = flow.open(order=world.order, remedy="refund_only")
    assert [cl.order_line.line_no for cl in second.lines.select_related("order_line")] == [2]


def test_revision_and_decision_are_capped_by_earlier_refunds(flow: Flow, world: Any) -> None:
    _refund_part_of_line_one(flow, world, 9900)
    case = flow.open(order=world.order, remedy="partial_refund", lines=[{"line_no": 1, "amount_fen": 1000}])
    flow.do(case, "reject", "bob", reason="No.")
    before = State.of(case)
    with pytest.raises(InvalidInput) as refused:
        flow.do(case, "revise", "alice", remedy="refund_only", lines=[{"line_no": 1, "amount_fen": 10001}])
    assert refused.value.code == "amount_over_refundable"
    assert_unchanged(case, before)
    flow.do(case, "escalate", "alice")
    flow.do(case, "assign", "agnes")
    flow.do(case, "close_evidence", "agnes")
    with pytest.raises(InvalidInput):
        flow.do(
            case,
            "decide",
            "agnes",
            outcome="consumer_upheld",
            remedy="refund_only",
            reasons="Upheld.",
            lines=[{"line_no": 1, "amount_fen": 10001}],
        )
    flow.do(
        case,
        "decide",
        "agnes",
        outcome="consumer_upheld",
        remedy="refund_only",
        reasons="Upheld.",
        lines=[{"line_no": 1, "amount_fen": 10000}],
    )
    assert case.agreed_fen == 10000


def test_one_open_case_per_line(flow: Flow, world: Any) -> None:
    first = flow.open(order=world.order, lines=[{"line_no": 1, "amount_fen": 19900}])
    before = State.of(None)
    with pytest.raises(Conflict) as refused:
        flow.open(
            order=world.order, lines=[{"line_no": 1, "amount_fen": 100}, {"line_no": 2, "amount_fen": 100}]
        )
    assert refused.value.code == "line_has_open_case"
    assert_unchanged(None, before)
    flow.do(first, "withdraw", "alice")
    assert (
        flow.open(order=world.order, lines=[{"line_no": 1, "amount_fen": 100}]).status == "awaiting_merchant"
    )


def test_refund_requested_row_carries_the_amount_per_line(flow: Flow, world: Any) -> None:
    case = flow.open(order=world.order, remedy="refund_only")
    flow.do(case, "accept", "bob")
    rows = Outbox.objects.filter(case=case, type="refund.requested")
    assert rows.count() == 1
    row = rows.get()
    assert row.audience == ["merchant", "platform"]
    expected = [{"line_no": 1, "amount_fen": 19900}, {"line_no": 2, "amount_fen": 5000}]
    assert row.event.payload["refund"] == {"lines": expected, "amount_fen": 24900, "owed_by": "merchant"}
    request = RefundRequest.objects.get(case=case)
    assert (request.lines, request.amount_fen, request.owed_by, request.state) == (
        expected,
        24900,
        "merchant",
        "requested",
    )
    refund_deadline = case.deadlines.get(kind="refund_execution", state="pending")
    assert (case.next_actor, case.due_at) == ("merchant", refund_deadline.due_at)


def test_refund_of_an_offer_covers_only_the_offered_lines(flow: Flow, world: Any) -> None:
    case = flow.offered(amount_fen=3000, order=world.order)
    flow.do(case, "accept_offer", "alice")
    request = RefundRequest.objects.get(case=case)
    assert request.lines == [{"line_no": 1, "amount_fen": 3000}] and request.amount_fen == 3000


@pytest.mark.parametrize("who", ["bob", "ada"])
def test_refund_is_confirmed_by_the_merchant_or_the_platform(flow: Flow, world: Any, who: str) -> None:
    case = flow.open(order=world.order, remedy="refund_only")
    flow.do(case, "accept", "bob")
    event = flow.do(case, "confirm_refund", who, reference="ALIPAY-2026-0001")
    assert event.actor_role == ("merchant_staff" if who == "bob" else "admin")
    assert event.payload["amount_fen"] == 24900 and event.payload["reference"] == "ALIPAY-2026-0001"
    assert (case.status, case.refunded_fen, case.outcome) == ("resolved", 24900, "settled")
    request = RefundRequest.objects.get(case=case)
    assert request.state == "confirmed" and request.settled_at == flow.now
    assert [cl.refunded_fen for cl in case.lines.order_by("order_line__line_no")] == [19900, 5000]
    assert refundable(_line(world, 1)) == refundable(_line(world, 2)) == 0


def test_refund_cannot_be_confirmed_by_the_consumer_or_an_agent(flow: Flow) -> None:
    case = flow.fulfilling("refund_only")
    for who in ("alice", "agnes"):
        before = State.of(case)
        with pytest.raises(Exception) as refused:
            flow.do(case, "confirm_refund", who)
        assert refused.value.code == "not_your_role"
        assert_unchanged(case, before)


def test_refund_confirmed_twice_is_refused(flow: Flow) -> None:
    case = flow.decided("consumer_upheld", "return_and_refund")
    flow.do(case, "ship_return", "alice", carrier="圆通", tracking_number="YT1")
    flow.do(case, "confirm_return", "bob")
    flow.do(case, "confirm_refund", "bob")
    assert case.status == "resolved"
    before = State.of(case)
    with pytest.raises(Exception) as refused:
        flow.do(case, "confirm_refund", "bob")
    assert refused.value.code == "not_in_this_status"
    assert_unchanged(case, before)
