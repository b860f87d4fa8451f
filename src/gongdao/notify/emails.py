"""Email: notices are gathered per person for a few minutes (``BATCH_WINDOW``) into one
``OutgoingEmail``, which a worker claims by compare-and-set and sends over SMTP. Every attempt is
an ``EmailAttempt`` row, written before the SMTP conversation and updated after it. A send that
fails for a reason that may pass is retried with a growing delay; a 5xx refusal or the last
attempt marks the email ``failed`` (the notices stay in the inbox).

Delivery is at least once: a worker that dies after the server accepted the message but before
recording it leaves the email to be sent again when its lease runs out.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from gongdao.notify import compose, smtp
from gongdao.notify.models import EmailAttempt, Notification, OutgoingEmail

log = logging.getLogger("gongdao.notify.email")

BATCH_WINDOW = timedelta(minutes=3)
LEASE = timedelta(minutes=5)
RETRY_BASE = timedelta(minutes=1)
RETRY_MAX = timedelta(hours=1)
MAX_ATTEMPTS = 12  # about seven hours of retries


def enabled() -> bool:
    return bool(settings.EMAIL_ENABLED)


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, … minutes after the n-th failed attempt, at most an hour."""
    return min(RETRY_BASE * (2 ** max(0, attempts - 1)), RETRY_MAX)


class _AlreadyQueued(Exception):
    pass


def queue(notice: Notification, now: datetime | None = None) -> bool:
    """Put a notice into its reader's open email (opening one if none). False if the reader
    has no address or the notice is already queued."""
    user = notice.user
    if not user.email:
        return False
    now = now or timezone.now()
    for _attempt in range(5):
        batch = OutgoingEmail.objects.filter(user=user, state="open").first()
        if batch is None:
            try:
                with transaction.atomic():
                    batch = OutgoingEmail.objects.create(
                        user=user, to_address=user.email, next_attempt_at=now + BATCH_WINDOW
                    )
            except IntegrityError:
                continue  # another worker opened one just now: use that
        try:
            with transaction.atomic():
                # Locks the batch row: a sender sealing it waits for us, or we see it sealed.
                if not OutgoingEmail.objects.filter(id=batch.id, state="open").update(
                    notices=F("notices") + 1
                ):
                    continue
                if not Notification.objects.filter(id=notice.id, email__isnull=True).update(email=batch):
                    raise _AlreadyQueued
            return True
        except _AlreadyQueued:
            return False
    raise RuntimeError(f"could not queue notice {notice.public_id} for email")


def due(now: datetime, limit: int = 50) -> list[int]:
    return list(
        OutgoingEmail.objects.filter(state__in=("open", "pending"), next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("id", flat=True)[:limit]
    )


def claim(email_id: int, now: datetime) -> bool:
    """Compare-and-set: seal the email and take it for one attempt; False if another has it."""
    return bool(
        OutgoingEmail.objects.filter(
            id=email_id, state__in=("open", "pending"), next_attempt_at__lte=now
        ).update(state="pending", next_attempt_at=now + LEASE, attempts=F("attempts") + 1)
    )


def send(email_id: int, now: datetime | None = None) -> str:
    """Claim and send one email: ``sent``, ``retry``, ``failed``, ``taken`` or ``empty``."""
    now = now or timezone.now()
    if not claim(email_id, now):
        return "taken"
    email = OutgoingEmail.objects.select_related("user").get(id=email_id)
    notices = list(email.items.order_by("created_at", "id"))
    if not notices:  # every notice was deleted with its case
        email.delete()
        return "empty"
    server = smtp.configured()
    message = compose.notices_email(email.user, email.to_address, notices)
    attempt = EmailAttempt.objects.create(
        email=email, number=email.attempts, server=server.label, started_at=timezone.now()
    )
    try:
        reply = smtp.deliver(message, server)
    except smtp.SendError as exc:
        return _failed(email, attempt, exc, now)
    attempt.state, attempt.reply, attempt.finished_at = "sent", reply, timezone.now()
    attempt.save(update_fields=["state", "reply", "finished_at"])
    OutgoingEmail.objects.filter(id=email.id).update(
        state="sent",
        sent_at=attempt.finished_at,
        subject=str(message.subject)[:300],
        message_id=message.extra_headers.get("Message-ID", "")[:300],
        last_error="",
    )
    return "sent"


def _failed(email: OutgoingEmail, attempt: EmailAttempt, exc: smtp.SendError, now: datetime) -> str:
    attempt.state, attempt.error, attempt.finished_at = "failed", str(exc)[:2000], timezone.now()
    attempt.save(update_fields=["state", "error", "finished_at"])
    final = exc.permanent or email.attempts >= MAX_ATTEMPTS
    log.warning(
        "email %s attempt %s failed%s: %s", email.id, email.attempts, " (final)" if final else "", exc
    )
    OutgoingEmail.objects.filter(id=email.id).update(
        state="failed" if final else "pending",
        next_attempt_at=now + retry_delay(email.attempts),
        last_error=str(exc)[:2000],
    )
    return "failed" if final else "retry"
