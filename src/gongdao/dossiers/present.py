"""Dossiers and referrals as JSON-ready objects: the same keys in the API, the CLI and the web's
JavaScript-free preview."""

from __future__ import annotations

from typing import Any

from gongdao.cases import chain
from gongdao.dossiers.content import Dossier
from gongdao.dossiers.queries import ReferralView


def dossier_object(case_id: str, dossier: Dossier) -> dict[str, Any]:
    return {
        "case": case_id,
        "target": dossier.target,
        "title": dossier.title,
        "addressee": dossier.addressee,
        "ready": dossier.ready,
        "missing": [{"field": m.code, "where": m.where} for m in dossier.missing],
        "blockers": list(dossier.blockers),
        "warnings": list(dossier.warnings),
        "sections": [
            {
                "heading": b.heading,
                "rows": [{"label": label, "value": value} for label, value in b.rows],
                "paragraphs": list(b.paragraphs),
                "numbered": list(b.numbered),
            }
            for b in dossier.blocks
        ],
        "facts_text": dossier.facts_text,
        "facts_edited": dossier.facts_edited,
        "evidence": [
            {
                "id": e.id,
                "kind": e.kind,
                "description": e.description,
                "side": e.side,
                "received_at": chain.timestamp(e.received_at),
                "sha256": e.sha256,
                "event_seq": e.event_seq,
            }
            for e in dossier.evidence
        ],
        "paste_fields": [{"label": label, "value": value} for label, value in dossier.paste],
        "summary_title": dossier.summary_title,
        "summary": dossier.summary,
    }


def referral_object(view: ReferralView) -> dict[str, Any]:
    r = view.referral
    return {
        "number": r.number,
        "target": r.target,
        "status": r.status,
        "filed_on": r.filed_on.isoformat() if r.filed_on else None,
        "accepted_on": r.accepted_on.isoformat() if r.accepted_on else None,
        "reference": r.reference,
        "outcome": r.outcome,
        "next_statuses": list(view.next_statuses),
        "expected": [
            {
                "kind": e.kind,
                "due": e.due.isoformat(),
                "provisional": e.provisional,
                "basis": e.basis,
                "note": e.note,
            }
            for e in view.expected
        ],
        "awaiting": view.awaiting.kind if view.awaiting else None,
        "reminder_at": _reminder_at(r),
        "updates": [
            {
                "status": u.status,
                "occurred_on": u.occurred_on.isoformat(),
                "note": u.note,
                "event": u.event.public_id,
                "seq": u.event.seq,
            }
            for u in r.updates.all()
        ],
        "recorded_at": chain.timestamp(r.recorded_at),
        "updated_at": chain.timestamp(r.updated_at),
    }


def _reminder_at(referral: Any) -> str | None:
    row = referral.reminder
    if row is None or row.state != "pending" or row.next_attempt_at is None:
        return None
    return chain.timestamp(row.next_attempt_at)
