"""Reminders before deadlines: at the right moment, once, not after the deadline is met, and
once only however many workers run."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from gongdao import worker
from gongdao.cases.models import Deadline, Outbox
from gongdao.notify import reminders
from gongdao.notify.models import Notification, Reminder
from gongdao.policy.document import PolicyDocument
from tests.notify.conftest import START
from tests.notify.helpers import act, file_case


def reminder_rows() -> list[Outbox]:
    return list(Outbox.objects.filter(type="deadline.reminder").order_by("id"))


def test_merchant_is_reminded_24_and_2_hours_before_the_answer_is_due(people, clock):
    case = file_case(people)
    due = Deadline.objects.get(case=case, kind="merchant_response").due_at
    assert due == START + timedelta(hours=48)

    clock.move_to(START + timedelta(hours=23, minutes=59))
    worker.tick()
    assert reminder_rows() == []

    clock.move_to(START + timedelta(hours=24))
    worker.tick()
    [first] = reminder_rows()
    assert first.audience == ["merchant"]
    assert first.data["deadline"] == "merchant_response"
    assert first.data["offset_seconds"] == 24 * 3600
    notice = Notification.objects.get(outbox=first)
    assert notice.user == people.bob
    assert (notice.category, notice.mandatory) == ("your_move", True)

    for minutes in (1, 30, 600):  # later passes, and a restarted worker, send nothing more
        clock.move_to(START + timedelta(hours=24, minutes=minutes))
        worker.tick()
    assert len(reminder_rows()) == 1

    clock.move_to(START + timedelta(hours=46))
    worker.tick()
    worker.tick()
    rows = reminder_rows()
    assert [r.data["offset_seconds"] for r in rows] == [24 * 3600, 2 * 3600]
    assert Notification.objects.filter(user=people.bob, type="deadline.reminder").count() == 2
    assert not Notification.objects.filter(user=people.mallory).exists()
    assert not Notification.objects.filter(user=people.alice, type="deadline.reminder").exists()


def test_no_reminder_once_the_merchant_has_answered(people, clock):
    case = file_case(people)
    clock.shift(timedelta(hours=3))
    act(people, case, "reject", "bob", reason="The headphones were tested before shipping.")
    for hours in (24, 46, 47):
        clock.move_to(START + timedelta(hours=hours))
        worker.tick()
    assert reminder_rows() == []
    states = set(Reminder.objects.filter(deadline__kind="merchant_response").values_list("state", flat=True))
    assert states == {"cancelled"}


def test_a_late_worker_sends_only_the_nearest_reminder(people, clock):
    file_case(people)
    clock.move_to(START + timedelta(hours=47))  # the worker was down for two days
    worker.tick()
    [row] = reminder_rows()
    assert row.data["offset_seconds"] == 2 * 3600
    assert dict(Reminder.objects.values_list("offset_seconds", "state")) == {
        24 * 3600: "skipped",
        2 * 3600: "sent",
    }


def test_no_reminder_for_a_deadline_already_past(people, clock):
    case = file_case(people)
    deadline = Deadline.objects.get(case=case, kind="merchant_response")
    clock.move_to(deadline.due_at + timedelta(minutes=1))
    worker.send_reminders()  # reminders step alone: the deadline has not fired yet
    assert reminder_rows() == []
    assert set(Reminder.objects.values_list("state", flat=True)) == {"skipped"}


def test_two_workers_never_send_one_reminder_twice(people, clock):
    file_case(people)
    clock.move_to(START + timedelta(hours=24))
    now = timezone.now()
    seen_by_a = reminders.due(now)
    seen_by_b = reminders.due(now)
    assert seen_by_a == seen_by_b and len(seen_by_a) == 1
    outcomes = [reminders.fire(i, now) for i in seen_by_a] + [reminders.fire(i, now) for i in seen_by_b]
    assert outcomes == ["sent", "taken"]
    assert len(reminder_rows()) == 1


def test_paused_deadline_keeps_its_reminders_and_moves_them_on_resume(people, clock):
    case = file_case(people)
    clock.move_to(START + timedelta(hours=10))
    act(people, case, "pause_deadline", "ada", reason="Lab test of the headphones.")
    clock.move_to(START + timedelta(days=5))
    worker.tick()
    assert reminder_rows() == []
    act(people, case, "resume_deadline", "ada")
    # 38 hours were left: the 24-hour reminder is due 14 hours after the resumption.
    clock.shift(timedelta(hours=13, minutes=59))
    worker.tick()
    assert reminder_rows() == []
    clock.shift(timedelta(minutes=1))
    worker.tick()
    assert [r.data["offset_seconds"] for r in reminder_rows()] == [24 * 3600]


def test_return_shipment_and_appeal_window_reminders_go_to_who_must_act(people, clock):
    case = file_case(people, remedy="return_and_refund")
    act(people, case, "accept", "bob")
    due = Deadline.objects.get(case=case, kind="return_shipment").due_at
    clock.move_to(due - timedelta(days=1))
    worker.tick()
    [row] = reminder_rows()
    assert (row.data["deadline"], row.audience) == ("return_shipment", ["consumer"])
    notice = Notification.objects.get(outbox=row)
    assert notice.user == people.alice and notice.mandatory


def test_appeal_window_reminder_reaches_both_parties(people, clock):
    case = file_case(people)
    act(people, case, "reject", "bob", reason="No defect found.")
    act(people, case, "escalate", "alice", reason="The shop refuses.")
    act(people, case, "assign", "agnes")
    act(people, case, "close_evidence", "agnes")
    act(people, case, "decide", "agnes", outcome="merchant_upheld", reasons="The photos show no defect.")
    due = Deadline.objects.get(case=case, kind="appeal_window").due_at
    clock.move_to(due - timedelta(days=2))
    worker.tick()
    [row] = reminder_rows()
    assert sorted(row.audience) == ["consumer", "merchant"]
    assert set(Notification.objects.filter(outbox=row).values_list("user__username", flat=True)) == {
        "alice",
        "bob",
    }


def test_policy_offsets_are_used_when_the_policy_has_them(people, clock, monkeypatch):
    def offsets(self, kind):
        return [timedelta(hours=5)] if kind == "merchant_response" else []

    monkeypatch.setattr(PolicyDocument, "reminder_offsets", offsets, raising=False)
    file_case(people)
    assert list(Reminder.objects.values_list("offset_seconds", flat=True)) == [5 * 3600]
    clock.move_to(START + timedelta(hours=43))
    worker.tick()
    assert [r.data["offset_seconds"] for r in reminder_rows()] == [5 * 3600]
