"""The law advisor: facts → every entitlement, eligible or not, with amounts, last dates and the
articles that say so (issue #8; DOMAIN.md §5; docs/law.md lists each rule and its tests).

Pure: no database. The working-day calendar is passed in, so the caller decides which loaded
years it knows. Periods are counted by 民法典 Art. 200–203 (see :mod:`gongdao.law.periods`).
The rules live by subject in :mod:`.returns`, :mod:`.damages` and :mod:`.claims`.
"""

from __future__ import annotations

from collections.abc import Callable

from gongdao.law import claims, damages, returns
from gongdao.law.entitlement import CODES, Entitlement
from gongdao.law.facts import Facts
from gongdao.policy.calendar import WorkingCalendar

Rule = Callable[[Facts, WorkingCalendar], Entitlement]

RULES: dict[str, Rule] = {
    "seven_day_return": returns.seven_day_return,
    "nonconforming_return": returns.nonconforming_return,
    "sanbao_return": returns.sanbao_return,
    "sanbao_exchange": returns.sanbao_exchange,
    "fraud_damages": damages.fraud_damages,
    "food_damages": damages.food_damages,
    "injury_damages": damages.injury_damages,
    "durable_burden_shift": returns.durable_burden_shift,
    "transport_risk": claims.transport_risk,
    "invoice": claims.invoice,
    "platform_liability": claims.platform_liability,
    "limitation": claims.limitation,
    "regulator_complaint_limit": claims.regulator_complaint_limit,
}
assert tuple(RULES) == CODES, "every code needs exactly one rule, in CODES order"


def assess(facts: Facts, calendar: WorkingCalendar) -> list[Entitlement]:
    """Every entitlement of ``CODES``, in that order, eligible or not."""
    return [RULES[code](facts, calendar) for code in CODES]
