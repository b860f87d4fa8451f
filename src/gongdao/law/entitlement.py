"""What the advisor returns: one :class:`Entitlement` per code, eligible or not, with citations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

# Every assessment returns exactly these codes, in this order (issue #8).
CODES: tuple[str, ...] = (
    "seven_day_return",
    "nonconforming_return",
    "sanbao_return",
    "sanbao_exchange",
    "fraud_damages",
    "food_damages",
    "injury_damages",
    "durable_burden_shift",
    "transport_risk",
    "invoice",
    "platform_liability",
    "limitation",
    "regulator_complaint_limit",
)


@dataclass(frozen=True)
class Text:
    """The same sentence in Chinese and English."""

    zh: str
    en: str

    def to_dict(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}


@dataclass(frozen=True)
class Basis:
    """A citation: the law's short Chinese name and the article, e.g. 55(1)."""

    law: str
    article: str

    def to_dict(self) -> dict[str, str]:
        return {"law": self.law, "article": self.article}


TITLES: dict[str, Text] = {
    "seven_day_return": Text("七日无理由退货", "7-day no-reason return"),
    "nonconforming_return": Text("不符合质量要求的商品退货", "Return of non-conforming goods"),
    "sanbao_return": Text("三包退货（7日）", "Return under the 三包 guarantee (7 days)"),
    "sanbao_exchange": Text("三包换货（15日）", "Exchange under the 三包 guarantee (15 days)"),
    "fraud_damages": Text("欺诈三倍赔偿", "Threefold damages for fraud"),
    "food_damages": Text("食品安全十倍赔偿", "Tenfold damages for unsafe food"),
    "injury_damages": Text("缺陷商品致害惩罚性赔偿", "Punitive damages for harm from defective goods"),
    "durable_burden_shift": Text(
        "耐用商品瑕疵举证责任倒置", "Seller must prove durable goods were not defective"
    ),
    "transport_risk": Text("运输风险由经营者承担", "Seller bears the transport risk"),
    "invoice": Text("开具发票", "Invoice"),
    "platform_liability": Text("平台赔偿责任", "Platform liability"),
    "limitation": Text("诉讼时效", "Limitation period for a court claim"),
    "regulator_complaint_limit": Text("投诉受理期限", "Time limit for a complaint to the regulator"),
}


@dataclass(frozen=True)
class Entitlement:
    """One right the consumer has or lacks on these facts, and why.

    ``amount_fen`` is extra compensation only (the refund is separate); a range uses
    ``amount_min_fen``/``amount_max_fen``. ``act_by`` is the last day to make the request or
    claim; ``act_by_provisional`` says it was counted through a year the calendar does not know.
    """

    code: str
    eligible: bool
    reason: str
    explanation: Text
    basis: tuple[Basis, ...]
    amount_fen: int | None = None
    amount_min_fen: int | None = None
    amount_max_fen: int | None = None
    act_by: date | None = None
    act_by_provisional: bool = False
    alternative_to: tuple[str, ...] = field(default_factory=tuple)

    @property
    def title(self) -> Text:
        return TITLES[self.code]

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of issue #8 (plus ``act_by_provisional``)."""
        return {
            "code": self.code,
            "eligible": self.eligible,
            "reason": self.reason,
            "title": self.title.to_dict(),
            "amount_fen": self.amount_fen,
            "amount_min_fen": self.amount_min_fen,
            "amount_max_fen": self.amount_max_fen,
            "act_by": self.act_by.isoformat() if self.act_by else None,
            "act_by_provisional": self.act_by_provisional,
            "basis": [b.to_dict() for b in self.basis],
            "explanation": self.explanation.to_dict(),
            "alternative_to": list(self.alternative_to),
        }
