"""Webhooks: signed deliveries to a real HTTP server on loopback, retries with backoff until it
recovers, giving up and disabling an endpoint after a day, manual redelivery, and who may
register endpoints for which cases."""

from __future__ import annotations

import json
import random
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from gongdao import worker
from gongdao.api import webhooks
from gongdao.api.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from gongdao.cases.models import Outbox
from gongdao.notify.models import Notification
from tests.api.receiver import receiver

ALL = ["case.filed", "case.status_changed", "case.decided", "refund.requested", "case.escalated"]


def register(caller: Any, url: str, types: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    response = caller.post("/webhooks", {"url": url, "event_types": types or ALL, **extra})
    assert response.status_code == 201, response.content
    return response.json()


def deliveries(endpoint_id: str) -> list[WebhookDelivery]:
    return list(WebhookDelivery.objects.filter(endpoint__public_id=endpoint_id).order_by("id"))


def run_worker_until_idle(now: Any = None) -> None:
    for _ in range(10):
        if not worker.deliver_outbox(now):
            return


def test_a_delivery_is_signed_and_carries_the_case(api: Any, flow: Any, world: Any) -> None:
    with receiver() as hook:
        endpoint = register(api.ada, hook.url, ["case.filed"])
        case = flow.awaiting_merchant()
        run_worker_until_idle()
    assert len(hook.requests) == 1
    request = hook.requests[0]
    assert webhooks.verify(endpoint["secret"], request.headers["Gongdao-Signature"], request.body)
    assert not webhooks.verify("someone-elses-secret", request.headers["Gongdao-Signature"], request.body)
    assert not webhooks.verify(endpoint["secret"], request.headers["Gongdao-Signature"], request.body + b" ")
    body = json.loads(request.body)
    assert body["type"] == "case.filed" and request.headers["Gongdao-Event-Type"] == "case.filed"
    assert body["id"] == request.headers["Gongdao-Event-Id"]
    assert body["case"]["id"] == case.public_id and body["case"]["status"] == "awaiting_merchant"
    assert body["created_at"] and body["data"]["event"]["hash"]
    (delivery,) = deliveries(endpoint["id"])
    assert delivery.state == "delivered"
    (attempt,) = delivery.attempt_log.all()
    assert attempt.status_code == 200 and attempt.latency_ms is not None and attempt.finished_at


def test_an_old_signature_is_refused(world: Any) -> None:
    header = webhooks.sign("s" * 20, 1_700_000_000, b"{}")
    assert webhooks.verify("s" * 20, header, b"{}", now=1_700_000_100)
    assert not webhooks.verify("s" * 20, header, b"{}", now=1_700_000_000 + 301)
    assert not webhooks.verify("s" * 20, "garbage", b"{}")


def test_refund_requested_says_how_much_per_line_and_who_owes_it(api: Any, flow: Any) -> None:
    with receiver() as hook:
        register(api.ada, hook.url, ["refund.requested"])
        flow.fulfilling("refund_only")
        run_worker_until_idle()
    (request,) = hook.requests
    data = json.loads(request.body)["data"]
    assert data["owed_by"] == "merchant"
    assert data["amount_fen"] == sum(line["amount_fen"] for line in data["lines"]) > 0
    assert {line["line_no"] for line in data["lines"]} == {1, 2}


def test_a_failing_endpoint_is_retried_until_it_recovers(api: Any, flow: Any) -> None:
    random.seed(7)
    with receiver([503, 500]) as hook:
        endpoint = register(api.ada, hook.url, ["case.filed"])
        flow.awaiting_merchant()
        run_worker_until_idle()
        (delivery,) = deliveries(endpoint["id"])
        assert delivery.state == "pending" and delivery.attempts == 1
        waits = []
        while delivery.state == "pending":
            waits.append(delivery.next_attempt_at - delivery.attempt_log.last().started_at)
            with time_machine.travel(delivery.next_attempt_at + timedelta(seconds=1)):
                run_worker_until_idle()
            delivery.refresh_from_db()
    assert delivery.state == "delivered"
    assert [a.status_code for a in delivery.attempt_log.all()] == [503, 500, 200]
    assert [a.error for a in delivery.attempt_log.all()][:2] == ["HTTP 503", "HTTP 500"]
    assert len({r.body for r in hook.requests}) == 1  # the same event each time
    assert len({r.headers["Gongdao-Event-Id"] for r in hook.requests}) == 1
    assert [r.headers["Gongdao-Attempt"] for r in hook.requests] == ["1", "2", "3"]
    assert timedelta(seconds=15) <= waits[0] <= timedelta(seconds=30)
    assert timedelta(seconds=30) <= waits[1] <= timedelta(seconds=60)
    assert WebhookEndpoint.objects.get().failing_since is None


def test_after_a_day_of_failures_the_delivery_fails_and_the_endpoint_is_disabled(
    api: Any, flow: Any, world: Any
) -> None:
    with receiver(then=500) as hook:
        endpoint = register(api.ada, hook.url, ["case.filed", "case.status_changed"])
        flow.awaiting_merchant()
        run_worker_until_idle()
        first, *others = deliveries(endpoint["id"])
        started = timezone.now()
        while first.state == "pending":
            with time_machine.travel(first.next_attempt_at + timedelta(seconds=1)):
                run_worker_until_idle()
            first.refresh_from_db()
    attempts = list(first.attempt_log.all())
    assert first.state == "failed"
    assert 10 <= len(attempts) <= 30
    assert attempts[-1].started_at - attempts[0].started_at >= timedelta(hours=20)
    assert attempts[-1].started_at - started <= timedelta(hours=26)
    stored = WebhookEndpoint.objects.get()
    assert stored.enabled is False and stored.disabled_at and stored.disabled_reason
    assert all(d.state == "failed" for d in deliveries(endpoint["id"]))
    notice = Notification.objects.get(type="webhook.disabled")
    assert notice.user == world.ada and notice.data["endpoint"] == endpoint["id"]
    assert len(hook.requests) == WebhookAttempt.objects.count()
    # Nothing more goes to a disabled endpoint.
    flow.awaiting_merchant()
    count = len(hook.requests)
    run_worker_until_idle(timezone.now() + timedelta(days=2))
    assert len(hook.requests) == count


def test_an_unreachable_endpoint_records_the_error(api: Any, flow: Any) -> None:
    endpoint = register(api.ada, "http://127.0.0.1:9/nothing-listens-here", ["case.filed"])
    flow.awaiting_merchant()
    run_worker_until_idle()
    (delivery,) = deliveries(endpoint["id"])
    (attempt,) = delivery.attempt_log.all()
    assert attempt.status_code is None and "refused" in attempt.error.lower()
    assert delivery.state == "pending" and delivery.next_attempt_at


def test_manual_redelivery_sends_again_now(api: Any, flow: Any) -> None:
    with receiver([500], then=500) as hook:
        endpoint = register(api.ada, hook.url, ["case.filed"])
        flow.awaiting_merchant()
        run_worker_until_idle()
        (delivery,) = deliveries(endpoint["id"])
        hook.then = 200
        response = api.ada.post(f"/webhooks/deliveries/{delivery.public_id}/redeliver")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "delivered" and body["attempts"] == 2
    assert body["attempt_log"][-1]["manual"] is True and body["attempt_log"][-1]["status_code"] == 200
    listed = api.ada.get(f"/webhooks/{endpoint['id']}/deliveries").json()
    assert listed[0]["id"] == delivery.public_id


def test_a_scheduled_retry_after_a_manual_success_sends_nothing(api: Any, flow: Any) -> None:
    with receiver([500]) as hook:
        endpoint = register(api.ada, hook.url, ["case.filed"])
        flow.awaiting_merchant()
        run_worker_until_idle()
        (delivery,) = deliveries(endpoint["id"])
        api.ada.post(f"/webhooks/deliveries/{delivery.public_id}/redeliver")
        run_worker_until_idle(timezone.now() + timedelta(hours=1))
    assert len(hook.requests) == 2
    assert Outbox.objects.filter(type=webhooks.RETRY_TYPE, state="done").count() == 1


def test_a_shop_endpoint_gets_only_its_own_shops_cases(api: Any, flow: Any, world: Any) -> None:
    from gongdao.cases.actions import open_case
    from tests.factories import OrderFactory

    with receiver() as own, receiver() as platform_wide:
        erp = api.shop()
        register(erp, own.url, ["case.filed", "case.status_changed"])
        register(api.ada, platform_wide.url, ["case.filed"])
        mine = flow.awaiting_merchant()
        other_order = OrderFactory(shop=world.other_shop, consumer=world.charlie)
        open_case(other_order, world.actor("charlie"), issue="other", remedy="refund_only", submit=True)
        run_worker_until_idle()
    assert {json.loads(r.body)["case"]["id"] for r in own.requests} == {mine.public_id}
    assert sorted(json.loads(r.body)["type"] for r in own.requests) == ["case.filed", "case.status_changed"]
    assert len(platform_wide.requests) == 2


def test_delivery_failures_of_one_endpoint_do_not_hold_up_others(api: Any, flow: Any) -> None:
    with receiver(then=500) as down, receiver() as up:
        register(api.ada, down.url, ["case.filed"])
        register(api.ada, up.url, ["case.filed"])
        flow.awaiting_merchant()
        run_worker_until_idle()
    assert len(up.requests) == 1 and len(down.requests) == 1
    assert Outbox.objects.filter(type="case.filed", state="done").exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("alice", 403), ("bob", 403), ("agnes", 403), ("ada", 201)],
)
def test_who_may_register_platform_wide_endpoints(api: Any, who: str, status: int) -> None:
    response = getattr(api, who).post(
        "/webhooks", {"url": "https://example.com/h", "event_types": ["case.filed"]}
    )
    assert response.status_code == status, response.content


