"""Reminders follow their deadline: planned when it is created (inside the action's
transaction), moved when its due time changes (a resumed pause)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from gongdao.cases.models import Deadline
from gongdao.notify import reminders


@receiver(post_save, sender=Deadline, dispatch_uid="gongdao.notify.deadline_reminders")
def deadline_saved(sender: Any, instance: Deadline, created: bool, update_fields: Any, **kwargs: Any) -> None:
    if instance.state != "pending":
        return
    if created:
        reminders.plan(instance)
    elif update_fields is None or "due_at" in update_fields:
        reminders.replan(instance)
