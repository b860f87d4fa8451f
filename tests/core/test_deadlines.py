"""Deadlines: every expiry action of the default policy, fired by the worker after the clock is
moved (time_machine, never sleeps); deadlines that no longer apply lapse; pause and resume keep
the time left; a failing expiry is pushed back and logged without stalling the others; working
days land on the right day."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from gongdao import worker
from gongdao.cases import actions
from gongdao.cases.models import Case, CaseEvent, Deadline, LedgerEntry, Outbox
from gongdao.policy import document
from gongdao.policy.models import PolicyVersion
from tests.core.flow import Flow, default_policy_with, shipped

SHANGHAI = ZoneInfo("Asia/Shanghai")


def expire(time_machine: Any, case: Case, kind: str) -> worker.TickResult:
    """Move the clock just past the case's pending deadline of this kind and run one worker pass."""
    deadline = case.deadlines.get(kind=kind, state="pending")
    time_machine.move_to(deadline.due_at - timedelta(seconds=1), tick=False)
    worker.tick()
    deadline.refresh_from_db()
    assert deadline.state == "pending", "nothing fires before it is due"
    time_machine.move_to(deadline.due_at + timedelta(seconds=1), tick=False)
    result = worker.tick()
    deadline.refresh_from_db()
    case.refresh_from_db()
    assert deadline.state == "fired", deadline.last_error
    return result


def system_event(case: Case, kind: str) -> CaseEvent:
    case.refresh_from_db()
    event = case.events.get(actor="system", payload__deadline=kind)
    assert event.seq == case.seq, "the expiry is the case's latest event"
    return event


@dataclass
class Expiry:
    """A case with the deadline pending; the action its expiry takes, and what the case becomes."""

    build: Callable[[Flow], Case]
    action: str
    status: str
    outcome: str = ""
    then_pending: str = ""  # a deadline kind the new status starts
    steps: list[str] | None = None
    check: Callable[[Case], None] | None = None


def _ledger(case: Case) -> None:
    entry = LedgerEntry.objects.get(case=case)
    assert (entry.shop_id, entry.kind, entry.amount_fen) == (case.shop_id, "advance_payout", case.agreed_fen)
    assert case.refund_requests.get().state == "paid_out"
    assert case.refunded_fen == case.agreed_fen > 0


def _alerted(case: Case) -> None:
    row = Outbox.objects.filter(case=case, type="deadline.expired").get()
    assert row.audience == ["senior_agent"]
    assert case.events.order_by("-seq").first().type == "sla_alert"


def _window_closed(case: Case) -> None:
    assert case.evidence_requested_from == ""
    assert case.deadlines.get(kind="extra_evidence").state == "fired"


EXPIRIES: dict[str, Expiry] = {
    "merchant_response": Expiry(
        lambda f: f.awaiting_merchant(), "escalate", "escalated", then_pending="assignment_sla"
    ),
    "consumer_reply": Expiry(lambda f: f.rejected(), "close", "closed", outcome="abandoned"),
    "assignment_sla": Expiry(lambda f: f.escalated(), "alert", "escalated", check=_alerted),
    "evidence_period": Expiry(
        lambda f: f.evidence_period(), "close_evidence", "under_review", then_pending="decision_sla"
    ),
    "extra_evidence": Expiry(
        lambda f: _asked_for_evidence(f), "close_evidence", "under_review", check=_window_closed
    ),
    "decision_sla": Expiry(lambda f: f.under_review(), "alert", "under_review", check=_alerted),
    "appeal_window": Expiry(
        lambda f: f.decided("merchant_upheld"), "close", "closed", outcome="merchant_upheld"
    ),
    "decision_execution": Expiry(
        lambda f: f.decided("consumer_upheld", "refund_only"),
        "record_advance_payout",
        "resolved",
        outcome="consumer_upheld",
        check=_ledger,
    ),
    "appeal_decision_sla": Expiry(lambda f: f.appealed(), "alert", "appealed", check=_alerted),
    "return_shipment": Expiry(
        lambda f: f.fulfilling("return_and_refund"), "close", "closed", outcome="abandoned"
    ),
    "return_receipt": Expiry(
        lambda f: _returned(f),
        "confirm_return",
        "fulfilling",
        then_pending="refund_execution",
        steps=["refund"],
    ),
    "refund_execution": Expiry(
        lambda f: f.fulfilling("refund_only"),
        "record_advance_payout",
        "resolved",
        outcome="settled",
        check=_ledger,
    ),
    "replacement_shipment": Expiry(
        lambda f: f.fulfilling("resend"), "escalate", "escalated", then_pending="assignment_sla"
    ),
    "replacement_receipt": Expiry(
        lambda f: _replacement_shipped(f), "confirm_replacement", "resolved", outcome="settled", steps=[]
    ),
}


