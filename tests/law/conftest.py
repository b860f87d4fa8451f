"""Shared facts for the law advisor tests: a ¥100 purchase in March 2026, overridable by keyword."""

from datetime import date

import pytest

from gongdao.law.advisor import assess
from gongdao.law.facts import parse_facts
from gongdao.policy.calendar import WorkingCalendar

BASE_FACTS = {
    "category": "general",
    "issue": "quality_defect",
    "unit_price_fen": 10_000,
    "quantity": 1,
    "paid_fen": 10_000,
    "ordered_on": "2026-03-01",
    "signed_on": "2026-03-02",
    "problem_found_on": "2026-03-03",
    "today": "2026-03-04",
}


def _make_facts(**overrides):
    """The base facts with ``overrides``; a value of ``...`` removes the key."""
    data = {**BASE_FACTS, **overrides}
    return parse_facts({k: v for k, v in data.items() if v is not ...}, today=date(2026, 3, 4))


@pytest.fixture(scope="session")
def make_facts():
    return _make_facts


@pytest.fixture(scope="session")
def calendar():
    return WorkingCalendar()


@pytest.fixture(scope="session")
def entitlement(make_facts, calendar):
    """``entitlement(code, **facts)``: that code's entitlement for the base facts plus overrides."""

    def find(code, **overrides):
        by_code = {e.code: e for e in assess(make_facts(**overrides), calendar)}
        return by_code[code]

    return find
