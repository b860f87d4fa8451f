"""Cases (a projection of their event log), case lines, the event log itself, checkpoints,
deadlines, the outbox with its delivery log, refund requests and the shops' ledger."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from gongdao import codes, ids


def _case_id() -> str:
    return ids.new_id("case")


def _event_id() -> str:
    return ids.new_id("event")


class Case(models.Model):
    public_id = models.CharField(max_length=12, unique=True, default=_case_id, editable=False)
    mode = models.CharField(max_length=10, choices=[(m, m) for m in codes.MODES], default="platform")
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="cases")
    consumer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases")
    shop = models.ForeignKey(
        "parties.Shop", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    outside_merchant = models.ForeignKey(
        "parties.OutsideParty", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    policy = models.ForeignKey("policy.PolicyVersion", on_delete=models.PROTECT, related_name="cases")
    issue = models.CharField(max_length=30, choices=codes.choices(codes.ISSUE_TYPES))
    remedy = models.CharField(max_length=20, choices=codes.choices(codes.REMEDIES))
    statement = models.TextField(blank=True)
    requested_fen = models.BigIntegerField(default=0)
    agreed_fen = models.BigIntegerField(null=True, blank=True)
    refunded_fen = models.BigIntegerField(default=0)
    status = models.CharField(max_length=20, choices=codes.choices(codes.STATUSES), default="draft")
    stage = models.PositiveSmallIntegerField(default=1)
    outcome = models.CharField(max_length=20, choices=codes.choices(codes.OUTCOMES), blank=True)
    # Fulfilment: the remedy's remaining steps, e.g. ["ship_return", "confirm_return", "refund"].
    steps = models.JSONField(default=list, blank=True)
    offer = models.JSONField(null=True, blank=True)
    decision = models.JSONField(null=True, blank=True)
    appealed_by = models.CharField(max_length=20, blank=True)
    evidence_requested_from = models.CharField(max_length=20, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decided_cases",
    )
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    order_snapshot = models.JSONField(default=dict)
    next_actor = models.CharField(max_length=20, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    seq = models.PositiveIntegerField(default=0)
    head_hash = models.CharField(max_length=64, blank=True)
    status_since = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    filed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["shop", "status"]),
            models.Index(fields=["consumer", "-updated_at"]),
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["assignee", "status"]),
            models.Index(fields=["updated_at"]),
        ]

    def __str__(self) -> str:
        return self.public_id

    @property
    def is_ended(self) -> bool:
        return self.status in codes.ENDED_STATUSES


class CaseLine(models.Model):
    """A line of the order the case is about; at most one open case per order line."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey("orders.OrderLine", on_delete=models.PROTECT, related_name="case_lines")
    requested_fen = models.BigIntegerField()
    agreed_fen = models.BigIntegerField(null=True, blank=True)
    refunded_fen = models.BigIntegerField(default=0)
    is_open = models.BooleanField(default=True)

    class Meta:
        ordering = ["order_line__line_no"]
        constraints = [
            models.UniqueConstraint(
                fields=["order_line"], condition=Q(is_open=True), name="one_open_case_per_line"
            ),
            models.UniqueConstraint(fields=["case", "order_line"], name="unique_case_line"),
            models.CheckConstraint(name="case_line_requested_nonnegative", condition=Q(requested_fen__gte=0)),
        ]


class CaseEvent(models.Model):
    """Append-only: one row per change to a case, hash-chained (see cases/chain.py)."""

    VISIBILITY = [("all_parties", "all_parties"), ("platform_only", "platform_only")]
    public_id = models.CharField(max_length=12, unique=True, default=_event_id, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    recorded_at = models.DateTimeField()
    occurred_at = models.DateTimeField()
    actor = models.CharField(max_length=40)  # "user:U-…", "api_key:K-…", "system", "outside:P-…"
    actor_role = models.CharField(max_length=20, blank=True)
    on_behalf_of = models.CharField(max_length=40, blank=True)
    concerns = models.CharField(max_length=40, blank=True)
    type = models.CharField(max_length=40)
    visibility = models.CharField(max_length=20, choices=VISIBILITY, default="all_parties")
    payload = models.JSONField(null=True, blank=True)
    payload_digest = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["case", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="unique_event_seq")]


class Checkpoint(models.Model):
    """The platform's Ed25519 signature over a case's chain head."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="checkpoints")
    seq = models.PositiveIntegerField()
    hash = models.CharField(max_length=64)
    signed_at = models.DateTimeField()
    key_fingerprint = models.CharField(max_length=64)
    signature = models.CharField(max_length=128)
    reason = models.CharField(max_length=40)

    class Meta:
        ordering = ["case", "seq"]


class Deadline(models.Model):
    STATES = [(s, s) for s in ("pending", "fired", "cancelled", "paused", "lapsed")]
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(max_length=40)
    party = models.CharField(max_length=20, blank=True)  # who must act: consumer, merchant, platform
    due_at = models.DateTimeField()
    on_expiry = models.CharField(max_length=40)
    state = models.CharField(max_length=12, choices=STATES, default="pending")
    provisional = models.BooleanField(default=False)
    remaining_seconds = models.BigIntegerField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["due_at"], condition=Q(state="pending"), name="deadline_pending_due"),
            models.Index(fields=["case", "state"]),
        ]


class Outbox(models.Model):
    """A fact for the channels (in-app, email, webhooks), written in the action's transaction."""

    event = models.ForeignKey(
        CaseEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="outbox"
    )
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="outbox")
    type = models.CharField(max_length=40)
    audience = models.JSONField(default=list)  # sides: consumer, merchant, agent, senior_agent
    exclude_user = models.CharField(max_length=12, blank=True)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=10, default="pending")  # pending, done, failed
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(state="pending"), name="outbox_pending")
        ]


class Delivery(models.Model):
    """One attempt to deliver an outbox row on one channel to one recipient."""

    outbox = models.ForeignKey(Outbox, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=20)
    recipient = models.CharField(max_length=200)
    attempt = models.PositiveIntegerField(default=1)
    state = models.CharField(max_length=10, default="started")  # started, sent, failed
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)


class RefundRequest(models.Model):
    """A refund due to the consumer; Gongdao holds no money, it asks and waits for confirmation."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="refund_requests")
    lines = models.JSONField()  # [{"line_no": 1, "amount_fen": 1230}]
    amount_fen = models.BigIntegerField()
    owed_by = models.CharField(max_length=20)  # merchant | platform
    state = models.CharField(max_length=12, default="requested")  # requested, confirmed, paid_out
    requested_at = models.DateTimeField()
    settled_at = models.DateTimeField(null=True, blank=True)


class LedgerEntry(models.Model):
    """What a shop owes the platform back: an advance payout (先行赔付) booked against its deposit."""

    shop = models.ForeignKey("parties.Shop", on_delete=models.PROTECT, related_name="ledger")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="ledger")
    kind = models.CharField(max_length=30, default="advance_payout")
    amount_fen = models.BigIntegerField()
    recorded_at = models.DateTimeField()
    recovered_at = models.DateTimeField(null=True, blank=True)