def _asked_for_evidence(f: Flow) -> Case:
    case = f.under_review()
    f.do(case, "request_evidence", "agnes", party="consumer", note="The unboxing video, please.")
    return case


def _returned(f: Flow) -> Case:
    case = f.fulfilling("return_and_refund")
    f.do(case, "ship_return", "alice", **shipped())
    return case


def _replacement_shipped(f: Flow) -> Case:
    case = f.fulfilling("resend")
    f.do(case, "ship_replacement", "bob", **shipped())
    return case


def test_every_expiring_deadline_of_the_default_policy_is_covered() -> None:
    policy = document.default()
    expiring = {kind for kind, spec in policy.deadlines.items() if spec.on_expiry != "none"}
    assert set(EXPIRIES) == expiring
    for kind, expiry in EXPIRIES.items():
        assert policy.deadline(kind).on_expiry == expiry.action, kind


@pytest.mark.parametrize("kind", sorted(EXPIRIES))
def test_expiry_action_happens_when_the_deadline_passes(flow: Flow, time_machine: Any, kind: str) -> None:
    expiry = EXPIRIES[kind]
    case = expiry.build(flow)
    before = case.status
    result = expire(time_machine, case, kind)
    assert result.fired >= 1 and result.retried == 0
    event = system_event(case, kind)
    assert event.payload["action"] == expiry.action
    assert (event.payload["from"], case.status) == (before, expiry.status)
    if expiry.outcome:
        assert case.outcome == expiry.outcome
    if expiry.then_pending:
        assert case.deadlines.filter(kind=expiry.then_pending, state="pending").exists()
    if expiry.steps is not None:
        assert case.steps == expiry.steps
    if expiry.check:
        expiry.check(case)
    assert worker.tick().fired == 0, "a fired deadline never fires again"


def _accepting_policy(now: datetime) -> PolicyVersion:
    """The default policy with one line changed: merchant_response on_expiry = "accept"."""
    text = default_policy_with("auto-accept-1", merchant_response={"hours": 48, "on_expiry": "accept"})
    parsed = document.parse(text)
    assert parsed.deadline("merchant_response").on_expiry == "accept"
    assert parsed.deadlines.keys() == document.default().deadlines.keys()
    return PolicyVersion.objects.create(
        version=parsed.version, document=text, effective_at=now - timedelta(minutes=1)
    )


def test_policy_may_accept_when_the_merchant_does_not_answer(flow: Flow, time_machine: Any) -> None:
    version = _accepting_policy(flow.now)
    case = flow.awaiting_merchant(remedy="refund_only")
    assert case.policy_id == version.pk
    expire(time_machine, case, "merchant_response")
    event = system_event(case, "merchant_response")
    assert event.type == "accept" and case.status == "fulfilling"
    assert case.steps == ["refund"] and case.agreed_fen == case.requested_fen
    assert case.refund_requests.get().amount_fen == case.requested_fen


def test_cases_filed_before_a_policy_change_keep_their_version(flow: Flow, time_machine: Any) -> None:
    earlier = flow.awaiting_merchant()
    _accepting_policy(flow.now + timedelta(minutes=2))
    expire(time_machine, earlier, "merchant_response")
    assert earlier.status == "escalated"


# ---- lapsing ----------------------------------------------------------------------------------


