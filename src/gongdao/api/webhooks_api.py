"""Webhook endpoints: registered by platform admins (all cases, or one shop's) and by a shop's
merchant admins or shop keys (their own shop's cases); their deliveries and manual redelivery."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from gongdao.api import webhooks
from gongdao.api.auth import READ, WRITE, actor_of, needs
from gongdao.api.common import responses
from gongdao.api.schemas import DeliveryOut, WebhookCreatedOut, WebhookIn, WebhookOut

router = Router(tags=["webhooks"])


def endpoint_out(endpoint: Any) -> dict[str, Any]:
    return {
        "id": endpoint.public_id,
        "url": endpoint.url,
        "description": endpoint.description,
        "event_types": endpoint.event_types,
        "shop": endpoint.shop.public_id if endpoint.shop_id else None,
        "enabled": endpoint.enabled,
        "failing_since": endpoint.failing_since,
        "disabled_at": endpoint.disabled_at,
        "disabled_reason": endpoint.disabled_reason,
        "created_at": endpoint.created_at,
    }


def delivery_out(delivery: Any) -> dict[str, Any]:
    return {
        "id": delivery.public_id,
        "endpoint": delivery.endpoint.public_id,
        "event_id": delivery.event_id,
        "event_type": delivery.event_type,
        "state": delivery.state,
        "attempts": delivery.attempts,
        "next_attempt_at": delivery.next_attempt_at,
        "last_status_code": delivery.last_status_code,
        "last_error": delivery.last_error,
        "created_at": delivery.created_at,
        "delivered_at": delivery.delivered_at,
        "attempt_log": [
            {
                "number": a.number,
                "started_at": a.started_at,
                "finished_at": a.finished_at,
                "status_code": a.status_code,
                "latency_ms": a.latency_ms,
                "error": a.error,
                "manual": a.manual,
            }
            for a in delivery.attempt_log.all()
        ],
    }


@router.get(
    "/webhooks",
    response=responses({200: list[WebhookOut]}),
    summary="The webhook endpoints you manage",
    auth=needs(READ),
)
def list_webhooks(request: HttpRequest) -> Any:
    actor = actor_of(request)
    return [endpoint_out(e) for e in webhooks.visible_endpoints(actor)]


@router.post(
    "/webhooks",
    response=responses({201: WebhookCreatedOut}),
    summary="Register a webhook endpoint",
    description=(
        "Platform admins and platform keys (scope `platform`) register endpoints for every case or "
        "one shop's; a shop's merchant admin or shop key, for that shop's cases. The secret (yours, "
        "or a random one) is returned once; see docs/api.md for verifying the signature."
    ),
    auth=needs(WRITE),
)
def create_webhook(request: HttpRequest, payload: WebhookIn) -> Any:
    actor = actor_of(request)
    endpoint, secret = webhooks.register(
        actor,
        url=payload.url,
        event_types=[str(t) for t in payload.event_types],
        shop_id=payload.shop,
        secret=payload.secret,
        description=payload.description,
    )
    return Status(201, {**endpoint_out(endpoint), "secret": secret})


@router.get(
    "/webhooks/{webhook_id}",
    response=responses({200: WebhookOut}, 404),
    summary="One webhook endpoint",
    auth=needs(READ),
)
def get_webhook(request: HttpRequest, webhook_id: str) -> Any:
    actor = actor_of(request)
    return endpoint_out(webhooks.get_endpoint(actor, webhook_id))


@router.post(
    "/webhooks/{webhook_id}/disable",
    response=responses({200: WebhookOut}, 404),
    summary="Stop deliveries to an endpoint (pending ones fail)",
    auth=needs(WRITE),
)
def disable_webhook(request: HttpRequest, webhook_id: str) -> Any:
    actor = actor_of(request)
    return endpoint_out(webhooks.set_enabled(webhooks.get_endpoint(actor, webhook_id), False))


@router.post(
    "/webhooks/{webhook_id}/enable",
    response=responses({200: WebhookOut}, 404),
    summary="Deliver to an endpoint again (after it was disabled)",
    auth=needs(WRITE),
)
def enable_webhook(request: HttpRequest, webhook_id: str) -> Any:
    actor = actor_of(request)
    return endpoint_out(webhooks.set_enabled(webhooks.get_endpoint(actor, webhook_id), True))


class DeliveryQuery(Schema):
    limit: int = Field(50, ge=1, le=200)


@router.get(
    "/webhooks/{webhook_id}/deliveries",
    response=responses({200: list[DeliveryOut]}, 404),
    summary="Recent deliveries to an endpoint, with every attempt",
    auth=needs(READ),
)
def list_deliveries(request: HttpRequest, webhook_id: str, query: Query[DeliveryQuery]) -> Any:
    actor = actor_of(request)
    endpoint = webhooks.get_endpoint(actor, webhook_id)
    return [delivery_out(d) for d in webhooks.deliveries_of(endpoint, query.limit)]


@router.post(
    "/webhooks/deliveries/{delivery_id}/redeliver",
    response=responses({200: DeliveryOut}, 404),
    summary="Send a delivery again now",
    auth=needs(WRITE),
)
def redeliver(request: HttpRequest, delivery_id: str) -> Any:
    actor = actor_of(request)
    delivery = webhooks.find_delivery(actor, delivery_id)
    webhooks.redeliver(delivery)
    delivery.refresh_from_db()
    return delivery_out(delivery)
