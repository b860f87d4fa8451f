"""Channels fed by the outbox. The in-app inbox is always on; email and webhooks are further
channels (the notification and API issues). Each attempt is a Delivery row written before the
attempt and updated after it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from gongdao.cases.models import Delivery, Outbox
from gongdao.notify.models import Notification
from gongdao.parties.models import User


def recipients(row: Outbox) -> list[User]:
    """The users an outbox row's audience (sides) names on its case, minus the actor."""
    case = row.case
    if case is None:
        return []
    users: dict[int, User] = {}
    for side in row.audience:
        for user in _side_users(case, side):
            users[user.id] = user
    return [u for u in users.values() if u.public_id != row.exclude_user and u.is_active]


def _side_users(case: Any, side: str) -> list[User]:
    if side == "consumer":
        return [case.consumer]
    if side == "merchant" and case.shop_id:
        return list(User.objects.filter(shop_id=case.shop_id, role__in=("merchant_staff", "merchant_admin")))
    if side == "assignee" and case.assignee_id:
        return [case.assignee]
    if side == "agent":
        return (
            [case.assignee]
            if case.assignee_id
            else list(User.objects.filter(role__in=("agent", "senior_agent")))
        )
    if side == "senior_agent":
        return list(User.objects.filter(role="senior_agent"))
    return []


def deliver_in_app(row: Outbox) -> int:
    """Write one inbox notice per recipient; safe to repeat (unique per user and row)."""
    count = 0
    for user in recipients(row):
        with transaction.atomic():
            delivery = Delivery.objects.create(outbox=row, channel="in_app", recipient=user.public_id)
            _, created = Notification.objects.get_or_create(
                user=user, outbox=row, defaults={"case": row.case, "type": row.type, "data": row.data}
            )
            delivery.state = "sent"
            delivery.finished_at = timezone.now()
            delivery.save(update_fields=["state", "finished_at"])
            count += int(created)
    return count


CHANNELS = [deliver_in_app]
