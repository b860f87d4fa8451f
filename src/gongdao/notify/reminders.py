"""Reminders before deadlines, each sent once.

When a deadline is scheduled, one ``Reminder`` row per offset of the case's policy is written in
the same transaction (``plan``; offsets from ``PolicyDocument.reminder_offsets(kind)`` when the
policy has them, else ``DEFAULT_OFFSETS``); the pair (deadline, offset) is unique. The worker
claims a due reminder by compare-and-set (``UPDATE … WHERE id=? AND state='pending'``) and, in
the same transaction, writes a ``deadline.reminder`` outbox row for the party that must act —
so any number of workers, restarted at any time, send each reminder once. A reminder whose
deadline no longer runs (met, cancelled, fired) is cancelled instead; paused deadlines keep
theirs until they resume (``replan`` moves them with the new due time).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from gongdao.cases.models import Deadline, Outbox
from gongdao.notify.models import Reminder
from gongdao.policy import queries as policy_queries

DEFAULT_OFFSETS: dict[str, tuple[timedelta, ...]] = {
    "merchant_response": (timedelta(hours=24), timedelta(hours=2)),
    "return_shipment": (timedelta(days=1),),
    "appeal_window": (timedelta(days=2),),
}
ENDED = ("fired", "cancelled", "lapsed")


def offsets(policy: Any, kind: str) -> list[timedelta]:
    from_policy = getattr(policy, "reminder_offsets", None)
    chosen = from_policy(kind) if callable(from_policy) else DEFAULT_OFFSETS.get(kind, ())
    return sorted({o for o in chosen if o > timedelta(0)}, reverse=True)


def audience(deadline: Deadline) -> list[str]:
    """The sides a deadline runs against: its party; both parties for the appeal window."""
    party = deadline.party
    if party in ("consumer", "merchant"):
        return [party]
    if party == "platform":
        return ["assignee"] if deadline.case.assignee_id else ["agent"]
    return ["consumer", "merchant"]  # "both", or "" (the appeal window is open to each party)


def plan(deadline: Deadline) -> int:
    """Write the reminders of a new deadline (those not already past)."""
    policy = policy_queries.parsed(deadline.case.policy)
    start = deadline.created_at or timezone.now()
    rows = [
        Reminder(deadline=deadline, offset_seconds=int(o.total_seconds()), remind_at=deadline.due_at - o)
        for o in offsets(policy, deadline.kind)
        if deadline.due_at - o > start
    ]
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def replan(deadline: Deadline) -> None:
    """The deadline's due time moved (resumed after a pause): move its pending reminders."""
    for reminder in Reminder.objects.filter(deadline=deadline, state="pending"):
        reminder.remind_at = deadline.due_at - timedelta(seconds=reminder.offset_seconds)
        reminder.save(update_fields=["remind_at"])


def cancel_stale(now: datetime) -> int:
    """Due reminders whose deadline no longer runs are cancelled, never sent."""
    return Reminder.objects.filter(state="pending", remind_at__lte=now, deadline__state__in=ENDED).update(
        state="cancelled", finished_at=now
    )


def due(now: datetime, limit: int = 100) -> list[int]:
    return list(
        Reminder.objects.filter(state="pending", remind_at__lte=now, deadline__state="pending")
        .order_by("remind_at")
        .values_list("id", flat=True)[:limit]
    )


def fire(reminder_id: int, now: datetime) -> str:
    """Claim one due reminder and queue it: ``sent``, ``skipped``, ``cancelled`` or ``taken``."""
    with transaction.atomic():
        claimed = Reminder.objects.filter(id=reminder_id, state="pending", remind_at__lte=now).update(
            state="sent", finished_at=now
        )
        if not claimed:
            return "taken"
        reminder = Reminder.objects.select_related("deadline__case").get(id=reminder_id)
        deadline = reminder.deadline
        outcome = _still_useful(reminder, deadline, now)
        if outcome != "sent":
            Reminder.objects.filter(id=reminder_id).update(state=outcome)
            return outcome
        row = Outbox.objects.create(
            case=deadline.case,
            type="deadline.reminder",
            audience=audience(deadline),
            data={
                "deadline": deadline.kind,
                "deadline_due_at": deadline.due_at.isoformat(),
                "offset_seconds": reminder.offset_seconds,
                "on_expiry": deadline.on_expiry,
                "party": deadline.party,
            },
            next_attempt_at=now,
        )
        Reminder.objects.filter(id=reminder_id).update(outbox=row)
    return "sent"


def _still_useful(reminder: Reminder, deadline: Deadline, now: datetime) -> str:
    if deadline.state != "pending":
        return "cancelled"
    if deadline.due_at <= now:
        return "skipped"  # too late to remind: the expiry takes over
    later_also_due = deadline.reminders.filter(
        state="pending", remind_at__lte=now, offset_seconds__lt=reminder.offset_seconds
    ).exists()
    return "skipped" if later_also_due else "sent"
