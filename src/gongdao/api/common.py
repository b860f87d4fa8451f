"""Helpers shared by the API's operations: finding a case the caller may see, its ETag, the
If-Match precondition, the response declarations, and rendering events and orders."""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from gongdao import db, ids
from gongdao.api.problems import BadRequest
from gongdao.api.schemas import Problem
from gongdao.cases import facts
from gongdao.cases.actors import Actor
from gongdao.cases.models import Case, CaseLine
from gongdao.cases.verification import event_dict
from gongdao.errors import NotFound
from gongdao.orders.models import Order, OrderLine
from gongdao.parties import permissions
from gongdao.parties.models import OutsideParty, Shop, User
from gongdao.policy.models import PolicyVersion

CASE_RELATED = ("shop", "consumer", "assignee", "policy", "order", "outside_merchant")
_IF_MATCH = re.compile(r'^\s*(?:W/)?"?(\d{1,10})"?\s*$')


def responses(ok: dict[int, Any], *errors: int) -> dict[int, Any]:
    """Success schemas plus the problems every authenticated operation may answer."""
    codes = {400, 401, 403, 422, 429, *errors}
    return {**ok, **{code: Problem for code in sorted(codes)}}


class RowReader:
    """Makes model instances from raw column values of a fixed list of fields, converted as the
    ORM converts them (dates, JSON, booleans); fields not in the list are deferred and load on
    access. The converters are looked up once per database vendor, for the fields that have any:
    on the API's hot reads this is most of what building the objects costs.

    An instance is what ``Model.from_db`` makes; for a model that does not customise loading
    (no ``from_db`` or ``__init__`` of its own, nothing listening to ``pre_init``/``post_init``
    when first read) it is made directly, its values set as ``Model.__init__`` sets them, without
    the per-field loop and the two signals (a quarter of an API case read's Python time)."""

    def __init__(self, model: Any, fields: Any) -> None:
        self.model = model
        self.fields = tuple(fields)
        self.names = [f.attname for f in self.fields]
        self._steps: dict[str, list[tuple[int, Any, list[Any]]]] = {}
        self._plain: bool | None = None

    def __len__(self) -> int:
        return len(self.fields)

    def _converters(self, db: Any) -> list[tuple[int, Any, list[Any]]]:
        steps = self._steps.get(db.vendor)
        if steps is None:
            steps = []
            for n, field in enumerate(self.fields):
                column = field.get_col(self.model._meta.db_table)
                found = db.ops.get_db_converters(column) + field.get_db_converters(db)
                if found:
                    steps.append((n, column, found))
            self._steps[db.vendor] = steps
        return steps

    def read(self, values: Any, db: Any = None) -> Any:
        db = db or connections[DEFAULT_DB_ALIAS]
        values = list(values)
        for n, column, converters in self._converters(db):
            value = values[n]
            for convert in converters:
                value = convert(value, column, db)
            values[n] = value
        if self._plain is None:
            self._plain = _loads_plainly(self.model)
        if not self._plain:
            return self.model.from_db(db.alias, self.names, values)
        instance = self.model.__new__(self.model)
        instance.__dict__.update(zip(self.names, values, strict=True))
        state = instance._state = ModelState()
        state.adding, state.db = False, db.alias
        return instance


def _loads_plainly(model: Any) -> bool:
    return (
        model.from_db.__func__ is Model.from_db.__func__
        and model.__init__ is Model.__init__
        and not pre_init.has_listeners(model)
        and not post_init.has_listeners(model)
    )


# The case with what its case object reads of the related rows, in one statement compiled once:
# the ORM's select_related compiles its SQL on every call, which costs more than the query on
# this, the API's hottest read (bench/api_bench.py). Other fields of the related rows are
# deferred and load if something asks for them. A read that renders the case object
# (``reads=True``) gets in the same statement the case's lines with their order lines (as one
# JSON array) and the facts its guards ask about (``cases.facts``): one round trip in all.
_RELATED = (  # (relation, model, fields read, required)
    ("order", Order, ("id", "public_id"), True),
    ("consumer", User, ("id", "public_id"), True),
    ("policy", PolicyVersion, ("id", "version", "sha256"), True),  # not the document: see parsed()
    ("shop", Shop, ("id", "public_id", "name"), False),
    ("assignee", User, ("id", "public_id"), False),
    ("outside_merchant", OutsideParty, ("id", "name"), False),
)
_CASE = RowReader(Case, Case._meta.concrete_fields)
_RELATED_READERS = [
    (relation, RowReader(model, [model._meta.get_field(name) for name in names]))
    for relation, model, names, _required in _RELATED
]
# Every column of both is a number, a string or a boolean, so they travel through JSON unchanged.
_LINE = RowReader(CaseLine, CaseLine._meta.concrete_fields)
_ORDER_LINE = RowReader(OrderLine, OrderLine._meta.concrete_fields)
_JSON_ARRAY = {"sqlite": ("json_group_array", "json_array"), "postgresql": ("json_agg", "json_build_array")}


