"""Case records built in memory (no database) for the pure parts: content, narrative, masking."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from gongdao.dossiers.snapshot import CaseRecord, Complainant, Event, Evidence, Line, Respondent

T0 = datetime(2025, 3, 3, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, a Monday
SHA = "ab" * 32


def order(**changes: Any) -> dict[str, Any]:
    data = {
        "order": "O-TEST0001",
        "external_id": "TB20250303123456",
        "source": "platform",
        "shop": "S-TEST0001",
        "shop_name": "声谷数码旗舰店",
        "shipping_fee_fen": 800,
        "ordered_at": "2025-03-03T02:00:00.000000Z",
        "paid_at": "2025-03-03T02:02:00.000000Z",
        "shipped_at": "2025-03-04T02:00:00.000000Z",
        "signed_at": "2025-03-06T02:00:00.000000Z",
        "logistics": {"carrier": "顺丰速运", "tracking_number": "SF1234567890123", "status": "signed"},
        "invoice_issued": False,
        "lines": [
            {
                "line_no": 1,
                "name": "蓝牙降噪耳机",
                "spec": "黑色",
                "quantity": 1,
                "unit_price_fen": 39900,
                "paid_fen": 39900,
            }
        ],
    }
    data.update(changes)
    return data


def event(
    seq: int,
    type_: str,
    payload: dict[str, Any] | None,
    *,
    role: str = "consumer",
    days: float = 5,
    visibility: str = "all_parties",
) -> Event:
    when = T0 + timedelta(days=days, minutes=seq)
    return Event(seq, f"V-TEST{seq:04d}", type_, when, when, role, visibility, payload)


def record(
    *,
    statement: str = "耳机左耳无声。",
    messages: tuple[tuple[str, str], ...] = (),
    reject_reason: str = "不是质量问题。",
    complainant: Complainant | None = None,
    respondent: Respondent | None = None,
    issue: str = "quality_defect",
    remedy: str = "return_and_refund",
    evidence_description: str = "左耳无声的视频",
    extra_events: tuple[Event, ...] = (),
    **changes: Any,
) -> CaseRecord:
    events = [
        event(
            1,
            "case_opened",
            {
                "issue": issue,
                "remedy": remedy,
                "statement": statement,
                "lines": [{"line_no": 1, "amount_fen": 39900}],
                "order_snapshot": order(),
            },
        ),
        event(
            2,
            "evidence_added",
            {
                "item": "E-TEST0001",
                "kind": "problem_video",
                "sha256": SHA,
                "description": evidence_description,
            },
        ),
        event(3, "submit", {"action": "submit", "from": "draft", "to": "awaiting_merchant"}),
        event(4, "reject", {"action": "reject", "reason": reject_reason}, role="merchant_staff"),
    ]
    seq = 5
    for role, text in messages:
        events.append(event(seq, "message_added", {"text": text}, role=role))
        seq += 1
    events.append(event(seq, "note_added", None, role="agent", visibility="platform_only"))
    events += [replace(e, seq=seq + 1 + i) for i, e in enumerate(extra_events)]
    base = CaseRecord(
        case_id="C-TEST0001",
        mode="platform",
        issue=issue,
        remedy=remedy,
        status="awaiting_consumer",
        stage=2,
        statement=statement,
        requested_fen=39900,
        policy="default-2025.1",
        opened_at=T0 + timedelta(days=5),
        filed_at=T0 + timedelta(days=5),
        order=order(),
        lines=(Line(1, "蓝牙降噪耳机", "黑色", 1, 39900, 39900, 39900),),
        respondent=respondent
        or Respondent(
            "声谷数码旗舰店",
            "浙江省杭州市余杭区",
            "浙江省杭州市余杭区文一西路 969 号",
            "91330110MA27Y5XK3B",
            "本平台",
        ),
        complainant=complainant
        or Complainant("U-TEST0001", "王小明", "13812345678", "上海市浦东新区世纪大道 100 号", ""),
        events=tuple(events),
        evidence=(
            Evidence(
                "E-TEST0001",
                "problem_video",
                evidence_description,
                "consumer",
                T0 + timedelta(days=5),
                "left.mp4",
                1000,
                "video/mp4",
                SHA,
                "V-TEST0002",
                2,
            ),
        ),
    )
    return replace(base, **changes)


TODAY = date(2025, 3, 20)
