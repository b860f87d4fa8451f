"""The only code that writes cases. ``perform`` runs every workflow action; ``open_case``,
``add_message`` and ``add_note`` are the other writes. Each is one transaction: claim the case
(compare-and-set on its version), check side and guard, append the event, update the
projection, set or cancel deadlines, write outbox rows, sign the chain head on a stage change.
"""

from __future__ import annotations

import copy
import functools
from datetime import datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Field
from django.db.transaction import TransactionManagementError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongdao import codes, db, keys
from gongdao.cases import chain, deadlines, workflow
from gongdao.cases.actors import Actor
from gongdao.cases.effects import Move
from gongdao.cases.models import Case, CaseEvent, CaseLine, Checkpoint, Outbox
from gongdao.errors import Conflict, InvalidInput, NotAllowed, NotFound
from gongdao.parties import permissions
from gongdao.policy import queries as policy_queries

PARTY_SIDES = ("consumer", "merchant", "assignee", "agent", "senior_agent")


def claim(case: Case, expected_version: int | None = None) -> None:
    """Compare-and-set on the case's version: the caller's view must be current."""
    version = case.version if expected_version is None else expected_version
    if not Case.objects.filter(pk=case.pk, version=version).update(version=F("version") + 1):
        current = Case.objects.filter(pk=case.pk).values_list("status", flat=True).first()
        raise Conflict(
            "conflict",
            _("Someone else changed this case just now. Reload it and try again."),
            current_status=current,
        )
    case.version = version + 1


def append_event(
    case: Case,
    actor: Actor,
    type: str,
    payload: dict[str, Any],
    *,
    now: datetime,
    occurred_at: datetime | None = None,
    visibility: str = "all_parties",
    concerns: str = "",
) -> CaseEvent:
    payload = {**payload}
    # Association staff always act for the consumer (DESIGN.md): recorded whoever the caller is,
    # signed in or through their personal token.
    behalf = actor.on_behalf_of or (
        permissions.on_behalf_of(actor.user, case) if actor.user is not None else ""
    )
    if behalf:
        payload["on_behalf_of"] = behalf
    if concerns:
        payload["concerns"] = concerns
    seq = case.seq + 1
    prev = case.head_hash or chain.GENESIS
    occurred = occurred_at or now
    digest = chain.payload_digest(payload)
    event_hash = chain.event_hash(
        prev_hash=prev,
        seq=seq,
        recorded_at=chain.timestamp(now),
        occurred_at=chain.timestamp(occurred),
        actor=actor.label,
        type=type,
        visibility=visibility,
        payload_digest=digest,
    )
    event = CaseEvent.objects.create(
        case=case,
        seq=seq,
        recorded_at=now,
        occurred_at=occurred,
        actor=actor.label,
        actor_role=actor.role,
        on_behalf_of=behalf,
        concerns=concerns,
        type=type,
        visibility=visibility,
        payload=payload,
        payload_digest=digest,
        prev_hash=prev,
        hash=event_hash,
    )
    case.seq, case.head_hash = seq, event_hash
    return event


def queue_outbox(case: Case, event: CaseEvent | None, type: str, audience: list[str], actor: Actor) -> None:
    Outbox.objects.create(
        case=case,
        event=event,
        type=type,
        audience=audience,
        exclude_user=actor.user_public_id,
        next_attempt_at=event.recorded_at if event else timezone.now(),
    )


def sign_head(case: Case, now: datetime, reason: str) -> Checkpoint:
    statement = chain.canonical(
        {"case": case.public_id, "seq": case.seq, "hash": case.head_hash, "signed_at": chain.timestamp(now)}
    )
    signature, fingerprint = keys.sign(statement)
    return Checkpoint.objects.create(
        case=case,
        seq=case.seq,
        hash=case.head_hash,
        signed_at=now,
        key_fingerprint=fingerprint,
        signature=signature,
        reason=reason,
    )


