"""The worker loop: fire due deadlines, fan out the outbox. Each step is a single function a
test can call with the clock moved; ``run`` loops until told to stop."""

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
    delivered: int = 0

    def __str__(self) -> str:
        return (
            f"deadlines fired {self.fired}, lapsed {self.lapsed}, retried {self.retried}; "
            f"outbox rows delivered {self.delivered}"
        )


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
        # Claim by lease: push next_attempt_at ahead; a worker that dies leaves the row to retry.
        claimed = Outbox.objects.filter(id=row_id, state="pending", next_attempt_at__lte=now).update(
            next_attempt_at=timezone.now() + LEASE, attempts=F("attempts") + 1
        )
        if not claimed:
            continue  # another worker has it
        row = Outbox.objects.select_related("case", "case__consumer", "case__assignee").get(id=row_id)
        try:
            for channel in CHANNELS:
                channel(row)
            Outbox.objects.filter(id=row_id).update(state="done")
            delivered += 1
        except Exception:  # one bad row must not stall the loop
            log.exception("outbox row %s failed", row_id)
            retry_at = timezone.now() + timedelta(minutes=min(60, 2 ** min(row.attempts, 6)))
            Outbox.objects.filter(id=row_id).update(state="pending", next_attempt_at=retry_at)
    return delivered


def tick(now: datetime | None = None) -> TickResult:
    result = fire_deadlines(now)
    result.delivered = deliver_outbox(now)
    return result


def run(stop: threading.Event, interval: float = 2.0) -> None:
    log.info("worker started")
    while not stop.is_set():
        try:
            close_old_connections()
            result = tick()
            if result.fired or result.delivered or result.retried:
                log.info("%s", result)
        except Exception:
            log.exception("worker pass failed")
        stop.wait(interval)
    close_old_connections()
    log.info("worker stopped")
