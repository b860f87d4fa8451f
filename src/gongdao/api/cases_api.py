"""Cases: filing, lists, one case, workflow actions, messages, events and verification.

Thin: parse, call cases.actions / cases.queries, render. Who may see and do what is decided by
parties/permissions (through ``load_case`` and ``perform``), never here.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Header, Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from gongdao import ids, keys
from gongdao.api import listing
from gongdao.api.auth import READ, WRITE, actor_of, needs
from gongdao.api.common import event_out, if_match_version, load_case, owner_id, responses, set_etag
from gongdao.api.problems import PreconditionFailed
from gongdao.api.schemas import (
    Action,
    ActionIn,
    ActionOut,
    CaseFileIn,
    CaseOut,
    CasePage,
    EventOut,
    MessageIn,
    MessageOut,
    Moment,
    VerificationOut,
)
from gongdao.api.schemas import (
    Status as CaseStatus,
)
from gongdao.cases import actions, queries
from gongdao.cases.models import Case
from gongdao.cases.verification import verify_case
from gongdao.errors import Conflict, DomainError, NotFound
from gongdao.parties import permissions

router = Router(tags=["cases"])


class CaseFilters(Schema):
    status: CaseStatus | None = None
    stage: int | None = Field(None, ge=1, le=4)
    shop: str | None = Field(None, max_length=12, description="A shop id (S-…).")
    consumer: str | None = Field(None, max_length=12, description="A consumer's user id (U-…).")
    assignee: str | None = Field(None, max_length=12, description="A user id, 'me' or 'none'.")
    due_before: Moment | None = None
    updated_since: Moment | None = None
    order: Literal["due_at", "updated_at"] = Field("due_at", description="Next deadline first (default).")
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=60)


@router.post(
    "/cases",
    response=responses({201: CaseOut}, 404, 409),
    summary="File a case about an order",
    description=(
        "Opens a draft case on the order's lines (every line in full by default). With "
        "`submit: true` it is also sent to the merchant, which needs the evidence the policy "
        "requires for the issue type (add photos first, then take the `submit` action)."
    ),
    auth=needs(WRITE),
)
def file_case(request: HttpRequest, response: HttpResponse, payload: CaseFileIn) -> Any:
    actor = actor_of(request)
    order = permissions.visible_orders_of(actor).filter(public_id=ids.normalise(payload.order)).first()
    if order is None:
        raise NotFound("order_not_found", _("No such order."), field="order")
    case = actions.open_case(
        order,
        actor,
        issue=str(payload.issue),
        remedy=str(payload.remedy),
        lines=[line.model_dump() for line in payload.lines] if payload.lines else None,
        statement=payload.statement,
        submit=payload.submit,
    )
    case = load_case(actor, case.public_id, reads=True)
    set_etag(response, case)
    response["Location"] = f"{request.path.rstrip('/')}/{case.public_id}"
    return Status(201, queries.case_object(case, actor))


@router.get(
    "/cases",
    response=responses({200: CasePage}),
    summary="List the cases the caller may see",
    description=(
        "Ordered by next deadline (cases without one last), or by `updated_at`. Pass "
        "`next_cursor` back as `cursor` (with the same filters) for the next page: a listing is a "
        "snapshot of which cases matched when its first page was read, so every one of them "
        "appears exactly once even while cases change; each shows the case as it is now."
    ),
    auth=needs(READ),
)
def list_cases(request: HttpRequest, filters: Query[CaseFilters]) -> Any:
    actor = actor_of(request)
    wanted = filters.model_dump(exclude={"order", "limit", "cursor"})
    wanted["status"] = str(filters.status) if filters.status else None
    result = listing.page(actor, owner_id(actor), wanted, filters.order, filters.limit, filters.cursor)
    return {
        "items": [queries.case_object(case, actor) for case in result.cases],
        "next_cursor": result.next_cursor,
        "total": result.total,
    }


@router.get(
    "/cases/{case_id}",
    response=responses({200: CaseOut}, 404),
    summary="One case, with who must act next, by when, and what the caller may do now",
    description="The `ETag` header carries the case's version; send it back as `If-Match` on actions.",
    auth=needs(READ),
)
def get_case(request: HttpRequest, response: HttpResponse, case_id: str) -> Any:
    actor = actor_of(request)
    case = load_case(actor, case_id, reads=True)
    set_etag(response, case)
    # Validated here, so django-ninja only serialises it (its own validation of a plain dict
    # wraps every value in an attribute getter first: twice the work on the API's hottest read).
    return CaseOut.model_validate(queries.case_object(case, actor))


@router.post(
    "/cases/{case_id}/actions/{action}",
    response=responses({200: ActionOut}, 404, 409, 412),
    summary="Take a workflow action",
    description=(
        "Every workflow action goes through the same transition table as the web. Send the "
        "case's ETag as `If-Match` to act only on the version you read (412 if it changed). An "
        "action that is not possible now answers 409 with the case's `current_status`."
    ),
    auth=needs(WRITE),
)
def take_action(
    request: HttpRequest,
    response: HttpResponse,
    case_id: str,
    action: Action,
    payload: ActionIn | None = None,
    if_match: str | None = Header(None, alias="If-Match", max_length=40),  # type: ignore[type-arg]
) -> Any:
    actor = actor_of(request)
    case = load_case(actor, case_id)
    expected = if_match_version(if_match)
    if expected is not None and expected != case.version:
        raise _stale(case)
    data = _action_data(payload)
    try:
        event = actions.perform(
            case, str(action), actor, expected_version=case.version if expected is None else expected, **data
        )
    except DomainError as exc:
        raise _with_current(exc, case, stale_if_conflict=expected is not None)
    case = load_case(actor, case.public_id, reads=True)
    set_etag(response, case)
    return {"event": event_out(event), "case": queries.case_object(case, actor)}


def _action_data(payload: ActionIn | None) -> dict[str, Any]:
    if payload is None:
        return {}
    return payload.model_dump(exclude_none=True, mode="json")


def _stale(case: Case) -> PreconditionFailed:
    return PreconditionFailed(
        "stale_version",
        _("The case has changed since you read it (now version %(version)d). Read it again.")
        % {"version": case.version},
        current_status=case.status,
        version=case.version,
    )


def _with_current(exc: DomainError, case: Case, *, stale_if_conflict: bool) -> DomainError:
    current: Any = Case.objects.filter(pk=case.pk).values("status", "version").first() or {}
    if stale_if_conflict and isinstance(exc, Conflict) and exc.code == "conflict":
        case.status, case.version = current.get("status", case.status), current.get("version", case.version)
        return _stale(case)
    exc.extra.setdefault("current_status", current.get("status"))
    exc.extra.setdefault("version", current.get("version"))
    return exc


@router.get(
    "/cases/{case_id}/messages",
    response=responses({200: list[MessageOut]}, 404),
    summary="The case's messages, oldest first",
    auth=needs(READ),
)
def list_messages(request: HttpRequest, case_id: str) -> Any:
    actor = actor_of(request)
    case = load_case(actor, case_id)
    return [_message_out(e) for e in queries.timeline(case, actor) if e.type == "message_added" and e.payload]


@router.post(
    "/cases/{case_id}/messages",
    response=responses({201: MessageOut}, 404, 409),
    summary="Send a message to the other parties of the case",
    auth=needs(WRITE),
)
def post_message(request: HttpRequest, response: HttpResponse, case_id: str, payload: MessageIn) -> Any:
    actor = actor_of(request)
    case = load_case(actor, case_id)
    try:
        event = actions.add_message(case, actor, payload.text)
    except DomainError as exc:
        raise _with_current(exc, case, stale_if_conflict=False)
    response["ETag"] = f'"{case.version}"'
    return Status(201, _message_out(event))


def _message_out(event: Any) -> dict[str, Any]:
    return {
        "id": event.public_id,
        "seq": event.seq,
        "author": event.actor,
        "author_role": event.actor_role,
        "text": event.payload.get("text", ""),
        "recorded_at": event.recorded_at,
    }


@router.get(
    "/cases/{case_id}/events",
    response=responses({200: list[EventOut]}, 404),
    summary="The case's event log with its hash chain",
    description=(
        "Every event with `prev_hash`, `hash` and `payload_digest`, so the chain can be "
        "recomputed. Platform-only payloads (internal notes) are withheld from the parties: "
        "`payload` is null but the digest and hashes still verify."
    ),
    auth=needs(READ),
)
def list_events(
    request: HttpRequest,
    case_id: str,
    after: int = Query(0, ge=0, description="Only events after this seq."),  # type: ignore[type-arg]
) -> Any:
    actor = actor_of(request)
    case = load_case(actor, case_id)
    return [event_out(e) for e in queries.timeline(case, actor) if e.seq > after]


@router.get(
    "/cases/{case_id}/verification",
    response=responses({200: VerificationOut}, 404),
    summary="Recompute the case's hash chain and check its signed checkpoints",
    auth=needs(READ),
)
def verification(request: HttpRequest, case_id: str) -> Any:
    actor = actor_of(request)
    case = load_case(actor, case_id)
    findings = [f.what for f in verify_case(case)]
    public = keys.public_raw(keys.private_key())
    return {
        "case": case.public_id,
        "ok": not findings,
        "events": case.seq,
        "head_hash": case.head_hash,
        "findings": findings,
        "checkpoints": list(
            case.checkpoints.order_by("seq", "signed_at").values(
                "seq", "hash", "signed_at", "key_fingerprint", "signature", "reason"
            )
        ),
        "public_key": keys.encode_public(public),
        "key_fingerprint": keys.fingerprint(public),
    }