def _resolve(case: Case, action: str, actor: Actor) -> tuple[workflow.Transition, set[str]]:
    if action not in workflow.ACTIONS:
        raise InvalidInput("unknown_action", _("There is no such action: %(action)s.") % {"action": action})
    sides = permissions.sides(actor, case)
    if not sides:
        raise NotFound("case_not_found", _("No such case."))
    transition = workflow.find(action, case.status, case.mode)
    if transition is None:
        raise NotAllowed(
            "not_in_this_status",
            _("This cannot be done while the case is “%(status)s”.")
            % {"status": codes.STATUSES[case.status]},
        )
    allowed = sides & set(transition.sides)
    if not allowed:
        raise NotAllowed("not_your_role", _("You cannot do this on this case."))
    return transition, allowed


def perform(
    case: Case,
    action: str,
    actor: Actor,
    *,
    expected_version: int | None = None,
    now: datetime | None = None,
    occurred_at: datetime | None = None,
    **data: Any,
) -> CaseEvent:
    now = now or timezone.now()
    try:
        with transaction.atomic():
            return _perform(case, action, actor, data, now, expected_version, occurred_at)
    except IntegrityError:
        case.refresh_from_db()
        raise Conflict("conflict", _("This would clash with another open case on the same order line."))


def _perform(
    case: Case,
    action: str,
    actor: Actor,
    data: dict[str, Any],
    now: datetime,
    expected_version: int | None,
    occurred_at: datetime | None,
) -> CaseEvent:
    snapshot = _snapshot(case)
    if not permissions.sides(actor, case):
        # Before the claim: a stranger's stale version must not reveal the case by a conflict.
        raise NotFound("case_not_found", _("No such case."))
    try:
        claim(case, expected_version)
        transition, sides = _resolve(case, action, actor)
        move = Move(
            case,
            action,
            actor,
            sides,
            data,
            now,
            policy_queries.parsed(case.policy),
            transition.target or case.status,
        )
        move.occurred_at = occurred_at
        if transition.guard:
            transition.guard(move)
        transition.effect(move)
        return _record(move, snapshot, move.occurred_at)
    except Exception:
        _restore(case, snapshot)
        raise


def _record(move: Move, before: dict[str, Any], occurred_at: datetime | None = None) -> CaseEvent:
    case, now = move.case, move.now
    old_status, new_status = before["status"], move.status
    payload = {"action": move.action, "from": old_status, "to": new_status, **move.payload}
    if move.data.get("deadline"):
        payload["deadline"] = move.data["deadline"]
    event = append_event(
        case, move.actor, move.event_type or move.action, payload, now=now, occurred_at=occurred_at
    )
    if new_status != old_status:
        _change_status(move, old_status, new_status)
    if move.cancels:
        deadlines.cancel(case, move.cancels, now)
    for kind, party in move.starts:
        deadlines.schedule(case, move.policy, kind, party, occurred_at or now)
    for type_, audience in move.outbox:
        queue_outbox(case, event, type_, audience, move.actor)
    if new_status != old_status:
        queue_outbox(case, event, "case.status_changed", ["consumer", "merchant", "assignee"], move.actor)
        if new_status in codes.ENDED_STATUSES:
            queue_outbox(case, event, "case.closed", ["consumer", "merchant", "assignee"], move.actor)
    refresh_projection(case)
    case.save()
    if case.stage != before["stage"]:
        sign_head(case, now, reason=f"stage {case.stage}")
    return event


def _change_status(move: Move, old: str, new: str) -> None:
    case = move.case
    # A new status ends the old one's deadlines; the appeal window outlives the decision's
    # fulfilment (an appeal may come from resolved/closed) and ends only with an appeal.
    deadlines.cancel(case, None, move.now)
    if new == "appealed":
        deadlines.cancel(case, {"appeal_window"}, move.now)
    case.status = new
    case.status_since = move.now
    if new in codes.STAGE_OF_STATUS and case.stage != 4:
        case.stage = codes.STAGE_OF_STATUS[new]
    if new in codes.ENDED_STATUSES:
        case.ended_at = move.now
        CaseLine.objects.filter(case=case).update(is_open=False)
    elif old in codes.ENDED_STATUSES:
        case.ended_at = None
        CaseLine.objects.filter(case=case).update(is_open=True)


