"""The filing draft: answers recorded on the draft case, each change an event on its chain."""

from __future__ import annotations

import pytest

from gongdao.cases.actions import perform
from gongdao.cases.models import CaseEvent
from gongdao.cases.verification import verify_case
from gongdao.errors import Conflict, InvalidInput, NotAllowed, NotFound
from gongdao.web import drafts
from tests.factories import OrderFactory


def test_start_opens_a_draft_with_the_first_remedy_the_policy_allows(world):
    case = drafts.start(world.order, world.actor("alice"), "not_received")
    assert (case.status, case.remedy) == ("draft", "refund_only")
    assert case.requested_fen == 19900 + 5000


def test_start_refuses_an_unknown_issue(world):
    with pytest.raises(InvalidInput):
        drafts.start(world.order, world.actor("alice"), "bored")


def test_an_unchanged_answer_writes_no_event(world):
    case = drafts.start(world.order, world.actor("alice"), "not_received")
    before = CaseEvent.objects.filter(case=case).count()
    assert drafts.update_draft(case, world.actor("alice"), issue="not_received") is False
    assert CaseEvent.objects.filter(case=case).count() == before


def test_changing_the_issue_keeps_an_allowed_remedy(world):
    case = drafts.start(world.order, world.actor("alice"), "quality_defect")
    assert case.remedy == "return_and_refund"
    drafts.update_draft(case, world.actor("alice"), issue="not_received")
    case.refresh_from_db()
    assert (case.issue, case.remedy) == ("not_received", "refund_only")
    assert verify_case(case) == []


def test_lines_can_be_dropped_and_amounts_changed(world):
    case = drafts.start(world.order, world.actor("alice"), "not_received")
    drafts.update_draft(case, world.actor("alice"), lines=[{"line_no": 2, "amount_fen": 3000}])
    case.refresh_from_db()
    assert [(cl.order_line.line_no, cl.requested_fen) for cl in case.lines.all()] == [(2, 3000)]
    assert case.requested_fen == 3000
    # the dropped line is free for another case
    other = drafts.start(world.order, world.actor("alice"), "late_delivery")
    assert [cl.order_line.line_no for cl in other.lines.all()] == [1]


def test_amounts_over_what_was_paid_are_refused_with_the_field(world):
    case = drafts.start(world.order, world.actor("alice"), "not_received")
    with pytest.raises(InvalidInput) as refused:
        drafts.update_draft(case, world.actor("alice"), lines=[{"line_no": 1, "amount_fen": 99999}])
    assert refused.value.field == "amount-1"


def test_a_line_in_another_open_case_cannot_be_taken(world):
    first = drafts.start(world.order, world.actor("alice"), "not_received")
    drafts.update_draft(first, world.actor("alice"), lines=[{"line_no": 1, "amount_fen": 100}])
    second = drafts.start(world.order, world.actor("alice"), "late_delivery")
    with pytest.raises(Conflict):
        drafts.update_draft(second, world.actor("alice"), lines=[{"line_no": 1, "amount_fen": 100}])


def test_a_filed_case_is_no_longer_a_draft(world):
    case = drafts.start(world.order, world.actor("alice"), "not_received")
    perform(case, "submit", world.actor("alice"))
    with pytest.raises(NotAllowed):
        drafts.update_draft(case, world.actor("alice"), statement="changed my mind")


@pytest.mark.parametrize("who", ["charlie", "bob", "agnes"])
def test_only_the_consumer_changes_the_draft(world, who):
    case = drafts.start(world.order, world.actor("alice"), "not_received")
    with pytest.raises(NotFound):
        drafts.update_draft(case, world.actor(who), statement="mine now")


def test_the_drafted_message_names_the_order_item_and_amount(world):
    case = drafts.start(world.order, world.actor("alice"), "not_received")
    text = drafts.compose_statement(case, "refund_only", {1: 19900})
    assert world.order.external_id in text and "Bluetooth headphones" in text and "¥199.00" in text


def test_an_order_whose_items_all_have_open_cases_cannot_start_another(world):
    order = OrderFactory(shop=world.shop, consumer=world.alice, lines=[("Kettle", 8000)])
    drafts.start(order, world.actor("alice"), "not_received")
    with pytest.raises(Conflict):
        drafts.start(order, world.actor("alice"), "late_delivery")
