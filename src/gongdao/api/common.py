"""Helpers shared by the API's operations: finding a case the caller may see, its ETag, the
If-Match precondition, the response declarations, and rendering events and orders."""

from __future__ import annotations

import functools
import re
from typing import Any

from django.db import connection
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from gongdao import ids
from gongdao.api.problems import BadRequest
from gongdao.api.schemas import Problem
from gongdao.cases.actors import Actor
from gongdao.cases.models import Case
from gongdao.cases.verification import event_dict
from gongdao.errors import NotFound
from gongdao.orders.models import Order
from gongdao.parties import permissions
from gongdao.parties.models import OutsideParty, Shop, User
from gongdao.policy.models import PolicyVersion

CASE_RELATED = ("shop", "consumer", "assignee", "policy", "order", "outside_merchant")
_IF_MATCH = re.compile(r'^\s*(?:W/)?"?(\d{1,10})"?\s*$')


def responses(ok: dict[int, Any], *errors: int) -> dict[int, Any]:
    """Success schemas plus the problems every authenticated operation may answer."""
    codes = {400, 401, 403, 422, 429, *errors}
    return {**ok, **{code: Problem for code in sorted(codes)}}


def from_row(model: Any, fields: list[Any], values: Any) -> Any:
    """A model instance from raw column values (converted as the ORM converts them); the
    fields not given are deferred and load on access."""
    names, converters = _converters(model, tuple(fields))
    converted = []
    for value, (column, steps) in zip(values, converters, strict=True):
        for convert in steps:
            value = convert(value, column, connection)
        converted.append(value)
    return model.from_db(connection.alias, names, converted)


@functools.lru_cache(maxsize=64)
def _converters(model: Any, fields: tuple[Any, ...]) -> tuple[list[str], list[tuple[Any, list[Any]]]]:
    steps = []
    for field in fields:
        column = field.get_col(model._meta.db_table)
        steps.append((column, connection.ops.get_db_converters(column) + field.get_db_converters(connection)))
    return [f.attname for f in fields], steps


# The case with what its case object reads of the related rows, in one statement compiled once:
# the ORM's select_related compiles its SQL on every call, which costs more than the query on
# this, the API's hottest read (bench/api_bench.py). Other fields of the related rows are
# deferred and load if something asks for them.
_RELATED = (  # (relation, model, fields read, required)
    ("order", Order, ("id", "public_id"), True),
    ("consumer", User, ("id", "public_id"), True),
    ("policy", PolicyVersion, ("id", "version", "document"), True),
    ("shop", Shop, ("id", "public_id", "name"), False),
    ("assignee", User, ("id", "public_id"), False),
    ("outside_merchant", OutsideParty, ("id", "name"), False),
)
_CASE_FIELDS = list(Case._meta.concrete_fields)


@functools.lru_cache(maxsize=1)
def _case_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    columns = [f"c.{quote(str(f.column))}" for f in _CASE_FIELDS]
    joins = []
    for n, (relation, model, names, required) in enumerate(_RELATED):
        alias = f"r{n}"
        columns += [f"{alias}.{quote(_column(model, name))}" for name in names]
        fk = quote(_column(Case, relation))
        kind = "JOIN" if required else "LEFT JOIN"
        joins.append(f"{kind} {quote(model._meta.db_table)} {alias} ON {alias}.{quote('id')} = c.{fk}")
    return (
        f"SELECT {', '.join(columns)} FROM {quote(Case._meta.db_table)} c {' '.join(joins)} "  # noqa: S608
        f"WHERE c.{quote('public_id')} = %s"
    )


def _column(model: Any, name: str) -> str:
    return str(model._meta.get_field(name).column)


def _fetch_case(public_id: str) -> Case | None:
    with connection.cursor() as cursor:
        cursor.execute(_case_sql(connection.vendor), [public_id])
        row = cursor.fetchone()
    if row is None:
        return None
    case = from_row(Case, _CASE_FIELDS, row[: len(_CASE_FIELDS)])
    at = len(_CASE_FIELDS)
    for relation, model, names, _required in _RELATED:
        values = row[at : at + len(names)]
        at += len(names)
        fields = [model._meta.get_field(name) for name in names]
        case._state.fields_cache[relation] = None if values[0] is None else from_row(model, fields, values)
    return case


def load_case(actor: Actor, public_id: str) -> Case:
    """The case if this caller may see it; otherwise 404 (never 403: ids are not confirmed)."""
    case = _fetch_case(ids.normalise(public_id))
    if case is None or not permissions.can_view(actor, case):
        raise NotFound("case_not_found", _("No such case."))
    return case


def etag(case: Case) -> str:
    return f'"{case.version}"'


def set_etag(response: HttpResponse, case: Case) -> None:
    response["ETag"] = etag(case)


def if_match_version(value: str | None) -> int | None:
    """The version an If-Match header names (``"7"``, ``W/"7"`` or ``7``); None for absent or ``*``."""
    if value is None or value.strip() == "*":
        return None
    match = _IF_MATCH.match(value)
    if not match:
        raise BadRequest(
            "invalid_if_match",
            _('If-Match takes the ETag of the case as you read it, e.g. "7".'),
            field="If-Match",
        )
    return int(match.group(1))


def event_out(event: Any) -> dict[str, Any]:
    data = event_dict(event)
    data["actor_role"] = event.actor_role
    return data


def owner_id(actor: Actor) -> str:
    if actor.kind == "api_key":
        return actor.key.public_id
    return actor.user_public_id or actor.kind


def order_out(order: Any) -> dict[str, Any]:
    lines = list(order.lines.all())
    with_cases = set(order.lines.filter(case_lines__isnull=False).values_list("id", flat=True).distinct())
    return {
        "id": order.public_id,
        "external_id": order.external_id,
        "source": order.source,
        "shop": order.shop.public_id if order.shop_id else None,
        "consumer": order.consumer.public_id,
        "ordered_at": order.ordered_at,
        "paid_at": order.paid_at,
        "shipped_at": order.shipped_at,
        "signed_at": order.signed_at,
        "carrier": order.carrier,
        "tracking_number": order.tracking_number,
        "logistics_status": order.logistics_status,
        "invoice_issued": order.invoice_issued,
        "shipping_fee_fen": order.shipping_fee_fen,
        "paid_fen": sum(line.paid_fen for line in lines),
        "lines": [
            {
                "line_no": line.line_no,
                "name": line.name,
                "spec": line.spec,
                "quantity": line.quantity,
                "unit_price_fen": line.unit_price_fen,
                "paid_fen": line.paid_fen,
                "has_case": line.id in with_cases,
            }
            for line in lines
        ],
        "created_at": order.created_at,
        "updated_at": order.updated_at,
    }