def refresh_projection(case: Case) -> None:
    """Who must act next and by when, from the status and the pending deadlines."""
    pending = list(case.deadlines.filter(state="pending").exclude(party="").order_by("due_at")[:1])
    if case.status == "draft":
        case.next_actor, case.due_at = "consumer", None
    elif case.status in codes.ENDED_STATUSES:
        case.next_actor, case.due_at = "", None
    elif pending:
        case.next_actor, case.due_at = pending[0].party, pending[0].due_at
    elif case.status in ("escalated", "evidence_period", "under_review", "appealed"):
        case.next_actor, case.due_at = "platform", None
    else:
        case.next_actor, case.due_at = "", None


_SNAPSHOT_FIELDS = [f.attname for f in Case._meta.concrete_fields]


def _snapshot(case: Case) -> dict[str, Any]:
    return {name: copy.deepcopy(getattr(case, name)) for name in _SNAPSHOT_FIELDS}


def _restore(case: Case, snapshot: dict[str, Any]) -> None:
    """Undo in-memory changes of a failed action, so the caller's object matches the database."""
    for name, value in snapshot.items():
        setattr(case, name, value)
    for cache in ("assignee", "decided_by"):
        case._state.fields_cache.pop(cache, None)


# ---- opening a case, messages, notes -----------------------------------------------------


def order_snapshot(order: Any) -> dict[str, Any]:
    def ts(value: datetime | None) -> str | None:
        return chain.timestamp(value) if value else None

    return {
        "order": order.public_id,
        "external_id": order.external_id,
        "source": order.source,
        "shop": order.shop.public_id if order.shop_id else None,
        "shop_name": order.shop.name
        if order.shop_id
        else (order.outside_shop.name if order.outside_shop_id else ""),
        "shipping_fee_fen": order.shipping_fee_fen,
        "ordered_at": ts(order.ordered_at),
        "paid_at": ts(order.paid_at),
        "shipped_at": ts(order.shipped_at),
        "signed_at": ts(order.signed_at),
        "logistics": {
            "carrier": order.carrier,
            "tracking_number": order.tracking_number,
            "status": order.logistics_status,
        },
        "invoice_issued": order.invoice_issued,
        "lines": [
            {
                "line_no": line.line_no,
                "name": line.name,
                "spec": line.spec,
                "quantity": line.quantity,
                "unit_price_fen": line.unit_price_fen,
                "paid_fen": line.paid_fen,
            }
            for line in order.lines.all()
        ],
    }


def open_case(
    order: Any,
    actor: Actor,
    *,
    issue: str,
    remedy: str,
    lines: list[dict[str, Any]] | None = None,
    statement: str = "",
    submit: bool = False,
    now: datetime | None = None,
) -> Case:
    """File a case about an order (as a draft; ``submit=True`` also sends it to the merchant)."""
    from gongdao.cases import filing

    now = now or timezone.now()
    try:
        with transaction.atomic():
            case = filing.create(
                order, actor, issue=issue, remedy=remedy, lines=lines, statement=statement, now=now
            )
            opened = {
                "issue": issue,
                "remedy": remedy,
                "statement": case.statement,
                "lines": [{"line_no": k, "amount_fen": v} for k, v in filing.requested(case).items()],
                "order_snapshot": case.order_snapshot,
                "policy": case.policy.version,
                "mode": case.mode,
            }
            append_event(case, actor, "case_opened", opened, now=now)
            refresh_projection(case)
            case.save()
            sign_head(case, now, reason="opened")
            if submit:
                perform(case, "submit", actor, now=now)
            return case
    except IntegrityError:
        raise Conflict(
            "line_has_open_case", _("A line of this order already has an open case."), field="lines"
        )


