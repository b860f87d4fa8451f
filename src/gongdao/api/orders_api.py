"""Orders: the platform pushes them (one, or a batch of up to 1,000), anyone who may see an
order reads it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Body, Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from gongdao import ids
from gongdao.api import ingest
from gongdao.api.auth import ORDERS, READ, actor_of, needs
from gongdao.api.common import order_out, responses
from gongdao.api.schemas import OrderBatchIn, OrderBatchOut, OrderOut, OrdersIn, OrderUpsertOut
from gongdao.errors import NotFound
from gongdao.orders.models import Order
from gongdao.parties import permissions

router = Router(tags=["orders"])


@router.post(
    "/orders",
    response=responses({200: OrderUpsertOut | OrderBatchOut, 201: OrderUpsertOut}, 409),
    summary="Push an order, or a batch of up to 1,000 (upsert by the platform's order number)",
    description=(
        'One order: 201 when created, 200 when updated or unchanged. A batch (`{"orders": […]}`) '
        "is all or nothing and answers 200 with the result of each. Once a case is filed on an "
        "order, its lines are frozen (409 `line_has_case`): the case's order snapshot is the record."
    ),
    auth=needs(ORDERS),
)
def push_orders(request: HttpRequest, payload: Body[OrdersIn]) -> Any:
    if isinstance(payload, OrderBatchIn):
        results = ingest.upsert([o.model_dump() for o in payload.orders], batch=True)
        counts = {
            kind: sum(1 for r in results if r.result == kind) for kind in ("created", "updated", "unchanged")
        }
        return {
            **counts,
            "orders": [
                {"external_id": r.order.external_id, "id": r.order.public_id, "result": r.result}
                for r in results
            ],
        }
    (result,) = ingest.upsert([payload.model_dump()], batch=False)
    order = _fetch(result.order.pk)
    body = {**order_out(order), "result": result.result}
    return Status(201, body) if result.result == "created" else body


def _fetch(pk: int) -> Order:
    return Order.objects.select_related("shop", "consumer").prefetch_related("lines").get(pk=pk)


class OrderLookup(Schema):
    external_id: str = Field(min_length=1, max_length=100, description="The platform's order number.")


@router.get(
    "/orders",
    response=responses({200: list[OrderOut]}),
    summary="Find an order by the platform's order number",
    auth=needs(READ, ORDERS, any_of=True),
)
def find_orders(request: HttpRequest, lookup: Query[OrderLookup]) -> Any:
    actor = actor_of(request)
    qs = permissions.visible_orders_of(actor).select_related("shop", "consumer").prefetch_related("lines")
    qs = qs.filter(external_id=lookup.external_id)
    return [order_out(o) for o in qs.order_by("id")[:50]]


@router.get(
    "/orders/{order_id}",
    response=responses({200: OrderOut}, 404),
    summary="One order, with which lines have cases",
    auth=needs(READ, ORDERS, any_of=True),
)
def get_order(request: HttpRequest, order_id: str) -> Any:
    actor = actor_of(request)
    order = (
        permissions.visible_orders_of(actor)
        .select_related("shop", "consumer")
        .prefetch_related("lines")
        .filter(public_id=ids.normalise(order_id))
        .first()
    )
    if order is None:
        raise NotFound("order_not_found", _("No such order."))
    return order_out(order)
