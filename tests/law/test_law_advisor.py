"""The law advisor's rules, at and around every boundary of issue #8 (docs/law.md names each test)."""

import json
from datetime import date

import pytest

from gongdao.law.advisor import assess
from gongdao.law.entitlement import CODES
from gongdao.law.periods import add_months, last_day_after_years
from gongdao.policy.calendar import WorkingCalendar, parse_year_toml

pytestmark = pytest.mark.unit

LATER = "2026-12-31"  # an assessment date long after everything happened


# --- shape ---------------------------------------------------------------------------------------


def test_every_code_is_returned_once_in_order(make_facts, calendar):
    assert [e.code for e in assess(make_facts(), calendar)] == list(CODES)


def test_to_dict_has_exactly_the_issue_shape(make_facts, calendar):
    for entitlement in assess(make_facts(fraud=True), calendar):
        data = entitlement.to_dict()
        assert set(data) == {
            "code", "eligible", "reason", "title", "amount_fen", "amount_min_fen", "amount_max_fen",
            "act_by", "act_by_provisional", "basis", "explanation", "alternative_to",
        }  # fmt: skip
        assert set(data["title"]) == set(data["explanation"]) == {"zh", "en"}
        assert data["basis"] and all(set(b) == {"law", "article"} for b in data["basis"])
        assert data["reason"]
        json.dumps(data)


def test_fraud_on_a_100_yuan_item_matches_the_issue_example(entitlement):
    data = entitlement("fraud_damages", fraud=True).to_dict()
    assert data["eligible"] is True
    assert data["amount_fen"] == 50_000
    assert data["basis"][0] == {"law": "消费者权益保护法", "article": "55(1)"}
    assert data["alternative_to"] == ["food_damages"]


# --- 7-day no-reason return ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("signed_on", "requested_on", "eligible", "act_by"),
    [
        ("2026-03-02", "2026-03-09", True, "2026-03-09"),  # 7th day after signing
        ("2026-03-02", "2026-03-10", False, "2026-03-09"),  # 8th day
        ("2026-03-02", "2026-03-02", True, "2026-03-09"),  # the day of signing
        ("2026-03-07", "2026-03-16", True, "2026-03-16"),  # last day Sat 14th → Monday
        ("2026-03-07", "2026-03-17", False, "2026-03-16"),
        ("2026-09-24", "2026-10-08", True, "2026-10-08"),  # last day 1 Oct, National Day → 8 Oct
        ("2026-09-24", "2026-10-09", False, "2026-10-08"),
        ("2026-10-03", "2026-10-10", True, "2026-10-10"),  # make-up Saturday is a working day
        ("2026-10-03", "2026-10-11", False, "2026-10-10"),
    ],
)
def test_seven_day_return_window(entitlement, signed_on, requested_on, eligible, act_by):
    e = entitlement("seven_day_return", signed_on=signed_on, requested_on=requested_on, today=LATER)
    assert (e.eligible, e.act_by) == (eligible, date.fromisoformat(act_by))
    assert e.act_by_provisional is False


def test_seven_day_return_requested_in_time_but_assessed_later(entitlement):
    e = entitlement("seven_day_return", requested_on="2026-03-09", today="2026-06-01")
    assert e.eligible is True


def test_seven_day_return_defaults_the_request_to_today(entitlement):
    assert entitlement("seven_day_return", today="2026-03-09").eligible is True
    assert entitlement("seven_day_return", today="2026-03-10").eligible is False


def test_seven_day_return_moved_last_day_cites_art_203(entitlement):
    e = entitlement("seven_day_return", signed_on="2026-09-24", requested_on="2026-10-08", today=LATER)
    assert {"law": "民法典", "article": "203"} in [b.to_dict() for b in e.basis]
    assert "2026-10-01" in e.explanation.en


@pytest.mark.parametrize(
    ("category", "eligible"),
    [
        ("general", True),
        ("food", True),
        ("sanbao_durable", True),
        ("made_to_order", False),
        ("fresh", False),
        ("digital_download", False),
        ("periodical", False),
    ],
)
def test_seven_day_return_excluded_categories(entitlement, category, eligible):
    e = entitlement("seven_day_return", category=category)
    assert e.eligible is eligible
    if not eligible:
        assert {"law": "网络购买商品七日无理由退货暂行办法", "article": "6"} in [b.to_dict() for b in e.basis]