def _claim_fresh(case: Case) -> None:
    """Claim the case whatever version the caller read (a message or a note does not depend on
    the case's state): one ``UPDATE … RETURNING`` locks the row, moves the version on and reads
    the chain head to append to. Inside the caller's transaction only (the lock is held to its end)."""
    if not connection.in_atomic_block:
        raise TransactionManagementError("_claim_fresh must run inside a transaction.")
    row = db.fetchone(_claim_fresh_sql(connection.vendor), [case.pk])
    if row is None:
        raise NotFound("case_not_found", _("No such case."))
    case.version, case.seq, case.head_hash = row


@functools.lru_cache(maxsize=2)
def _claim_fresh_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    version, seq, head = (_column(n) for n in ("version", "seq", "head_hash"))
    return (
        f"UPDATE {quote(Case._meta.db_table)} SET {version} = {version} + 1 "  # noqa: S608 (our names)
        f"WHERE {quote('id')} = %s RETURNING {version}, {seq}, {head}"
    )


def _save_head(case: Case) -> None:
    """After ``_claim_fresh`` and an event: the case's new chain head (what
    ``case.save(update_fields=["version", "seq", "head_hash", "updated_at"])`` writes, as one
    statement planned once: a message is the API's most frequent write)."""
    case.updated_at = timezone.now()
    db.fetchone(
        _save_head_sql(connection.vendor),
        [
            case.version,
            case.seq,
            case.head_hash,
            connection.ops.adapt_datetimefield_value(case.updated_at),
            case.pk,
        ],
    )


@functools.lru_cache(maxsize=2)
def _save_head_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    names = [_column(n) for n in ("version", "seq", "head_hash", "updated_at")]
    assignments = ", ".join(f"{name} = %s" for name in names)
    return (
        f"UPDATE {quote(Case._meta.db_table)} SET {assignments} "  # noqa: S608 (our names)
        f"WHERE {quote('id')} = %s RETURNING {quote('id')}"
    )


def _column(name: str) -> str:
    field = Case._meta.get_field(name)
    assert isinstance(field, Field)
    return connection.ops.quote_name(str(field.column))


# Who may post messages: the parties, the agents, and the platform itself (admins, platform
# keys) — but the platform only on its own cases: in self-help mode the platform is an outside
# party whose steps the consumer records, not the operator of this system.
MESSAGE_SIDES = {"consumer", "merchant", "assignee", "agent", "platform"}


def may_message(sides: set[str], case: Case) -> bool:
    if case.status == "draft":
        return False
    mine = sides & MESSAGE_SIDES
    if case.mode != "platform":
        mine -= {"platform"}
    return bool(mine)


@transaction.atomic
def add_message(case: Case, actor: Actor, text: str, *, now: datetime | None = None) -> CaseEvent:
    now = now or timezone.now()
    sides = permissions.sides(actor, case)
    if not sides:
        raise NotFound("case_not_found", _("No such case."))
    if not may_message(sides, case):
        raise NotAllowed("cannot_message", _("You cannot send messages on this case now."))
    text = (text or "").strip()
    if not text:
        raise InvalidInput("required", _("Write a message first."), field="text")
    limit = policy_queries.parsed(case.policy).statement_max_chars * 4
    if len(text) > limit:
        raise InvalidInput(
            "too_long", _("Keep this under %(limit)d characters.") % {"limit": limit}, field="text"
        )
    _claim_fresh(case)
    event = append_event(case, actor, "message_added", {"text": text}, now=now)
    queue_outbox(case, event, "case.message_added", ["consumer", "merchant", "assignee"], actor)
    _save_head(case)
    return event


@transaction.atomic
def add_note(case: Case, actor: Actor, text: str, *, now: datetime | None = None) -> CaseEvent:
    """An internal note: visible to the platform only (its payload is withheld from parties)."""
    now = now or timezone.now()
    sides = permissions.sides(actor, case)
    if not sides:
        raise NotFound("case_not_found", _("No such case."))
    if not sides & {"agent", "platform"}:
        raise NotAllowed("platform_only", _("Only the platform can add internal notes."))
    text = (text or "").strip()
    if not text:
        raise InvalidInput("required", _("Write a note first."), field="text")
    _claim_fresh(case)
    event = append_event(case, actor, "note_added", {"text": text}, now=now, visibility="platform_only")
    _save_head(case)
    return event
