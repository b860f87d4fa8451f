"""Reads of the inbox, scoped to its owner."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from gongdao.notify.models import Notification


def inbox(user: Any, *, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(user=user, shown=True).select_related("case")
    return qs.filter(read_at__isnull=True) if unread_only else qs


def unread_count(user: Any) -> int:
    return Notification.objects.filter(user=user, shown=True, read_at__isnull=True).count()


def notice(user: Any, notice_id: str) -> Notification | None:
    return Notification.objects.filter(user=user, public_id=notice_id.strip().upper()).first()