def test_a_merchant_admin_registers_for_their_own_shop_only(api: Any, world: Any) -> None:
    world.bob.role = "merchant_admin"
    world.bob.save()
    bob = api.personal("bob")
    created = register(bob, "https://erp.example.com/h")
    assert created["shop"] == world.shop.public_id
    refused = bob.post(
        "/webhooks",
        {"url": "https://x.example/h", "event_types": ["case.filed"], "shop": world.other_shop.public_id},
    )
    assert refused.status_code == 422
    assert [e["id"] for e in bob.get("/webhooks").json()] == [created["id"]]
    assert api.mallory.get(f"/webhooks/{created['id']}").status_code == 404
    assert api.ada.get(f"/webhooks/{created['id']}").status_code == 200


def test_keys_and_webhooks(api: Any, world: Any) -> None:
    erp = register(api.shop(), "https://erp.example.com/h")
    assert erp["shop"] == world.shop.public_id
    assert api.shop(world.other_shop).get(f"/webhooks/{erp['id']}").status_code == 404
    platform = register(api.platform(), "https://pay.example.com/h", ["refund.requested"])
    assert platform["shop"] is None
    observer = api.platform(scopes="cases:read,cases:write")
    assert (
        observer.post("/webhooks", {"url": "https://a.example/h", "event_types": ["case.filed"]}).status_code
        == 403
    )


def test_disable_and_enable(api: Any, world: Any) -> None:
    created = register(api.ada, "https://example.com/h")
    disabled = api.ada.post(f"/webhooks/{created['id']}/disable").json()
    assert disabled["enabled"] is False and disabled["disabled_reason"]
    enabled = api.ada.post(f"/webhooks/{created['id']}/enable").json()
    assert enabled["enabled"] is True and enabled["disabled_at"] is None


def test_bad_registrations(api: Any, world: Any) -> None:
    for body in (
        {"url": "ftp://example.com/h", "event_types": ["case.filed"]},
        {"url": "https://example.com/h", "event_types": []},
        {"url": "https://example.com/h", "event_types": ["case.exploded"]},
        {"url": "https://example.com/h", "event_types": ["case.filed"], "secret": "short"},
    ):
        response = api.ada.post("/webhooks", body)
        assert response.status_code == 422, body
    assert not WebhookEndpoint.objects.exists()


def test_backoff_grows_and_is_capped() -> None:
    rng = random.Random(1)
    delays = [webhooks.backoff(n, rng) for n in range(1, 15)]
    assert delays[0] <= timedelta(seconds=30)
    assert all(d <= timedelta(hours=2) for d in delays)
    assert delays[8] >= timedelta(hours=1)
