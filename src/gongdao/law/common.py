"""What the rule modules share: the laws' names, period wording and the result constructor."""

from __future__ import annotations

from typing import Any

from gongdao.law.entitlement import Basis, Entitlement, Text
from gongdao.law.periods import LastDay

CRPL = "消费者权益保护法"
CRPL_REGULATION = "消费者权益保护法实施条例"
SEVEN_DAY_MEASURES = "网络购买商品七日无理由退货暂行办法"
SANBAO_RULES = "部分商品修理更换退货责任规定"
FOOD_SAFETY_LAW = "食品安全法"
ECL = "电子商务法"
CIVIL_CODE = "民法典"
INVOICE_MEASURES = "发票管理办法"
COMPLAINT_MEASURES = "市场监督管理投诉举报处理暂行办法"


def yuan(fen: int) -> str:
    """¥1,234.50 for 123450 fen."""
    return f"¥{fen // 100:,}.{fen % 100:02d}"


def day_text(last: LastDay) -> Text:
    """The last day, saying when Art. 203 moved it and when it is provisional."""
    zh = en = last.value.isoformat()
    if last.moved:
        zh += f"（{last.nominal} 为休息日或法定节假日，顺延至此）"
        en += f" ({last.nominal} is a rest day or holiday, so it moves to the next working day)"
    if last.provisional:
        zh += "（暂定：日历尚未载入该年的节假日安排）"
        en += " (provisional: the calendar does not know that year's holidays yet)"
    return Text(zh, en)


def moved_basis(last: LastDay) -> tuple[Basis, ...]:
    return (Basis(CIVIL_CODE, "203"),) if last.moved else ()


def result(
    code: str, eligible: bool, reason: str, zh: str, en: str, *basis: Basis, **extra: Any
) -> Entitlement:
    return Entitlement(code, eligible, reason, Text(zh, en), tuple(basis), **extra)


def deadline(last: LastDay) -> dict[str, Any]:
    return {"act_by": last.value, "act_by_provisional": last.provisional}
