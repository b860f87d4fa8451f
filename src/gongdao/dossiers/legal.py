"""The law advisor's view of a case: facts derived from the order and the case record (dates,
amounts, demands) plus what the consumer claims (fraud, unsafe food, losses, the kind of goods),
the advisor's entitlements, and citations written the Chinese way (《法》第五十五条第一款).

Pure: no Django, no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from gongdao.dossiers.answers import Answers
from gongdao.dossiers.narrative import china_date
from gongdao.dossiers.snapshot import CaseRecord
from gongdao.law import advisor
from gongdao.law.entitlement import Basis, Entitlement
from gongdao.law.facts import Facts, FactsError, parse_facts
from gongdao.policy.calendar import WorkingCalendar

CONSUMER_DEMANDS = ("submit", "revise", "escalate", "appeal")
_DIGITS = "零一二三四五六七八九"
_ARTICLE = re.compile(r"^(\d+)(?:\((\d+)\))?$")


def zh_number(n: int) -> str:
    """1 → 一, 10 → 十, 15 → 十五, 55 → 五十五, 203 → 二百零三 (0 < n < 1000)."""
    if not 0 < n < 1000:
        return str(n)
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = ""
    if hundreds:
        out += _DIGITS[hundreds] + "百"
        if rest and tens == 0:
            out += "零"
    if tens:
        out += ("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十"
    if ones:
        out += _DIGITS[ones]
    return out


def article(text: str) -> str:
    """ "55(1)" → 第五十五条第一款; "6–10" → 第六条至第十条; anything else is kept."""
    match = _ARTICLE.match(text)
    if match:
        out = f"第{zh_number(int(match.group(1)))}条"
        return out + (f"第{zh_number(int(match.group(2)))}款" if match.group(2) else "")
    parts = re.split(r"[–-]", text)
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        return f"第{zh_number(int(parts[0]))}条至第{zh_number(int(parts[1]))}条"
    return f"第{text}条"


def cite(basis: tuple[Basis, ...] | list[Basis]) -> str:
    """Citations grouped by law: 《消费者权益保护法》第五十五条第一款、《…》第四十九条."""
    grouped: dict[str, list[str]] = {}
    for b in basis:
        grouped.setdefault(b.law, []).append(article(b.article))
    return "、".join(f"《{law}》{'、'.join(arts)}" for law, arts in grouped.items())


@dataclass(frozen=True)
class Assessment:
    facts: Facts | None
    entitlements: tuple[Entitlement, ...]
    problem: str = ""  # why the advisor could not run (facts out of range)

    def get(self, code: str) -> Entitlement | None:
        return next((e for e in self.entitlements if e.code == code), None)

    def eligible(self, code: str) -> bool:
        found = self.get(code)
        return bool(found and found.eligible)


def demand_dates(record: CaseRecord) -> list[date]:
    """The days the consumer demanded something of the merchant or the platform."""
    found = []
    for event in record.events:
        if event.type in CONSUMER_DEMANDS and event.actor_role == "consumer":
            d = china_date(event.occurred_at)
            if d:
                found.append(d)
    return sorted(found)


def law_facts(record: CaseRecord, answers: Answers, today: date) -> Facts:
    """Raises FactsError when the dates do not fit together (e.g. a problem found before the order)."""
    lines = record.lines
    order = record.order
    ordered_on = china_date(order.get("ordered_at")) or china_date(record.opened_at)
    demands = demand_dates(record)
    data = {
        "category": answers.category,
        "issue": record.issue,
        "unit_price_fen": max((line.unit_price_fen for line in lines), default=0),
        "quantity": max(1, sum(line.quantity for line in lines)),
        "paid_fen": sum(line.paid_fen for line in lines),
        "ordered_on": ordered_on.isoformat() if ordered_on else None,
        "problem_found_on": (answers.problem_found_on or china_date(record.opened_at) or today).isoformat(),
        "today": today.isoformat(),
        "requested_on": (demands[0] if demands else today).isoformat(),
        "last_demand_on": demands[-1].isoformat() if demands else None,
        "loss_fen": answers.loss_fen,
        "fraud": answers.fraud,
        "food_unsafe": answers.food_unsafe,
        "label_flaw_only": answers.label_flaw_only,
        "injury": answers.injury,
        "seller_knew": answers.seller_knew,
        "invoice_requested": record.issue == "invoice_refused",
    }
    paid_on, signed_on = china_date(order.get("paid_at")), china_date(order.get("signed_at"))
    if paid_on:
        data["paid_on"] = paid_on.isoformat()
    if signed_on:
        data["signed_on"] = signed_on.isoformat()
    return parse_facts(data)


def assess(record: CaseRecord, answers: Answers, today: date, calendar: WorkingCalendar) -> Assessment:
    try:
        facts = law_facts(record, answers, today)
    except FactsError as exc:
        return Assessment(None, (), problem=f"{exc.field}: {exc.message}")
    return Assessment(facts, tuple(advisor.assess(facts, calendar)))


def statutory_extra(assessment: Assessment) -> Entitlement | None:
    """The extra compensation to claim: fraud or unsafe-food damages (alternatives: the larger)."""
    candidates = [
        e
        for e in assessment.entitlements
        if e.code in ("fraud_damages", "food_damages") and e.eligible and (e.amount_fen or 0) > 0
    ]
    return max(candidates, key=lambda e: e.amount_fen or 0, default=None)
