"""Declaring a purchase made elsewhere (self-help mode): the outside shop, the order and its
lines, checked field by field, written in one transaction. The guided path then opens a case on
the declared order exactly as on a platform order (cases.actions.open_case); the order record
itself (a screenshot or export) is the case's ``order_record`` evidence."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongdao.cases.effects import clean_text
from gongdao.errors import Conflict, Forbidden, InvalidInput
from gongdao.orders.models import Order, OrderLine
from gongdao.parties.models import OutsideParty
from gongdao.policy.document import PROFILES
from gongdao.selfhelp.effects import parse_when

FIELDS = {
    "platform",
    "shop",
    "order_number",
    "ordered_at",
    "paid_at",
    "shipped_at",
    "signed_at",
    "carrier",
    "tracking_number",
    "logistics_status",
    "shipping_fee_fen",
    "lines",
}
SHOP_FIELDS = {"name", "region", "address", "credit_code", "contact", "store_url"}
LINE_FIELDS = {"name", "spec", "quantity", "unit_price_fen", "paid_fen"}
MAX_LINES = 50
# Unified social credit code (GB 32100-2015): 18 characters, digits and capitals without I, O, Z, S, V.
CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def _unknown(data: dict[str, Any], allowed: set[str], where: str) -> None:
    extra = sorted(set(data) - allowed)
    if extra:
        raise InvalidInput(
            "unknown_field",
            _("Unknown field: %(name)s.") % {"name": where + extra[0]},
            field=where + extra[0],
        )


def _text(data: dict[str, Any], key: str, field: str, *, required: bool = False, limit: int = 200) -> str:
    value = data.get(key)
    return clean_text("" if value is None else value, field, required=required, limit=limit)


def _fen(data: dict[str, Any], key: str, field: str, *, default: int | None = None) -> int:
    value = data.get(key, default)
    if value is None:
        raise InvalidInput("required", _("This field is required."), field=field)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput("invalid_amount", _("Amounts are whole numbers of fen."), field=field)
    if value < 0:
        raise InvalidInput("amount_negative", _("The amount cannot be negative."), field=field)
    return value


def _moment(data: dict[str, Any], key: str, now: datetime, *, required: bool = False) -> datetime | None:
    value = parse_when(data.get(key), field=key)
    if value is None:
        if required:
            raise InvalidInput("required", _("This field is required."), field=key)
        return None
    if value > now + timedelta(minutes=5):
        raise InvalidInput("date_in_future", _("This date is in the future."), field=key)
    return value


def _shop(raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise InvalidInput("required", _("Name the shop you bought from."), field="shop.name")
    _unknown(raw, SHOP_FIELDS, "shop.")
    shop = {
        "name": _text(raw, "name", "shop.name", required=True),
        "region": _text(raw, "region", "shop.region"),
        "address": _text(raw, "address", "shop.address", limit=300),
        "credit_code": _text(raw, "credit_code", "shop.credit_code", limit=18).upper(),
        "contact": _text(raw, "contact", "shop.contact"),
        "store_url": _text(raw, "store_url", "shop.store_url", limit=200),
    }
    if shop["credit_code"] and not CREDIT_CODE.match(shop["credit_code"]):
        raise InvalidInput(
            "invalid_credit_code",
            _("A unified social credit code has 18 letters and digits (it is on the shop's licence)."),
            field="shop.credit_code",
        )
    if shop["store_url"]:
        try:
            URLValidator(schemes=["http", "https"])(shop["store_url"])
        except ValidationError:
            raise InvalidInput(
                "invalid_url",
                _("Enter the shop's web address, starting with https://."),
                field="shop.store_url",
            )
    return shop


def _lines(raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not raw:
        raise InvalidInput("lines_required", _("List at least one item you bought."), field="lines")
    if len(raw) > MAX_LINES:
        raise InvalidInput(
            "too_many_lines", _("At most %(n)d items per order.") % {"n": MAX_LINES}, field="lines"
        )
    lines = []
    for index, item in enumerate(raw):
        where = f"lines[{index}]."
        if not isinstance(item, dict):
            raise InvalidInput("invalid_line", _("Describe each item."), field=f"lines[{index}]")
        _unknown(item, LINE_FIELDS, where)
        quantity = item.get("quantity", 1)
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise InvalidInput(
                "invalid_quantity", _("The quantity is a whole number, 1 or more."), field=where + "quantity"
            )
        unit = _fen(item, "unit_price_fen", where + "unit_price_fen")
        paid = _fen(item, "paid_fen", where + "paid_fen", default=unit * quantity)
        if paid > unit * quantity:
            raise InvalidInput(
                "paid_over_price",
                _("The amount paid is more than the price times the quantity."),
                field=where + "paid_fen",
            )
        lines.append(
            {
                "line_no": index + 1,
                "name": _text(item, "name", where + "name", required=True, limit=300),
                "spec": _text(item, "spec", where + "spec", limit=300),
                "quantity": quantity,
                "unit_price_fen": unit,
                "paid_fen": paid,
            }
        )
    return lines


def validate(data: Any, now: datetime | None = None) -> dict[str, Any]:
    """The declaration checked and normalised; InvalidInput names the first bad field."""
    now = now or timezone.now()
    if not isinstance(data, dict):
        raise InvalidInput("invalid_body", _("Send the purchase as an object."))
    _unknown(data, FIELDS, "")
    platform = data.get("platform") or "other"
    if platform not in PROFILES:
        raise InvalidInput(
            "invalid_platform", _("Choose the platform you bought on, or “other”."), field="platform"
        )
    clean: dict[str, Any] = {
        "platform": platform,
        "shop": _shop(data.get("shop")),
        "order_number": _text(data, "order_number", "order_number", required=True, limit=100),
        "ordered_at": _moment(data, "ordered_at", now, required=True),
        "paid_at": _moment(data, "paid_at", now),
        "shipped_at": _moment(data, "shipped_at", now),
        "signed_at": _moment(data, "signed_at", now),
        "carrier": _text(data, "carrier", "carrier", limit=100),
        "tracking_number": _text(data, "tracking_number", "tracking_number", limit=100),
        "logistics_status": _text(data, "logistics_status", "logistics_status", limit=100),
        "shipping_fee_fen": _fen(data, "shipping_fee_fen", "shipping_fee_fen", default=0),
        "lines": _lines(data.get("lines")),
    }
    ordered = clean["ordered_at"]
    for key, message in (
        ("shipped_at", _("The goods cannot have shipped before the order was placed.")),
        ("signed_at", _("The goods cannot have arrived before the order was placed.")),
    ):
        if clean[key] is not None and clean[key] < ordered:
            raise InvalidInput("dates_out_of_order", message, field=key)
    # Pay-after-use (先用后付) pays after signing; paying before ordering is impossible.
    if clean["paid_at"] is not None and clean["paid_at"] < ordered - timedelta(minutes=1):
        raise InvalidInput(
            "dates_out_of_order", _("The order cannot have been paid before it was placed."), field="paid_at"
        )
    if clean["shipped_at"] and clean["signed_at"] and clean["signed_at"] < clean["shipped_at"]:
        raise InvalidInput(
            "dates_out_of_order",
            _("The goods cannot have arrived before they were shipped."),
            field="signed_at",
        )
    return clean


def declare_purchase(user: Any, data: Any, *, consumer: Any = None, now: datetime | None = None) -> Order:
    """Record a purchase made elsewhere for ``consumer`` (default: the user). Association staff
    declare for a member they act for (parties.permissions decides)."""
    from gongdao.parties import permissions

    consumer = consumer or user
    if not permissions.may_act_for(user, consumer):
        raise Forbidden(
            "not_your_member", _("You may declare purchases only for yourself or members you act for.")
        )
    clean = validate(data, now)
    duplicate = Order.objects.filter(
        source="declared",
        consumer=consumer,
        external_id=clean["order_number"],
        outside_shop__platform=clean["platform"],
    ).first()
    if duplicate is not None:
        raise Conflict(
            "order_already_declared",
            _("You already declared order %(number)s (%(id)s).")
            % {"number": clean["order_number"], "id": duplicate.public_id},
            field="order_number",
            order=duplicate.public_id,
        )
    with transaction.atomic():
        shop = OutsideParty.objects.create(kind="merchant", platform=clean["platform"], **clean["shop"])
        order = Order.objects.create(
            source="declared",
            external_id=clean["order_number"],
            outside_shop=shop,
            consumer=consumer,
            shipping_fee_fen=clean["shipping_fee_fen"],
            ordered_at=clean["ordered_at"],
            paid_at=clean["paid_at"],
            shipped_at=clean["shipped_at"],
            signed_at=clean["signed_at"],
            carrier=clean["carrier"],
            tracking_number=clean["tracking_number"],
            logistics_status=clean["logistics_status"],
        )
        OrderLine.objects.bulk_create([OrderLine(order=order, **line) for line in clean["lines"]])
    return order
