"""Recompute a case's chain, its frozen order snapshot, its signed checkpoints, and re-hash its
evidence files (evidence/integrity.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gongdao import keys
from gongdao.cases import chain
from gongdao.cases.models import Case


@dataclass(frozen=True)
class Finding:
    case: str
    what: str

    def __str__(self) -> str:
        return f"{self.case}: {self.what}"


def event_dict(event: Any) -> dict[str, Any]:
    return {
        "id": event.public_id,
        "seq": event.seq,
        "recorded_at": chain.timestamp(event.recorded_at),
        "occurred_at": chain.timestamp(event.occurred_at),
        "actor": event.actor,
        "type": event.type,
        "visibility": event.visibility,
        "payload": event.payload,
        "payload_digest": event.payload_digest,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


def verify_case(case: Case, public_key: bytes | None = None) -> list[Finding]:
    """Every problem found, in chain order (the first names the first bad event)."""
    events = list(case.events.order_by("seq"))
    findings: list[Finding] = []
    problem = chain.verify(event_dict(e) for e in events)
    if problem:
        findings.append(Finding(case.public_id, str(problem)))
    findings += _snapshot_findings(case, events)
    findings += _checkpoint_findings(case, {e.seq: e.hash for e in events}, public_key)
    findings += _evidence_findings(case, public_key)
    if events and (case.seq != events[-1].seq or case.head_hash != events[-1].hash):
        findings.append(Finding(case.public_id, "the case's head does not match its last event"))
    return findings


def _evidence_findings(case: Case, public_key: bytes | None) -> list[Finding]:
    """Every stored file of the case re-hashed; items checked against their events and receipts."""
    from gongdao.evidence import integrity

    return [Finding(case.public_id, problem) for problem in integrity.problems(case, public_key=public_key)]


def _snapshot_findings(case: Case, events: list[Any]) -> list[Finding]:
    opened = next((e for e in events if e.type == "case_opened"), None)
    if opened is None:
        return [Finding(case.public_id, "no case_opened event")]
    if opened.payload is not None and opened.payload.get("order_snapshot") != case.order_snapshot:
        return [
            Finding(case.public_id, f"order snapshot differs from event {opened.seq} ({opened.public_id})")
        ]
    frozen = {line["line_no"]: line for line in case.order_snapshot.get("lines", [])}
    for line in case.order.lines.all():
        was = frozen.get(line.line_no)
        if was and (was["paid_fen"], was["quantity"], was["name"]) != (
            line.paid_fen,
            line.quantity,
            line.name,
        ):
            return [
                Finding(
                    case.public_id,
                    f"order {case.order.public_id} line {line.line_no} differs from the "
                    f"snapshot frozen at filing",
                )
            ]
    return []


def _checkpoint_findings(case: Case, hashes: dict[int, str], public_key: bytes | None) -> list[Finding]:
    findings = []
    for cp in case.checkpoints.order_by("seq", "signed_at"):
        key = public_key or keys.public_raw(keys.private_key())
        statement = chain.canonical(
            {
                "case": case.public_id,
                "seq": cp.seq,
                "hash": cp.hash,
                "signed_at": chain.timestamp(cp.signed_at),
            }
        )
        if hashes.get(cp.seq) != cp.hash:
            findings.append(
                Finding(case.public_id, f"checkpoint at event {cp.seq} names a hash the chain lacks")
            )
        elif not keys.verify(key, statement, cp.signature):
            findings.append(
                Finding(case.public_id, f"checkpoint signature at event {cp.seq} does not verify")
            )
    return findings
