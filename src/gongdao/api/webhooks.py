"""Webhooks: a channel of the outbox (notify/channels.CHANNELS calls ``deliver_webhooks``).

For every outbox row of a DESIGN.md event type, each enabled endpoint subscribed to the type
gets a delivery (platform-wide endpoints: every platform-mode case; a shop's endpoints: that
shop's cases, for events the merchant is told about). The delivery's JSON body is fixed when it
is created; each attempt signs it afresh:

    Gongdao-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>

A 2xx answer delivers it. Anything else (or no answer within ``TIMEOUT``) is retried with
exponential backoff and jitter until ``RETRY_WINDOW`` after the first attempt, then the delivery
is failed. Retries are scheduled as internal ``webhook.retry`` outbox rows (no audience, no
case), so the existing worker runs them at their time. Every attempt is a ``WebhookAttempt``
row, written before the request and completed after it (status code, latency, error). An
endpoint whose attempts have failed for ``DISABLE_AFTER`` without a success is disabled and its
owners get an in-app notice.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import random
import secrets
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongdao import __version__, codes
from gongdao.api.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from gongdao.cases.actors import Actor
from gongdao.cases.models import Outbox
from gongdao.errors import Forbidden, InvalidInput, NotFound
from gongdao.parties import permissions
from gongdao.parties.models import Shop, User

log = logging.getLogger("gongdao.webhooks")
SIGNATURE_HEADER = "Gongdao-Signature"
RETRY_TYPE = "webhook.retry"
RETRY_WINDOW = timedelta(hours=24)
DISABLE_AFTER = timedelta(hours=24)
FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=2)
TIMEOUT = 10  # seconds
EXCERPT = 500
DATA_KEYS = {
    "case.status_changed": ("action", "from", "to"),
    "case.escalated": ("action", "from", "to", "reason"),
    "case.closed": ("action", "from", "to"),
    "case.decided": ("decision",),
    "case.appealed": ("by",),
    "case.filed": ("action", "from", "to"),
    "deadline.expired": ("deadline",),
}


# ---- signing ---------------------------------------------------------------------------------


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(secret: str, header: str, body: bytes, *, tolerance: int = 300, now: float | None = None) -> bool:
    """What a receiver does (docs/api.md has the same code to copy)."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((now if now is not None else time.time()) - timestamp) > tolerance:
        return False
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def backoff(attempt: int, rng: random.Random | None = None) -> timedelta:
    """Exponential (30 s, 1 min, 2 min, … capped at 2 h) with "equal jitter": half to all of it."""
    base = min(MAX_DELAY, FIRST_DELAY * (2 ** min(attempt - 1, 20)))
    return base * (rng or random).uniform(0.5, 1.0)


# ---- the channel -----------------------------------------------------------------------------


def deliver_webhooks(row: Outbox) -> int:
    """Create this row's deliveries and make their first attempt; or run a scheduled retry.
    Safe to call again with the same row: a delivery exists once per endpoint and row."""
    if row.type == RETRY_TYPE:
        delivery = WebhookDelivery.objects.filter(public_id=row.data.get("delivery", "")).first()
        if delivery is not None and delivery.state == "pending":
            attempt(delivery)
        return 0
    if row.type not in codes.EVENT_TYPES:
        return 0
    made = 0
    for endpoint in subscribers(row):
        event_id, body = event_body(row)
        delivery, created = WebhookDelivery.objects.get_or_create(
            endpoint=endpoint,
            outbox=row,
            defaults={
                "event_id": event_id,
                "event_type": row.type,
                "body": body,
                "created_at": timezone.now(),
            },
        )
        if delivery.state == "pending" and delivery.attempts == 0:
            attempt(delivery)
        made += int(created)
    return made


def subscribers(row: Outbox) -> list[WebhookEndpoint]:
    case = row.case
    chosen = []
    for endpoint in WebhookEndpoint.objects.filter(enabled=True).order_by("id"):
        if row.type not in endpoint.event_types:
            continue
        if endpoint.shop_id is None:
            if case is None or case.mode == "platform":
                chosen.append(endpoint)
        elif case is not None and case.shop_id == endpoint.shop_id and "merchant" in row.audience:
            chosen.append(endpoint)
    return chosen


