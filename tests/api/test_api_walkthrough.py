"""The path of docs/api.md through the API: the platform pushes an order, the consumer files,
the merchant offers a partial refund, the consumer escalates, an agent decides, the platform
confirms the refund, and the ledger and verification agree."""

from __future__ import annotations

from typing import Any

ORDER = {
    "external_id": "TB20250301-0001",
    "consumer": "alice",
    "ordered_at": "2025-03-01T10:00:00+08:00",
    "paid_at": "2025-03-01T10:02:00+08:00",
    "shipped_at": "2025-03-02T09:00:00+08:00",
    "signed_at": "2025-03-03T15:30:00+08:00",
    "carrier": "顺丰速运",
    "tracking_number": "SF1234567890",
    "shipping_fee_fen": 800,
    "lines": [
        {
            "line_no": 1,
            "name": "蓝牙降噪耳机",
            "spec": "黑色",
            "quantity": 1,
            "unit_price_fen": 39900,
            "paid_fen": 39900,
        },
        {"line_no": 2, "name": "充电仓", "quantity": 1, "unit_price_fen": 8900, "paid_fen": 8900},
    ],
}


def order_for(world: Any, **changes: Any) -> dict[str, Any]:
    return {**ORDER, "shop": world.shop.public_id, **changes}


def test_the_whole_path(api: Any, world: Any) -> None:
    platform = api.platform()
    pushed = platform.post("/orders", order_for(world))
    assert pushed.status_code == 201, pushed.content
    order = pushed.json()
    assert order["result"] == "created" and order["paid_fen"] == 48800

    filed = api.alice.post(
        "/cases",
        {
            "order": order["id"],
            "issue": "other",
            "remedy": "return_and_refund",
            "lines": [{"line_no": 1, "amount_fen": 39900}],
            "statement": "耳机左耳无声。",
            "submit": True,
        },
    )
    assert filed.status_code == 201, filed.content
    case = filed.json()
    assert case["status"] == "awaiting_merchant" and case["next_actor"] == "merchant"
    assert filed["ETag"] == f'"{case["version"]}"'
    path = f"/cases/{case['id']}"

    seen = api.bob.get(path)
    assert seen.status_code == 200
    assert seen.json()["your_move"] is True
    assert "offer" in seen.json()["allowed_actions"]

    offered = api.bob.post(
        f"{path}/actions/offer",
        {
            "remedy": "partial_refund",
            "lines": [{"line_no": 1, "amount_fen": 10000}],
            "message": "退 100 元可以吗？",
        },
        **{"If-Match": seen["ETag"]},
    )
    assert offered.status_code == 200, offered.content
    assert offered.json()["case"]["status"] == "awaiting_consumer"
    assert offered.json()["event"]["type"] == "offer"

    escalated = api.alice.post(f"{path}/actions/escalate", {"reason": "退款太少。"})
    assert escalated.status_code == 200, escalated.content
    assert escalated.json()["case"]["status"] == "escalated"

    for action, body in (("assign", {}), ("close_evidence", None)):
        response = api.agnes.post(f"{path}/actions/{action}", body)
        assert response.status_code == 200, response.content
    decided = api.agnes.post(
        f"{path}/actions/decide",
        {
            "outcome": "partially_upheld",
            "remedy": "partial_refund",
            "lines": [{"line_no": 1, "amount_fen": 20000}],
            "reasons": "耳机确有故障，部分退款。",
        },
    )
    assert decided.status_code == 200, decided.content
    body = decided.json()["case"]
    assert body["status"] == "decided" and body["steps"] == ["refund"]

    confirmed = platform.post(f"{path}/actions/confirm_refund", {"reference": "PAY-20250310-1"})
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["case"]["status"] == "resolved"
    assert confirmed.json()["case"]["refunded_fen"] == 20000

    verification = api.alice.get(f"{path}/verification")
    assert verification.status_code == 200
    assert verification.json()["ok"] is True, verification.json()
