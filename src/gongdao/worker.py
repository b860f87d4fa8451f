"""The worker loop: fire due deadlines, send due reminders, fan out the outbox, send due emails.
Each step is a single function a test can call with the clock moved; ``run`` loops until told
to stop."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import close_old_connections
from django.db.models import F
from django.utils import timezone

log = logging.getLogger("gongdao.worker")
LEASE = timedelta(minutes=5)


@dataclass
class TickResult:
    fired: int = 0
    lapsed: int = 0
    retried: int = 0
    reminded: int = 0
    delivered: int = 0
    emailed: int = 0
    email_failures: int = 0

    def __str__(self) -> str:
        return (
            f"deadlines fired {self.fired}, lapsed {self.lapsed}, retried {self.retried}; "
            f"reminders sent {self.reminded}; outbox rows delivered {self.delivered}; "
            f"emails sent {self.emailed}, failed attempts {self.email_failures}"
        )

    @property
    def busy(self) -> bool:
        return bool(self.fired or self.retried or self.reminded or self.delivered or self.emailed)


def fire_deadlines(now: datetime | None = None, limit: int = 100) -> TickResult:
    from gongdao.cases import deadlines

    now = now or timezone.now()
    result = TickResult()
    for deadline_id in deadlines.due(now, limit):
        outcome = deadlines.fire(deadline_id, now)
        if outcome == "fired":
            result.fired += 1
        elif outcome == "lapsed":
            result.lapsed += 1
        elif outcome == "retry":
            result.retried += 1
    return result


def send_reminders(now: datetime | None = None, limit: int = 100) -> int:
    """Claim due reminders (once each, whatever the number of workers) into outbox rows."""
    from gongdao.notify import reminders

    now = now or timezone.now()
    reminders.cancel_stale(now)
    sent = 0
    for reminder_id in reminders.due(now, limit):
        try:
            sent += int(reminders.fire(reminder_id, now) == "sent")
        except Exception:  # one bad row must not stall the loop; it stays pending
            log.exception("reminder %s failed", reminder_id)
    return sent


def deliver_outbox(now: datetime | None = None, limit: int = 100) -> int:
    from gongdao.cases.models import Outbox
    from gongdao.notify.channels import CHANNELS

    now = now or timezone.now()
    ids = list(
        Outbox.objects.filter(state="pending", next_attempt_at__lte=now)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    delivered = 0
    for row_id in ids:
        # Claim by lease: push next_attempt_at ahead (of the moment compared against, so that
        # `tick --at` drills claim safely too); a worker that dies leaves the row to retry.
        lease_until = max(now, timezone.now()) + LEASE
        claimed = Outbox.objects.filter(id=row_id, state="pending", next_attempt_at__lte=now).update(
            next_attempt_at=lease_until, attempts=F("attempts") + 1
        )
        if not claimed:
            continue  # another worker has it
        row = Outbox.objects.select_related(
            "case", "case__consumer", "case__assignee", "case__shop", "event"
        ).get(id=row_id)
        try:
            for channel in CHANNELS:
                channel(row)
            Outbox.objects.filter(id=row_id).update(state="done")
            delivered += 1
        except Exception:  # one bad row must not stall the loop
            log.exception("outbox row %s failed", row_id)
            retry_at = max(now, timezone.now()) + timedelta(minutes=min(60, 2 ** min(row.attempts, 6)))
            Outbox.objects.filter(id=row_id).update(state="pending", next_attempt_at=retry_at)
    return delivered


def send_emails(now: datetime | None = None, limit: int = 50) -> tuple[int, int]:
    """Send emails whose batch window has ended or whose retry is due: (sent, failed attempts).
    Nothing is sent (or given up) while email is off."""
    from gongdao.notify import emails

    if not emails.enabled():
        return 0, 0
    now = now or timezone.now()
    sent = failed = 0
    for email_id in emails.due(now, limit):
        try:
            outcome = emails.send(email_id, now)
        except Exception:  # e.g. a template error: the lease runs out and it is tried again
            log.exception("email %s failed", email_id)
            outcome = "retry"
        sent += int(outcome == "sent")
        failed += int(outcome in ("retry", "failed"))
    return sent, failed


def tick(now: datetime | None = None) -> TickResult:
    result = fire_deadlines(now)
    result.reminded = send_reminders(now)
    result.delivered = deliver_outbox(now)
    result.emailed, result.email_failures = send_emails(now)
    return result


def run(stop: threading.Event, interval: float = 2.0) -> None:
    log.info("worker started")
    while not stop.is_set():
        try:
            close_old_connections()
            result = tick()
            if result.busy:
                log.info("%s", result)
        except Exception:
            log.exception("worker pass failed")
        stop.wait(interval)
    close_old_connections()
    log.info("worker stopped")
