"""Reuse detection: is this file, or a near-identical image, already evidence in another case?

Two lookups, both through an index and never a scan of all items:
- the same file: ``sha256`` is indexed;
- a near-identical image: the 64-bit pHash is stored with its four 16-bit bands, each indexed.
  Images within Hamming distance 3 share at least one band exactly (media.hash_bands), so the
  candidates are the rows matching any band; the exact distance is then computed on those few.

A match is flagged on both items (each case's agent sees it), most telling first: another
consumer's case. Parties never see flags (queries.sees_flags).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Q

from gongdao.evidence import media
from gongdao.evidence.models import EvidenceFlag, EvidenceItem

BANDS = 4
# Bits of pHash that may differ for two images to count as the same picture. With 4 bands the
# band lookup finds every pair up to BANDS - 1 = 3 bits apart; a larger setting is capped there.
DEFAULT_DISTANCE = 3
# Kinds where the same picture in two cases is normal (the same shop page, an association's form).
# Files the platform itself adds (agents' notes) are never a signal either: only the parties'.
NOT_SIGNALS = ("product_page", "authorization")
MAX_CANDIDATES = 500  # rows fetched per lookup; a degenerate hash (a blank page) matches many
MAX_FLAGS = 20  # flags written per new item


def max_distance() -> int:
    wanted = int(getattr(settings, "GONGDAO_REUSE_MAX_DISTANCE", DEFAULT_DISTANCE))
    return max(0, min(wanted, BANDS - 1))


def band_fields(phash: int | None) -> dict[str, int | None]:
    """The item's ``phash_band0..3`` values (all None without a hash)."""
    if phash is None:
        return {f"phash_band{i}": None for i in range(BANDS)}
    return {f"phash_band{i}": band for i, band in enumerate(media.hash_bands(phash, BANDS))}


def matches(item: EvidenceItem) -> list[tuple[EvidenceItem, str, int]]:
    """Items of other cases with the same file or a near-identical image: (item, kind, distance)."""
    if item.kind in NOT_SIGNALS or item.side == "platform":
        return []
    others = (
        EvidenceItem.objects.exclude(case_id=item.case_id)
        .exclude(kind__in=NOT_SIGNALS)
        .exclude(side="platform")
    )
    found: dict[int, tuple[EvidenceItem, str, int]] = {}
    for other in others.filter(sha256=item.sha256).select_related("case").order_by("-pk")[:MAX_CANDIDATES]:
        found[other.pk] = (other, "same_file", 0)
    if item.phash is not None:
        limit = max_distance()
        bands = band_fields(item.phash)
        near = Q()
        for name, value in bands.items():
            near |= Q(**{name: value})
        candidates = others.filter(near).exclude(pk__in=list(found)).select_related("case")
        for other in candidates.order_by("-pk")[:MAX_CANDIDATES]:
            distance = media.hamming(item.phash, other.phash) if other.phash is not None else 64
            if distance <= limit:
                found[other.pk] = (other, "similar_image", distance)
    return list(found.values())


def flag(item: EvidenceItem, now: datetime) -> list[EvidenceFlag]:
    """Record a flag on the new item for each match, and the mirror flag on the matched item."""
    consumer_id = item.case.consumer_id
    found = matches(item)
    found.sort(key=lambda m: (m[0].case.consumer_id == consumer_id, m[2], -m[0].pk))
    flags = []
    for other, kind, distance in found[:MAX_FLAGS]:
        other_consumer = other.case.consumer_id != consumer_id
        common: dict[str, Any] = {"kind": kind, "distance": distance, "other_consumer": other_consumer}
        flags.append(
            EvidenceFlag(item=item, other_item=other, other_case=other.case, created_at=now, **common)
        )
        flags.append(
            EvidenceFlag(item=other, other_item=item, other_case=item.case, created_at=now, **common)
        )
    EvidenceFlag.objects.bulk_create(flags, ignore_conflicts=True)
    return [f for f in flags if f.item_id == item.pk]
