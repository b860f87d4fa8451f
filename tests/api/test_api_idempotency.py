"""Idempotency-Key on POST: the same key and request replay the original response; the same key
with another request is 422; keys are per caller and kept 24 hours."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import time_machine
from django.utils import timezone

from gongdao.api.models import IdempotencyRecord
from gongdao.cases.models import Case, CaseEvent
from gongdao.orders.models import Order


def test_a_retried_filing_files_once(api: Any, world: Any) -> None:
    body = {"order": world.order.public_id, "issue": "other", "remedy": "refund_only", "submit": True}
    first = api.alice.post("/cases", body, **{"Idempotency-Key": "file-1"})
    again = api.alice.post("/cases", body, **{"Idempotency-Key": "file-1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert again["ETag"] == first["ETag"] and again["Location"] == first["Location"]
    assert Case.objects.count() == 1


def test_a_retried_message_is_sent_once(api: Any, flow: Any) -> None:
    case = flow.awaiting_merchant()
    for _ in range(3):
        response = api.bob.post(
            f"/cases/{case.public_id}/messages", {"text": "已发货"}, **{"Idempotency-Key": "m1"}
        )
        assert response.status_code == 201
    assert CaseEvent.objects.filter(case=case, type="message_added").count() == 1


def test_the_same_key_with_another_body_is_422(api: Any, flow: Any) -> None:
    case = flow.awaiting_merchant()
    path = f"/cases/{case.public_id}/messages"
    assert api.bob.post(path, {"text": "one"}, **{"Idempotency-Key": "k"}).status_code == 201
    response = api.bob.post(path, {"text": "two"}, **{"Idempotency-Key": "k"})
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert CaseEvent.objects.filter(case=case, type="message_added").count() == 1


def test_the_same_key_on_another_path_is_422(api: Any, flow: Any) -> None:
    first, second = flow.awaiting_merchant(), flow.awaiting_merchant()
    assert (
        api.bob.post(
            f"/cases/{first.public_id}/messages", {"text": "x"}, **{"Idempotency-Key": "k"}
        ).status_code
        == 201
    )
    response = api.bob.post(f"/cases/{second.public_id}/messages", {"text": "x"}, **{"Idempotency-Key": "k"})
    assert response.status_code == 422


def test_keys_belong_to_their_caller(api: Any, flow: Any) -> None:
    case = flow.awaiting_merchant()
    path = f"/cases/{case.public_id}/messages"
    assert api.bob.post(path, {"text": "hi"}, **{"Idempotency-Key": "k"}).status_code == 201
    response = api.alice.post(path, {"text": "hi"}, **{"Idempotency-Key": "k"})
    assert response.status_code == 201 and "Idempotent-Replayed" not in response
    assert CaseEvent.objects.filter(case=case, type="message_added").count() == 2


def test_a_refused_action_is_not_kept_so_a_retry_can_succeed(api: Any, flow: Any) -> None:
    case = flow.awaiting_merchant()
    path = f"/cases/{case.public_id}/actions/offer"
    body = {"remedy": "partial_refund", "lines": [{"line_no": 1, "amount_fen": 100}]}
    stale = api.bob.post(path, body, **{"Idempotency-Key": "offer-1", "If-Match": '"0"'})
    assert stale.status_code == 412
    fresh = api.bob.post(path, body, **{"Idempotency-Key": "offer-1"})
    assert fresh.status_code == 200, fresh.content


def test_validation_errors_are_replayed(api: Any, world: Any) -> None:
    body = {"order": world.order.public_id, "issue": "not_received", "remedy": "repair"}
    first = api.alice.post("/cases", body, **{"Idempotency-Key": "bad"})
    again = api.alice.post("/cases", body, **{"Idempotency-Key": "bad"})
    assert first.status_code == again.status_code == 422
    assert again["Idempotent-Replayed"] == "true"


def test_keys_expire_after_a_day(api: Any, world: Any) -> None:
    order = {
        "external_id": "E-1",
        "shop": world.shop.public_id,
        "consumer": "alice",
        "ordered_at": "2025-03-01T10:00:00+08:00",
        "lines": [{"line_no": 1, "name": "耳机", "unit_price_fen": 100, "paid_fen": 100}],
    }
    platform = api.platform()
    assert platform.post("/orders", order, **{"Idempotency-Key": "push"}).status_code == 201
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        response = platform.post("/orders", order, **{"Idempotency-Key": "push"})
    assert response.status_code == 200 and response.json()["result"] == "unchanged"
    assert "Idempotent-Replayed" not in response
    assert IdempotencyRecord.objects.count() == 1
    assert Order.objects.filter(external_id="E-1").count() == 1


def test_a_malformed_key_is_400(api: Any, world: Any) -> None:
    response = api.alice.post("/cases", {}, **{"Idempotency-Key": "x" * 256})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_idempotency_key"


def test_get_ignores_the_header(api: Any, world: Any) -> None:
    assert api.alice.get("/cases", **{"Idempotency-Key": "k"}).status_code == 200
    assert not IdempotencyRecord.objects.exists()
