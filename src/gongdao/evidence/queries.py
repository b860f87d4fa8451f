"""Reads about a case's evidence."""

from __future__ import annotations

from typing import Any

from gongdao.evidence.models import EvidenceItem

AUTOMATIC_KINDS = ("order_record",)  # satisfied by the order snapshot frozen at filing


def present_kinds(case: Any) -> set[str]:
    kinds = set(
        EvidenceItem.objects.filter(case=case, withdrawn_at__isnull=True).values_list("kind", flat=True)
    )
    return kinds | set(AUTOMATIC_KINDS)


def missing_required_kinds(case: Any, policy: Any) -> list[str]:
    present = present_kinds(case)
    return [kind for kind in policy.issues[case.issue].required_evidence if kind not in present]


def checklist(case: Any, policy: Any) -> list[dict[str, Any]]:
    """Each kind the policy names for this issue: required or recommended, present or not."""
    rules = policy.issues[case.issue]
    present = present_kinds(case)
    rows = [{"kind": k, "required": True, "present": k in present} for k in rules.required_evidence]
    rows += [{"kind": k, "required": False, "present": k in present} for k in rules.recommended_evidence]
    return rows
