"""Request and response schemas. Every enum is generated from gongdao.codes and the workflow
table, so the OpenAPI document cannot drift from the code."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from django.utils.translation import gettext_lazy as _
from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import (
    AfterValidator,
    AwareDatetime,
    ConfigDict,
    Discriminator,
    Field,
    ModelWrapValidatorHandler,
    Tag,
    ValidationInfo,
    field_validator,
    model_validator,
)

from gongdao import codes
from gongdao.api.models import SCOPES
from gongdao.cases import workflow
from gongdao.cases.effects import DECISION_OUTCOMES
from gongdao.selfhelp import effects as self_help


def _enum(name: str, values: Any) -> Any:
    return StrEnum(name, {str(v): str(v) for v in values})


if TYPE_CHECKING:  # the enums are built at run time; to a type checker their members are str
    Status: TypeAlias = str
    Remedy: TypeAlias = str
    Outcome: TypeAlias = str
    DecisionOutcome: TypeAlias = str
    IssueType: TypeAlias = str
    EvidenceKind: TypeAlias = str
    Action: TypeAlias = str
    EventType: TypeAlias = str
    Mode: TypeAlias = str
    StageName: TypeAlias = str
    Scope: TypeAlias = str
    Reply: TypeAlias = str
    PlatformStep: TypeAlias = str
    Channel: TypeAlias = str
else:
    Status = _enum("Status", codes.STATUSES)
    Remedy = _enum("Remedy", codes.REMEDIES)
    Outcome = _enum("Outcome", codes.OUTCOMES)
    DecisionOutcome = _enum("DecisionOutcome", DECISION_OUTCOMES)
    IssueType = _enum("IssueType", codes.ISSUE_TYPES)
    EvidenceKind = _enum("EvidenceKind", codes.EVIDENCE_KINDS)
    Action = _enum("Action", workflow.ACTIONS)
    EventType = _enum("EventType", codes.EVENT_TYPES)
    Mode = _enum("Mode", codes.MODES)
    StageName = _enum("StageName", [name for name, _label in codes.STAGES.values()])
    Scope = _enum("Scope", SCOPES)
    Reply = _enum("Reply", self_help.REPLIES)
    PlatformStep = _enum("PlatformStep", self_help.PLATFORM_STEPS)
    Channel = _enum("Channel", self_help.CHANNELS)

FEN = 10**12  # ¥10 billion: larger amounts are typing mistakes
PublicId = Annotated[str, Field(min_length=3, max_length=12)]


def _no_nul(value: Any) -> Any:
    if isinstance(value, str) and "\x00" in value:
        raise ValueError(_("Text cannot contain the NUL character (\\u0000)."))
    if isinstance(value, list):
        for item in value:
            _no_nul(item)
    return value


def _moment(value: datetime) -> datetime:
    """A time the database can hold, in UTC (an offset like -23:50 or year 1 cannot be stored)."""
    try:
        value = value.astimezone(UTC)
    except OverflowError:
        value = datetime.min.replace(tzinfo=UTC)
    if not 1970 <= value.year <= 9999:
        raise ValueError(_("Give a date and time between the years 1970 and 9999."))
    return value


Moment = Annotated[AwareDatetime, AfterValidator(_moment)]
# When a step happened outside, as people give it: a date, a China time, or a time with an offset
# (gongdao.selfhelp.effects.parse_when reads it and checks it is a real, past date).
When = Annotated[
    str,
    Field(
        max_length=40,
        pattern=r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?)?$",
        examples=["2026-11-19", "2026-11-19T20:00", "2026-11-19T20:00:00+08:00"],
    ),
]


class In(Schema):
    """Request bodies refuse unknown members, so a typo is an error, not silently ignored, and
    text with NUL characters (which no database column can hold)."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _text_without_nul(cls, value: Any) -> Any:
        return _no_nul(value)


class Out(Schema):
    """Response bodies. The domain's reads build them as dicts, which are validated as they are:
    django-ninja's own validation first wraps any value in an attribute getter (for ORM rows),
    which on the case object, the API's hottest read, cost more than the validation itself
    (docs/benchmarks.md). Anything else (an object) still goes through that getter."""

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(
        cls, values: Any, handler: ModelWrapValidatorHandler[Any], info: ValidationInfo
    ) -> Any:
        if type(values) is dict:
            return handler(values)
        return handler(DjangoGetter(values, cls, info.context))