@functools.lru_cache(maxsize=4)
def _case_sql(vendor: str, reads: bool) -> str:
    quote = connection.ops.quote_name
    columns = [f"c.{quote(str(f.column))}" for f in _CASE.fields]
    joins = []
    for n, (relation, model, names, required) in enumerate(_RELATED):
        alias = f"r{n}"
        columns += [f"{alias}.{quote(_column(model, name))}" for name in names]
        fk = quote(_column(Case, relation))
        kind = "JOIN" if required else "LEFT JOIN"
        joins.append(f"{kind} {quote(model._meta.db_table)} {alias} ON {alias}.{quote('id')} = c.{fk}")
    if reads:
        case_id = f"c.{quote('id')}"
        columns += [_lines_sql(vendor, case_id), facts.columns_sql(vendor, case_id)]
    return (
        f"SELECT {', '.join(columns)} FROM {quote(Case._meta.db_table)} c {' '.join(joins)} "  # noqa: S608
        f"WHERE c.{quote('public_id')} = %s"
    )


def _lines_sql(vendor: str, case_id: str) -> str:
    """The case's lines as one JSON array of arrays: the case line's columns, then its order
    line's."""
    quote = connection.ops.quote_name
    aggregate, array = _JSON_ARRAY[vendor]
    values = [f"cl.{quote(str(f.column))}" for f in _LINE.fields]
    values += [f"ol.{quote(str(f.column))}" for f in _ORDER_LINE.fields]
    return (
        f"(SELECT {aggregate}({array}({', '.join(values)})) "  # noqa: S608 (our names)
        f"FROM {quote(CaseLine._meta.db_table)} cl JOIN {quote(OrderLine._meta.db_table)} ol "
        f"ON ol.{quote('id')} = cl.{quote(_column(CaseLine, 'order_line'))} "
        f"WHERE cl.{quote(_column(CaseLine, 'case'))} = {case_id})"
    )


def _column(model: Any, name: str) -> str:
    return str(model._meta.get_field(name).column)


def _fetch_case(public_id: str, reads: bool) -> Case | None:
    database = connections[DEFAULT_DB_ALIAS]
    row = db.fetchone(_case_sql(database.vendor, reads), [public_id])
    if row is None:
        return None
    case = _CASE.read(row[: len(_CASE)], database)
    at = len(_CASE)
    for relation, reader in _RELATED_READERS:
        values = row[at : at + len(reader)]
        at += len(reader)
        case._state.fields_cache[relation] = None if values[0] is None else reader.read(values, database)
    if reads:
        facts.remember_lines(case, _lines(case, row[at], database))
        facts.remember(case, facts.from_values(case.version, row[at + 1 :]))
    return case


def _lines(case: Case, value: Any, database: Any) -> list[CaseLine]:
    rows = json.loads(value) if isinstance(value, str) else (value or [])
    split = len(_LINE)
    lines = []
    for values in rows:
        line = _LINE.read(values[:split], database)
        line._state.fields_cache["order_line"] = _ORDER_LINE.read(values[split:], database)
        line._state.fields_cache["case"] = case
        lines.append(line)
    lines.sort(key=lambda line: (line.order_line.line_no, line.pk))  # CaseLine's own ordering
    return lines


def load_case(actor: Actor, public_id: str, *, reads: bool = False) -> Case:
    """The case if this caller may see it; otherwise 404 (never 403: ids are not confirmed).
    ``reads``: the case object will be rendered, so load its lines and guards' facts with it."""
    case = _fetch_case(ids.normalise(public_id), reads)
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
    data["on_behalf_of"] = event.on_behalf_of
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
