"""The consumer's filing draft: a case in status ``draft``, opened with ``open_case`` once the
consumer says what went wrong, so that evidence attaches to it and nothing is lost when the tab
closes. ``update_draft`` records later answers (problem, items, remedy, amounts, statement) as a
``draft_updated`` event on the case's chain, in one transaction like every other write.

It sits with the guided path because that is its only caller; it uses the same claim and event
functions as ``perform`` (cases/actions.py), so the record verifies like any other.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from gongdao import codes
from gongdao.cases import actions
from gongdao.cases.actors import Actor
from gongdao.cases.effects import CAPPED_REMEDIES, MONEY_REMEDIES
from gongdao.cases.models import Case, CaseLine
from gongdao.errors import Conflict, InvalidInput, NotAllowed, NotFound
from gongdao.money import format_fen
from gongdao.orders.queries import refundable
from gongdao.parties import permissions
from gongdao.policy import queries as policy_queries

STATEMENT_LIMIT = 2000


def current_draft(order: Any, user: Any) -> Case | None:
    return Case.objects.filter(order=order, consumer=user, status="draft").order_by("-created_at").first()


def default_lines(order: Any, remedy: str) -> list[dict[str, int]]:
    """Every item of the order that has no open case, asking for what is still refundable."""
    rows = []
    for line in order.lines.all():
        if line.case_lines.filter(is_open=True).exists():
            continue
        amount = refundable(line) if remedy in MONEY_REMEDIES else 0
        if remedy in MONEY_REMEDIES and amount <= 0:
            continue
        rows.append({"line_no": line.line_no, "amount_fen": amount})
    return rows


def start(order: Any, actor: Actor, issue: str, *, now: datetime | None = None) -> Case:
    """Open the draft case for this order with the first remedy the policy allows for the issue."""
    if issue not in codes.ISSUE_TYPES:
        raise InvalidInput("invalid_issue", _("Choose what went wrong."), field="issue")
    policy = policy_queries.parsed(_policy_version(order, now))
    remedy = policy.remedies_for(issue)[0]
    lines = default_lines(order, remedy)
    if not lines:
        raise Conflict(
            "line_has_open_case",
            _("Every item of this order already has an open case."),
            field="issue",
        )
    return actions.open_case(order, actor, issue=issue, remedy=remedy, lines=lines, now=now)


def _policy_version(order: Any, now: datetime | None) -> Any:
    """The rules the case will be filed under: a declared purchase's platform profile
    (self-help mode), else the platform's policy in force (as cases.filing.create decides)."""
    if order.source == "declared":
        platform = order.outside_shop.platform if order.outside_shop_id else ""
        return policy_queries.profile_version(platform or "other")
    return policy_queries.in_force(now)


def _lock(case: Case) -> None:
    """Lock the row and take its current version, so the claim below cannot lose a race."""
    fresh = Case.objects.select_for_update().get(pk=case.pk)
    for name in ("version", "seq", "head_hash", "status"):
        setattr(case, name, getattr(fresh, name))


def _check_lines(case: Case, remedy: str, raw: list[dict[str, Any]]) -> dict[Any, int]:
    by_no = {line.line_no: line for line in case.order.lines.all()}
    if not raw:
        raise InvalidInput("lines_required", _("Choose at least one item of the order."), field="lines")
    chosen: dict[Any, int] = {}
    for item in raw:
        line = by_no.get(item.get("line_no"))  # type: ignore[arg-type]
        if line is None:
            raise InvalidInput("unknown_line", _("That item is not part of the order."), field="lines")
        fen = item.get("amount_fen", 0)
        field = f"amount-{line.line_no}"
        if isinstance(fen, bool) or not isinstance(fen, int):
            raise InvalidInput("invalid_amount", _("Amounts are whole numbers of fen."), field=field)
        if remedy in MONEY_REMEDIES and fen <= 0:
            raise InvalidInput("amount_not_positive", _("The amount must be more than ¥0.00."), field=field)
        if fen < 0:
            raise InvalidInput("amount_not_positive", _("The amount cannot be negative."), field=field)
        available = refundable(line)
        if remedy in CAPPED_REMEDIES and fen > available:
            raise InvalidInput(
                "amount_over_refundable",
                _("At most %(amount)s can be refunded on “%(item)s”.")
                % {"amount": format_fen(available), "item": line.name},
                field=field,
            )
        if line.case_lines.filter(is_open=True).exclude(case=case).exists():
            raise Conflict(
                "line_has_open_case",
                _("“%(item)s” already has an open case.") % {"item": line.name},
                field=field,
            )
        chosen[line] = fen
    return chosen


