"""The consoles' labels cover every code they show, so a new code cannot appear unlabelled."""

from __future__ import annotations

from django.utils import translation

from gongdao.cases import workflow
from gongdao.console import labels
from gongdao.policy.document import DEADLINE_KINDS


def test_every_workflow_action_has_a_label():
    assert set(workflow.ACTIONS) <= set(labels.ACTIONS)


def test_every_deadline_kind_has_a_label():
    assert set(labels.DEADLINE_KINDS) == set(DEADLINE_KINDS)


def test_event_labels_fall_back_to_actions_then_the_code():
    with translation.override("en"):
        assert str(labels.event_label("note_added")) == "Internal note"
        assert str(labels.event_label("reject")) == "Request refused"
        assert str(labels.event_label("escalate")) == "Platform asked to step in"
    assert labels.event_label("something_new") == "something_new"


def test_every_return_problem_the_console_offers_is_accepted_by_the_workflow(flow):
    for problem in labels.RETURN_PROBLEMS:
        case = flow.fulfilling(remedy="return_and_refund")
        flow.do(case, "ship_return", "alice", carrier="圆通", tracking_number="YT1")
        flow.do(case, "report_return_problem", "bob", problem=problem, reason="Checked on camera.")
        assert case.status == "escalated"


def test_every_party_the_console_offers_for_evidence_requests_is_accepted(flow):
    for party in labels.EVIDENCE_PARTIES:
        case = flow.under_review()
        flow.do(case, "request_evidence", "agnes", party=party, note="More, please.")
        assert case.evidence_requested_from == party
