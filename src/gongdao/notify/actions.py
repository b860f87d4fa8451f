"""The writes of the notification app: marking notices read, and preferences (from the page or
an unsubscribe link). Views stay thin and call these."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongdao.errors import InvalidInput, NotFound
from gongdao.notify.categories import CATEGORIES, CHANNELS, is_mandatory
from gongdao.notify.models import Notification, Preference


def mark_read(user: Any, notice_id: str) -> Notification:
    """Mark one of the user's notices read; another person's notice is "not found"."""
    notice = Notification.objects.filter(user=user, public_id=notice_id.strip().upper()).first()
    if notice is None:
        raise NotFound("notice_not_found", _("No such notice."))
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return notice


def mark_all_read(user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def mark_case_read(user: Any, case: Any) -> int:
    """Opening a case marks the viewer's notices about it read (the case view calls this)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, case=case, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def _check(category: str, channel: str) -> None:
    if category not in CATEGORIES or channel not in CHANNELS:
        raise InvalidInput("unknown_category", _("There is no such kind of notice."))
    if is_mandatory(category):
        raise InvalidInput(
            "mandatory_category",
            _("“%(category)s” notices cannot be switched off: they tell you when you must act.")
            % {"category": CATEGORIES[category]},
        )


@transaction.atomic
def set_preferences(user: Any, choices: dict[tuple[str, str], bool]) -> None:
    """Save the user's choices, {(category, channel): on?}; all or nothing."""
    for category, channel in choices:
        _check(category, channel)
    for (category, channel), enabled in choices.items():
        Preference.objects.update_or_create(
            user=user, category=category, channel=channel, defaults={"enabled": bool(enabled)}
        )


def unsubscribe(user: Any, categories: list[str]) -> None:
    """Stop emails of these optional categories (the one-click link in every email)."""
    set_preferences(user, {(category, "email"): False for category in categories})
