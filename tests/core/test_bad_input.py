"""Bad input gets a specific error (a stable code and a sentence) and changes nothing: no event,
no projection change, no deadline, no outbox row; the caller's case object still matches the
database."""

from __future__ import annotations

from typing import Any

import pytest

from gongdao.cases.actions import open_case, perform
from gongdao.errors import Conflict, DomainError, InvalidInput, NotAllowed, NotFound
from tests.core.flow import Flow, State, assert_unchanged

LINES = [{"line_no": 1, "amount_fen": 5000}]


def refused(flow: Flow, case: Any, action: str, who: str, error: type[DomainError], code: str, **data: Any):
    before = State.of(case)
    with pytest.raises(error) as caught:
        flow.do(case, action, who, **data)
    assert caught.value.code == code
    assert str(caught.value.message), "every refusal says what to do"
    assert_unchanged(case, before)
    return caught.value


def refused_filing(world: Any, who: str, error: type[DomainError], code: str, order: Any = None, **kw: Any):
    kw = {"issue": "other", "remedy": "refund_only", **kw}
    before = State.of(None)
    with pytest.raises(error) as caught:
        open_case(order or world.order, world.actor(who), **kw)
    assert caught.value.code == code
    assert_unchanged(None, before)
    return caught.value


# ---- actions --------------------------------------------------------------------------------


def test_unknown_action_is_refused(flow: Flow) -> None:
    case = flow.awaiting_merchant()
    error = refused(flow, case, "refund_everything", "alice", InvalidInput, "unknown_action")
    assert "refund_everything" in str(error)


def test_action_not_allowed_in_this_status_is_refused(flow: Flow) -> None:
    case = flow.awaiting_merchant()
    refused(flow, case, "decide", "agnes", NotAllowed, "not_in_this_status", outcome="rejected", reasons="x")
    refused(flow, case, "submit", "alice", NotAllowed, "not_in_this_status")


def test_action_not_allowed_for_this_role_is_refused(flow: Flow) -> None:
    case = flow.awaiting_merchant()
    refused(flow, case, "accept", "alice", NotAllowed, "not_your_role")
    refused(flow, case, "withdraw", "bob", NotAllowed, "not_your_role")
    refused(flow, case, "accept", "ada", NotAllowed, "not_your_role")


@pytest.mark.parametrize("fen", [0, -100])
def test_offer_of_no_money_is_refused(flow: Flow, fen: int) -> None:
    case = flow.awaiting_merchant()
    refused(
        flow,
        case,
        "offer",
        "bob",
        InvalidInput,
        "amount_not_positive",
        remedy="partial_refund",
        lines=[{"line_no": 1, "amount_fen": fen}],
    )


def test_money_offer_without_an_amount_is_refused(flow: Flow) -> None:
    case = flow.awaiting_merchant()
    refused(flow, case, "offer", "bob", InvalidInput, "lines_required", remedy="partial_refund", message="?")


@pytest.mark.parametrize("fen", [12.5, "5000", True, None])
def test_amount_that_is_not_whole_fen_is_refused(flow: Flow, fen: Any) -> None:
    case = flow.awaiting_merchant()
    refused(
        flow,
        case,
        "offer",
        "bob",
        InvalidInput,
        "invalid_amount",
        remedy="partial_refund",
        lines=[{"line_no": 1, "amount_fen": fen}],
    )


def test_amount_above_what_was_paid_for_the_line_is_refused(flow: Flow) -> None:
    case = flow.rejected()  # line 1 paid ¥199.00, line 2 ¥50.00
    over = [{"line_no": 1, "amount_fen": 19901}, {"line_no": 2, "amount_fen": 5000}]
    error = refused(
        flow,
        case,
        "revise",
        "alice",
        InvalidInput,
        "amount_over_refundable",
        remedy="refund_only",
        lines=over,
    )
    assert error.field == "lines" and "¥199.00" in str(error)
    refused(
        flow,
        case,
        "revise",
        "alice",
        InvalidInput,
        "amount_over_refundable",
        remedy="partial_refund",
        lines=[{"line_no": 2, "amount_fen": 5001}],
    )


def test_decision_above_what_is_refundable_is_refused(flow: Flow) -> None:
    case = flow.under_review()
    refused(
        flow,
        case,
        "decide",
        "agnes",
        InvalidInput,
        "amount_over_refundable",
        outcome="consumer_upheld",
        remedy="refund_only",
        reasons="Upheld.",
        lines=[{"line_no": 1, "amount_fen": 20000}],
    )


def test_amount_for_a_line_outside_the_case_is_refused(flow: Flow) -> None:
    case = flow.open(lines=[{"line_no": 1, "amount_fen": 19900}])
    refused(
        flow,
        case,
        "offer",
        "bob",
        InvalidInput,
        "unknown_line",
        remedy="partial_refund",
        lines=[{"line_no": 2, "amount_fen": 100}],
    )


def test_remedy_not_allowed_for_the_issue_is_refused_in_an_offer(flow: Flow) -> None:
    case = flow.open(issue="not_received", remedy="refund_only")
    refused(flow, case, "offer", "bob", InvalidInput, "remedy_not_allowed", remedy="repair")
    refused(flow, case, "offer", "bob", InvalidInput, "invalid_choice", remedy="free_money")


