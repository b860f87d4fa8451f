"""Validating and creating a new case from an order (called by actions.open_case)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from gongdao import codes
from gongdao.cases.actors import Actor
from gongdao.cases.models import Case, CaseLine
from gongdao.errors import Conflict, InvalidInput, NotFound
from gongdao.money import format_fen
from gongdao.orders.queries import refundable
from gongdao.policy import queries as policy_queries


def _check_consumer(order: Any, actor: Actor) -> None:
    from gongdao.parties.permissions import may_act_for

    user = actor.user
    if user is None or not may_act_for(user, order.consumer):
        if actor.kind == "api_key" and actor.key is not None and actor.key.may_file_for(order):
            return
        raise NotFound("order_not_found", _("No such order."), field="order")


def _lines(order: Any, remedy: str, raw: list[dict[str, Any]] | None) -> dict[Any, int]:
    from gongdao.cases.effects import CAPPED_REMEDIES, MONEY_REMEDIES

    by_no = {line.line_no: line for line in order.lines.all()}
    if raw is None:
        raw = [{"line_no": no, "amount_fen": _default_amount(line, remedy)} for no, line in by_no.items()]
        # A refund asks for what earlier cases left; a line refunded in full is left out.
        raw = [item for item in raw if item["amount_fen"] > 0 or remedy not in CAPPED_REMEDIES]
    if not isinstance(raw, list) or not raw:
        raise InvalidInput("lines_required", _("Choose at least one item of the order."), field="lines")
    chosen: dict[Any, int] = {}
    for item in raw:
        line = by_no.get(item.get("line_no")) if isinstance(item, dict) else None
        if line is None:
            raise InvalidInput("unknown_line", _("That item is not part of the order."), field="lines")
        fen = item.get("amount_fen", 0)
        if isinstance(fen, bool) or not isinstance(fen, int):
            raise InvalidInput("invalid_amount", _("Amounts are whole numbers of fen."), field="lines")
        if remedy in MONEY_REMEDIES and fen <= 0:
            raise InvalidInput("amount_not_positive", _("The amount must be more than ¥0.00."), field="lines")
        if fen < 0:
            raise InvalidInput("amount_not_positive", _("The amount cannot be negative."), field="lines")
        available = refundable(line)
        if remedy in CAPPED_REMEDIES and fen > available:
            raise InvalidInput(
                "amount_over_refundable",
                _("At most %(amount)s can be refunded on “%(item)s”.")
                % {"amount": format_fen(available), "item": line.name},
                field="lines",
            )
        if line.case_lines.filter(is_open=True).exists():
            raise Conflict(
                "line_has_open_case",
                _("“%(item)s” already has an open case.") % {"item": line.name},
                field="lines",
            )
        chosen[line] = fen
    return chosen


def _default_amount(line: Any, remedy: str) -> int:
    from gongdao.cases.effects import CAPPED_REMEDIES, MONEY_REMEDIES

    if remedy in CAPPED_REMEDIES:
        return refundable(line)
    return line.paid_fen if remedy in MONEY_REMEDIES else 0


def create(
    order: Any,
    actor: Actor,
    *,
    issue: str,
    remedy: str,
    lines: list[dict[str, Any]] | None,
    statement: str,
    now: datetime,
) -> Case:
    from gongdao.cases.actions import order_snapshot

    _check_consumer(order, actor)
    if issue not in codes.ISSUE_TYPES:
        raise InvalidInput("invalid_issue", _("Choose what went wrong."), field="issue")
    if order.source == "declared":
        # Self-help: the outside platform's published rules (its profile), not this platform's.
        platform = order.outside_shop.platform if order.outside_shop_id else ""
        version = policy_queries.profile_version(platform or "other")
    else:
        version = policy_queries.in_force(now)
    policy = policy_queries.parsed(version)
    if remedy not in codes.REMEDIES:
        raise InvalidInput("invalid_remedy", _("Choose what you want."), field="remedy")
    if remedy not in policy.remedies_for(issue):
        raise InvalidInput(
            "remedy_not_allowed", _("This remedy is not available for this kind of problem."), field="remedy"
        )
    statement = (statement or "").strip()
    if len(statement) > 2000:
        raise InvalidInput(
            "too_long", _("Keep this under %(limit)d characters.") % {"limit": 2000}, field="statement"
        )
    chosen = _lines(order, remedy, lines)
    case = Case.objects.create(
        mode="self_help" if order.source == "declared" else "platform",
        order=order,
        consumer=order.consumer,
        shop=order.shop,
        outside_merchant=order.outside_shop,
        policy=version,
        issue=issue,
        remedy=remedy,
        statement=statement,
        requested_fen=sum(chosen.values()),
        order_snapshot=order_snapshot(order),
        status_since=now,
    )
    CaseLine.objects.bulk_create(
        [CaseLine(case=case, order_line=line, requested_fen=fen) for line, fen in chosen.items()]
    )
    return case


def requested(case: Case) -> dict[int, int]:
    return {cl.order_line.line_no: cl.requested_fen for cl in case.lines.select_related("order_line")}