@pytest.mark.parametrize(
    ("overrides", "eligible", "article"),
    [
        ({"non_returnable_confirmed": True}, False, "7"),
        ({"non_returnable_confirmed": False}, True, "18"),
        ({"intact": False}, False, "8"),
        ({"signed_on": None}, False, None),
    ],
)
def test_seven_day_return_confirmation_intactness_and_signing(entitlement, overrides, eligible, article):
    e = entitlement("seven_day_return", **overrides)
    assert e.eligible is eligible
    if article:
        assert article in [b.article for b in e.basis if b.law == "网络购买商品七日无理由退货暂行办法"]


# --- non-conforming goods, 三包, durable goods ------------------------------------------------


@pytest.mark.parametrize(
    ("issue", "requested_on", "eligible"),
    [
        ("quality_defect", "2026-03-09", True),
        ("quality_defect", "2026-03-10", False),
        ("wrong_or_missing_item", "2026-03-04", True),
        ("counterfeit", "2026-03-04", True),
        ("late_delivery", "2026-03-04", False),
        ("invoice_refused", "2026-03-04", False),
    ],
)
def test_nonconforming_return_within_7_days_of_receipt(entitlement, issue, requested_on, eligible):
    e = entitlement("nonconforming_return", issue=issue, requested_on=requested_on, today=LATER)
    assert e.eligible is eligible


def test_nonconforming_return_after_7_days_points_to_exchange_or_repair(entitlement):
    e = entitlement("nonconforming_return", requested_on="2026-03-10", today=LATER)
    assert "exchange or repair" in e.explanation.en


def test_unsafe_food_is_nonconforming_whatever_the_issue(entitlement):
    assert entitlement("nonconforming_return", category="food", issue="other", food_unsafe=True).eligible


@pytest.mark.parametrize(
    ("problem_found_on", "sanbao_return", "sanbao_exchange"),
    [
        ("2026-03-09", True, True),  # 7th day after delivery
        ("2026-03-10", False, True),  # 8th day
        ("2026-03-17", False, True),  # 15th day
        ("2026-03-18", False, False),  # 16th day
    ],
)
def test_sanbao_periods_run_from_delivery(entitlement, problem_found_on, sanbao_return, sanbao_exchange):
    facts = {"category": "sanbao_durable", "problem_found_on": problem_found_on, "today": LATER}
    assert entitlement("sanbao_return", **facts).eligible is sanbao_return
    assert entitlement("sanbao_exchange", **facts).eligible is sanbao_exchange


def test_sanbao_needs_catalogue_goods_with_a_fault(entitlement):
    assert not entitlement("sanbao_return", category="general").eligible
    assert not entitlement("sanbao_exchange", category="sanbao_durable", issue="late_delivery").eligible


@pytest.mark.parametrize(
    ("signed_on", "problem_found_on", "eligible", "act_by"),
    [
        ("2026-03-02", "2026-09-02", True, "2026-09-02"),
        ("2026-03-02", "2026-09-03", False, "2026-09-02"),
        ("2025-08-31", "2026-02-28", True, "2026-02-28"),  # no 31 Feb → month end, a make-up Saturday
        ("2025-08-22", "2026-02-24", True, "2026-02-24"),  # 22 Feb is in the Spring Festival → 24 Feb
        ("2025-08-22", "2026-02-25", False, "2026-02-24"),
    ],
)
def test_durable_burden_shift_six_months(entitlement, signed_on, problem_found_on, eligible, act_by):
    e = entitlement(
        "durable_burden_shift",
        category="sanbao_durable",
        ordered_on="2025-08-01",
        signed_on=signed_on,
        problem_found_on=problem_found_on,
        today=LATER,
    )
    assert (e.eligible, e.act_by) == (eligible, date.fromisoformat(act_by))


def test_durable_burden_shift_only_for_durable_goods(entitlement):
    assert not entitlement("durable_burden_shift", category="general").eligible


