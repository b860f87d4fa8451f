"""Referrals: the consumer records what they filed, where and when; updates its status and outcome;
the case enters stage 4 once one is filed (with a signed checkpoint); the dates the regulations set
are computed in working days; a reminder is an outbox row the worker delivers on the day."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine

from gongdao.cases.models import Checkpoint, Outbox
from gongdao.cases.verification import verify_case
from gongdao.dossiers import actions, queries, regulations
from gongdao.dossiers.models import Referral
from gongdao.errors import InvalidInput, NotAllowed, NotFound
from gongdao.policy.calendar import WorkingCalendar

MONDAY = datetime(2025, 9, 22, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


@pytest.fixture
def monday():
    """Frozen at Monday 2025-09-22 10:00 (Shanghai) before the personas' order is made."""
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def test_recording_a_filed_referral_moves_the_case_to_stage_4_and_signs_the_head(monday, world, cases):
    case = cases.filed()
    assert case.stage == 2
    before = Checkpoint.objects.filter(case=case).count()
    referral = actions.record_referral(
        case, world.actor("alice"), target="12315", filed_on=date(2025, 9, 22), reference="1234567890"
    )
    case.refresh_from_db()
    assert case.stage == 4 and case.status == "awaiting_merchant"
    event = case.events.get(seq=case.seq)
    assert event.type == "referral_recorded"
    assert event.payload["target"] == "12315" and event.payload["reference"] == "1234567890"
    checkpoints = Checkpoint.objects.filter(case=case).order_by("-id")
    assert (
        checkpoints.count() == before + 1
        and checkpoints[0].reason == "stage 4"
        and checkpoints[0].seq == case.seq
    )
    assert referral.number == 1 and referral.status == "filed"
    assert verify_case(case) == []


def test_a_prepared_referral_keeps_the_stage_until_filed(world, cases):
    case = cases.filed()
    referral = actions.record_referral(
        case, world.actor("alice"), target="regulator_report", status="drafted"
    )
    case.refresh_from_db()
    assert case.stage == 2 and referral.filed_on is None
    actions.update_referral(case, world.actor("alice"), referral.number, status="filed")
    case.refresh_from_db()
    referral.refresh_from_db()
    assert case.stage == 4 and referral.filed_on is not None


def test_stage_4_stays_when_the_workflow_moves_on(world, cases):
    from gongdao.cases.actions import perform

    case = cases.filed()
    actions.record_referral(case, world.actor("alice"), target="12315", filed_on=date.today())
    case.refresh_from_db()
    perform(case, "reject", world.actor("bob"), reason="不同意。")
    perform(case, "escalate", world.actor("alice"), reason="请平台处理。")
    case.refresh_from_db()
    assert case.status == "escalated" and case.stage == 4


def test_status_updates_follow_the_referral_statuses(monday, world, cases):
    case = cases.filed()
    r = actions.record_referral(case, world.actor("alice"), target="12315", filed_on=date(2025, 9, 22))
    actions.update_referral(
        case,
        world.actor("alice"),
        r.number,
        status="accepted",
        occurred_on="2025-09-22",
        reference="ZJ-2025-1",
    )
    actions.update_referral(case, world.actor("alice"), r.number, status="in_mediation")
    with pytest.raises(NotAllowed) as exc:
        actions.update_referral(case, world.actor("alice"), r.number, status="filed")
    assert exc.value.code == "invalid_referral_step"
    actions.update_referral(
        case, world.actor("alice"), r.number, status="resolved", outcome="商家同意退款 ¥249。"
    )
    r.refresh_from_db()
    assert (r.status, r.reference, r.accepted_on, r.outcome) == (
        "resolved",
        "ZJ-2025-1",
        date(2025, 9, 22),
        "商家同意退款 ¥249。",
    )
    assert [u.status for u in r.updates.all()] == ["filed", "accepted", "in_mediation", "resolved"]
    assert [e.type for e in case.events.order_by("seq")][-4:] == [
        "referral_recorded",
        "referral_updated",
        "referral_updated",
        "referral_updated",
    ]


