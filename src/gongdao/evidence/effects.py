"""The workflow table's ``withdraw_evidence`` row: its guard and its effect (run by ``perform``).

A party withdraws an item it added: the item stays on record with its file and hash, marked
withdrawn, and no longer counts for the checklist. Agents withdraw items the platform added.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from gongdao import ids
from gongdao.cases import facts
from gongdao.errors import InvalidInput, NotAllowed
from gongdao.evidence.models import EvidenceItem
from gongdao.evidence.queries import side_of

if TYPE_CHECKING:
    from gongdao.cases.effects import Move


def _own_items(move: Move):  # type: ignore[no-untyped-def]
    side = side_of(move.sides)
    return EvidenceItem.objects.filter(case=move.case, side=side, withdrawn_at__isnull=True)


def has_own_evidence(move: Move) -> None:
    """Guard: the actor's side has an item on this case that is not withdrawn yet (read with the
    case's other facts, once per read of the case: ``cases.facts``)."""
    side = side_of(move.sides)
    if not side or side not in facts.get(move.case).evidence_sides:
        raise NotAllowed("no_evidence_to_withdraw", _("You have no evidence on this case to withdraw."))


def withdraw_item(move: Move) -> None:
    from gongdao.cases.effects import text

    reason = text(move, "reason", limit=2000)
    raw = move.data.get("item")
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidInput("required", _("Choose the evidence to withdraw."), field="item")
    item = _own_items(move).filter(public_id=ids.normalise(raw)).first()
    if item is None:
        raise InvalidInput(
            "unknown_evidence", _("Choose one of your own items of evidence on this case."), field="item"
        )
    item.withdrawn_at = move.now
    item.save(update_fields=["withdrawn_at"])
    move.event_type = "evidence_withdrawn"
    move.payload.update(
        {
            "item": item.public_id,
            "sha256": item.sha256,
            "kind": item.kind,
            "reason": reason,
        }
    )