def test_appeal_window_lapses_while_a_decision_is_being_carried_out(flow: Flow, time_machine: Any) -> None:
    case = flow.decided("consumer_upheld", "return_and_refund")
    flow.do(case, "ship_return", "alice", **shipped())  # the merchant has 10 days to confirm
    window = case.deadlines.get(kind="appeal_window")
    seq = case.seq
    time_machine.move_to(window.due_at + timedelta(seconds=1), tick=False)
    result = worker.tick()
    window.refresh_from_db()
    case.refresh_from_db()
    assert result.lapsed == 1 and window.state == "lapsed"
    assert window.last_error.startswith("steps_pending")
    assert (case.status, case.seq) == ("decided", seq), "a lapsed deadline changes nothing"


def test_appeal_window_of_a_resolved_case_lapses(flow: Flow, time_machine: Any) -> None:
    case = flow.decided("consumer_upheld", "refund_only")
    flow.do(case, "confirm_refund", "bob")
    window = case.deadlines.get(kind="appeal_window", state="pending")
    time_machine.move_to(window.due_at + timedelta(seconds=1), tick=False)
    assert worker.tick().lapsed == 1
    case.refresh_from_db()
    assert case.status == "resolved"


def test_decided_return_not_shipped_in_time_closes_the_case(flow: Flow, time_machine: Any) -> None:
    case = flow.decided("consumer_upheld", "return_and_refund")
    expire(time_machine, case, "return_shipment")
    assert (case.status, case.outcome, case.steps) == ("closed", "abandoned", [])
    assert system_event(case, "return_shipment").type == "close"
    assert not case.refund_requests.exists()


def test_deadline_of_a_case_that_moved_on_lapses(flow: Flow, time_machine: Any) -> None:
    case = flow.withdrawn()
    stray = Deadline.objects.create(
        case=case, kind="merchant_response", party="merchant", due_at=flow.now, on_expiry="escalate"
    )
    time_machine.move_to(flow.now + timedelta(seconds=1), tick=False)
    assert worker.tick().lapsed == 1
    stray.refresh_from_db()
    assert stray.state == "lapsed" and stray.last_error.startswith("not_in_this_status")
    case.refresh_from_db()
    assert case.status == "withdrawn"


def test_status_change_cancels_the_deadlines_of_the_old_status(flow: Flow) -> None:
    case = flow.rejected()
    flow.do(case, "escalate", "alice")
    states = dict(case.deadlines.values_list("kind", "state"))
    assert states == {
        "merchant_response": "cancelled",
        "consumer_reply": "cancelled",
        "assignment_sla": "pending",
    }


# ---- pause and resume -----------------------------------------------------------------------


def test_pause_and_resume_keep_the_remaining_time(flow: Flow, time_machine: Any) -> None:
    case = flow.awaiting_merchant()
    answer = case.deadlines.get(kind="merchant_response")
    assert answer.due_at == flow.now + timedelta(hours=48)
    paused_at = flow.now + timedelta(hours=10)
    time_machine.move_to(paused_at, tick=False)
    actions.perform(case, "pause_deadline", flow.actor("agnes"), reason="Lab test of the headphones.")
    answer.refresh_from_db()
    assert (answer.state, answer.remaining_seconds) == ("paused", 38 * 3600)
    assert case.events.order_by("-seq").first().payload["paused"] == ["merchant_response"]

    resumed_at = paused_at + timedelta(days=20)
    time_machine.move_to(resumed_at, tick=False)
    assert worker.tick().fired == 0, "a paused deadline does not fire"
    actions.perform(case, "resume_deadline", flow.actor("sam"))
    answer.refresh_from_db()
    assert answer.state == "pending" and answer.due_at == resumed_at + timedelta(hours=38)
    assert (case.next_actor, case.due_at) == ("merchant", answer.due_at)

    time_machine.move_to(answer.due_at - timedelta(seconds=1), tick=False)
    assert worker.tick().fired == 0
    time_machine.move_to(answer.due_at + timedelta(seconds=1), tick=False)
    assert worker.tick().fired == 1
    case.refresh_from_db()
    assert case.status == "escalated"


