"""Self-help fixtures: a declared purchase (Taobao profile) and a draft case on it."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import pytest

from gongdao.cases.actions import open_case
from gongdao.evidence.actions import add_evidence
from gongdao.selfhelp.declare import declare_purchase
from tests.evidence.evidence_samples import jpeg_bytes

NOW = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)  # 12:00 in China


def purchase(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "platform": "taobao",
        "shop": {"name": "优品数码专营店", "region": "浙江省杭州市", "credit_code": "91330106MA2KXXXX0Q"},
        "order_number": "3857261190442",
        "ordered_at": "2026-11-01T10:00",
        "paid_at": "2026-11-01T10:01",
        "shipped_at": "2026-11-02T09:00",
        "signed_at": "2026-11-04T15:00",
        "carrier": "中通快递",
        "tracking_number": "ZT7788990011",
        "lines": [{"name": "无线耳机 Pro", "quantity": 1, "unit_price_fen": 29900, "paid_fen": 27900}],
    }
    data.update(overrides)
    return data


@pytest.fixture
def declared(world: Any) -> Any:
    return declare_purchase(world.alice, purchase(), now=NOW)


@pytest.fixture
def draft(world: Any, declared: Any) -> Any:
    return open_case(declared, world.actor("alice"), issue="late_delivery", remedy="refund_only", now=NOW)


def attach(case: Any, actor: Any, kind: str = "order_record", seed: int = 1) -> Any:
    return add_evidence(
        case,
        actor,
        kind=kind,
        source=io.BytesIO(jpeg_bytes(seed=seed)),
        filename=f"{kind}-{seed}.jpg",
        now=NOW,
    )
