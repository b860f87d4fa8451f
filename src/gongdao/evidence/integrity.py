"""Re-check a case's evidence against the record: every stored file is re-hashed, every item must
agree with the event that recorded it, and its signed receipt must still hold.

``cases/verification.verify_case`` calls ``problems(case)``; each problem names the item.
"""

from __future__ import annotations

from typing import Any

from gongdao import keys
from gongdao.evidence import receipts
from gongdao.evidence.models import EvidenceItem
from gongdao.evidence.storage import Store, get_store, rehash


def problems(case: Any, store: Store | None = None, public_key: bytes | None = None) -> list[str]:
    store = store or get_store()
    items = list(EvidenceItem.objects.filter(case=case).select_related("event", "case").order_by("pk"))
    if not items:
        return []
    public_key = public_key or keys.public_raw(keys.private_key())
    found: list[str] = []
    hashes: dict[str, str | None] = {}
    for item in items:
        name = f"evidence {item.public_id} ({item.original_name})"
        if item.sha256 not in hashes:
            hashes[item.sha256] = rehash(store, item.sha256)
        now = hashes[item.sha256]
        if now is None:
            found.append(f"{name}: the stored file is missing")
        elif now != item.sha256:
            found.append(f"{name}: the stored file has changed (SHA-256 now {now}, recorded {item.sha256})")
        found += _record_problems(item, name, public_key)
    return found


def _record_problems(item: EvidenceItem, name: str, public_key: bytes) -> list[str]:
    event = item.event
    if event is None:
        return [f"{name}: no case event records this item"]
    found = []
    payload = event.payload
    recorded = (payload.get("item"), payload.get("sha256")) if payload is not None else None
    if event.case_id != item.case_id or (recorded and recorded != (item.public_id, item.sha256)):
        found.append(f"{name}: differs from event {event.seq} ({event.public_id}) that recorded it")
    if not receipts.row_holds(item, public_key):
        found.append(f"{name}: its signed receipt does not match the record")
    return found
