"""Parsing the facts JSON: defaults, and bad input refused with the field named (issue #8)."""

from datetime import date

import pytest

from gongdao.law.facts import FIELDS, ISSUE_TYPES, FactsError, load_facts, parse_facts

pytestmark = pytest.mark.unit


def test_issue_types_are_the_codes_of_design_md():
    assert ISSUE_TYPES == (
        "not_received", "late_delivery", "damaged_in_transit", "wrong_or_missing_item", "not_as_described",
        "quality_defect", "counterfeit", "false_advertising", "no_after_sales", "invoice_refused",
        "price_or_deposit", "personal_information", "other",
    )  # fmt: skip


def test_missing_optional_keys_take_their_defaults(make_facts):
    facts = make_facts(signed_on=..., today=...)
    assert facts.today == date(2026, 3, 4)  # parse_facts(today=…), else the date in China
    assert facts.requested_on == facts.today
    assert facts.paid_on == facts.ordered_on
    assert facts.signed_on is None and facts.last_demand_on is None
    assert facts.loss_fen == 0
    assert facts.intact is True and facts.seller_identifiable is True
    assert facts.fraud is facts.food_unsafe is facts.label_flaw_only is facts.injury is False
    assert facts.seller_knew is facts.non_returnable_confirmed is facts.invoice_requested is False
    assert facts.respondent_role == "seller"


def test_today_defaults_to_the_current_date_in_china():
    data = {
        "category": "general",
        "issue": "other",
        "unit_price_fen": 1,
        "quantity": 1,
        "paid_fen": 1,
        "ordered_on": "2026-01-01",
        "problem_found_on": "2026-01-01",
    }
    assert parse_facts(data).today >= date(2026, 1, 1)


BAD_FACTS = {
    # id: (overrides, field, message fragment)
    "negative-paid": ({"paid_fen": -1}, "paid_fen", "cannot be negative"),
    "negative-unit-price": ({"unit_price_fen": -100}, "unit_price_fen", "cannot be negative"),
    "negative-loss": ({"loss_fen": -5}, "loss_fen", "cannot be negative"),
    "money-as-float": ({"paid_fen": 100.5}, "paid_fen", "whole number of fen"),
    "money-as-string": ({"paid_fen": "100"}, "paid_fen", "whole number of fen"),
    "money-as-bool": ({"loss_fen": True}, "loss_fen", "whole number of fen"),
    "zero-quantity": ({"quantity": 0}, "quantity", "at least 1"),
    "signed-before-ordered": ({"signed_on": "2026-02-28"}, "signed_on", "before ordered_on 2026-03-01"),
    "paid-before-ordered": ({"paid_on": "2026-02-01"}, "paid_on", "before ordered_on"),
    "found-before-ordered": ({"problem_found_on": "2026-02-01"}, "problem_found_on", "before ordered_on"),
    "demand-before-ordered": ({"last_demand_on": "2026-02-01"}, "last_demand_on", "before ordered_on"),
    "date-does-not-exist": ({"signed_on": "2026-02-30"}, "signed_on", "not a date that exists"),
    "date-badly-written": ({"ordered_on": "2026/03/01"}, "ordered_on", "YYYY-MM-DD"),
    "date-not-padded": ({"ordered_on": "2026-3-1"}, "ordered_on", "YYYY-MM-DD"),
    "date-in-the-future": ({"requested_on": "2026-03-05"}, "requested_on", "after today 2026-03-04"),
    "unknown-category": ({"category": "toys"}, "category", "unknown value 'toys'"),
    "unknown-issue": ({"issue": "broken"}, "issue", "unknown value 'broken'"),
    "unknown-role": ({"respondent_role": "platform"}, "respondent_role", "expected one of seller, producer"),
    "unknown-key": ({"price_fen": 1}, "price_fen", "unknown key"),
    "bool-as-string": ({"fraud": "yes"}, "fraud", "true or false"),
    "missing-required": ({"paid_fen": ...}, "paid_fen", "missing"),
    "null-required-date": ({"ordered_on": None}, "ordered_on", "YYYY-MM-DD"),
}


@pytest.mark.parametrize(("overrides", "field", "fragment"), BAD_FACTS.values(), ids=BAD_FACTS.keys())
def test_bad_facts_are_refused_naming_the_field(make_facts, overrides, field, fragment):
    with pytest.raises(FactsError) as caught:
        make_facts(**overrides)
    assert caught.value.field == field
    assert fragment in str(caught.value)
    assert str(caught.value).startswith(f"{field}: ")


def test_facts_error_is_a_value_error():
    assert issubclass(FactsError, ValueError)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[1, 2]", "expected a JSON object"),
        ('{"category": ', "not valid JSON"),
        ('{\n  "category": "general",\n  oops\n}', "line 3"),
    ],
)
def test_load_facts_refuses_a_document_that_is_not_a_facts_object(text, fragment):
    with pytest.raises(FactsError) as caught:
        load_facts(text)
    assert caught.value.field == "$"
    assert fragment in str(caught.value)


def test_fields_lists_every_documented_key():
    assert set(FIELDS) == {
        "category", "issue", "unit_price_fen", "quantity", "paid_fen", "loss_fen", "ordered_on", "paid_on",
        "signed_on", "problem_found_on", "requested_on", "last_demand_on", "today", "fraud", "food_unsafe",
        "label_flaw_only", "injury", "seller_knew", "non_returnable_confirmed", "intact", "invoice_requested",
        "seller_identifiable", "respondent_role",
    }  # fmt: skip
