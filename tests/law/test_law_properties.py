"""Properties of the law advisor over generated facts (hypothesis)."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongdao.law.advisor import assess
from gongdao.law.damages import FOOD_FLOOR_FEN, FRAUD_FLOOR_FEN, food_extra_fen, fraud_extra_fen
from gongdao.law.entitlement import CODES
from gongdao.law.facts import CATEGORIES, ISSUE_TYPES, RESPONDENT_ROLES, parse_facts
from gongdao.policy.calendar import WorkingCalendar

pytestmark = pytest.mark.unit

CALENDAR = WorkingCalendar()
fen = st.integers(min_value=0, max_value=10**9)
offset = st.integers(min_value=0, max_value=400)
BOOLEANS = (
    "fraud",
    "food_unsafe",
    "label_flaw_only",
    "injury",
    "seller_knew",
    "non_returnable_confirmed",
    "intact",
    "invoice_requested",
    "seller_identifiable",
)


@st.composite
def facts(draw):
    ordered = draw(st.dates(min_value=date(2004, 1, 1), max_value=date(2030, 12, 31)))

    def after(base):
        return base + timedelta(days=draw(offset))

    signed = after(ordered) if draw(st.booleans()) else None
    found = after(ordered)
    requested = after(ordered)
    demand = after(ordered) if draw(st.booleans()) else None
    dates = [d for d in (signed, found, requested, demand) if d is not None]
    today = after(max([ordered, *dates]))
    paid = draw(fen)
    data = {
        "category": draw(st.sampled_from(CATEGORIES)),
        "issue": draw(st.sampled_from(ISSUE_TYPES)),
        "unit_price_fen": paid,
        "quantity": draw(st.integers(min_value=1, max_value=5)),
        "paid_fen": paid,
        "loss_fen": draw(fen),
        "ordered_on": ordered.isoformat(),
        "signed_on": signed and signed.isoformat(),
        "problem_found_on": found.isoformat(),
        "requested_on": requested.isoformat(),
        "last_demand_on": demand and demand.isoformat(),
        "today": today.isoformat(),
        "respondent_role": draw(st.sampled_from(RESPONDENT_ROLES)),
        **{key: draw(st.booleans()) for key in BOOLEANS},
    }
    return parse_facts(data)


@given(facts())
def test_every_code_always_comes_back(f):
    assert [e.code for e in assess(f, CALENDAR)] == list(CODES)


@given(facts())
def test_no_act_by_before_the_purchase_and_every_act_by_is_a_working_day(f):
    for e in assess(f, CALENDAR):
        if e.act_by is not None:
            assert e.act_by >= f.ordered_on, e.code
            assert CALENDAR.is_working_day(e.act_by), e.code


@given(facts())
def test_the_extra_is_never_below_its_floor_when_eligible(f):
    by_code = {e.code: e for e in assess(f, CALENDAR)}
    fraud, food = by_code["fraud_damages"], by_code["food_damages"]
    if fraud.eligible:
        assert fraud.amount_fen >= FRAUD_FLOOR_FEN
    if food.eligible:
        assert food.amount_fen >= FOOD_FLOOR_FEN
    if f.label_flaw_only:
        assert not fraud.eligible and not food.eligible


@given(facts())
def test_only_eligible_damages_carry_an_amount(f):
    for e in assess(f, CALENDAR):
        if not e.eligible:
            assert e.amount_fen is e.amount_min_fen is e.amount_max_fen is None, e.code


@given(fen, fen, fen)
def test_the_extra_is_monotone_in_the_price(price, other, loss):
    low, high = sorted((price, other))
    assert fraud_extra_fen(low) <= fraud_extra_fen(high)
    assert food_extra_fen(low, loss) <= food_extra_fen(high, loss)


@given(fen)
def test_the_extra_is_at_least_the_multiple_of_the_price(price):
    assert fraud_extra_fen(price) >= 3 * price
    assert food_extra_fen(price, 0) >= 10 * price