class Problem(Out):
    """An error (RFC 9457). ``errors`` lists bad fields; 409s carry ``current_status``."""

    model_config = ConfigDict(extra="allow")
    type: str = Field(examples=["urn:gongdao:problem:not_in_this_status"])
    title: str
    status: int
    code: str = Field(description="Stable machine-readable code.")
    detail: str = Field(description="What went wrong and what to do, in the caller's language.")
    errors: list[FieldError] | None = None
    current_status: Status | None = None
    version: int | None = None


class FieldError(Out):
    field: str
    code: str
    detail: str
    model_config = ConfigDict(extra="allow")


Problem.model_rebuild()


# ---- orders ----------------------------------------------------------------------------------


class OrderLineIn(In):
    line_no: int = Field(ge=1, le=10_000)
    name: str = Field(min_length=1, max_length=300)
    spec: str = Field("", max_length=300)
    quantity: int = Field(1, ge=1, le=1_000_000)
    unit_price_fen: int = Field(ge=0, le=FEN)
    paid_fen: int = Field(ge=0, le=FEN, description="Actually paid for the line, after discounts.")


class OrderIn(In):
    external_id: str = Field(min_length=1, max_length=100, description="The platform's order number.")
    shop: str = Field(min_length=1, max_length=12, description="The shop's id, e.g. S-4F7Q9ZKD.")
    consumer: str = Field(
        min_length=1, max_length=150, description="The consumer's user id (U-…) or username."
    )
    ordered_at: Moment
    paid_at: Moment | None = None
    shipped_at: Moment | None = None
    signed_at: Moment | None = None
    carrier: str = Field("", max_length=100)
    tracking_number: str = Field("", max_length=100)
    logistics_status: str = Field("", max_length=100)
    invoice_issued: bool = False
    shipping_fee_fen: int = Field(0, ge=0, le=FEN)
    lines: list[OrderLineIn] = Field(min_length=1, max_length=500)


class OrderBatchIn(In):
    orders: list[OrderIn] = Field(min_length=1, max_length=1000)


def _order_body_kind(value: Any) -> str:
    return "order_batch" if isinstance(value, dict) and "orders" in value else "one_order"


UNION_TAGS = ("one_order", "order_batch")  # left out of error locations (problems._field)
OrdersIn = Annotated[
    Annotated[OrderIn, Tag("one_order")] | Annotated[OrderBatchIn, Tag("order_batch")],
    Discriminator(_order_body_kind),
]


class OrderLineOut(Out):
    line_no: int
    name: str
    spec: str
    quantity: int
    unit_price_fen: int
    paid_fen: int
    has_case: bool = Field(description="A case names this line.")


class OrderOut(Out):
    id: str
    external_id: str
    source: Literal["platform", "declared"]
    shop: str | None
    consumer: str
    ordered_at: datetime
    paid_at: datetime | None
    shipped_at: datetime | None
    signed_at: datetime | None
    carrier: str
    tracking_number: str
    logistics_status: str
    invoice_issued: bool
    shipping_fee_fen: int
    paid_fen: int
    lines: list[OrderLineOut]
    created_at: datetime
    updated_at: datetime


class OrderUpsertOut(OrderOut):
    result: Literal["created", "updated", "unchanged"]


class OrderBatchItem(Out):
    external_id: str
    id: str
    result: Literal["created", "updated", "unchanged"]


class OrderBatchOut(Out):
    created: int
    updated: int
    unchanged: int
    orders: list[OrderBatchItem]


# ---- cases -----------------------------------------------------------------------------------


class LineAmount(In):
    line_no: int = Field(ge=1, le=10_000)
    amount_fen: int = Field(ge=0, le=FEN)


class LineAmountOut(Out):
    line_no: int
    amount_fen: int


