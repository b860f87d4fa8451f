"""Reads about a case's evidence: the checklist, who may add evidence now, the items a viewer
sees (with reuse flags for platform agents only), and the item object the web and API return."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongdao import codes, ids
from gongdao.cases import chain
from gongdao.cases.actors import Actor
from gongdao.errors import NotAllowed, NotFound
from gongdao.evidence.models import EvidenceFlag, EvidenceItem
from gongdao.parties import permissions

AUTOMATIC_KINDS = ("order_record",)  # satisfied by the order snapshot frozen at filing
PLATFORM_SIDES = frozenset({"agent", "senior_agent", "assignee", "platform", "admin"})
# After the review starts, parties add evidence only when an agent asked (request_evidence).
ON_REQUEST_ONLY = ("under_review", "decided", "appealed")
INLINE_TYPES = (
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/heic",
    "image/heif",
    "video/mp4",
    "video/quicktime",
)


def present_kinds(case: Any) -> set[str]:
    kinds = set(
        EvidenceItem.objects.filter(case=case, withdrawn_at__isnull=True).values_list("kind", flat=True)
    )
    # A platform order is frozen into the case at filing; a purchase declared in self-help mode
    # is only the consumer's word until its screenshot or export is on file.
    return kinds if case.mode == "self_help" else kinds | set(AUTOMATIC_KINDS)


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


# ---- who may add evidence, and when ----------------------------------------------------------


def side_of(sides: set[str]) -> str:
    """The side an item added by this viewer belongs to: consumer, merchant or platform ("": none)."""
    if "consumer" in sides:
        return "consumer"
    if "merchant" in sides:
        return "merchant"
    if sides & PLATFORM_SIDES:
        return "platform"
    return ""


def adding_side(actor: Actor, case: Any) -> str:
    """The side this actor adds evidence for on this case now; raises why not.

    ``NotFound`` when the actor may not see the case at all (callers answer 404); ``NotAllowed``
    with a sentence saying when evidence can be added otherwise. The rule: the consumer on a
    draft; both parties while the case is open, until the review starts; after that only the
    party an agent asked (``request_evidence``), while that window is open; platform agents at
    any time once the case is filed; nobody once the case has ended.
    """
    sides = permissions.sides(actor, case)
    if not sides:
        raise NotFound("case_not_found", _("No such case."))
    side = side_of(sides)
    if not side:
        raise NotAllowed("not_your_role", _("You cannot add evidence to this case."))
    if case.status in codes.ENDED_STATUSES:
        raise NotAllowed("case_ended", _("This case has ended; evidence can no longer be added to it."))
    if case.status == "draft":
        if side != "consumer":
            raise NotAllowed("not_filed", _("The consumer has not filed this case yet."))
        return side
    # The evidence window after review is the platform's own process; in self-help mode the
    # outside platform's steps are only recorded here, so the consumer may keep adding evidence.
    if side == "platform" or case.status not in ON_REQUEST_ONLY or case.mode == "self_help":
        return side
    if case.evidence_requested_from in (side, "both"):
        return side
    raise NotAllowed(
        "evidence_window_closed",
        _("The case is under review: evidence can be added only when the platform agent asks for it."),
    )


def may_add(actor: Actor, case: Any) -> bool:
    try:
        adding_side(actor, case)
    except (NotFound, NotAllowed):
        return False
    return True


# ---- items as a viewer sees them --------------------------------------------------------------


def sees_flags(sides: set[str]) -> bool:
    """Reuse flags are a fraud signal for the platform: agents and admins see them, parties never."""
    return bool(sides & PLATFORM_SIDES)


def get_item(actor: Actor, public_id: str) -> EvidenceItem:
    """The item if this viewer may see its case; otherwise 404 (never 403)."""
    item = (
        EvidenceItem.objects.select_related("case", "event", "uploaded_by")
        .filter(public_id=ids.normalise(public_id or ""))
        .first()
    )
    if item is None or not permissions.can_view(actor, item.case):
        raise NotFound("evidence_not_found", _("No such evidence."))
    return item


def items_for(case: Any, actor: Actor) -> list[EvidenceItem]:
    """The case's items in the order they arrived (withdrawn ones too: they stay on record).

    Each item gets ``flags``: its reuse flags for platform viewers, an empty list for parties.
    """
    sides = permissions.sides(actor, case)
    if not sides:
        raise NotFound("case_not_found", _("No such case."))
    items = list(EvidenceItem.objects.filter(case=case).select_related("event").order_by("received_at", "pk"))
    flags: dict[int, list[EvidenceFlag]] = {}
    if sees_flags(sides) and items:
        rows = EvidenceFlag.objects.filter(item__in=items).select_related("other_case", "other_item")
        for flag in rows:
            flags.setdefault(flag.item_id, []).append(flag)
    for item in items:
        item.flags = flags.get(item.pk, [])  # type: ignore[attr-defined]
    return items


def flag_object(flag: EvidenceFlag) -> dict[str, Any]:
    return {
        "kind": flag.kind,
        "distance": flag.distance,
        "other_case": flag.other_case.public_id,
        "other_item": flag.other_item.public_id,
        "other_consumer": flag.other_consumer,
        "case_url": _case_url(flag.other_case.public_id),
    }


def _case_url(case_id: str) -> str:
    try:
        return reverse("web:case", args=[case_id])
    except Exception:
        return ""


def is_image(item: EvidenceItem) -> bool:
    return item.content_type.startswith("image/")


def links(item: EvidenceItem) -> dict[str, str]:
    return {
        "content": reverse("evidence:content", args=[item.public_id]),
        "thumbnail": reverse("evidence:thumbnail", args=[item.public_id]) if is_image(item) else "",
        "receipt": reverse("evidence:receipt", args=[item.public_id]),
    }


def item_object(item: EvidenceItem, sides: set[str]) -> dict[str, Any]:
    """An item as the web's upload endpoint and the API return it; flags only for the platform."""
    event = item.event
    obj: dict[str, Any] = {
        "id": item.public_id,
        "case": item.case.public_id,
        "kind": item.kind,
        "description": item.description,
        "side": item.side,
        "name": item.original_name,
        "size": item.size,
        "content_type": item.content_type,
        "sha256": item.sha256,
        "received_at": chain.timestamp(item.received_at),
        "captured_at": chain.timestamp(item.captured_at) if item.captured_at else None,
        "withdrawn_at": chain.timestamp(item.withdrawn_at) if item.withdrawn_at else None,
        "event": event.public_id if event else None,
        "event_hash": event.hash if event else None,
        "links": links(item),
    }
    if sees_flags(sides):
        flags = getattr(item, "flags", None)
        if flags is None:
            flags = list(item.reuse_flags.select_related("other_case", "other_item"))
        obj["reuse_flags"] = [flag_object(f) for f in flags]
    return obj
