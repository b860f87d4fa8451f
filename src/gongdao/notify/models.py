"""Notices (the in-app inbox), preferences and their platform defaults, reminders before
deadlines, and outgoing emails with every attempt on record."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongdao import ids
from gongdao.notify.categories import CATEGORIES, CHANNELS


def notice_id() -> str:
    """``N-`` and eight Crockford base-32 characters, like the other public ids."""
    return "N-" + "".join(secrets.choice(ids.ALPHABET) for _ in range(8))


class OutgoingEmail(models.Model):
    """One email to one person, gathering the notices of a few minutes (the batch window).

    ``open`` collects notices until ``next_attempt_at``; a worker claims it by compare-and-set
    (state → ``pending``, ``next_attempt_at`` pushed ahead by a lease, ``attempts`` + 1), which
    also seals it: nothing is added once it is claimed. A failed send goes back to ``pending``
    with a growing delay; after the last attempt it is ``failed``.
    """

    STATES = [(s, s) for s in ("open", "pending", "sent", "failed")]
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="emails")
    to_address = models.EmailField()
    state = models.CharField(max_length=10, choices=STATES, default="open")
    notices = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    subject = models.CharField(max_length=300, blank=True)
    message_id = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        indexes = [
            models.Index(
                fields=["next_attempt_at"], condition=Q(state__in=("open", "pending")), name="email_due"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(state="open"), name="one_open_email_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.to_address} ({self.state})"


class EmailAttempt(models.Model):
    """One SMTP conversation for an email: written before it starts, updated when it ends."""

    STATES = [(s, s) for s in ("started", "sent", "failed")]
    email = models.ForeignKey(OutgoingEmail, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=STATES, default="started")
    server = models.CharField(max_length=300, blank=True)
    reply = models.TextField(blank=True)  # the server's last reply, e.g. "250 OK"
    error = models.TextField(blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["email", "number"]
        constraints = [models.UniqueConstraint(fields=["email", "number"], name="one_attempt_number")]


class Notification(models.Model):
    """One notice to one person about one outbox row; ``shown`` ones appear in the inbox."""

    public_id = models.CharField(max_length=12, unique=True, default=notice_id, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.CASCADE)
    outbox = models.ForeignKey("cases.Outbox", null=True, blank=True, on_delete=models.CASCADE)
    type = models.CharField(max_length=40)
    category = models.CharField(max_length=20, choices=list(CATEGORIES.items()), default="updates")
    mandatory = models.BooleanField(default=False)
    shown = models.BooleanField(default=True)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email = models.ForeignKey(
        OutgoingEmail, null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            models.Index(fields=["user", "case", "read_at"], name="notice_user_case_read"),
        ]
        constraints = [models.UniqueConstraint(fields=["user", "outbox"], name="one_notice_per_outbox_row")]

    def __str__(self) -> str:
        return self.public_id


class DefaultPreference(models.Model):
    """The platform's default for an optional category on a channel (set in Django admin)."""

    category = models.CharField(_("category"), max_length=20, choices=list(CATEGORIES.items()))
    channel = models.CharField(_("channel"), max_length=10, choices=list(CHANNELS.items()))
    enabled = models.BooleanField(_("on by default"), default=True)

    class Meta:
        verbose_name = _("platform default for notices")
        verbose_name_plural = _("platform defaults for notices")
        constraints = [
            models.UniqueConstraint(fields=["category", "channel"], name="one_default_per_category_channel")
        ]

    def __str__(self) -> str:
        return f"{self.category}/{self.channel}: {'on' if self.enabled else 'off'}"


class Preference(models.Model):
    """A person's own choice for an optional category on a channel (absent: the default)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preferences"
    )
    category = models.CharField(max_length=20, choices=list(CATEGORIES.items()))
    channel = models.CharField(max_length=10, choices=list(CHANNELS.items()))
    enabled = models.BooleanField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "category", "channel"], name="one_preference_per_user")
        ]


class Reminder(models.Model):
    """A reminder some time before a deadline, sent once: created with the deadline, claimed by
    compare-and-set (``pending`` → ``sent``), cancelled when the deadline no longer runs."""

    STATES = [(s, s) for s in ("pending", "sent", "cancelled", "skipped")]
    deadline = models.ForeignKey("cases.Deadline", on_delete=models.CASCADE, related_name="reminders")
    offset_seconds = models.PositiveBigIntegerField()
    remind_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=STATES, default="pending")
    outbox = models.ForeignKey("cases.Outbox", null=True, blank=True, on_delete=models.SET_NULL)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["remind_at"], condition=Q(state="pending"), name="reminder_due")]
        constraints = [
            models.UniqueConstraint(fields=["deadline", "offset_seconds"], name="one_reminder_per_offset")
        ]
