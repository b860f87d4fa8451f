"""What an action would do, before anyone commits to it: ``dry_run`` runs the real
``perform`` inside a transaction that is always rolled back, so the confirm page shows exactly
the event the action would record (and input the action refuses is refused here first)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from gongdao.cases.actions import perform
from gongdao.cases.actors import Actor
from gongdao.cases.models import Case


class _RollBack(Exception):
    pass


@dataclass(frozen=True)
class Preview:
    status: str  # the case's status afterwards
    payload: dict[str, Any]  # the event the action would append
    steps: tuple[str, ...]  # what remains to be carried out
    deadlines: tuple[tuple[str, str, Any], ...]  # (kind, party, due_at) the action would start


def dry_run(case: Case, action: str, actor: Actor, **data: Any) -> Preview:
    """Raises the action's DomainError when it would be refused; changes nothing either way."""
    result: Preview | None = None
    try:
        with transaction.atomic():
            before = set(case.deadlines.filter(state="pending").values_list("pk", flat=True))
            event = perform(case, action, actor, **data)
            started = case.deadlines.filter(state="pending").exclude(pk__in=before)
            result = Preview(
                status=case.status,
                payload=dict(event.payload or {}),
                steps=tuple(case.steps),
                deadlines=tuple(started.order_by("due_at").values_list("kind", "party", "due_at")),
            )
            raise _RollBack
    except _RollBack:
        pass
    finally:
        case.refresh_from_db()
    assert result is not None
    return result
