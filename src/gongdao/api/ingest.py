"""Order ingest: the platform pushes orders, upserted by its own order number (external id).

One call takes one order or a batch of up to 1,000; a batch is all or nothing (every order is
checked first, then all are written in one transaction). An order's lines may change until a
case is filed on the order: the case freezes a snapshot of the whole order, and ``gongdao
verify`` compares every line with it, so from then on a change to an existing line's item,
quantity or amounts, removing a line, or moving the order to another shop or consumer is
refused (409). New lines may still be added; logistics and payment times may always change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from gongdao import ids
from gongdao.cases.models import Case
from gongdao.errors import Conflict, InvalidInput
from gongdao.orders.models import Order, OrderLine
from gongdao.parties.models import Shop, User

ORDER_FIELDS = (
    "ordered_at",
    "paid_at",
    "shipped_at",
    "signed_at",
    "carrier",
    "tracking_number",
    "logistics_status",
    "invoice_issued",
    "shipping_fee_fen",
)
LINE_FIELDS = ("name", "spec", "quantity", "unit_price_fen", "paid_fen")
CONSUMER_ROLES = ("consumer", "association_staff")


@dataclass
class Upserted:
    order: Order
    result: str  # created | updated | unchanged


def upsert(items: list[dict[str, Any]], *, batch: bool) -> list[Upserted]:
    """Check every order, then write them all; a unique-key race with a concurrent push of the
    same new order is retried once."""
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                return _upsert(items, batch)
        except IntegrityError:
            if attempt == 2:
                raise Conflict(
                    "concurrent_push", _("The same order was pushed at the same moment; push it again.")
                )
    raise AssertionError("unreachable")


def _where(batch: bool, index: int, field: str) -> str:
    return f"orders.{index}.{field}" if batch else field


def _upsert(items: list[dict[str, Any]], batch: bool) -> list[Upserted]:
    _check_unique(items, batch)
    shops = _shops(items, batch)
    consumers = _consumers(items, batch)
    existing = {
        o.external_id: o
        for o in Order.objects.filter(source="platform", external_id__in=[i["external_id"] for i in items])
        .select_for_update()
        .prefetch_related("lines")
    }
    orders_with_cases = set(
        Case.objects.filter(order__in=existing.values()).values_list("order_id", flat=True)
    )
    frozen_lines = set(OrderLine.objects.filter(order_id__in=orders_with_cases).values_list("id", flat=True))
    plans: list[tuple[str, int, dict[str, Any], Shop, User, Order | None]] = []
    for index, item in enumerate(items):
        shop = shops[item["shop"]]
        consumer = consumers[item["consumer"]]
        order = existing.get(item["external_id"])
        if order is None:
            plans.append(("create", index, item, shop, consumer, None))
            continue
        _check_frozen(order, item, shop, consumer, frozen_lines, order.id in orders_with_cases, batch, index)
        plans.append(("update", index, item, shop, consumer, order))
    return _write(plans, frozen_lines)


def _check_unique(items: list[dict[str, Any]], batch: bool) -> None:
    seen: set[str] = set()
    for index, item in enumerate(items):
        if item["external_id"] in seen:
            raise InvalidInput(
                "duplicate_order",
                _("This order number appears twice in the batch."),
                field=_where(batch, index, "external_id"),
            )
        seen.add(item["external_id"])
        numbers = [line["line_no"] for line in item["lines"]]
        if len(numbers) != len(set(numbers)):
            raise InvalidInput(
                "duplicate_line",
                _("Each line needs its own line number."),
                field=_where(batch, index, "lines"),
            )
        if any(line["paid_fen"] > line["unit_price_fen"] * line["quantity"] for line in item["lines"]):
            raise InvalidInput(
                "paid_over_price",
                _("A line's paid amount cannot exceed its price times its quantity."),
                field=_where(batch, index, "lines"),
            )


def _shops(items: list[dict[str, Any]], batch: bool) -> dict[str, Shop]:
    wanted = {i["shop"] for i in items}
    found = {s.public_id: s for s in Shop.objects.filter(public_id__in=[w.upper() for w in wanted])}
    result = {}
    for index, item in enumerate(items):
        shop = found.get(item["shop"].upper())
        if shop is None:
            raise InvalidInput(
                "unknown_shop", _("There is no such shop."), field=_where(batch, index, "shop")
            )
        result[item["shop"]] = shop
    return result


def _consumers(items: list[dict[str, Any]], batch: bool) -> dict[str, User]:
    wanted = {i["consumer"] for i in items}
    users = User.objects.filter(
        public_id__in=[w.upper() for w in wanted if ids.looks_like(w.upper(), "user")]
    )
    by_id = {u.public_id: u for u in users}
    by_name = {u.username: u for u in User.objects.filter(username__in=wanted)}
    result = {}
    for index, item in enumerate(items):
        ident = item["consumer"]
        user = by_id.get(ident.upper()) or by_name.get(ident)
        if user is None or user.role not in CONSUMER_ROLES or not user.is_active:
            raise InvalidInput(
                "unknown_consumer", _("There is no such consumer."), field=_where(batch, index, "consumer")
            )
        result[ident] = user
    return result


def _check_frozen(
    order: Order,
    item: dict[str, Any],
    shop: Shop,
    consumer: User,
    frozen_lines: set[int],
    has_cases: bool,
    batch: bool,
    index: int,
) -> None:
    if has_cases and (order.shop_id != shop.pk or order.consumer_id != consumer.pk):
        raise Conflict(
            "order_has_cases",
            _("This order has cases: its shop and consumer can no longer change."),
            field=_where(batch, index, "shop" if order.shop_id != shop.pk else "consumer"),
        )
    incoming = {line["line_no"]: line for line in item["lines"]}
    for line in order.lines.all():
        if line.id not in frozen_lines:
            continue
        new = incoming.get(line.line_no)
        if new is None or any(getattr(line, f) != new[f] for f in LINE_FIELDS):
            raise Conflict(
                "line_has_case",
                _("Line %(line)d is part of a case's record: its item and amounts can no longer change.")
                % {"line": line.line_no},
                field=_where(batch, index, "lines"),
            )


def _write(plans: list[tuple[Any, ...]], frozen_lines: set[int]) -> list[Upserted]:
    results: list[Upserted | None] = [None] * len(plans)
    new_orders = []
    for kind, index, item, shop, consumer, _order in plans:
        if kind == "create":
            order = Order(
                external_id=item["external_id"],
                source="platform",
                shop=shop,
                consumer=consumer,
                **{f: item[f] for f in ORDER_FIELDS},
            )
            new_orders.append((index, item, order))
    Order.objects.bulk_create([order for _i, _item, order in new_orders])
    OrderLine.objects.bulk_create(
        [
            OrderLine(order=order, **{"line_no": line["line_no"], **{f: line[f] for f in LINE_FIELDS}})
            for _i, item, order in new_orders
            for line in item["lines"]
        ]
    )
    for index, _item, order in new_orders:
        results[index] = Upserted(order, "created")
    for kind, index, item, shop, consumer, order in plans:
        if kind == "update":
            changed = _update(order, item, shop, consumer, frozen_lines)
            results[index] = Upserted(order, "updated" if changed else "unchanged")
    return [r for r in results if r is not None]


def _update(order: Order, item: dict[str, Any], shop: Shop, consumer: User, frozen_lines: set[int]) -> bool:
    changed = [f for f in ORDER_FIELDS if getattr(order, f) != item[f]]
    for field in changed:
        setattr(order, field, item[field])
    if order.shop_id != shop.pk or order.consumer_id != consumer.pk:
        order.shop, order.consumer = shop, consumer
        changed += ["shop", "consumer"]
    lines_changed = _update_lines(order, item["lines"], frozen_lines)
    if changed or lines_changed:
        order.save()
    return bool(changed or lines_changed)


def _update_lines(order: Order, lines: list[dict[str, Any]], frozen_lines: set[int]) -> bool:
    current = {line.line_no: line for line in order.lines.all()}
    incoming = {line["line_no"]: line for line in lines}
    changed = False
    gone = [line.id for no, line in current.items() if no not in incoming and line.id not in frozen_lines]
    if gone:
        OrderLine.objects.filter(id__in=gone).delete()
        changed = True
    for no, data in incoming.items():
        line = current.get(no)
        if line is None:
            OrderLine.objects.create(order=order, line_no=no, **{f: data[f] for f in LINE_FIELDS})
            changed = True
        elif any(getattr(line, f) != data[f] for f in LINE_FIELDS):
            for f in LINE_FIELDS:
                setattr(line, f, data[f])
            line.save(update_fields=list(LINE_FIELDS))
            changed = True
    return changed