def test_appeal_window_stays_open_while_paused(flow: Flow, time_machine: Any) -> None:
    case = flow.decided()
    window = case.deadlines.get(kind="appeal_window")
    time_machine.move_to(flow.now + timedelta(days=1), tick=False)
    actions.perform(case, "pause_deadline", flow.actor("agnes"), reason="Police matter.")
    time_machine.move_to(window.due_at + timedelta(days=3), tick=False)
    assert worker.tick().fired == 0
    actions.perform(case, "appeal", flow.actor("alice"), reason="New evidence from the police.")
    assert case.status == "appealed"


# ---- failures -------------------------------------------------------------------------------


def test_failing_expiry_is_pushed_back_and_logged_without_stalling_the_others(
    flow: Flow, time_machine: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    cases = [flow.awaiting_merchant() for _ in range(3)]
    bad = cases[1]
    real_perform = actions.perform

    def perform(case: Case, action: str, *args: Any, **kw: Any) -> Any:
        if case.pk == bad.pk:
            raise RuntimeError("the payment system is down")
        return real_perform(case, action, *args, **kw)

    monkeypatch.setattr(actions, "perform", perform)
    latest = max(c.deadlines.get(kind="merchant_response").due_at for c in cases)
    now = latest + timedelta(seconds=1)
    time_machine.move_to(now, tick=False)
    with caplog.at_level(logging.ERROR, logger="gongdao.deadlines"):
        result = worker.tick()
    assert (result.fired, result.retried) == (2, 1)
    failed = bad.deadlines.get(kind="merchant_response")
    assert failed.state == "pending" and failed.attempts == 1
    assert failed.due_at == now + timedelta(minutes=1)
    assert "RuntimeError: the payment system is down" in failed.last_error
    assert any(f"deadline {failed.id} failed" in r.getMessage() for r in caplog.records)
    assert [Case.objects.get(pk=c.pk).status for c in cases] == [
        "escalated",
        "awaiting_merchant",
        "escalated",
    ]

    time_machine.move_to(now + timedelta(seconds=30), tick=False)
    assert worker.tick().retried == 0, "not retried before its new due time"
    time_machine.move_to(now + timedelta(minutes=1, seconds=1), tick=False)
    result = worker.tick()
    failed.refresh_from_db()
    assert result.retried == 1 and failed.attempts == 2
    assert failed.due_at == now + timedelta(minutes=1, seconds=1) + timedelta(minutes=2), "backoff doubles"

    monkeypatch.setattr(actions, "perform", real_perform)
    time_machine.move_to(failed.due_at + timedelta(seconds=1), tick=False)
    assert worker.tick().fired == 1
    bad.refresh_from_db()
    assert bad.status == "escalated"


# ---- working days ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (
            datetime(2025, 3, 13, 9, 0, tzinfo=SHANGHAI),
            datetime(2025, 3, 17, 9, 0, tzinfo=SHANGHAI),
        ),  # Thu → Mon
        (
            datetime(2025, 3, 14, 17, 0, tzinfo=SHANGHAI),
            datetime(2025, 3, 18, 17, 0, tzinfo=SHANGHAI),
        ),  # Fri → Tue
        # National Day 2025: Sunday 28 September is a make-up working day, 1–8 October are holidays.
        (datetime(2025, 9, 25, 9, 0, tzinfo=SHANGHAI), datetime(2025, 9, 28, 9, 0, tzinfo=SHANGHAI)),
        (datetime(2025, 9, 29, 9, 0, tzinfo=SHANGHAI), datetime(2025, 10, 9, 9, 0, tzinfo=SHANGHAI)),
    ],
)
def test_decision_sla_counts_working_days(
    world: Any, time_machine: Any, start: datetime, due: datetime
) -> None:
    flow = Flow(world, start)
    case = flow.evidence_period()
    flow.now = start - timedelta(minutes=5)  # close the evidence period at exactly ``start``
    flow.do(case, "close_evidence", "agnes")
    sla = case.deadlines.get(kind="decision_sla")
    assert sla.due_at == due and not sla.provisional
    assert case.due_at == due and case.next_actor == "platform"
    time_machine.move_to(due - timedelta(seconds=1), tick=False)
    assert worker.tick().fired == 0
    time_machine.move_to(due + timedelta(seconds=1), tick=False)
    assert worker.tick().fired == 1
    assert system_event(case, "decision_sla").type == "sla_alert"