def test_remedy_not_allowed_for_the_issue_is_refused_in_a_revision(flow: Flow) -> None:
    case = flow.rejected(issue="personal_information", remedy="compensation", lines=LINES)
    refused(flow, case, "revise", "alice", InvalidInput, "remedy_not_allowed", remedy="exchange")


def test_missing_reason_is_refused(flow: Flow) -> None:
    case = flow.awaiting_merchant()
    error = refused(flow, case, "reject", "bob", InvalidInput, "required", reason="   ")
    assert error.field == "reason"


def test_rating_outside_one_to_five_is_refused(flow: Flow) -> None:
    case = flow.resolved()
    for rating in (0, 6, "5", 4.5):
        refused(flow, case, "rate", "alice", InvalidInput, "invalid_rating", rating=rating)


def test_stale_version_is_a_conflict(flow: Flow) -> None:
    case = flow.awaiting_merchant()
    before = State.of(case)
    with pytest.raises(Conflict) as caught:
        perform(case, "accept", flow.actor("bob"), expected_version=case.version - 1)
    assert caught.value.code == "conflict"
    assert_unchanged(case, before)


# ---- other parties' cases and orders ----------------------------------------------------------


@pytest.mark.parametrize("who", ["charlie", "mallory"])
def test_another_partys_case_answers_not_found(flow: Flow, who: str) -> None:
    case = flow.awaiting_merchant()
    for action in ("accept", "withdraw", "reject", "offer"):
        refused(flow, case, action, who, NotFound, "case_not_found", reason="x")


@pytest.mark.parametrize("who", ["charlie", "mallory"])
def test_another_partys_case_answers_not_found_even_with_a_stale_version(flow: Flow, who: str) -> None:
    """A stranger must not learn that the case exists (or its status) from a conflict error."""
    case = flow.awaiting_merchant()
    before = State.of(case)
    with pytest.raises(NotFound):
        perform(case, "accept", flow.actor(who), expected_version=case.version + 7)
    assert_unchanged(case, before)


def test_merchant_of_other_shop_gets_404(flow: Flow) -> None:
    case = flow.fulfilling("refund_only")
    refused(flow, case, "confirm_refund", "mallory", NotFound, "case_not_found")


def test_another_consumers_order_answers_not_found(world: Any) -> None:
    refused_filing(world, "charlie", NotFound, "order_not_found")


def test_merchant_cannot_file_on_a_consumers_order(world: Any) -> None:
    refused_filing(world, "bob", NotFound, "order_not_found")


# ---- filing ---------------------------------------------------------------------------------------


def test_second_open_case_on_a_line_is_a_conflict(flow: Flow, world: Any) -> None:
    flow.open(order=world.order, lines=[{"line_no": 1, "amount_fen": 19900}])
    error = refused_filing(
        world, "alice", Conflict, "line_has_open_case", lines=[{"line_no": 1, "amount_fen": 100}]
    )
    assert error.field == "lines"
    refused_filing(world, "alice", Conflict, "line_has_open_case")  # default: every line
    assert (
        flow.open(order=world.order, lines=[{"line_no": 2, "amount_fen": 5000}]).status == "awaiting_merchant"
    )


def test_a_draft_holds_its_lines_too(flow: Flow, world: Any) -> None:
    flow.draft(order=world.order)
    refused_filing(world, "alice", Conflict, "line_has_open_case", lines=[{"line_no": 2, "amount_fen": 100}])


def test_remedy_not_allowed_for_the_issue_is_refused_when_filing(world: Any) -> None:
    error = refused_filing(
        world, "alice", InvalidInput, "remedy_not_allowed", issue="not_received", remedy="repair"
    )
    assert error.field == "remedy"
    refused_filing(world, "alice", InvalidInput, "invalid_remedy", remedy="sue")
    refused_filing(world, "alice", InvalidInput, "invalid_issue", issue="bad_vibes")


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        ([{"line_no": 1, "amount_fen": 0}], "amount_not_positive"),
        ([{"line_no": 1, "amount_fen": -1}], "amount_not_positive"),
        ([{"line_no": 1, "amount_fen": 19901}], "amount_over_refundable"),
        ([{"line_no": 1, "amount_fen": 99.5}], "invalid_amount"),
        ([{"line_no": 9, "amount_fen": 100}], "unknown_line"),
        ([], "lines_required"),
    ],
)
def test_bad_amounts_are_refused_when_filing(world: Any, lines: list[dict[str, Any]], code: str) -> None:
    refused_filing(world, "alice", InvalidInput, code, lines=lines)


def test_submitting_without_required_evidence_is_refused(flow: Flow) -> None:
    case = flow.draft(issue="quality_defect", remedy="repair")  # needs a photo of the problem
    error = refused(flow, case, "submit", "alice", NotAllowed, "evidence_missing")
    assert error.extra["missing"] == ["problem_photo"]


def test_appeal_that_would_reopen_a_line_held_by_a_newer_case_is_a_conflict(flow: Flow, world: Any) -> None:
    case = flow.decided("consumer_upheld", "refund_only", order=world.order)
    flow.do(case, "confirm_refund", "bob")
    assert case.status == "resolved"
    newer = flow.open(order=world.order, issue="other", remedy="repair")  # the lines are free again
    assert newer.status == "awaiting_merchant"
    before = State.of(case)
    with pytest.raises(Conflict) as caught:
        flow.do(case, "appeal", "bob", reason="The refund was too high.")
    assert caught.value.code == "conflict"
    assert_unchanged(case, before)
