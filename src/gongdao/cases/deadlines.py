"""Deadlines are rows: scheduled from the case's policy version, paused and resumed keeping the
time left, and fired by the worker through ``perform(…, actor=SYSTEM)``.

Claiming is a compare-and-set (``UPDATE … WHERE id=? AND state='pending'``: one row updated
means this worker owns it), so any number of workers on SQLite or PostgreSQL fire a deadline
once. A deadline whose action fails is pushed back with a growing delay and logged; one whose
action no longer applies (the case moved on) lapses.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from gongdao.cases.models import Case, Deadline
from gongdao.errors import Conflict, DomainError, NotAllowed
from gongdao.policy import queries as policy_queries
from gongdao.policy.document import PolicyDocument, add_duration

log = logging.getLogger("gongdao.deadlines")
KEEP_ACROSS_STATUS = ("appeal_window",)


def schedule(case: Case, policy: PolicyDocument, kind: str, party: str, start: datetime) -> Deadline | None:
    spec = policy.deadline(kind)
    if spec.on_expiry == "none":
        return None
    due, provisional = add_duration(spec, start, policy_queries.calendar())
    # Self-help mode: the merchant and the platform are outside; nothing here can act for them
    # when a date passes. The consumer is told instead (note_overdue), with what the profile
    # says the platform does then.
    on_expiry = "note_overdue" if case.mode == "self_help" else spec.on_expiry
    return Deadline.objects.create(
        case=case, kind=kind, party=party, due_at=due, on_expiry=on_expiry, provisional=provisional
    )


def cancel(case: Case, kinds: set[str] | None, now: datetime) -> None:
    """Cancel the case's open deadlines of these kinds (None: all but those kept across statuses)."""
    qs = case.deadlines.filter(state__in=("pending", "paused"))
    qs = qs.filter(kind__in=kinds) if kinds is not None else qs.exclude(kind__in=KEEP_ACROSS_STATUS)
    qs.update(state="cancelled", finished_at=now)


def pause_all(case: Case, now: datetime) -> list[str]:
    paused = []
    for deadline in case.deadlines.filter(state="pending"):
        deadline.remaining_seconds = max(0, int((deadline.due_at - now).total_seconds()))
        deadline.state = "paused"
        deadline.save(update_fields=["remaining_seconds", "state"])
        paused.append(deadline.kind)
    return paused


def resume_all(case: Case, now: datetime) -> list[str]:
    resumed = []
    for deadline in case.deadlines.filter(state="paused"):
        deadline.due_at = now + timedelta(seconds=deadline.remaining_seconds or 0)
        deadline.remaining_seconds = None
        deadline.state = "pending"
        deadline.save(update_fields=["due_at", "remaining_seconds", "state"])
        resumed.append(deadline.kind)
    return resumed


def appeal_window_closes(case: Case, policy: PolicyDocument) -> datetime | None:
    row = (
        case.deadlines.filter(kind="appeal_window").exclude(state="cancelled").order_by("-created_at").first()
    )
    if row is None:
        return None
    if row.state == "paused":
        return timezone.now() + timedelta(seconds=row.remaining_seconds or 0)
    return row.due_at


# ---- the worker's side ------------------------------------------------------------------

RETRY_BASE = timedelta(minutes=1)
RETRY_MAX = timedelta(hours=1)


def due(now: datetime, limit: int = 100) -> list[int]:
    return list(
        Deadline.objects.filter(state="pending", due_at__lte=now)
        .order_by("due_at")
        .values_list("id", flat=True)[:limit]
    )


def fire(deadline_id: int, now: datetime | None = None) -> str:
    """Claim one due deadline and apply its expiry action. Returns what happened:
    ``fired``, ``lapsed`` (no longer applies), ``taken`` (another worker has it), ``retry``."""
    from gongdao.cases.actions import perform
    from gongdao.cases.actors import SYSTEM

    now = now or timezone.now()
    try:
        with transaction.atomic():
            claimed = Deadline.objects.filter(id=deadline_id, state="pending", due_at__lte=now).update(
                state="fired", finished_at=now
            )
            if claimed != 1:
                return "taken"
            deadline = Deadline.objects.select_related("case").get(id=deadline_id)
            try:
                with transaction.atomic():
                    perform(deadline.case, deadline.on_expiry, SYSTEM, deadline=deadline.kind, now=now)
            except NotAllowed as exc:
                Deadline.objects.filter(id=deadline_id).update(
                    state="lapsed", last_error=f"{exc.code}: {exc}"
                )
                return "lapsed"
        return "fired"
    except Conflict:
        return _push_back(deadline_id, now, "conflict with a concurrent action")
    except (DomainError, Exception) as exc:  # one bad case must not stall the loop
        log.exception("deadline %s failed", deadline_id)
        return _push_back(deadline_id, now, f"{type(exc).__name__}: {exc}")


def _push_back(deadline_id: int, now: datetime, error: str) -> str:
    row = Deadline.objects.filter(id=deadline_id).first()
    if row is None:
        return "retry"
    delay = min(RETRY_BASE * (2**row.attempts), RETRY_MAX)
    Deadline.objects.filter(id=deadline_id).update(
        state="pending",
        due_at=now + delay,
        attempts=row.attempts + 1,
        last_error=error[:2000],
        finished_at=None,
    )
    return "retry"
