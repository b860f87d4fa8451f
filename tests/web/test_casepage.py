"""The case page: where the case stands, whose move, the actions this viewer may take with their
forms, conditions that are not met yet, the record, messages with evidence, the decision."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from gongdao.cases.models import Case
from tests.web.conftest import add_item


def action_forms(page: str) -> set[str]:
    return set(re.findall(r'/act/([a-z_]+)/"', page))


def test_merchant_sees_accept_offer_reject_with_what_happens_next(world, as_user, cases):
    case = cases.filed()
    page = as_user("bob").get(f"/cases/{case.public_id}/").content.decode()
    assert action_forms(page) == {"accept", "offer", "reject"}
    assert 'aria-current="step"' in page
    assert "data-countdown" in page and "Asia/Shanghai" in page


def test_consumer_waiting_for_the_merchant_sees_when_escalation_opens(world, as_user, cases):
    case = cases.filed()
    page = as_user("alice").get(f"/cases/{case.public_id}/").content.decode()
    assert "escalate" not in action_forms(page)
    assert 'class="condition"' in page
    assert "Asia/Shanghai" in page  # the time the guard names
    assert action_forms(page) == {"withdraw"}


def test_after_a_day_of_silence_the_consumer_may_escalate(world, as_user, cases):
    case = cases.filed()
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        page = as_user("alice").get(f"/cases/{case.public_id}/").content.decode()
    assert "escalate" in action_forms(page)


def test_rejecting_without_a_reason_keeps_the_form_open_with_the_error(world, as_user, cases):
    case = cases.filed()
    response = as_user("bob").post(f"/cases/{case.public_id}/act/reject/", {"version": case.version})
    page = response.content.decode()
    assert response.status_code == 422
    assert '<a href="#reject-reason">' in page
    assert 'id="reject-reason"' in page and 'aria-invalid="true"' in page
    case.refresh_from_db()
    assert case.status == "awaiting_merchant"


def test_an_offer_with_a_bad_amount_keeps_what_was_typed(world, as_user, cases):
    case = cases.filed()
    response = as_user("bob").post(
        f"/cases/{case.public_id}/act/offer/",
        {"version": case.version, "remedy": "refund_only", "amount-1": "12,3.4.5", "message": "可以退一部分"},
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert 'value="12,3.4.5"' in page and "可以退一部分" in page
    assert '<a href="#offer-amount-1">' in page


def test_the_whole_path_through_the_case_page(world, as_user, cases):
    case = cases.filed()
    alice, bob, agnes = as_user("alice"), as_user("bob"), as_user("agnes")
    url = f"/cases/{case.public_id}/"

    def act(client, action, **data):
        case.refresh_from_db()
        response = client.post(f"{url}act/{action}/", {"version": case.version, **data})
        assert response.status_code == 302, response.content.decode()[:3000]
        case.refresh_from_db()

    act(bob, "reject", reason="签收记录显示已送达。")
    assert case.status == "awaiting_consumer"
    act(alice, "escalate", reason="我没有收到。")
    assert case.status == "escalated"
    assert "assign" in action_forms(agnes.get(url).content.decode())
    act(agnes, "assign", assignee="me")
    assert case.assignee == world.agnes and case.status == "evidence_period"
    act(agnes, "close_evidence")
    act(agnes, "request_evidence", party="consumer", note="请上传快递柜取件记录截图。")
    assert case.evidence_requested_from == "consumer"
    page = alice.get(url).content.decode()
    assert "请上传快递柜取件记录截图。" in page
    act(
        agnes,
        "decide",
        outcome="partially_upheld",
        remedy="refund_only",
        **{"amount-1": "120.00", "reasons": "快递记录无签收人，支持部分退款。"},
    )
    assert case.status == "decided"
    assert case.decision["amounts"] == [{"line_no": 1, "amount_fen": 12000}]
    page = alice.get(url).content.decode()
    assert "快递记录无签收人，支持部分退款。" in page
    assert "¥120.00" in page
    assert "appeal" in action_forms(page)


def test_the_decision_shows_reasons_and_cited_rules(world, as_user, cases):
    case = cases.decided()
    page = as_user("alice").get(f"/cases/{case.public_id}/").content.decode()
    assert 'class="panel decision"' in page
    assert "The courier&#x27;s record shows no signature." in page


def test_messages_are_sent_and_a_blank_one_is_refused_in_place(world, as_user, cases):
    case = cases.filed()
    alice = as_user("alice")
    response = alice.post(f"/cases/{case.public_id}/message/", {"text": "   "})
    assert response.status_code == 422
    assert '<a href="#message-text">' in response.content.decode()
    response = alice.post(
        f"/cases/{case.public_id}/message/", {"text": "<script>alert(1)</script>请尽快处理"}
    )
    assert response.status_code == 302
    page = as_user("bob").get(f"/cases/{case.public_id}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;请尽快处理" in page
    assert "<script>alert(1)" not in page


def test_evidence_appears_inline_with_the_event_that_added_it(world, as_user, cases):
    case = cases.filed()
    item = add_item(case, "problem_photo", name="crack.jpg")
    event = case.events.order_by("-seq").first()
    item.event = event
    item.save()
    page = as_user("bob").get(f"/cases/{case.public_id}/").content.decode()
    thread = page.split('id="thread"')[1]
    assert "crack.jpg" in thread


def test_a_stale_form_is_refused_as_a_conflict(world, as_user, cases):
    case = cases.filed()
    stale = case.version
    as_user("bob").post(f"/cases/{case.public_id}/act/reject/", {"version": stale, "reason": "no"})
    response = as_user("bob").post(f"/cases/{case.public_id}/act/reject/", {"version": stale, "reason": "no"})
    assert response.status_code == 409


def test_an_unknown_or_system_action_is_404(world, as_user, cases):
    case = cases.filed()
    assert as_user("bob").post(f"/cases/{case.public_id}/act/explode/").status_code == 404
    assert as_user("bob").post(f"/cases/{case.public_id}/act/close/").status_code == 404


@pytest.mark.parametrize("who", ["charlie", "mallory"])
def test_other_parties_get_404(world, as_user, cases, who):
    case = cases.filed()
    client = as_user(who)
    assert client.get(f"/cases/{case.public_id}/").status_code == 404
    assert client.post(f"/cases/{case.public_id}/act/reject/", {"reason": "x"}).status_code == 404
    assert client.post(f"/cases/{case.public_id}/message/", {"text": "x"}).status_code == 404
    case.refresh_from_db()
    assert case.status == "awaiting_merchant"


def test_a_draft_case_page_leads_back_to_the_guided_path(world, as_user, cases):
    case = cases.draft()
    page = as_user("alice").get(f"/cases/{case.public_id}/").content.decode()
    assert f"/file/{case.public_id}/check/" in page
    assert "submit" not in action_forms(page)


def test_case_page_query_count_does_not_grow_with_events_and_evidence(
    world, as_user, cases, django_assert_max_num_queries
):
    from gongdao.cases.actions import add_message

    case = cases.escalated()
    add_message(case, world.actor("alice"), "first message")
    add_item(case, "chat_record", name="chat.png")
    agnes = as_user("agnes")
    url = f"/cases/{case.public_id}/"
    agnes.get(url)
    with django_assert_max_num_queries(60) as few:
        assert agnes.get(url).status_code == 200
    baseline = len(few.captured_queries)
    for n in range(15):
        add_message(case, world.actor("alice"), f"message {n}")
        add_item(case, "chat_record", name=f"chat-{n}.png")
    case = Case.objects.get(pk=case.pk)
    with django_assert_max_num_queries(baseline):
        assert agnes.get(url).status_code == 200


def test_case_list_query_count_does_not_grow_with_cases(world, as_user, cases, django_assert_max_num_queries):
    from tests.factories import OrderFactory

    alice = as_user("alice")
    cases.filed()
    with django_assert_max_num_queries(30) as few:
        alice.get("/cases/")
    baseline = len(few.captured_queries)
    for _ in range(8):
        cases.filed(order=OrderFactory(shop=world.shop, consumer=world.alice))
    with django_assert_max_num_queries(baseline):
        assert alice.get("/cases/").status_code == 200


def test_order_list_query_count_does_not_grow_with_orders(
    world, as_user, cases, django_assert_max_num_queries
):
    from tests.factories import OrderFactory

    alice = as_user("alice")
    with django_assert_max_num_queries(30) as few:
        alice.get("/orders/")
    baseline = len(few.captured_queries)
    for _ in range(8):
        cases.filed(order=OrderFactory(shop=world.shop, consumer=world.alice))
    with django_assert_max_num_queries(baseline):
        page = alice.get("/orders/").content.decode()
    assert page.count('class="card"') == 9
