"""Deciding from the review page: a form, a confirm page showing what will happen, then the POST."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from gongdao.console.queries import rule_options
from gongdao.policy import queries as policy_queries
from tests.core.flow import State, assert_unchanged


@pytest.fixture
def reviewing(flow):
    return flow.under_review(agent="agnes")


def first_rule(case) -> str:
    rules = rule_options(policy_queries.parsed(case.policy))
    assert rules, "the default policy carries a rule catalogue"
    return rules[0].id


def decision(case, **extra):
    case.refresh_from_db()
    data = {
        "version": case.version,
        "decision-outcome": "partially_upheld",
        "decision-remedy": "partial_refund",
        "decision-amount_1": "80",
        "decision-amount_2": "",
        "decision-reasons": "The photos show a cracked hinge; the shop's report predates shipping.",
        "decision-rules": [first_rule(case)],
    }
    data.update(extra)
    return data


def decide(client, case, data):
    return client.post(reverse("console:decide", args=[case.public_id]), data)


def test_the_review_page_offers_the_rule_catalogue(login, reviewing):
    html = login("agnes").get(reverse("console:review", args=[reviewing.public_id])).content.decode()
    rule = first_rule(reviewing)
    assert f'name="decision-rules" value="{rule}"' in html
    assert 'value="199.00"' in html  # amounts start at what the consumer asked for


def test_check_shows_what_will_happen_and_changes_nothing(login, reviewing):
    before = State.of(reviewing)
    response = decide(login("agnes"), reviewing, decision(reviewing))
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-confirm" in html
    assert 'data-outcome="partially_upheld"' in html
    assert "¥80.00" in html
    assert "A refund of ¥80.00 is requested from the shop." in html
    assert "The case becomes “Decided”." in html
    assert first_rule(reviewing) in html
    # Everything typed travels on to the confirm button.
    assert 'name="decision-amount_1" value="80"' in html
    assert f'name="decision-rules" value="{first_rule(reviewing)}"' in html
    reviewing.refresh_from_db()
    assert_unchanged(reviewing, before)


def test_confirm_records_the_decision(login, reviewing, world):
    agnes = login("agnes")
    data = decision(reviewing)
    page = decide(agnes, reviewing, data).content.decode()
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    response = decide(agnes, reviewing, {**data, "version": version, "confirm": "yes"})
    assert response.status_code == 302
    reviewing.refresh_from_db()
    assert reviewing.status == "decided"
    assert reviewing.decided_by == world.agnes
    assert reviewing.decision["outcome"] == "partially_upheld"
    assert reviewing.decision["amounts"] == [{"line_no": 1, "amount_fen": 8000}]
    assert reviewing.decision["rules"] == [first_rule(reviewing)]
    assert reviewing.refund_requests.get().amount_fen == 8000


def test_change_goes_back_to_the_form_with_everything_kept(login, reviewing):
    before = State.of(reviewing)
    response = decide(login("agnes"), reviewing, {**decision(reviewing), "change": "yes"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="form-decision"' in html
    assert 'name="decision-amount_1" value="80"' in html
    assert "cracked hinge" in html
    reviewing.refresh_from_db()
    assert_unchanged(reviewing, before)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"decision-reasons": ""}, "Write the reasons for the decision."),
        ({"decision-remedy": ""}, "Choose the remedy the consumer gets."),
        ({"decision-amount_1": "80.001"}, "Enter an amount in yuan, like 12.30."),
        ({"decision-amount_1": "500"}, "At most ¥199.00 can be refunded on this line."),
        ({"decision-rules": ["R-99.9"]}, "Select a valid choice."),
        ({"decision-outcome": "settled"}, "Select a valid choice."),
    ],
)
def test_a_bad_decision_is_refused_before_the_confirm_step(login, reviewing, change, message):
    before = State.of(reviewing)
    response = decide(login("agnes"), reviewing, {**decision(reviewing), **change})
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html and "data-error-summary" in html and "data-confirm" not in html
    reviewing.refresh_from_db()
    assert_unchanged(reviewing, before)


def test_a_confirm_on_a_stale_page_is_a_conflict(login, reviewing, flow):
    data = decision(reviewing)
    flow.do(reviewing, "request_evidence", "agnes", party="consumer", note="One more photo.")
    before = State.of(reviewing)
    response = decide(login("agnes"), reviewing, {**data, "confirm": "yes"})
    assert response.status_code == 409
    reviewing.refresh_from_db()
    assert_unchanged(reviewing, before)


def test_upholding_the_shop_needs_no_remedy(login, reviewing):
    data = decision(reviewing, **{"decision-outcome": "merchant_upheld", "decision-remedy": ""})
    assert decide(login("agnes"), reviewing, data).status_code == 200
    assert decide(login("agnes"), reviewing, {**data, "confirm": "yes"}).status_code == 302
    reviewing.refresh_from_db()
    assert reviewing.decision["outcome"] == "merchant_upheld"
    assert "remedy" not in reviewing.decision


def test_another_agent_cannot_decide(login, reviewing):
    before = State.of(reviewing)
    response = decide(login("sara"), reviewing, {**decision(reviewing), "confirm": "yes"})
    assert response.status_code == 302
    reviewing.refresh_from_db()
    assert_unchanged(reviewing, before)


def test_a_senior_agent_decides_the_appeal_finally(login, flow, world):
    case = flow.appealed(agent="sam")
    sam_page = login("sam").get(reverse("console:review", args=[case.public_id])).content.decode()
    assert 'id="form-decision"' not in sam_page
    sara = login("sara")
    case.refresh_from_db()
    sara.post(reverse("console:assign", args=[case.public_id]), {"version": case.version, "assignee": "me"})
    html = sara.get(reverse("console:review", args=[case.public_id])).content.decode()
    assert "Decide the appeal (final)" in html
    data = decision(
        case,
        **{"decision-outcome": "consumer_upheld", "decision-remedy": "refund_only", "decision-amount_1": ""},
    )
    preview = decide(sara, case, data).content.decode()
    assert "final, it cannot be appealed" in preview
    assert decide(sara, case, {**data, "confirm": "yes"}).status_code == 302
    case.refresh_from_db()
    assert case.status == "decided"
    assert case.decision["final"] is True
    assert case.decision["amounts"][0]["amount_fen"] == 19900  # left empty: what was asked
