"""What the web shows about a case's evidence: the items (inline in the thread), the checklist
for the issue, and where the upload widget posts. Storing and serving files is the evidence
app's job; this module only reads, and links to the evidence app's views when they exist."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse

from gongdao import codes
from gongdao.errors import NotAllowed, NotFound
from gongdao.evidence import queries as evidence_queries
from gongdao.policy import queries as policy_queries
from gongdao.web import labels

ENDED = codes.ENDED_STATUSES


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def upload_url(case: Any) -> str:
    """The evidence app's upload endpoint for this case, or "" while it is not installed."""
    return _url("evidence:upload", case.public_id)


def adding_refusal(case: Any, actor: Any) -> Any:
    """Why this viewer cannot add evidence now ("" when they can), in the evidence rules' words."""
    try:
        evidence_queries.adding_side(actor, case)
    except NotFound:
        return ""
    except NotAllowed as exc:
        return exc.message
    return ""


def item_links(item: Any) -> dict[str, str]:
    try:
        return evidence_queries.links(item)
    except NoReverseMatch:
        return {"content": "", "thumbnail": "", "receipt": ""}


def checklist_rows(case: Any, policy: Any | None = None) -> list[dict[str, Any]]:
    """The task list of evidence kinds for the case's issue: done / to do / optional, with advice."""
    policy = policy or policy_queries.parsed(case.policy)
    rows = evidence_queries.checklist(case, policy)
    snapshot = case.order_snapshot or {}
    tracking = (snapshot.get("logistics") or {}).get("tracking_number") or ""
    # A declared purchase (self-help mode) is the consumer's word until the order's own record
    # (a screenshot or an export) is uploaded: nothing counts as recorded automatically.
    self_help = getattr(case, "mode", "") == "self_help"
    on_file = (
        set(case.evidence.filter(withdrawn_at__isnull=True).values_list("kind", flat=True))
        if self_help
        else set()
    )
    for row in rows:
        row["label"] = codes.EVIDENCE_KINDS[row["kind"]]
        row["advice"] = labels.EVIDENCE_ADVICE[row["kind"]]
        row["automatic"] = row["kind"] in evidence_queries.AUTOMATIC_KINDS and not self_help
        if self_help:
            row["present"] = row["kind"] in on_file
            row["advice"] = labels.SELF_HELP_EVIDENCE_ADVICE.get(row["kind"], row["advice"])
        if row["kind"] == "logistics_record" and tracking and not row["present"]:
            row["captured"] = tracking
        row["state"] = "done" if row["present"] else ("todo" if row["required"] else "optional")
    return rows


def upload_kinds(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Kinds offered in the upload widget: the checklist's (the automatic ones excepted), then other."""
    kinds = [
        {"code": row["kind"], "label": row["label"], "missing": not row["present"] and row["required"]}
        for row in rows
        if not row["automatic"]
    ]
    if not any(k["code"] == "other" for k in kinds):
        kinds.append({"code": "other", "label": codes.EVIDENCE_KINDS["other"], "missing": False})
    return kinds


def case_evidence(case: Any, actor: Any, sides: set[str]) -> dict[str, Any]:
    items = evidence_queries.items_for(case, actor)
    for item in items:
        item.links = item_links(item)  # type: ignore[attr-defined]
        item.mine = item.side in sides  # type: ignore[attr-defined]
    rows = checklist_rows(case)
    refusal = adding_refusal(case, actor)
    return {
        "items": items,
        "checklist": rows,
        "may_add": evidence_queries.may_add(actor, case),
        "refusal": refusal if case.status not in ENDED else "",
        "upload_url": upload_url(case),
        "kinds": upload_kinds(rows),
        "sees_flags": evidence_queries.sees_flags(sides),
    }
