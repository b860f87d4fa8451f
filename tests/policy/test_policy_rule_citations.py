"""Decisions cite rules of the case's own policy catalogue; the decision event records them."""

import pytest

from gongdao.cases import actions as case_actions
from gongdao.errors import InvalidInput
from gongdao.policy import actions
from tests.policy.conftest import new_version

pytestmark = pytest.mark.usefixtures("today", "english", "fast_password_hashing")

ONLY_R9 = new_version(
    "renumbered-2026.2",
    ('id = "R-3.1"', 'id = "R-9.1"'),
)


def under_review(world):
    case = case_actions.open_case(
        world.order, world.actor("alice"), issue="not_received", remedy="refund_only", submit=True
    )
    case_actions.perform(case, "reject", world.actor("bob"), reason="The parcel was signed for.")
    case_actions.perform(case, "escalate", world.actor("alice"), reason="I never got it.")
    case_actions.perform(case, "assign", world.actor("agnes"))
    case_actions.perform(case, "close_evidence", world.actor("agnes"))
    case.refresh_from_db()
    assert case.status == "under_review"
    return case


def decide(world, case, rules):
    return case_actions.perform(
        case,
        "decide",
        world.actor("agnes"),
        outcome="merchant_upheld",
        reasons="Signed by the consumer.",
        rules=rules,
    )


def test_a_decision_citing_an_unknown_rule_is_refused_and_changes_nothing(world):
    case = under_review(world)
    seq = case.seq
    with pytest.raises(InvalidInput) as raised:
        decide(world, case, ["R-3.1", "R-99"])
    assert (raised.value.code, raised.value.field) == ("unknown_rule", "rules")
    assert "R-99" in str(raised.value)
    case.refresh_from_db()
    assert case.status == "under_review" and case.seq == seq and case.decision is None


def test_the_decision_event_records_the_rules_cited(world):
    case = under_review(world)
    event = decide(world, case, ["R-3.1", "R-3.3"])
    assert event.payload["decision"]["rules"] == ["R-3.1", "R-3.3"]
    case.refresh_from_db()
    assert case.status == "decided" and case.decision["rules"] == ["R-3.1", "R-3.3"]


def test_rules_come_from_the_case_policy_not_the_one_in_force(world):
    case = under_review(world)
    actions.load_version(ONLY_R9, force=True, reason="Renumbering")
    with pytest.raises(InvalidInput) as raised:
        decide(world, case, ["R-9.1"])
    assert raised.value.code == "unknown_rule"
    assert decide(world, case, ["R-3.1"]).payload["decision"]["rules"] == ["R-3.1"]
