"""API keys, idempotency records, case-list snapshots, and webhook endpoints with their
deliveries and every delivery attempt."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongdao import ids

SCOPES = {
    "orders:write": _("Push orders (upsert by the platform's order number)"),
    "cases:read": _("Read cases, their messages, events, evidence and verification"),
    "cases:write": _("File cases, take workflow actions, send messages, add evidence"),
    "platform": _("Act as the platform (agent actions, refunds, payouts, deadline pauses, webhooks)"),
}
KEY_KINDS = {
    "platform": _("Platform key"),
    "shop": _("Shop key"),
    "personal": _("Personal token"),
}


def _public_id(prefix: str) -> str:
    return f"{prefix}-" + "".join(secrets.choice(ids.ALPHABET) for _ in range(8))


def _key_id() -> str:
    return ids.new_id("key")


def _endpoint_id() -> str:
    return _public_id("W")


def _delivery_id() -> str:
    return _public_id("H")


class ApiKey(models.Model):
    """A secret shown once at creation; only its SHA-256 is stored.

    Three kinds: a platform key (the marketplace's own systems), a shop key (a merchant's ERP,
    limited to that shop's cases) and a personal token (a user's own app, acting as that user).
    What the holder sees and may do on a case is decided by ``sides_for`` (called from
    parties/permissions.sides) and by the key's scopes (checked by each API operation).
    """

    public_id = models.CharField(max_length=12, unique=True, default=_key_id, editable=False)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=list(KEY_KINDS.items()))
    scopes = models.JSONField(_("scopes"), default=list)
    shop = models.ForeignKey(
        "parties.Shop", null=True, blank=True, on_delete=models.PROTECT, related_name="api_keys"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="api_keys"
    )
    prefix = models.CharField(max_length=16, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    rate_limit = models.PositiveIntegerField(
        _("rate limit"),
        null=True,
        blank=True,
        help_text=_("Requests per minute; empty means the GONGDAO_API_RATE_LIMIT setting."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Fixed-window request counter for the rate limit (minute number since the epoch, count).
    window_start = models.BigIntegerField(default=0, editable=False)
    window_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        constraints = [
            models.CheckConstraint(
                name="api_key_kind_matches_owner",
                condition=(
                    Q(kind="platform", shop__isnull=True, user__isnull=True)
                    | Q(kind="shop", shop__isnull=False, user__isnull=True)
                    | Q(kind="personal", shop__isnull=True, user__isnull=False)
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.name}"

    @property
    def is_active(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.user is None or self.user.is_active

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    # ---- what the holder is on a case (parties/permissions.sides calls these) ----------------

    def sides_for(self, case: Any) -> set[str]:
        """Platform key: the platform's filed cases (platform mode, not drafts, like agents) as
        ``platform`` and ``agent`` when it has the ``platform`` scope, else as a read-only
        ``observer``. Shop key: ``merchant`` on its shop's filed cases only. Personal token:
        exactly the sides of its user. A draft is the consumer's alone until it is filed."""
        from gongdao.parties import permissions

        if not self.is_active:
            return set()
        if self.kind == "personal":
            return permissions.user_sides(self.user, case)
        if case.status == "draft":
            return set()
        if self.kind == "shop":
            return {"merchant"} if case.shop_id is not None and case.shop_id == self.shop_id else set()
        if case.mode != "platform":
            return set()
        return {"platform", "agent"} if self.has_scope("platform") else {"observer"}

    def may_file_for(self, order: Any) -> bool:
        """Only the order's consumer files (a personal token); the platform and shops do not open
        cases for consumers: a draft is the consumer's alone until they submit it."""
        if not self.is_active or not self.has_scope("cases:write") or self.kind != "personal":
            return False
        user = self.user
        return (
            user is not None
            and order.consumer_id == user.pk
            and user.role in ("consumer", "association_staff")
        )

    def shop_sides(self, shop: Any) -> set[str]:
        """In which capacity the holder sees a shop's account (ledger, webhook endpoints)."""
        from gongdao.parties import permissions

        if not self.is_active:
            return set()
        if self.kind == "personal":
            return permissions.user_shop_sides(self.user, shop)
        if self.kind == "shop":
            return {"merchant", "merchant_admin"} if shop.pk == self.shop_id else set()
        return {"platform"} if self.has_scope("platform") else {"observer"}

    def visible_cases(self) -> models.QuerySet:
        from gongdao.cases.models import Case
        from gongdao.parties import permissions

        if not self.is_active:
            return Case.objects.none()
        if self.kind == "personal":
            return permissions.visible_cases(self.user)
        if self.kind == "shop":
            return Case.objects.filter(shop=self.shop).exclude(status="draft")
        return Case.objects.filter(mode="platform").exclude(status="draft")

    def visible_orders(self) -> models.QuerySet:
        from gongdao.orders.models import Order
        from gongdao.parties import permissions

        if not self.is_active:
            return Order.objects.none()
        if self.kind == "personal":
            return permissions.visible_orders(self.user)
        if self.kind == "shop":
            return Order.objects.filter(shop=self.shop)
        return Order.objects.filter(source="platform")


class IdempotencyRecord(models.Model):
    """The response to a POST sent with an ``Idempotency-Key``, kept 24 hours for replays."""

    owner = models.CharField(max_length=40)  # the key's or the user's public id
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of method, path and body
    path = models.CharField(max_length=300)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)  # null: still running
    headers = models.JSONField(default=dict)
    body = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="unique_idempotency_key")]
        indexes = [models.Index(fields=["created_at"])]


class CaseListing(models.Model):
    """A cursor's snapshot: which cases matched a list query, in which order, when it began."""

    token = models.CharField(max_length=32, unique=True)
    owner = models.CharField(max_length=40)
    query = models.CharField(max_length=64)  # SHA-256 of the normalised filters
    ids = models.TextField()  # case primary keys in order, comma-separated
    count = models.PositiveIntegerField()
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)


class WebhookEndpoint(models.Model):
    """Where to POST events: platform-wide (no shop) or for one shop's cases."""

    public_id = models.CharField(max_length=12, unique=True, default=_endpoint_id, editable=False)
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    secret = models.CharField(max_length=100, editable=False)
    event_types = models.JSONField(_("event types"), default=list)
    shop = models.ForeignKey(
        "parties.Shop", null=True, blank=True, on_delete=models.PROTECT, related_name="webhook_endpoints"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_key = models.ForeignKey(
        ApiKey, null=True, blank=True, on_delete=models.SET_NULL, related_name="webhook_endpoints"
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return f"{self.public_id} {self.url}"


class WebhookDelivery(models.Model):
    """One event for one endpoint: the signed body is fixed at creation, attempts retry it."""

    STATES = [(s, s) for s in ("pending", "delivered", "failed")]
    public_id = models.CharField(max_length=12, unique=True, default=_delivery_id, editable=False)
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    outbox = models.ForeignKey("cases.Outbox", on_delete=models.CASCADE, related_name="webhook_deliveries")
    event_id = models.CharField(max_length=64)
    event_type = models.CharField(max_length=40)
    body = models.TextField()
    state = models.CharField(max_length=10, choices=STATES, default="pending")
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    retry_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "outbox"], name="one_delivery_per_endpoint_and_row")
        ]
        indexes = [models.Index(fields=["endpoint", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.public_id} {self.event_type} → {self.endpoint.url}"


class WebhookAttempt(models.Model):
    """One HTTP request of a delivery: written before it is sent, completed after."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    response_excerpt = models.TextField(blank=True)
    manual = models.BooleanField(default=False)

    class Meta:
        ordering = ["delivery", "number"]
