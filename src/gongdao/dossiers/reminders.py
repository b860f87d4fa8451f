"""Reminders of the dates the regulations set for a referral (regulations.pending): one
``deadline.reminder`` outbox row per referral, due at 09:00 (China time) on the expected day,
which the worker's existing outbox loop delivers when its ``next_attempt_at`` comes (in-app and
email, through notify's channels) — no loop of our own. When the referral moves on (accepted,
refused, …) the pending row is cancelled (state ``cancelled``: the worker only takes ``pending``
rows) and the next date's row, if any, is written. Called inside the referral's transaction."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from gongdao.cases.models import Outbox
from gongdao.dossiers import regulations
from gongdao.dossiers.models import Referral
from gongdao.policy import queries as policy_queries

CHINA = ZoneInfo("Asia/Shanghai")
REMIND_AT = time(9)
DAY_ENDS = time(23, 59)


def keep_in_step(referral: Referral, now: datetime) -> Outbox | None:
    """Cancel the referral's pending reminder and write the one its status now calls for."""
    if referral.reminder_id:
        Outbox.objects.filter(pk=referral.reminder_id, state="pending").update(state="cancelled")
    expected = regulations.pending(
        referral.target, referral.status, referral.filed_on, referral.accepted_on, policy_queries.calendar()
    )
    row = None
    if expected is not None:
        due = datetime.combine(expected.due, DAY_ENDS, tzinfo=CHINA)
        remind_at = max(datetime.combine(expected.due, REMIND_AT, tzinfo=CHINA), now)
        if remind_at < due:
            row = Outbox.objects.create(
                case=referral.case,
                type="deadline.reminder",
                audience=["consumer"],
                data={
                    "deadline": expected.kind,
                    "deadline_due_at": due.isoformat(),
                    "offset_seconds": int((due - remind_at) // timedelta(seconds=1)),
                    "on_expiry": "",
                    "party": "consumer",
                    "referral": referral.number,
                    "target": referral.target,
                },
                next_attempt_at=remind_at,
            )
    if row is not None or referral.reminder_id:
        referral.reminder = row
        referral.save(update_fields=["reminder"])
    return row
