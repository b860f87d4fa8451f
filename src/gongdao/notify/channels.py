"""Channels fed by the outbox: the worker (gongdao/worker.py) calls each function of
``CHANNELS`` with every outbox row it claims. A channel must be safe to call again with the same
row (a row whose delivery failed is retried as a whole).

- ``deliver_in_app`` writes one notice per person the row names (audience.py says who and in
  which category); a notice shown in the inbox also writes a ``notification.created`` outbox row,
  so the platform can push it through its own app or SMS (the webhook channel delivers it).
- ``deliver_email`` puts each notice whose reader wants email into their open email; the worker's
  email step sends it when the batch window ends (emails.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from gongdao.api.webhooks import deliver_webhooks
from gongdao.cases.models import Delivery, Outbox
from gongdao.notify import audience, compose, emails
from gongdao.notify.categories import is_mandatory
from gongdao.notify.models import Notification
from gongdao.notify.preferences import wants
from gongdao.parties.models import User


def recipients(row: Outbox) -> list[User]:
    """The people an outbox row names on its case, minus the actor."""
    return [r.user for r in audience.recipients(row)]


def deliver_in_app(row: Outbox) -> int:
    """Write one notice per recipient; safe to repeat (unique per person and row)."""
    skip = audience.superseded(row)
    count = 0
    for recipient in audience.recipients(row):
        if recipient.user.id in skip:
            continue
        data = audience.notice_data(row, recipient)
        category = audience.categorize(row, recipient, data)
        with transaction.atomic():
            delivery = Delivery.objects.create(
                outbox=row, channel="in_app", recipient=recipient.user.public_id
            )
            notice, created = Notification.objects.get_or_create(
                user=recipient.user,
                outbox=row,
                defaults={
                    "case": row.case,
                    "type": row.type,
                    "category": category,
                    "mandatory": is_mandatory(category),
                    "shown": wants(recipient.user, category, "in_app"),
                    "data": data,
                },
            )
            if created and notice.shown:
                push_event(notice)
            delivery.state = "sent"
            delivery.finished_at = timezone.now()
            delivery.save(update_fields=["state", "finished_at"])
            count += int(created)
    return count


def push_event(notice: Notification) -> Outbox:
    """A ``notification.created`` event with the notice in its reader's language."""
    user = notice.user
    with compose.reader_locale(user):
        text = compose.describe(notice)
    return Outbox.objects.create(
        case=notice.case,
        type="notification.created",
        audience=[],
        next_attempt_at=timezone.now(),
        data={
            "notification": notice.public_id,
            "user": user.public_id,
            "language": compose.language_of(user),
            "type": notice.type,
            "category": notice.category,
            "mandatory": notice.mandatory,
            "case": text.case,
            "title": text.title,
            "body": text.happened,
            "todo": text.todo,
            "due": text.due,
            "due_at": notice.data.get("deadline_due_at") or notice.data.get("due_at"),
            "url": text.url,
            "created_at": notice.created_at.isoformat(),
        },
    )


def deliver_email(row: Outbox) -> int:
    """Queue this row's notices for email, for readers who want them; off when email is off."""
    if not emails.enabled():
        return 0
    queued = 0
    for notice in Notification.objects.filter(outbox=row, email__isnull=True).select_related("user"):
        if notice.user.email and wants(notice.user, notice.category, "email"):
            queued += int(emails.queue(notice))
    return queued


CHANNELS: list[Callable[[Outbox], Any]] = [deliver_in_app, deliver_email, deliver_webhooks]