# --- damages ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paid_fen", "extra"),
    [
        (0, 50_000),
        (10_000, 50_000),  # ¥100 → ¥300 is below the floor
        (16_666, 50_000),  # 49,998 fen
        (16_667, 50_001),  # just above the floor
        (100_000, 300_000),
    ],
)
def test_fraud_extra_is_three_times_the_price_with_a_500_yuan_floor(entitlement, paid_fen, extra):
    e = entitlement("fraud_damages", fraud=True, unit_price_fen=paid_fen, paid_fen=paid_fen)
    assert (e.eligible, e.amount_fen) == (True, extra)


def test_fraud_damages_act_by_is_the_limitation_day(entitlement):
    fraud = entitlement("fraud_damages", fraud=True)
    assert fraud.act_by == entitlement("limitation").act_by


@pytest.mark.parametrize(
    ("paid_fen", "loss_fen", "extra"),
    [
        (9_999, 0, 100_000),  # 10 × 99.99 is below ¥1,000
        (10_000, 0, 100_000),  # exactly ¥1,000
        (10_001, 0, 100_010),
        (1_000, 33_333, 100_000),  # 3 × losses 99,999 fen → floor
        (1_000, 40_000, 120_000),  # 3 × losses is larger than 10 × price
        (20_000, 40_000, 200_000),  # 10 × price is larger
    ],
)
def test_food_extra_is_the_larger_of_10x_price_and_3x_losses_with_a_1000_yuan_floor(
    entitlement, paid_fen, loss_fen, extra
):
    e = entitlement(
        "food_damages",
        category="food",
        food_unsafe=True,
        respondent_role="producer",
        unit_price_fen=paid_fen,
        paid_fen=paid_fen,
        loss_fen=loss_fen,
    )
    assert (e.eligible, e.amount_fen) == (True, extra)


@pytest.mark.parametrize(
    ("respondent_role", "seller_knew", "eligible"),
    [
        ("producer", False, True),
        ("producer", True, True),
        ("seller", True, True),
        ("seller", False, False),
    ],
)
def test_food_damages_against_producer_always_against_seller_only_if_it_knew(
    entitlement, respondent_role, seller_knew, eligible
):
    e = entitlement(
        "food_damages",
        category="food",
        food_unsafe=True,
        respondent_role=respondent_role,
        seller_knew=seller_knew,
    )
    assert e.eligible is eligible


def test_label_flaw_only_bars_both_fraud_and_food_damages(make_facts, calendar):
    facts = make_facts(category="food", fraud=True, food_unsafe=True, seller_knew=True, label_flaw_only=True)
    by_code = {e.code: e for e in assess(facts, calendar)}
    assert not by_code["fraud_damages"].eligible and by_code["fraud_damages"].amount_fen is None
    assert not by_code["food_damages"].eligible and by_code["food_damages"].amount_fen is None


def test_fraud_and_food_damages_are_alternatives_never_summed(make_facts, calendar):
    facts = make_facts(category="food", fraud=True, food_unsafe=True, seller_knew=True)
    by_code = {e.code: e for e in assess(facts, calendar)}
    assert by_code["fraud_damages"].alternative_to == ("food_damages",)
    assert by_code["food_damages"].alternative_to == ("fraud_damages",)
    assert by_code["fraud_damages"].eligible and by_code["food_damages"].eligible


@pytest.mark.parametrize(
    ("injury", "seller_knew", "eligible", "maximum"),
    [
        (True, True, True, 40_000),
        (True, False, False, None),
        (False, True, False, None),
    ],
)
def test_injury_damages_up_to_twice_the_losses_where_the_seller_knew(
    entitlement, injury, seller_knew, eligible, maximum
):
    e = entitlement("injury_damages", injury=injury, seller_knew=seller_knew, loss_fen=20_000)
    assert (e.eligible, e.amount_max_fen) == (eligible, maximum)
    assert e.amount_fen is None
    if eligible:
        assert e.amount_min_fen == 0


# --- transport, invoice, platform ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("issue", "signed_on", "eligible"),
    [
        ("not_received", None, True),
        ("damaged_in_transit", "2026-03-02", True),
        ("quality_defect", "2026-03-02", False),
    ],
)
def test_transport_risk_is_the_sellers_until_signing(entitlement, issue, signed_on, eligible):
    assert entitlement("transport_risk", issue=issue, signed_on=signed_on).eligible is eligible


