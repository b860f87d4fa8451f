"""Errors are application/problem+json with a stable code, a detail in the caller's language
and per-field errors; bad input never yields a 500 and changes nothing."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest

from gongdao.cases.models import Case, CaseEvent
from gongdao.orders.models import Order


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["code"] == code
    assert body["type"] == f"urn:gongdao:problem:{code}"
    assert body["title"] and body["detail"]
    return body


def test_validation_errors_name_each_field(api: Any, world: Any) -> None:
    response = api.alice.post("/cases", {"order": "", "issue": "broken", "remedy": "refund_only", "extra": 1})
    body = problem(response, 422, "invalid_input")
    fields = {e["field"]: e for e in body["errors"]}
    assert set(fields) == {"order", "issue", "extra"}
    assert fields["issue"]["code"] == "enum"
    assert all(e["in"] == "body" and e["detail"] for e in body["errors"])


def test_nested_fields_have_dotted_paths(api: Any, world: Any) -> None:
    order = {
        "external_id": "X1",
        "shop": world.shop.public_id,
        "consumer": "alice",
        "ordered_at": "2025-03-01T10:00:00+08:00",
        "lines": [{"line_no": 1, "name": "耳机", "unit_price_fen": 100, "paid_fen": -1}],
    }
    body = problem(api.platform().post("/orders", {"orders": [order]}), 422, "invalid_input")
    assert [e["field"] for e in body["errors"]] == ["orders.0.lines.0.paid_fen"]


def test_detail_follows_accept_language_with_chinese_by_default(api: Any, world: Any) -> None:
    caller = api.alice
    english = problem(
        caller.get("/cases/C-00000000", **{"Accept-Language": "en-GB,en;q=0.8"}), 404, "case_not_found"
    )
    assert english["detail"] == "No such case."
    default = caller.get("/cases/C-00000000")
    assert default["Content-Language"] == "zh-hans"
    chinese = caller.get("/cases/C-00000000", **{"Accept-Language": "zh-CN"})
    assert chinese["Content-Language"] == "zh-hans"
    assert english["code"] == default.json()["code"] == chinese.json()["code"]


def test_field_detail_is_translated_too(api: Any, world: Any) -> None:
    chinese = api.alice.post("/cases", {"issue": "other", "remedy": "refund_only"}).json()
    english = api.alice.post(
        "/cases", {"issue": "other", "remedy": "refund_only"}, **{"Accept-Language": "en"}
    ).json()
    assert english["errors"][0]["detail"] == "This field is required."
    assert chinese["errors"][0]["detail"] != english["errors"][0]["detail"]


def test_malformed_json_is_400(api: Any, world: Any) -> None:
    problem(api.alice.post("/cases", raw=b'{"order": '), 400, "malformed_body")


@pytest.mark.parametrize(
    "body",
    [
        [],
        "text",
        12,
        None,
        {"order": None},
        {"order": "O-1", "issue": "other", "remedy": "refund_only", "lines": "all"},
        {"order": "O-1", "issue": "other", "remedy": "refund_only", "lines": [{"line_no": "x"}]},
        {"order": "O-1" * 20, "issue": "other", "remedy": "refund_only"},
    ],
)
def test_odd_bodies_are_4xx_and_change_nothing(api: Any, world: Any, body: Any) -> None:
    before = (Case.objects.count(), CaseEvent.objects.count())
    response = api.alice.post("/cases", body)
    assert 400 <= response.status_code < 500
    assert response["Content-Type"].startswith("application/problem+json")
    assert (Case.objects.count(), CaseEvent.objects.count()) == before


def test_domain_refusals_keep_their_code_and_field(api: Any, world: Any) -> None:
    body = problem(
        api.alice.post(
            "/cases", {"order": world.order.public_id, "issue": "not_received", "remedy": "repair"}
        ),
        422,
        "remedy_not_allowed",
    )
    assert body["errors"] == [{"field": "remedy", "code": "remedy_not_allowed", "detail": body["detail"]}]


def test_unknown_address_and_method_are_problems(api: Any) -> None:
    problem(api.alice.get("/no/such/thing"), 404, "not_found")
    response = api.alice.client.delete("/api/v1/cases", headers={"Authorization": f"Bearer {api.alice.key}"})
    body = problem(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"] and body


def test_an_unexpected_error_is_a_500_problem_without_a_trace(api: Any, world: Any, monkeypatch: Any) -> None:
    from gongdao.api import orders_api

    def explode(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(orders_api, "order_out", explode)
    response = api.platform().get(f"/orders/{world.order.public_id}")
    body = problem(response, 500, "internal_error")
    assert "secret" not in response.content.decode() and "Traceback" not in response.content.decode()
    assert body


def test_order_not_found_is_the_same_for_missing_and_foreign_orders(api: Any, world: Any) -> None:
    foreign = Order.objects.create(
        external_id="Z", shop=world.other_shop, consumer=world.charlie, ordered_at=world.order.ordered_at
    )
    a = problem(api.alice.get(f"/orders/{foreign.public_id}"), 404, "order_not_found")
    b = problem(api.alice.get("/orders/O-00000000"), 404, "order_not_found")
    assert a == b


def test_nul_characters_are_refused_everywhere(api: Any, flow: Any, world: Any) -> None:
    """PostgreSQL cannot store NUL: it must be a 4xx, never a database error."""
    case = flow.awaiting_merchant()
    message = api.bob.post(f"/cases/{case.public_id}/messages", {"text": "a\x00b"})
    assert message.status_code == 422 and message.json()["errors"][0]["field"] == "text"
    assert api.platform().get("/orders", {"external_id": "T\x00"}).status_code == 400
    assert api.bob.get("/cases/C-1%00").status_code == 400
    hook = api.ada.post("/webhooks", {"url": "https://x.example/\x00", "event_types": ["case.filed"]})
    assert hook.status_code == 422


@pytest.mark.parametrize(
    "moment", ["0001-01-01T00:00:00-23:50", "0745-12-22T10:12:37-23:50", "1969-12-31T23:00:00Z"]
)
def test_times_the_database_cannot_hold_are_422(api: Any, world: Any, moment: str) -> None:
    response = api.platform().get("/cases", {"updated_since": moment})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "updated_since"


def test_offsets_are_understood(api: Any, flow: Any) -> None:
    case = flow.awaiting_merchant()
    shanghai = case.updated_at.astimezone(ZoneInfo("Asia/Shanghai")).isoformat()
    listed = api.platform().get("/cases", {"updated_since": shanghai}).json()["items"]
    assert [c["id"] for c in listed] == [case.public_id]
