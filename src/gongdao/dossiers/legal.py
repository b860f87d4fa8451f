"""The law advisor's view of a case: its facts as gongdao.law.casefacts builds them for the case
page (the order and the case record — dates, amounts, demands — and the questionnaire's claims and
findings recorded on it), the advisor's entitlements, and citations written the Chinese way
(《法》第五十五条第一款).

Pure: no Django, no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from gongdao.dossiers.answers import Answers, law_claims
from gongdao.dossiers.snapshot import CaseRecord
from gongdao.law import advisor, casefacts
from gongdao.law.casefacts import china_date
from gongdao.law.entitlement import Basis, Entitlement
from gongdao.law.facts import Facts
from gongdao.policy.calendar import WorkingCalendar

CONSUMER_DEMANDS = casefacts.CONSUMER_DEMANDS
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
    case_facts: casefacts.CaseFacts | None = None  # every fact with where it came from

    def get(self, code: str) -> Entitlement | None:
        return next((e for e in self.entitlements if e.code == code), None)

    def eligible(self, code: str) -> bool:
        found = self.get(code)
        return bool(found and found.eligible)

    def source(self, name: str) -> str:
        """Where a fact came from (gongdao.law.casefacts.SOURCES); "default" when unknown."""
        return self.case_facts.source(name) if self.case_facts else "default"


def demand_dates(record: CaseRecord) -> list[date]:
    """The days the consumer demanded something of the merchant or the platform."""
    return casefacts.demand_dates(record.events)


def case_facts(record: CaseRecord, answers: Answers, today: date) -> casefacts.CaseFacts:
    """The case's law facts, as the case page's panel builds them (the order snapshot, the case,
    its record and the questionnaire's answers on it), plus the claims these answers make."""
    inputs = casefacts.CaseInputs(
        issue=record.issue,
        order=record.order,
        lines=tuple(
            casefacts.Line(line.unit_price_fen, line.quantity, line.paid_fen) for line in record.lines
        ),
        opened_on=china_date(record.opened_at) or today,
        events=record.events,
        today=today,
    )
    extra = [
        casefacts.Statement(name, value, casefacts.CLAIMED, None)
        for name, value in law_claims(answers).items()
    ]
    return casefacts.build(inputs, extra=extra, today=today)


def law_facts(record: CaseRecord, answers: Answers, today: date) -> Facts:
    """Raises FactsError when the dates do not fit together (e.g. a problem found before the order)."""
    found = case_facts(record, answers, today)
    if found.parsed is None:
        assert found.error is not None
        raise found.error
    return found.parsed


def assess(record: CaseRecord, answers: Answers, today: date, calendar: WorkingCalendar) -> Assessment:
    found = case_facts(record, answers, today)
    if found.parsed is None:
        exc = found.error
        problem = f"{exc.field}: {exc.message}" if exc else "facts"
        return Assessment(None, (), problem=problem, case_facts=found)
    return Assessment(found.parsed, tuple(advisor.assess(found.parsed, calendar)), case_facts=found)


def statutory_extra(assessment: Assessment) -> Entitlement | None:
    """The extra compensation to claim: fraud or unsafe-food damages (alternatives: the larger)."""
    candidates = [
        e
        for e in assessment.entitlements
        if e.code in ("fraud_damages", "food_damages") and e.eligible and (e.amount_fen or 0) > 0
    ]
    return max(candidates, key=lambda e: e.amount_fen or 0, default=None)
