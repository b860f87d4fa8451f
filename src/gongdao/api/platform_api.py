"""Health and liveness, a shop's ledger of advance payouts, and the law advisor."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from django.db import connection
from django.db.models import Sum
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Body, Router
from ninja.responses import Status

from gongdao import __version__, ids
from gongdao.api.auth import READ, actor_of, needs
from gongdao.api.common import responses
from gongdao.api.schemas import EntitlementOut, HealthOut, LedgerOut, PingOut, ShopOut
from gongdao.cases.models import LedgerEntry
from gongdao.errors import InvalidInput, NotFound
from gongdao.parties import permissions
from gongdao.parties.models import Shop

log = logging.getLogger("gongdao.api")
router = Router(tags=["platform"])
PROBE = "0" * 64  # a content address no file has: asking for it exercises the store


@router.get(
    "/health",
    auth=None,
    response={200: HealthOut, 503: HealthOut},
    summary="Are the database and the evidence storage reachable? (no authentication)",
)
def health(request: HttpRequest) -> Any:
    database, storage = _check_database(), _check_storage()
    ok = database == "ok" and storage == "ok"
    body = {
        "status": "ok" if ok else "unavailable",
        "database": database,
        "storage": storage,
        "version": __version__,
    }
    return body if ok else Status(503, body)


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        log.warning("health: database unreachable: %s", exc)
        return "unreachable"
    return "ok"


def _check_storage() -> str:
    from gongdao.evidence.storage import LocalStore, get_store

    try:
        store = get_store()
        store.exists(PROBE)
        if isinstance(store, LocalStore):
            folder = _existing_ancestor(store.root)
            if not os.access(folder, os.W_OK):
                return "not writable"
    except Exception as exc:
        log.warning("health: storage unreachable: %s", exc)
        return "unreachable"
    return "ok"


def _existing_ancestor(path: Path) -> Path:
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


@router.get(
    "/ping",
    auth=None,
    response={200: PingOut},
    summary="Liveness: answers without touching the database (no authentication)",
)
def ping(request: HttpRequest) -> Any:
    return {"pong": True}


@router.get(
    "/shops",
    response=responses({200: list[ShopOut]}),
    summary="The shops whose account the caller may see (all, for the platform)",
    auth=needs(READ),
)
def list_shops(request: HttpRequest) -> Any:
    shops = permissions.visible_shops_of(actor_of(request)).order_by("id")
    return [{"id": s.public_id, "name": s.name, "region": s.region} for s in shops]


@router.get(
    "/shops/{shop_id}/ledger",
    response=responses({200: LedgerOut}, 404),
    summary="What a shop owes the platform back: advance payouts booked against it",
    tags=["money"],
    auth=needs(READ),
)
def ledger(request: HttpRequest, shop_id: str) -> Any:
    actor = actor_of(request)
    shop = Shop.objects.filter(public_id=ids.normalise(shop_id)).first()
    if shop is None or not permissions.shop_sides(actor, shop):
        raise NotFound("shop_not_found", _("No such shop."))
    entries = LedgerEntry.objects.filter(shop=shop).select_related("case").order_by("-recorded_at", "-id")
    outstanding = entries.filter(recovered_at__isnull=True).aggregate(total=Sum("amount_fen"))["total"] or 0
    return {
        "shop": shop.public_id,
        "shop_name": shop.name,
        "outstanding_fen": outstanding,
        "entries": [
            {
                "case": e.case.public_id,
                "kind": e.kind,
                "amount_fen": e.amount_fen,
                "recorded_at": e.recorded_at,
                "recovered_at": e.recovered_at,
            }
            for e in entries
        ],
    }


@router.post(
    "/law/assess",
    response=responses({200: list[EntitlementOut]}),
    summary="What the law entitles a consumer to on these facts, with amounts, dates and articles",
    description=(
        "The body is the facts object of `gongdao law assess` (docs/law.md lists every key). "
        "Every entitlement is returned, eligible or not, citing its articles."
    ),
    tags=["law"],
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {
                    "example": {
                        "category": "general",
                        "issue": "quality_defect",
                        "unit_price_fen": 39900,
                        "quantity": 1,
                        "paid_fen": 39900,
                        "ordered_on": "2025-03-01",
                        "signed_on": "2025-03-03",
                        "problem_found_on": "2025-03-05",
                        "today": "2025-03-06",
                    }
                }
            }
        }
    },
)
def law_assess(request: HttpRequest, payload: Body[dict[str, Any]]) -> Any:
    from gongdao.law.advisor import assess
    from gongdao.law.facts import FactsError, parse_facts
    from gongdao.policy.queries import calendar

    try:
        facts = parse_facts(payload)
    except FactsError as exc:
        raise InvalidInput("invalid_facts", exc.message, field=exc.field)
    return [e.to_dict() for e in assess(facts, calendar())]
