"""Case lists with cursors that stay stable while cases change.

Cases are ordered by their next deadline, and deadlines move as cases move, so a cursor that
remembered only "the last deadline seen" would skip or repeat cases that changed between two
pages. Instead the first page records a snapshot: which cases matched and in which order. Every
later page reads the next slice of that snapshot, showing each case as it is now (and leaving
out any the caller may no longer see). So every case that matched when the listing began
appears exactly once; cases created later appear in a new listing (``updated_since`` finds
them). A snapshot lives one hour and holds at most ``MAX_ROWS`` cases.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongdao.api.common import CASE_RELATED
from gongdao.api.models import CaseListing
from gongdao.cases import facts
from gongdao.cases.actors import Actor
from gongdao.cases.models import Case
from gongdao.errors import InvalidInput
from gongdao.parties import permissions

LIFETIME = timedelta(hours=1)
MAX_ROWS = 100_000
ORDERINGS: dict[str, tuple[Any, ...]] = {
    "due_at": (F("due_at").asc(nulls_last=True), "id"),
    "updated_at": ("updated_at", "id"),
}
_CURSOR = re.compile(r"^([A-Za-z0-9_-]{16,32})\.(\d{1,9})$")


@dataclass
class Page:
    cases: list[Case]
    next_cursor: str | None
    total: int


def filtered(actor: Actor, filters: dict[str, Any]) -> QuerySet:
    qs = permissions.visible_cases_of(actor)
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("stage"):
        qs = qs.filter(stage=filters["stage"])
    if filters.get("shop"):
        qs = qs.filter(shop__public_id=filters["shop"].upper())
    if filters.get("consumer"):
        qs = qs.filter(consumer__public_id=filters["consumer"].upper())
    assignee = filters.get("assignee")
    if assignee == "none":
        qs = qs.filter(assignee__isnull=True)
    elif assignee == "me":
        qs = qs.filter(assignee_id=actor.user.pk) if actor.user is not None else qs.none()
    elif assignee:
        qs = qs.filter(assignee__public_id=assignee.upper())
    if filters.get("due_before"):
        qs = qs.filter(due_at__lt=filters["due_before"])
    if filters.get("updated_since"):
        qs = qs.filter(updated_at__gte=filters["updated_since"])
    return qs


def _query_key(filters: dict[str, Any], ordering: str) -> str:
    plain = {k: str(v) for k, v in sorted(filters.items()) if v not in (None, "")}
    return hashlib.sha256(json.dumps([plain, ordering]).encode()).hexdigest()


def page(
    actor: Actor, owner: str, filters: dict[str, Any], ordering: str, limit: int, cursor: str | None
) -> Page:
    now = timezone.now()
    query = _query_key(filters, ordering)
    if cursor:
        listing, offset = _resume(owner, cursor, query, now)
    else:
        listing, offset = _begin(actor, owner, filters, ordering, query, now), 0
    ids = [int(i) for i in listing.ids.split(",") if i] if listing.ids else []
    chunk = ids[offset : offset + limit]
    end = offset + len(chunk)
    next_cursor = f"{listing.token}.{end}" if end < len(ids) else None
    return Page(_load(actor, chunk), next_cursor, listing.count)


def _begin(
    actor: Actor, owner: str, filters: dict[str, Any], ordering: str, query: str, now: Any
) -> CaseListing:
    CaseListing.objects.filter(expires_at__lt=now).delete()
    ids = list(
        filtered(actor, filters).order_by(*ORDERINGS[ordering]).values_list("id", flat=True)[: MAX_ROWS + 1]
    )
    if len(ids) > MAX_ROWS:
        raise InvalidInput(
            "too_many_results",
            _("More than %(limit)d cases match: narrow the list, e.g. with updated_since or status.")
            % {"limit": MAX_ROWS},
        )
    return CaseListing.objects.create(
        token=secrets.token_urlsafe(16),
        owner=owner,
        query=query,
        ids=",".join(map(str, ids)),
        count=len(ids),
        created_at=now,
        expires_at=now + LIFETIME,
    )


def _resume(owner: str, cursor: str, query: str, now: Any) -> tuple[CaseListing, int]:
    match = _CURSOR.match(cursor)
    listing = CaseListing.objects.filter(token=match.group(1)).first() if match else None
    if listing is None or listing.owner != owner or listing.expires_at < now:
        raise InvalidInput(
            "invalid_cursor",
            _("This cursor is unknown or has expired (after an hour): start the list again."),
            field="cursor",
        )
    if listing.query != query:
        raise InvalidInput(
            "cursor_mismatch",
            _("Send the same filters with the cursor as with the first page."),
            field="cursor",
        )
    return listing, int(match.group(2)) if match else 0


def _load(actor: Actor, chunk: Iterable[int]) -> list[Case]:
    chunk = list(chunk)
    rows = {c.pk: c for c in Case.objects.select_related(*CASE_RELATED).filter(pk__in=chunk)}
    cases = [rows[pk] for pk in chunk if pk in rows and permissions.can_view(actor, rows[pk])]
    facts.prefetch(cases)  # what each case object reads of lines and guards, for the whole page
    return cases