def event_id_of(row: Outbox) -> str:
    if row.event is not None:
        return f"{row.event.public_id}.{row.type}"
    mac = hmac.new(settings.SECRET_KEY.encode(), f"outbox:{row.pk}".encode(), hashlib.sha256)
    return f"X-{mac.hexdigest()[:20]}"


def event_body(row: Outbox) -> tuple[str, str]:
    """The delivery's JSON: event id, type, time, the case summary and the event's data."""
    event = row.event
    data: dict[str, Any] = dict(row.data or {})
    payload = (event.payload or {}) if event is not None else {}
    if row.type == "refund.requested" and "refund" in payload:
        data.update(payload["refund"])
    for key in DATA_KEYS.get(row.type, ()):
        if key in payload:
            data[key] = payload[key]
    if event is not None:
        data["event"] = {"id": event.public_id, "seq": event.seq, "type": event.type, "hash": event.hash}
    body = {
        "id": event_id_of(row),
        "type": row.type,
        "created_at": (event.recorded_at if event is not None else row.created_at).isoformat(),
        "case": case_summary(row.case) if row.case_id else None,
        "data": data,
    }
    return str(body["id"]), json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=str)


def case_summary(case: Any) -> dict[str, Any]:
    return {
        "id": case.public_id,
        "mode": case.mode,
        "status": case.status,
        "stage": case.stage,
        "order": case.order.public_id,
        "shop": case.shop.public_id if case.shop_id else None,
        "consumer": case.consumer.public_id,
        "issue": case.issue,
        "remedy": case.remedy,
        "outcome": case.outcome or None,
        "requested_fen": case.requested_fen,
        "agreed_fen": case.agreed_fen,
        "refunded_fen": case.refunded_fen,
        "next_actor": case.next_actor or None,
        "due_at": case.due_at.isoformat() if case.due_at else None,
        "version": case.version,
        "updated_at": case.updated_at.isoformat(),
    }


# ---- one attempt -----------------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a 3xx is an answer, not a delivery


_OPENER = urllib.request.build_opener(_NoRedirects)


def attempt(delivery: WebhookDelivery, *, manual: bool = False) -> WebhookAttempt:
    """Send the delivery once; record the attempt; schedule the retry or give up."""
    endpoint = delivery.endpoint
    started = timezone.now()
    number = delivery.attempts + 1
    record = WebhookAttempt.objects.create(
        delivery=delivery, number=number, started_at=started, manual=manual
    )
    if delivery.retry_until is None:
        delivery.retry_until = started + RETRY_WINDOW
    delivery.attempts = number
    delivery.save(update_fields=["attempts", "retry_until"])
    status, error, excerpt, latency = _post(endpoint, delivery, number)
    finished = timezone.now()
    with transaction.atomic():
        record.finished_at, record.status_code, record.latency_ms = finished, status, latency
        record.error, record.response_excerpt = error, excerpt
        record.save()
        delivery.last_status_code, delivery.last_error = status, error
        if status is not None and 200 <= status < 300:
            _succeeded(delivery, endpoint, finished)
        else:
            _failed(delivery, endpoint, started, finished)
    return record


def _post(
    endpoint: WebhookEndpoint, delivery: WebhookDelivery, number: int
) -> tuple[int | None, str, str, int]:
    body = delivery.body.encode("utf-8")
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": f"Gongdao-Webhooks/{__version__}",
        "Gongdao-Event-Id": delivery.event_id,
        "Gongdao-Event-Type": delivery.event_type,
        "Gongdao-Delivery": delivery.public_id,
        "Gongdao-Attempt": str(number),
        SIGNATURE_HEADER: sign(endpoint.secret, int(time.time()), body),
    }
    request = urllib.request.Request(endpoint.url, data=body, headers=headers, method="POST")  # noqa: S310
    began = time.perf_counter()
    status, error, excerpt = None, "", ""
    try:
        with _OPENER.open(request, timeout=TIMEOUT) as answer:
            status, excerpt = answer.status, answer.read(EXCERPT).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        status, excerpt = exc.code, exc.read(EXCERPT).decode("utf-8", "replace")
        error = f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        error = f"{type(reason).__name__}: {reason}"[:500]
    latency = int((time.perf_counter() - began) * 1000)
    if status is not None and not 200 <= status < 300 and not error:
        error = f"HTTP {status}"
    return status, error, excerpt, latency


