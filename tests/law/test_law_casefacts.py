"""The law advisor's facts for a case: what comes from the order and the case, what the
questionnaire records (the consumer's claims, the platform's findings, each a case event on the
hash chain), and which answer the assessment uses. Also the pure helpers that carry an amount
into the consumer's request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from gongdao.cases.actions import open_case, perform
from gongdao.cases.verification import verify_case
from gongdao.errors import InvalidInput, NotAllowed, NotFound
from gongdao.law import actions, casefacts, queries
from gongdao.law.casefacts import china_date


@pytest.fixture
def filed(world):
    """Alice's counterfeit complaint about both lines (¥199 + ¥50), rejected by Bob."""
    case = open_case(
        world.order, world.actor("alice"), issue="counterfeit", remedy="return_and_refund", submit=True
    )
    perform(case, "reject", world.actor("bob"), reason="正品，有授权书。")
    case.refresh_from_db()
    return case


def test_facts_come_from_the_order_and_the_case(world, filed):
    facts = queries.case_facts(filed)
    order = world.order
    submit = filed.events.get(type="submit")
    expected = {
        "issue": ("counterfeit", "case"),
        "unit_price_fen": (19900, "order"),
        "quantity": (2, "order"),
        "paid_fen": (24900, "order"),
        "ordered_on": (china_date(order.ordered_at), "order"),
        "paid_on": (china_date(order.paid_at), "order"),
        "signed_on": (china_date(order.signed_at), "order"),
        "problem_found_on": (china_date(filed.events.get(seq=1).recorded_at), "case"),
        "requested_on": (china_date(submit.occurred_at), "record"),
        "category": ("general", "default"),
        "fraud": (False, "default"),
        "intact": (True, "default"),
        "invoice_requested": (False, "default"),
    }
    for name, (value, source) in expected.items():
        fact = facts.facts[name]
        assert (fact.value, fact.source) == (value, source), name
    assert facts.facts["requested_on"].seq == submit.seq
    assert facts.parsed is not None and facts.parsed.paid_fen == 24900
    assert facts.data()["ordered_on"] == china_date(order.ordered_at).isoformat()


def test_a_draft_has_no_demand_yet_and_an_invoice_case_asked_for_one(world):
    draft = open_case(world.order, world.actor("alice"), issue="invoice_refused", remedy="partial_refund")
    facts = queries.case_facts(draft)
    assert facts.source("requested_on") == "default" and facts.value("last_demand_on") is None
    assert facts.facts["invoice_requested"].value is True and facts.source("invoice_requested") == "case"


def test_a_consumer_answer_is_a_claim_recorded_on_the_chain(world, filed):
    event = actions.record_facts(filed, world.actor("alice"), {"fraud": True, "loss_fen": 5000})
    assert event.type == "law_facts_recorded" and event.visibility == "all_parties"
    assert event.payload == {"standing": "claimed", "facts": {"fraud": True, "loss_fen": 5000}}
    fraud = queries.case_facts(filed).facts["fraud"]
    assert (fraud.value, fraud.source, fraud.seq) == (True, "claimed", event.seq)
    fraud_damages = queries.assess(filed).get("fraud_damages")
    assert fraud_damages.eligible and fraud_damages.amount_fen == 3 * 24900
    filed.refresh_from_db()
    assert verify_case(filed) == []


def test_an_agents_finding_overrides_the_claim_and_both_are_kept(world, filed):
    perform(filed, "escalate", world.actor("alice"), reason="假货。")
    perform(filed, "assign", world.actor("agnes"), assignee="me")
    claim = actions.record_facts(filed, world.actor("alice"), {"fraud": True})
    finding = actions.record_facts(filed, world.actor("agnes"), {"fraud": False})
    assert finding.payload == {"standing": "found", "facts": {"fraud": False}}
    fraud = queries.case_facts(filed).facts["fraud"]
    assert (fraud.value, fraud.source, fraud.seq) == (False, "found", finding.seq)
    assert fraud.claimed.value is True and fraud.claimed.seq == claim.seq
    assert not queries.assess(filed).get("fraud_damages").eligible
    # The consumer changing the claim does not beat the finding.
    actions.record_facts(filed, world.actor("alice"), {"loss_fen": 100})
    assert queries.case_facts(filed).facts["fraud"].value is False
    # An agent withdrawing the finding lets the claim count again.
    actions.record_facts(filed, world.actor("agnes"), {"fraud": None})
    assert queries.case_facts(filed).facts["fraud"].source == "claimed"
    assert queries.assess(filed).get("fraud_damages").eligible


