"""What the guards ask of a case's other rows (its evidence, its deadlines) is read once per read
of the case and counts for that version only: a write moves the version on, and a guard that
runs inside ``perform`` reads afresh."""

from __future__ import annotations

from typing import Any

import pytest

from gongdao.cases import facts, queries
from gongdao.cases.actions import perform
from gongdao.cases.models import Case
from gongdao.errors import NotAllowed
from tests.core.flow import Flow
from tests.web.conftest import add_item


@pytest.fixture
def flow(world: Any) -> Flow:
    return Flow(world)


def fresh(case: Case) -> Case:
    """The case as a page reads it: its row with its policy version."""
    return Case.objects.select_related("policy").get(pk=case.pk)


def test_an_agent_s_allowed_actions_read_evidence_and_deadlines_in_one_statement(
    world: Any, flow: Flow, django_assert_num_queries: Any
) -> None:
    case = flow.escalated()
    add_item(case, side="platform")
    case = fresh(case)
    agnes = world.actor("agnes")
    with django_assert_num_queries(1):
        allowed = queries.allowed_actions(case, agnes)
    assert {"assign", "pause_deadline", "withdraw_evidence"} <= set(allowed)
    assert "resume_deadline" not in allowed
    with django_assert_num_queries(0):  # kept for this version of the case
        assert queries.allowed_actions(case, agnes) == allowed


def test_facts_follow_the_version_and_perform_reads_afresh(world: Any, flow: Flow) -> None:
    case = flow.escalated()
    agnes = world.actor("agnes")
    assert "resume_deadline" not in queries.allowed_actions(case, agnes)
    assert "pause_deadline" in queries.allowed_actions(case, agnes)
    perform(case, "pause_deadline", agnes, reason="物流核实中", now=flow.advance())
    allowed = queries.allowed_actions(case, agnes)  # the same object, one version on
    assert "resume_deadline" in allowed and "pause_deadline" not in allowed
    with pytest.raises(NotAllowed) as err:
        perform(case, "pause_deadline", agnes, reason="again", now=flow.advance())
    assert err.value.code == "no_deadline"


def test_withdrawing_the_last_item_takes_withdraw_evidence_away(world: Any, flow: Flow) -> None:
    case = flow.awaiting_merchant()
    item = add_item(case, side="consumer")
    alice = world.actor("alice")
    case = fresh(case)
    assert "withdraw_evidence" in queries.allowed_actions(case, alice)
    perform(case, "withdraw_evidence", alice, item=item.public_id, reason="拍错了", now=flow.advance())
    assert "withdraw_evidence" not in queries.allowed_actions(case, alice)
    with pytest.raises(NotAllowed) as err:
        perform(case, "withdraw_evidence", alice, item=item.public_id, reason="again", now=flow.advance())
    assert err.value.code == "no_evidence_to_withdraw"


def test_the_facts_name_the_sides_with_live_evidence_and_the_deadline_states(world: Any, flow: Flow) -> None:
    case = flow.escalated()
    add_item(case, side="consumer")
    withdrawn = add_item(case, side="merchant", name="other.jpg")
    withdrawn.withdrawn_at = withdrawn.received_at
    withdrawn.save()
    read = facts.load(case)
    assert read.evidence_sides == {"consumer"}
    assert read.deadline_states == {"pending"}
    assert read.version == case.version