def update_draft(
    case: Case,
    actor: Actor,
    *,
    issue: str | None = None,
    remedy: str | None = None,
    lines: list[dict[str, Any]] | None = None,
    statement: str | None = None,
    now: datetime | None = None,
) -> bool:
    """Change the answers of a draft. Returns False when nothing changed (no event is written)."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            return _update(case, actor, issue, remedy, lines, statement, now)
    except IntegrityError:
        case.refresh_from_db()
        raise Conflict(
            "line_has_open_case", _("A line of this order already has an open case."), field="lines"
        )


def _update(
    case: Case,
    actor: Actor,
    issue: str | None,
    remedy: str | None,
    lines: list[dict[str, Any]] | None,
    statement: str | None,
    now: datetime,
) -> bool:
    if "consumer" not in permissions.sides(actor, case):
        raise NotFound("case_not_found", _("No such case."))
    _lock(case)
    if case.status != "draft":
        raise NotAllowed("not_a_draft", _("This case has been filed; its answers can no longer change here."))
    policy = policy_queries.parsed(case.policy)
    issue = case.issue if issue is None else issue
    if issue not in codes.ISSUE_TYPES:
        raise InvalidInput("invalid_issue", _("Choose what went wrong."), field="issue")
    allowed = policy.remedies_for(issue)
    if remedy is None:
        remedy = case.remedy if case.remedy in allowed else allowed[0]
    if remedy not in codes.REMEDIES or remedy not in allowed:
        raise InvalidInput("invalid_remedy", _("Choose what you want."), field="remedy")
    statement = case.statement if statement is None else statement.strip()
    if len(statement) > STATEMENT_LIMIT:
        raise InvalidInput(
            "too_long",
            _("Keep this under %(limit)d characters.") % {"limit": STATEMENT_LIMIT},
            field="statement",
        )
    current = {cl.order_line.line_no: cl.requested_fen for cl in case.lines.select_related("order_line")}
    if lines is None:
        lines = [{"line_no": no, "amount_fen": fen} for no, fen in current.items()]
        if remedy in MONEY_REMEDIES:
            lines = [row for row in lines if row["amount_fen"] > 0] or default_lines(case.order, remedy)
    chosen = _check_lines(case, remedy, lines)
    wanted = {line.line_no: fen for line, fen in chosen.items()}
    if (issue, remedy, statement, wanted) == (case.issue, case.remedy, case.statement, current):
        return False
    actions.claim(case)
    _write_lines(case, chosen)
    case.issue, case.remedy, case.statement = issue, remedy, statement
    case.requested_fen = sum(chosen.values())
    payload = {
        "issue": issue,
        "remedy": remedy,
        "statement": statement,
        "lines": [{"line_no": no, "amount_fen": fen} for no, fen in sorted(wanted.items())],
    }
    actions.append_event(case, actor, "draft_updated", payload, now=now)
    actions.refresh_projection(case)
    case.save()
    return True


def _write_lines(case: Case, chosen: dict[Any, int]) -> None:
    keep = {line.pk for line in chosen}
    CaseLine.objects.filter(case=case).exclude(order_line_id__in=keep).delete()
    existing = {cl.order_line_id: cl for cl in CaseLine.objects.filter(case=case)}
    for line, fen in chosen.items():
        row = existing.get(line.pk)
        if row is None:
            CaseLine.objects.create(case=case, order_line=line, requested_fen=fen)
        elif row.requested_fen != fen:
            row.requested_fen = fen
            row.save(update_fields=["requested_fen"])


def compose_statement(case: Case, remedy: str, amounts: dict[int, int]) -> str:
    """A calm, factual first message to the merchant, in the active language, from the facts:
    what was bought, what went wrong, what is wanted, that evidence is attached, what comes next."""
    order = case.order
    names = {line.line_no: line.name for line in order.lines.all()}
    items = "、".join(names[no] for no in sorted(amounts) if no in names) or "、".join(names.values())
    bought = timezone.localtime(order.ordered_at).strftime("%Y-%m-%d")
    total = sum(amounts.values())
    parts = [
        gettext("Hello. On %(date)s I bought %(items)s from your shop (order %(order)s).")
        % {"date": bought, "items": items, "order": order.external_id},
        gettext("The problem: %(issue)s.") % {"issue": str(codes.ISSUE_TYPES[case.issue]).lower()},
    ]
    if remedy in MONEY_REMEDIES and total:
        parts.append(
            gettext("I ask for: %(remedy)s, %(amount)s.")
            % {"remedy": str(codes.REMEDIES[remedy]).lower(), "amount": format_fen(total)}
        )
    else:
        parts.append(gettext("I ask for: %(remedy)s.") % {"remedy": str(codes.REMEDIES[remedy]).lower()})
    parts.append(gettext("My photos and records are attached as evidence."))
    parts.append(
        gettext(
            "Please answer within the time the platform allows. If we cannot settle it, I will ask "
            "the platform to step in."
        )
    )
    return ("" if get_language().startswith("zh") else " ").join(parts)