def _succeeded(delivery: WebhookDelivery, endpoint: WebhookEndpoint, now: datetime) -> None:
    delivery.state, delivery.delivered_at, delivery.next_attempt_at = "delivered", now, None
    delivery.save(
        update_fields=["state", "delivered_at", "next_attempt_at", "last_status_code", "last_error"]
    )
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=None)
    endpoint.failing_since = None


def _failed(delivery: WebhookDelivery, endpoint: WebhookEndpoint, started: datetime, now: datetime) -> None:
    """Schedule the next try (the last one exactly when the window closes), or give up."""
    endpoint.refresh_from_db(fields=["enabled", "failing_since"])
    WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=True).update(failing_since=started)
    endpoint.failing_since = endpoint.failing_since or started
    if endpoint.enabled and now - endpoint.failing_since >= DISABLE_AFTER:
        disable(endpoint, _("Every delivery failed for 24 hours."), now, cause="failing")
    until = delivery.retry_until or now
    retry_at: datetime | None = min(now + backoff(delivery.attempts), until)
    if not endpoint.enabled or now >= until:
        retry_at = None
    if retry_at is None:
        delivery.state, delivery.next_attempt_at = "failed", None
    else:
        delivery.next_attempt_at = retry_at
        Outbox.objects.create(
            type=RETRY_TYPE, audience=[], data={"delivery": delivery.public_id}, next_attempt_at=retry_at
        )
    delivery.save(update_fields=["state", "next_attempt_at", "last_status_code", "last_error"])


# ---- managing endpoints ----------------------------------------------------------------------


def disable(
    endpoint: WebhookEndpoint, reason: Any, now: datetime | None = None, *, cause: str = "owner"
) -> None:
    """Stop delivering to the endpoint; its pending deliveries fail; its owners are told
    (``cause``: "failing" when every delivery failed for a day, "owner" when switched off)."""
    now = now or timezone.now()
    updated = WebhookEndpoint.objects.filter(pk=endpoint.pk, enabled=True).update(
        enabled=False, disabled_at=now, disabled_reason=str(reason)[:200]
    )
    endpoint.enabled, endpoint.disabled_at, endpoint.disabled_reason = False, now, str(reason)[:200]
    endpoint.deliveries.filter(state="pending").update(
        state="failed", next_attempt_at=None, last_error="endpoint disabled"
    )
    if updated:
        _notify_owners(endpoint, now, cause)


def _notify_owners(endpoint: WebhookEndpoint, now: datetime, cause: str) -> None:
    from gongdao.notify.models import Notification

    owners = {u.pk: u for u in owners_of(endpoint)}
    for user in owners.values():
        Notification.objects.create(
            user=user,
            type="webhook.disabled",
            category="updates",
            mandatory=True,
            data={
                "endpoint": endpoint.public_id,
                "url": endpoint.url,
                "reason": endpoint.disabled_reason,
                "cause": cause,
                "failing_since": endpoint.failing_since.isoformat() if endpoint.failing_since else None,
                "disabled_at": now.isoformat(),
            },
        )
    log.warning(
        "webhook endpoint %s (%s) disabled: %s", endpoint.public_id, endpoint.url, endpoint.disabled_reason
    )


def owners_of(endpoint: WebhookEndpoint) -> list[User]:
    """Who hears that an endpoint was disabled: who registered it, and the shop's merchant admins
    (a shop's endpoint) or the platform's admins (a platform-wide one)."""
    users = User.objects.filter(is_active=True)
    if endpoint.shop_id is not None:
        owners = users.filter(shop_id=endpoint.shop_id, role="merchant_admin")
    else:
        owners = users.filter(role="admin")
    if endpoint.created_by_id:
        owners = owners | users.filter(pk=endpoint.created_by_id)
    return list(owners.distinct())