def test_bad_referral_input_is_refused_and_changes_nothing(world, cases):
    case = cases.filed()
    seq = case.seq
    alice = world.actor("alice")
    with pytest.raises(InvalidInput) as exc:
        actions.record_referral(case, alice, target="12315")  # filed needs a date
    assert exc.value.field == "filed_on"
    with pytest.raises(InvalidInput):
        actions.record_referral(case, alice, target="12315", filed_on=date(2999, 1, 1))
    with pytest.raises(InvalidInput):
        actions.record_referral(case, alice, target="nowhere", filed_on=date.today())
    with pytest.raises(InvalidInput):
        actions.record_referral(case, alice, target="12315", filed_on=date.today(), reference="x" * 101)
    with pytest.raises(NotAllowed):
        actions.record_referral(case, world.actor("bob"), target="12315", filed_on=date.today())
    with pytest.raises(NotFound):
        actions.record_referral(case, world.actor("charlie"), target="12315", filed_on=date.today())
    with pytest.raises(NotFound):
        actions.update_referral(case, alice, 7, status="accepted")
    case.refresh_from_db()
    assert case.seq == seq and case.stage == 2 and not Referral.objects.exists()


def test_expected_dates_count_working_days():
    calendar = WorkingCalendar()
    # Filed Friday 2025-09-26: 7 working days skip the weekend and the National Day holiday
    # (10-01..10-08; 09-28 and 10-11 are make-up workdays).
    [acceptance] = regulations.expectations("12315", date(2025, 9, 26), None, calendar)
    assert acceptance.kind == "referral_acceptance" and acceptance.due == date(2025, 10, 13)
    _, mediation = regulations.expectations("12315", date(2025, 9, 26), date(2025, 10, 9), calendar)
    assert mediation.due == date(2025, 12, 8)  # 60 days after acceptance
    decision, notice = regulations.expectations("regulator_report", date(2025, 3, 3), None, calendar)
    assert decision.due == date(2025, 3, 24) and notice.due == date(2025, 3, 31)
    assert regulations.expectations("tax", date(2025, 3, 3), None, calendar) == []


def test_a_reminder_is_an_outbox_row_due_on_the_expected_day(monday, world, cases):
    from gongdao import worker

    case = cases.filed()
    r = actions.record_referral(case, world.actor("alice"), target="12315", filed_on=date(2025, 9, 22))
    row = Outbox.objects.get(pk=r.reminder_id)
    assert row.type == "deadline.reminder" and row.audience == ["consumer"] and row.state == "pending"
    assert row.data["deadline"] == "referral_acceptance"
    # 7 working days after Monday 2025-09-22: 23, 24, 25, 26, 28 (a make-up Sunday), 29, 30.
    assert row.next_attempt_at == datetime(2025, 9, 30, 1, 0, tzinfo=UTC)  # 09:00 Shanghai
    view = queries.referral_views(case)[0]
    assert view.awaiting and view.awaiting.due == date(2025, 9, 30)
    worker.deliver_outbox()  # everything else due now goes out; the reminder waits
    monday.move_to(datetime(2025, 9, 29, 12, 0, tzinfo=UTC))
    worker.deliver_outbox()
    row.refresh_from_db()
    assert row.state == "pending"
    monday.move_to(datetime(2025, 9, 30, 1, 30, tzinfo=UTC))
    assert worker.deliver_outbox() >= 1
    row.refresh_from_db()
    assert row.state == "done"
    from gongdao.notify.models import Notification

    notice = Notification.objects.filter(outbox=row).first()
    assert notice is not None and notice.user == world.alice


def test_moving_on_cancels_the_reminder_and_plans_the_next(monday, world, cases):
    case = cases.filed()
    r = actions.record_referral(case, world.actor("alice"), target="12315", filed_on=date(2025, 9, 22))
    first = r.reminder_id
    actions.update_referral(case, world.actor("alice"), r.number, status="accepted", occurred_on="2025-09-22")
    r.refresh_from_db()
    assert Outbox.objects.get(pk=first).state == "cancelled"
    second = Outbox.objects.get(pk=r.reminder_id)
    assert second.data["deadline"] == "referral_mediation"
    assert second.next_attempt_at == datetime(2025, 11, 21, 1, 0, tzinfo=UTC)  # 60 days after 09-22
    actions.update_referral(case, world.actor("alice"), r.number, status="resolved")
    r.refresh_from_db()
    assert r.reminder_id is None and Outbox.objects.get(pk=second.pk).state == "cancelled"