@pytest.mark.parametrize(
    ("overrides", "eligible"),
    [
        ({}, False),
        ({"invoice_requested": True}, True),
        ({"issue": "invoice_refused"}, True),
    ],
)
def test_invoice_on_request(entitlement, overrides, eligible):
    assert entitlement("invoice", **overrides).eligible is eligible


@pytest.mark.parametrize(("seller_identifiable", "eligible"), [(True, False), (False, True)])
def test_platform_liable_when_it_cannot_identify_the_seller(entitlement, seller_identifiable, eligible):
    assert entitlement("platform_liability", seller_identifiable=seller_identifiable).eligible is eligible


# --- limitation and the regulator's limit -----------------------------------------------------


def test_2024_02_29_plus_three_years_is_2027_03_01(entitlement):
    facts = {
        "ordered_on": "2024-02-20",
        "signed_on": "2024-02-22",
        "problem_found_on": "2024-02-29",
        "requested_on": "2024-02-29",
        "today": "2024-03-10",
    }
    for code in ("limitation", "regulator_complaint_limit"):
        e = entitlement(code, **facts)
        assert (e.act_by, e.act_by_provisional) == (date(2027, 3, 1), True)
        assert "2027-02-28" in e.explanation.en  # the nominal day, a Sunday


def test_2024_02_29_plus_three_years_with_2027_loaded_is_not_provisional():
    calendar = WorkingCalendar(
        {2027: parse_year_toml('year = 2027\n[[holidays]]\nname = "元旦"\ndates = ["2027-01-01"]\n')}
    )
    last = last_day_after_years(date(2024, 2, 29), 3, calendar)
    assert (last.nominal, last.value, last.provisional) == (date(2027, 2, 28), date(2027, 3, 1), False)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 2, 29), 36, date(2027, 2, 28)),
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2025, 11, 15), 3, date(2026, 2, 15)),
    ],
)
def test_add_months_uses_the_corresponding_day_or_the_month_end(start, months, expected):
    assert add_months(start, months) == expected


LIMITATION_CASES = [
    # (problem_found_on, requested_on, last_demand_on, today, limitation act_by, eligible)
    ("2020-01-10", "2020-01-10", None, "2023-01-10", "2023-01-10", True),  # no demand after the start
    ("2020-01-10", "2020-01-10", None, "2023-01-11", "2023-01-10", False),
    (
        "2020-01-10",
        "2020-01-10",
        "2021-06-01",
        "2024-01-01",
        "2024-06-03",
        True,
    ),  # restarted; Sat 1 Jun → Mon
    ("2020-01-10", "2020-01-10", "2023-01-10", "2025-01-01", "2026-01-12", True),  # demand on the last day
    ("2020-01-10", "2020-01-10", "2023-02-01", "2023-03-01", "2023-01-10", False),  # too late to restart
    ("2020-01-10", "2021-03-01", "2020-05-01", "2024-01-01", "2024-03-01", True),  # the later demand counts
]


@pytest.mark.parametrize(("found", "requested", "demand", "today", "act_by", "eligible"), LIMITATION_CASES)
def test_limitation_restarted_by_a_demand(entitlement, found, requested, demand, today, act_by, eligible):
    e = entitlement(
        "limitation",
        ordered_on="2020-01-05",
        signed_on="2020-01-07",
        problem_found_on=found,
        requested_on=requested,
        last_demand_on=demand,
        today=today,
    )
    assert (e.act_by, e.eligible) == (date.fromisoformat(act_by), eligible)


def test_regulator_limit_is_not_restarted_by_a_demand(entitlement):
    e = entitlement(
        "regulator_complaint_limit",
        ordered_on="2020-01-05",
        signed_on="2020-01-07",
        problem_found_on="2020-01-10",
        requested_on="2020-01-10",
        last_demand_on="2021-06-01",
        today="2023-01-11",
    )
    assert (e.act_by, e.eligible) == (date(2023, 1, 10), False)


def test_limitation_through_an_unknown_year_is_provisional(entitlement):
    e = entitlement("limitation")
    assert e.act_by == date(2029, 3, 5)  # restarted by the request defaulting to today, 2026-03-04 → Sunday
    assert e.act_by_provisional is True