def managed_shop(actor: Actor) -> Shop | None:
    """The shop whose endpoints this caller manages (a merchant admin, or a shop key)."""
    shop = None
    if actor.kind == "api_key" and actor.key.kind == "shop":
        shop = actor.key.shop
    elif actor.user is not None and actor.user.shop_id:
        shop = actor.user.shop
    return shop if shop is not None and "merchant_admin" in permissions.shop_sides(actor, shop) else None


def visible_endpoints(actor: Actor) -> QuerySet:
    qs = WebhookEndpoint.objects.select_related("shop").order_by("id")
    if permissions.is_platform_operator(actor):
        return qs
    shop = managed_shop(actor)
    return qs.filter(shop=shop) if shop is not None else qs.none()


def get_endpoint(actor: Actor, public_id: str) -> WebhookEndpoint:
    endpoint = visible_endpoints(actor).filter(public_id=public_id.strip().upper()).first()
    if endpoint is None:
        raise NotFound("webhook_not_found", _("No such webhook endpoint."))
    return endpoint


def register(
    actor: Actor,
    *,
    url: str,
    event_types: list[str],
    shop_id: str | None = None,
    secret: str | None = None,
    description: str = "",
) -> tuple[WebhookEndpoint, str]:
    shop = _target_shop(actor, shop_id)
    unknown = [t for t in event_types if t not in codes.EVENT_TYPES]
    if unknown or not event_types:
        raise InvalidInput("invalid_event_type", _("Choose event types from the list."), field="event_types")
    if not url.startswith(("http://", "https://")):
        raise InvalidInput("invalid_url", _("Enter a URL starting with http:// or https://."), field="url")
    secret = secret or "whsec_" + secrets.token_urlsafe(32)
    endpoint = WebhookEndpoint.objects.create(
        url=url,
        description=description,
        secret=secret,
        event_types=list(dict.fromkeys(event_types)),
        shop=shop,
        created_by=actor.user,
        created_by_key=actor.key if actor.kind == "api_key" else None,
    )
    return endpoint, secret


def _target_shop(actor: Actor, shop_id: str | None) -> Shop | None:
    if permissions.is_platform_operator(actor):
        if not shop_id:
            return None
        shop = Shop.objects.filter(public_id=shop_id.strip().upper()).first()
        if shop is None:
            raise InvalidInput("unknown_shop", _("There is no such shop."), field="shop")
        return shop
    own = managed_shop(actor)
    if own is None:
        raise Forbidden(
            "cannot_manage_webhooks", _("Only platform admins and a shop's merchant admins manage webhooks.")
        )
    if shop_id and shop_id.strip().upper() != own.public_id:
        raise InvalidInput("unknown_shop", _("There is no such shop."), field="shop")
    return own


def set_enabled(endpoint: WebhookEndpoint, enabled: bool) -> WebhookEndpoint:
    if enabled:
        endpoint.enabled, endpoint.failing_since = True, None
        endpoint.disabled_at, endpoint.disabled_reason = None, ""
        endpoint.save(update_fields=["enabled", "failing_since", "disabled_at", "disabled_reason"])
    else:
        disable(endpoint, _("Disabled by its owner."))
    return endpoint


def redeliver(delivery: WebhookDelivery) -> WebhookAttempt:
    """Send a delivery again now (whatever its state), with a fresh 24-hour retry window."""
    if not delivery.endpoint.enabled:
        raise InvalidInput(
            "webhook_disabled", _("The endpoint is disabled: enable it first."), field="endpoint"
        )
    delivery.state, delivery.retry_until, delivery.next_attempt_at = "pending", None, None
    delivery.save(update_fields=["state", "retry_until", "next_attempt_at"])
    return attempt(delivery, manual=True)


def deliveries_of(endpoint: WebhookEndpoint, limit: int = 50) -> list[WebhookDelivery]:
    qs = endpoint.deliveries.select_related("endpoint").prefetch_related("attempt_log")
    return list(qs.order_by("-created_at", "-id")[:limit])


def find_delivery(actor: Actor, public_id: str) -> WebhookDelivery:
    delivery = (
        WebhookDelivery.objects.select_related("endpoint")
        .filter(Q(public_id=public_id.strip().upper()), endpoint__in=visible_endpoints(actor))
        .first()
    )
    if delivery is None:
        raise NotFound("delivery_not_found", _("No such webhook delivery."))
    return delivery