class CaseFileIn(In):
    order: str = Field(min_length=1, max_length=12, description="The order's id (O-…).")
    issue: IssueType
    remedy: Remedy
    lines: list[LineAmount] | None = Field(
        None, min_length=1, max_length=500, description="Lines and amounts; default: every line, in full."
    )
    statement: str = Field("", max_length=2000)
    submit: bool = Field(False, description="Send it to the merchant at once (only the consumer can).")


class CaseLineOut(Out):
    line_no: int
    name: str
    paid_fen: int
    requested_fen: int
    agreed_fen: int | None
    refunded_fen: int


class OfferOut(Out):
    remedy: Remedy
    amounts: list[LineAmountOut]
    message: str = ""


class DecisionOut(Out):
    model_config = ConfigDict(extra="allow")
    outcome: DecisionOutcome
    reasons: str = ""
    rules: list[str] = Field(default_factory=list)
    final: bool
    decided_at: datetime | None = None
    decided_by: str | None = None
    remedy: Remedy | None = None
    amounts: list[LineAmountOut] | None = None


class CaseOut(Out):
    id: str
    mode: Mode
    status: Status
    stage: int = Field(ge=1, le=4)
    stage_name: StageName
    order: str
    shop: str | None
    shop_name: str
    consumer: str
    issue: IssueType
    remedy: Remedy
    outcome: Outcome | None
    requested_fen: int
    agreed_fen: int | None
    refunded_fen: int
    lines: list[CaseLineOut]
    steps: list[str] = Field(description="Remedy steps still to do, the next first.")
    offer: OfferOut | None
    decision: DecisionOut | None
    assignee: str | None
    next_actor: Literal["consumer", "merchant", "platform"] | None = Field(description="Who must act next.")
    your_move: bool = Field(description="The caller is the one who must act next.")
    due_at: datetime | None = Field(description="By when the next actor must act.")
    allowed_actions: list[Action] = Field(description="The actions the caller may take now.")
    policy_version: str
    version: int = Field(description="Changes with every change to the case; the ETag.")
    rating: int | None
    created_at: datetime
    filed_at: datetime | None
    updated_at: datetime
    ended_at: datetime | None


class CasePage(Out):
    items: list[CaseOut]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last.")
    total: int = Field(description="Cases in the listing (fixed when its first page was read).")


class ActionIn(In):
    """The inputs an action may take; each action reads the ones it needs (see docs/api.md)."""

    reason: str | None = Field(None, max_length=5000)
    message: str | None = Field(None, max_length=5000)
    statement: str | None = Field(None, max_length=5000)
    note: str | None = Field(None, max_length=5000)
    reasons: str | None = Field(None, max_length=5000)
    comment: str | None = Field(None, max_length=5000)
    party: Literal["consumer", "merchant", "both"] | None = None
    outcome: DecisionOutcome | None = None
    remedy: Remedy | None = None
    lines: list[LineAmount] | None = Field(None, min_length=1, max_length=500)
    amount_fen: int | None = Field(None, ge=0, le=FEN)
    rules: list[Annotated[str, Field(min_length=1, max_length=100)]] | None = Field(None, max_length=50)
    carrier: str | None = Field(None, max_length=100)
    tracking_number: str | None = Field(None, max_length=100)
    reference: str | None = Field(None, max_length=200)
    assignee: str | None = Field(None, max_length=150, description="A user id, a username, or 'me'.")
    problem: Literal["damaged", "empty", "missing_items", "other"] | None = None
    rating: int | None = Field(None, ge=1, le=5)
    # Self-help mode: the consumer records the outside merchant's and platform's steps.
    reply: Reply | None = Field(None, description="record_merchant_reply: what the merchant answered.")
    step: PlatformStep | None = Field(None, description="record_platform_step: which step it was.")
    channel: Channel | None = Field(None, description="submit and the recorded steps: how it went.")
    occurred_at: When | None = Field(
        None,
        description=(
            "submit and the recorded steps: when it happened (default: now). A date "
            "(2026-11-19, noon China time), a China time (2026-11-19T20:00) or a time with an offset."
        ),
    )
    evidence: list[PublicId] | None = Field(
        None, max_length=50, description="The recorded steps: ids of this case's evidence that show it."
    )


class EvidenceLinks(Out):
    content: str


