"""The hash chain of a case's events (DESIGN.md "The case record is an event log").

payload_digest = SHA-256 of the payload's RFC 8785 canonical JSON; hash = SHA-256 of the
canonical JSON of {prev_hash, seq, recorded_at, occurred_at, actor, type, visibility,
payload_digest}. A payload may be withheld or erased (set to null) and the chain still verifies
through the stored digest. Pure functions: also used offline by dossier verification.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import rfc8785

GENESIS = "0" * 64


def canonical(value: Any) -> bytes:
    return rfc8785.dumps(value)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def timestamp(moment: datetime) -> str:
    """UTC with microseconds: the same text from SQLite and PostgreSQL values."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def payload_digest(payload: Any) -> str:
    return sha256_hex(canonical(payload))


def event_hash(
    *,
    prev_hash: str,
    seq: int,
    recorded_at: str,
    occurred_at: str,
    actor: str,
    type: str,
    visibility: str,
    payload_digest: str,
) -> str:
    return sha256_hex(
        canonical(
            {
                "prev_hash": prev_hash,
                "seq": seq,
                "recorded_at": recorded_at,
                "occurred_at": occurred_at,
                "actor": actor,
                "type": type,
                "visibility": visibility,
                "payload_digest": payload_digest,
            }
        )
    )


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    event_id: str
    reason: str

    def __str__(self) -> str:
        return f"event {self.seq} ({self.event_id}): {self.reason}"


def verify(events: Iterable[Mapping[str, Any]]) -> ChainProblem | None:
    """Check an ordered sequence of events (dicts with the event's fields, times as text).

    Returns the first problem, or None when every link holds.
    """
    prev = GENESIS
    expected_seq = 1
    for ev in events:
        ident = ev.get("id", "?")
        if ev["seq"] != expected_seq:
            return ChainProblem(ev["seq"], ident, f"sequence gap: expected {expected_seq}")
        if ev.get("payload") is not None and payload_digest(ev["payload"]) != ev["payload_digest"]:
            return ChainProblem(ev["seq"], ident, "payload does not match its digest")
        if ev["prev_hash"] != prev:
            return ChainProblem(ev["seq"], ident, "prev_hash does not match the previous event's hash")
        fields = {k: ev[k] for k in ("seq", "recorded_at", "occurred_at", "actor", "type", "visibility")}
        computed = event_hash(prev_hash=prev, payload_digest=ev["payload_digest"], **fields)
        if computed != ev["hash"]:
            return ChainProblem(ev["seq"], ident, "hash does not match the event's fields")
        prev = ev["hash"]
        expected_seq += 1
    return None