def test_unchanged_answers_and_withdrawing_nothing_record_nothing(world, filed):
    actions.record_facts(filed, world.actor("alice"), {"fraud": True, "category": "general"})
    seq = filed.seq
    assert actions.record_facts(filed, world.actor("alice"), {"fraud": True, "category": "general"}) is None
    assert actions.record_facts(filed, world.actor("alice"), {"injury": None}) is None
    filed.refresh_from_db()
    assert filed.seq == seq
    withdrawn = actions.record_facts(filed, world.actor("alice"), {"fraud": None})
    assert withdrawn.payload["facts"] == {"fraud": None}
    assert queries.case_facts(filed).source("fraud") == "default"


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"problem_found_on": "2000-01-01"}, "problem_found_on"),  # before the order
        ({"problem_found_on": "2999-01-01"}, "problem_found_on"),  # after today
        ({"problem_found_on": "2025-02-30"}, "problem_found_on"),
        ({"fraud": "yes"}, "fraud"),
        ({"loss_fen": -1}, "loss_fen"),
        ({"category": "toys"}, "category"),
        ({"colour": "red"}, "colour"),
        ({"today": "2025-01-01"}, "today"),  # derived, not asked
    ],
)
def test_answers_that_do_not_fit_are_refused_naming_the_question(world, filed, answers, field):
    seq = filed.seq
    with pytest.raises(InvalidInput) as exc:
        actions.record_facts(filed, world.actor("alice"), answers)
    assert exc.value.field == field
    filed.refresh_from_db()
    assert filed.seq == seq


def test_a_problem_found_on_an_earlier_day_is_the_consumers_claim(world, filed):
    day = china_date(world.order.ordered_at) + timedelta(days=1)
    actions.record_facts(filed, world.actor("alice"), {"problem_found_on": day.isoformat()})
    fact = queries.case_facts(filed).facts["problem_found_on"]
    assert (fact.value, fact.source) == (day, "claimed")


def test_the_merchant_cannot_answer_and_a_stranger_gets_404(world, filed):
    with pytest.raises(NotAllowed):
        actions.record_facts(filed, world.actor("bob"), {"fraud": False})
    with pytest.raises(NotFound):
        actions.record_facts(filed, world.actor("charlie"), {"fraud": True})
    with pytest.raises(NotFound):
        queries.for_viewer(world.actor("bob"), filed)
    assert queries.for_viewer(world.actor("alice"), filed).entitlements


def test_the_day_of_a_recorded_answer_is_kept(world, filed):
    now = timezone.now()
    event = actions.record_facts(filed, world.actor("alice"), {"injury": True}, now=now)
    statement = queries.case_facts(filed).facts["injury"].claimed
    assert statement.seq == event.seq and statement.on == china_date(now)


# ---- pure helpers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "weights", "shares"),
    [
        (74700, {1: 19900, 2: 5000}, {1: 59700, 2: 15000}),
        (100, {1: 1, 2: 1, 3: 1}, {1: 34, 2: 33, 3: 33}),
        (10, {1: 0, 2: 0}, {1: 5, 2: 5}),
        (99901, {7: 100}, {7: 99901}),
    ],
)
def test_an_amount_is_shared_across_lines_to_the_fen(total, weights, shares):
    assert casefacts.split(total, weights) == shares
    assert sum(casefacts.split(total, weights).values()) == total


def test_the_request_is_refund_plus_losses_where_paid_plus_the_extra(make_facts):
    facts = make_facts(paid_fen=10_000, loss_fen=2_000)
    assert casefacts.claim_total("fraud_damages", 50_000, None, facts) == 60_000
    assert casefacts.claim_total("food_damages", 100_000, None, facts) == 112_000
    assert casefacts.claim_total("injury_damages", None, 4_000, facts) == 16_000
    assert casefacts.claim_total("invoice", None, None, facts) == 0
    assert casefacts.claim_total("injury_damages", None, 0, facts) == 0


def test_statements_follow_the_record_and_ignore_unknown_questions():
    class E:
        def __init__(self, seq, payload, type_="law_facts_recorded"):
            self.seq, self.type, self.payload, self.actor_role = seq, type_, payload, "consumer"
            self.occurred_at = timezone.now()

    events = [
        E(3, {"standing": "claimed", "facts": {"fraud": True, "shoe_size": 42}}),
        E(4, {"standing": "bogus", "facts": {"fraud": False}}),
        E(5, None),
        E(6, {"standing": "found", "facts": {"fraud": False}}, type_="message_added"),
    ]
    said = casefacts.statements(events)
    assert [(s.name, s.value, s.standing, s.seq) for s in said] == [("fraud", True, "claimed", 3)]
