"""Order ingest: upsert by the platform's order number, batches of up to 1,000 (all or
nothing), and lines frozen once a case names them."""

from __future__ import annotations

from typing import Any

import pytest

from gongdao.cases.verification import verify_case
from gongdao.orders.models import Order, OrderLine


def order(world: Any, external_id: str = "TB-1", **changes: Any) -> dict[str, Any]:
    return {
        "external_id": external_id,
        "shop": world.shop.public_id,
        "consumer": world.alice.public_id,
        "ordered_at": "2025-03-01T10:00:00+08:00",
        "signed_at": "2025-03-03T15:30:00+08:00",
        "lines": [
            {"line_no": 1, "name": "耳机", "quantity": 1, "unit_price_fen": 39900, "paid_fen": 39900},
            {"line_no": 2, "name": "充电仓", "quantity": 2, "unit_price_fen": 5000, "paid_fen": 9000},
        ],
        **changes,
    }


def test_push_creates_then_updates_then_is_unchanged(api: Any, world: Any) -> None:
    platform = api.platform()
    created = platform.post("/orders", order(world))
    assert created.status_code == 201 and created.json()["result"] == "created"
    again = platform.post("/orders", order(world))
    assert again.status_code == 200 and again.json()["result"] == "unchanged"
    moved = platform.post(
        "/orders", order(world, tracking_number="SF9", shipped_at="2025-03-02T08:00:00+08:00")
    )
    assert moved.json()["result"] == "updated" and moved.json()["tracking_number"] == "SF9"
    assert moved.json()["id"] == created.json()["id"]
    assert Order.objects.filter(external_id="TB-1").count() == 1


def test_lines_without_cases_may_change_appear_and_go(api: Any, world: Any) -> None:
    platform = api.platform()
    platform.post("/orders", order(world))
    lines = [
        {"line_no": 1, "name": "耳机 Pro", "quantity": 1, "unit_price_fen": 49900, "paid_fen": 45900},
        {"line_no": 3, "name": "耳塞", "quantity": 1, "unit_price_fen": 900, "paid_fen": 900},
    ]
    response = platform.post("/orders", order(world, lines=lines))
    assert response.json()["result"] == "updated"
    assert [(line["line_no"], line["paid_fen"]) for line in response.json()["lines"]] == [
        (1, 45900),
        (3, 900),
    ]


def test_the_lines_of_an_order_with_a_case_are_frozen(api: Any, world: Any) -> None:
    platform = api.platform()
    pushed = platform.post("/orders", order(world)).json()
    filed = api.alice.post(
        "/cases",
        {
            "order": pushed["id"],
            "issue": "other",
            "remedy": "refund_only",
            "lines": [{"line_no": 1, "amount_fen": 39900}],
        },
    )
    assert filed.status_code == 201
    changed = order(world)
    changed["lines"][0]["paid_fen"] = 100
    response = platform.post("/orders", changed)
    assert response.status_code == 409
    assert response.json()["code"] == "line_has_case" and response.json()["errors"][0]["field"] == "lines"
    dropped = order(world, lines=order(world)["lines"][1:])
    assert platform.post("/orders", dropped).status_code == 409
    assert OrderLine.objects.get(order__external_id="TB-1", line_no=1).paid_fen == 39900
    # The case's snapshot holds the whole order: its other lines are frozen too. Logistics may
    # change and new lines may be added; the case still verifies.
    other = order(world)
    other["lines"][1]["paid_fen"] = 8000
    assert platform.post("/orders", other).status_code == 409
    extra = {"line_no": 3, "name": "耳塞", "quantity": 1, "unit_price_fen": 900, "paid_fen": 900}
    grown = order(world, tracking_number="SF2", lines=[*order(world)["lines"], extra])
    assert platform.post("/orders", grown).json()["result"] == "updated"
    assert verify_case(Order.objects.get(external_id="TB-1").cases.get()) == []
    assert platform.get(f"/orders/{pushed['id']}").json()["lines"][0]["has_case"] is True


def test_an_order_with_cases_keeps_its_shop_and_consumer(api: Any, world: Any) -> None:
    platform = api.platform()
    pushed = platform.post("/orders", order(world)).json()
    api.alice.post("/cases", {"order": pushed["id"], "issue": "other", "remedy": "refund_only"})
    response = platform.post("/orders", order(world, consumer="charlie"))
    assert response.status_code == 409 and response.json()["code"] == "order_has_cases"


def test_a_batch_is_all_or_nothing(api: Any, world: Any) -> None:
    batch = [order(world, f"B-{n}") for n in range(5)]
    batch[3]["shop"] = "S-00000000"
    response = api.platform().post("/orders", {"orders": batch})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "orders.3.shop"
    assert not Order.objects.filter(external_id__startswith="B-").exists()


def test_a_batch_of_a_thousand(api: Any, world: Any) -> None:
    platform = api.platform()
    batch = [order(world, f"K-{n:04d}") for n in range(1000)]
    response = platform.post("/orders", {"orders": batch})
    assert response.status_code == 200, response.content[:500]
    body = response.json()
    assert (body["created"], body["updated"], body["unchanged"]) == (1000, 0, 0)
    assert Order.objects.filter(external_id__startswith="K-").count() == 1000
    assert OrderLine.objects.filter(order__external_id__startswith="K-").count() == 2000
    batch[7]["tracking_number"] = "SF7"
    again = platform.post("/orders", {"orders": batch}).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 1, 999)
    assert again["orders"][7] == {"external_id": "K-0007", "id": body["orders"][7]["id"], "result": "updated"}


def test_more_than_a_thousand_is_refused(api: Any, world: Any) -> None:
    response = api.platform().post("/orders", {"orders": [order(world, f"M-{n}") for n in range(1001)]})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "orders"


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"consumer": "bob"}, "unknown_consumer", "consumer"),
        ({"consumer": "nobody"}, "unknown_consumer", "consumer"),
        ({"shop": "S-00000000"}, "unknown_shop", "shop"),
        (
            {"lines": [{"line_no": 1, "name": "a", "unit_price_fen": 1, "paid_fen": 1}] * 2},
            "duplicate_line",
            "lines",
        ),
        (
            {"lines": [{"line_no": 1, "name": "a", "unit_price_fen": 100, "paid_fen": 101}]},
            "paid_over_price",
            "lines",
        ),
        ({"ordered_at": "2025-03-01T10:00:00"}, "timezone_aware", "ordered_at"),
        ({"lines": []}, "too_short", "lines"),
    ],
)
def test_bad_orders_are_422_naming_the_field(
    api: Any, world: Any, change: dict, code: str, field: str
) -> None:
    response = api.platform().post("/orders", order(world, **change))
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert (error["code"], error["field"]) == (code, field)
    assert not Order.objects.filter(external_id="TB-1").exists()


def test_duplicate_order_numbers_in_a_batch(api: Any, world: Any) -> None:
    response = api.platform().post("/orders", {"orders": [order(world), order(world)]})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "orders.1.external_id"


def test_find_an_order_by_its_number(api: Any, world: Any) -> None:
    platform = api.platform()
    pushed = platform.post("/orders", order(world)).json()
    found = platform.get("/orders", {"external_id": "TB-1"}).json()
    assert [o["id"] for o in found] == [pushed["id"]]
    assert api.charlie.get("/orders", {"external_id": "TB-1"}).json() == []
    assert api.alice.get(f"/orders/{pushed['id']}").json()["external_id"] == "TB-1"