class ReuseFlagOut(Out):
    kind: str
    distance: int | None
    other_case: str
    other_item: str
    other_consumer: bool
    case_url: str


class EvidenceOut(Out):
    id: str
    case: str
    kind: EvidenceKind
    description: str
    side: Literal["consumer", "merchant", "platform"]
    name: str
    size: int
    content_type: str
    sha256: str
    received_at: datetime
    captured_at: datetime | None
    withdrawn_at: datetime | None
    event: str | None
    event_hash: str | None
    links: EvidenceLinks
    reuse_flags: list[ReuseFlagOut] | None = Field(
        description="Reuse of the file in other cases (platform only)."
    )


class EventOut(Out):
    id: str
    seq: int
    type: str
    recorded_at: datetime
    occurred_at: datetime
    actor: str
    actor_role: str
    on_behalf_of: str = Field(
        "", description="The consumer (U-…) an association's staff acted for; empty otherwise."
    )
    visibility: Literal["all_parties", "platform_only"]
    payload: dict[str, Any] | None = Field(description="null when withheld from the caller.")
    payload_digest: str
    prev_hash: str
    hash: str


class ActionOut(Out):
    event: EventOut
    case: CaseOut


class MessageIn(In):
    text: str = Field(min_length=1, max_length=5000)


class MessageOut(Out):
    id: str
    seq: int
    author: str
    author_role: str
    text: str
    recorded_at: datetime


class CheckpointOut(Out):
    seq: int
    hash: str
    signed_at: datetime
    key_fingerprint: str
    signature: str
    reason: str


class VerificationOut(Out):
    case: str
    ok: bool
    events: int
    head_hash: str
    findings: list[str]
    checkpoints: list[CheckpointOut]
    public_key: str = Field(description="The platform's Ed25519 public key (base64).")
    key_fingerprint: str


# ---- money, health, law ----------------------------------------------------------------------


class ShopOut(Out):
    id: str
    name: str
    region: str


class LedgerEntryOut(Out):
    case: str
    kind: str
    amount_fen: int
    recorded_at: datetime
    recovered_at: datetime | None


class LedgerOut(Out):
    shop: str
    shop_name: str
    outstanding_fen: int = Field(description="Advance payouts not yet recovered from the shop.")
    entries: list[LedgerEntryOut]


class HealthOut(Out):
    status: Literal["ok", "unavailable"]
    database: str
    storage: str
    version: str


class PingOut(Out):
    pong: bool


class TextOut(Out):
    zh: str
    en: str


class BasisOut(Out):
    law: str
    article: str


class EntitlementOut(Out):
    code: str
    eligible: bool
    reason: str
    title: TextOut
    amount_fen: int | None
    amount_min_fen: int | None
    amount_max_fen: int | None
    act_by: str | None
    act_by_provisional: bool
    basis: list[BasisOut]
    explanation: TextOut
    alternative_to: list[str]


# ---- webhooks --------------------------------------------------------------------------------


class WebhookIn(In):
    url: str = Field(min_length=8, max_length=500, pattern=r"^https?://\S+$")
    event_types: list[EventType] = Field(min_length=1, max_length=len(codes.EVENT_TYPES))
    shop: str | None = Field(None, max_length=12, description="Only this shop's cases; default: all.")
    secret: str | None = Field(
        None, min_length=16, max_length=100, description="Default: a random secret, returned once."
    )
    description: str = Field("", max_length=200)


class WebhookOut(Out):
    id: str
    url: str
    description: str
    event_types: list[EventType]
    shop: str | None
    enabled: bool
    failing_since: datetime | None
    disabled_at: datetime | None
    disabled_reason: str
    created_at: datetime


class WebhookCreatedOut(WebhookOut):
    secret: str = Field(description="Shown once: keep it to verify the Gongdao-Signature header.")


class AttemptOut(Out):
    number: int
    started_at: datetime
    finished_at: datetime | None
    status_code: int | None
    latency_ms: int | None
    error: str
    manual: bool


class DeliveryOut(Out):
    id: str
    endpoint: str
    event_id: str
    event_type: str
    state: Literal["pending", "delivered", "failed"]
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str
    created_at: datetime
    delivered_at: datetime | None
    attempt_log: list[AttemptOut]
