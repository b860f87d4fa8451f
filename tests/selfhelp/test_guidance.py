"""Next-step guidance on a self-help case: what to do now at each point, the evidence that still
helps, messages drafted from the case facts (Chinese by default, English on request), the dates
from the platform's profile and the law, and when the case is ready for outside help."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import translation

from gongdao.cases import deadlines
from gongdao.cases.actions import open_case, perform
from gongdao.selfhelp.declare import declare_purchase
from gongdao.selfhelp.guidance import guidance
from tests.selfhelp.conftest import NOW, attach, purchase

ASKED = "2026-11-18T09:30"


def en(case: Any, sides: set[str] | None = None, now: datetime = NOW) -> Any:
    with translation.override("en"):
        return guidance(case, sides or {"consumer"}, now)


def zh(case: Any, now: datetime = NOW) -> Any:
    with translation.override("zh-hans"):
        return guidance(case, {"consumer"}, now)


@pytest.fixture
def asked(world: Any, draft: Any) -> Any:
    alice = world.actor("alice")
    attach(draft, alice)
    perform(draft, "submit", alice, now=NOW, channel="phone", occurred_at=ASKED)
    return draft


@pytest.fixture
def refused(world: Any, asked: Any) -> Any:
    alice = world.actor("alice")
    shot = attach(asked, alice, kind="chat_record", seed=2)
    perform(
        asked,
        "record_merchant_reply",
        alice,
        now=NOW,
        reply="refused",
        note="客服说已过七天不退",
        occurred_at="2026-11-19T20:00",
        evidence=[shot.public_id],
    )
    return asked


def test_a_draft_starts_with_the_order_record_and_the_message_to_send(world, draft):
    g = en(draft)
    assert g.next_steps[0].startswith("Add the order record")
    assert "record here when and how you asked the merchant" in g.next_steps[-1]
    assert g.evidence_helps[0] == "order_record"  # a declared order is only the consumer's word
    assert not g.ready_for_outside_help
    message = g.drafts["merchant"]
    assert "3857261190442" in message and "无线耳机 Pro" in message and "¥279.00" in message
    assert "2026-11-01" in message and "Taobao" in message
    assert (g.platform, g.platform_name) == ("taobao", "Taobao")
    assert set(g.drafts) == {"merchant"}  # the platform's turn has not come


def test_a_draft_keeps_the_message_the_consumer_wrote(world, draft):
    from gongdao.web.drafts import update_draft

    update_draft(draft, world.actor("alice"), statement="我自己写的话。", now=NOW)
    assert en(draft).drafts["merchant"] == "我自己写的话。"


def test_chinese_by_default(world, draft):
    g = zh(draft)
    assert g.platform_name == "淘宝"
    assert g.next_steps[0].startswith("添加订单记录")
    assert "订单号 3857261190442" in g.drafts["merchant"] and "实付 ¥279.00" in g.drafts["merchant"]
    assert "申请淘宝介入" in g.drafts["merchant"]


def test_waiting_for_the_merchant_until_the_profiles_date(world, asked):
    g = en(asked)
    due = next(d for d in g.deadlines if d.kind == "merchant_response")
    # Taobao's profile: 5 days from when the consumer asked (09:30 China time)
    assert (due.who, due.due, due.passed) == ("merchant", datetime(2026, 11, 23, 1, 30, tzinfo=UTC), False)
    assert "counts as agreed" in due.consequence
    assert g.next_steps[0] == "Wait for the merchant's answer until 2026-11-23 09:30."
    assert "order_record" not in g.evidence_helps and "chat_record" in g.evidence_helps
    assert "Please answer by 2026-11-23 09:30." in g.drafts["merchant"]
    assert "On 2026-11-18 I asked the shop (phone)" in g.drafts["platform"]


def test_a_passed_answer_date_says_what_the_rules_say_and_what_to_record(world, draft):
    alice = world.actor("alice")
    attach(draft, alice)
    perform(draft, "submit", alice, now=NOW, occurred_at="2026-11-10")
    row = draft.deadlines.get(kind="merchant_response")
    assert deadlines.fire(row.id, now=NOW) == "fired"
    draft.refresh_from_db()
    g = en(draft)
    assert g.next_steps[0] == "The merchant's time to answer ended on 2026-11-15 12:00."
    assert any("Under Taobao's rules the request then counts as agreed" in s for s in g.next_steps)
    assert any(s.startswith("Otherwise record that there was no answer") for s in g.next_steps)
    assert next(d for d in g.deadlines if d.kind == "merchant_response").passed
    perform(draft, "record_merchant_reply", alice, now=NOW, reply="no_answer")
    g = en(draft)
    assert g.next_steps[0] == "You recorded that the merchant did not answer."
    assert g.next_steps[1].startswith("Ask Taobao to step in")
    assert not g.ready_for_outside_help  # the platform has not had its chance yet
    assert "The shop has not answered." in g.drafts["platform"]


def test_after_a_refusal_apply_to_the_platform_within_its_window(world, refused):
    g = en(refused)
    assert g.next_steps[0] == "The merchant refused your request."
    assert g.next_steps[1].startswith("Apply for Taobao's intervention before 2026-11-26 20:00")
    due = next(d for d in g.deadlines if d.kind == "consumer_reply")
    assert due.who == "consumer" and due.due == datetime(2026, 11, 19, 12, 0, tzinfo=UTC) + timedelta(days=7)
    platform = g.drafts["platform"]
    assert "On 2026-11-19 the shop refused: “客服说已过七天不退”." in platform
    assert "Chat record with the merchant" in platform  # the evidence on file, named
    assert "On 2026-11-19 you refused" in g.drafts["merchant"]
    assert "chat_record" not in g.evidence_helps
    with translation.override("zh-hans"):
        assert "申请淘宝介入" in guidance(refused, {"consumer"}, NOW).next_steps[1]


def test_a_window_let_pass_makes_the_case_ready_for_outside_help(world, refused):
    row = refused.deadlines.get(kind="consumer_reply", state="pending")
    assert deadlines.fire(row.id, now=row.due_at + timedelta(minutes=1)) == "fired"
    refused.refresh_from_db()
    g = en(refused, now=row.due_at + timedelta(hours=1))
    assert g.ready_for_outside_help
    assert "not asked in time" in g.outside_help_reason
    assert any("ended on 2026-11-26 20:00" in s for s in g.next_steps)
    assert any("12315" in s for s in g.next_steps)


def test_decided_against_appeal_by_the_window_or_go_outside(world, refused):
    alice = world.actor("alice")
    perform(
        refused,
        "record_platform_step",
        alice,
        now=NOW,
        step="applied",
        reference="TB-1",
        occurred_at="2026-11-20",
    )
    g = en(refused)
    assert g.next_steps[0] == "Taobao is looking at your case (reference TB-1)."
    assert set(g.drafts) == {"platform"}  # the merchant has had its say
    perform(refused, "record_platform_step", alice, now=NOW, step="decided", outcome="merchant_upheld")
    g = en(refused)
    assert g.next_steps[0] == "Taobao decided against you."
    assert g.next_steps[1].startswith("Appeal by 2026-11-27 12:00")
    assert g.ready_for_outside_help
    assert g.drafts["platform"].startswith("I appeal the decision of 2026-11-20")
    window = next(d for d in g.deadlines if d.kind == "appeal_window")
    assert "the decision stands" in window.consequence


def test_decided_for_the_consumer_is_not_yet_for_outside_help(world, refused):
    alice = world.actor("alice")
    perform(refused, "record_platform_step", alice, now=NOW, step="applied")
    perform(refused, "record_platform_step", alice, now=NOW, step="decided", outcome="consumer_upheld")
    g = en(refused)
    assert g.next_steps[0] == "Taobao decided in your favour."
    assert not g.ready_for_outside_help
    assert g.drafts == {}  # nothing to appeal


def test_missing_required_evidence_holds_back_outside_help(world):
    order = declare_purchase(world.alice, purchase(order_number="N-2"), now=NOW)
    case = open_case(
        order, world.actor("alice"), issue="not_as_described", remedy="return_and_refund", now=NOW
    )
    alice = world.actor("alice")
    attach(case, alice)
    photo = attach(case, alice, kind="problem_photo", seed=3)
    perform(case, "submit", alice, now=NOW)
    perform(case, "record_merchant_reply", alice, now=NOW, reply="refused", note="不退")
    perform(case, "record_platform_step", alice, now=NOW, step="applied")
    perform(case, "record_platform_step", alice, now=NOW, step="decided", outcome="merchant_upheld")
    assert en(case).ready_for_outside_help
    perform(case, "withdraw_evidence", alice, now=NOW, item=photo.public_id)
    g = en(case)
    assert not g.ready_for_outside_help
    assert "problem_photo" in g.evidence_helps
    assert any(s.startswith("Add the evidence still needed: Photo of the problem") for s in g.next_steps)


def test_a_shop_of_no_known_platform_is_ready_once_the_merchant_refuses(world):
    order = declare_purchase(world.alice, purchase(platform="other", order_number="W-1"), now=NOW)
    case = open_case(order, world.actor("alice"), issue="late_delivery", remedy="refund_only", now=NOW)
    alice = world.actor("alice")
    attach(case, alice)
    perform(case, "submit", alice, now=NOW)
    assert en(case).platform_name == "the platform"
    perform(case, "record_merchant_reply", alice, now=NOW, reply="refused", note="不退")
    g = en(case)
    assert g.ready_for_outside_help
    assert any("If the shop sells through a platform" in s for s in g.next_steps)


def test_the_laws_last_dates_are_among_the_deadlines(world, asked):
    g = en(asked)
    law = {d.kind: d for d in g.deadlines if d.source == "law"}
    assert "limitation" in law and law["limitation"].who == "consumer"
    assert law["limitation"].due.year >= 2029


def test_an_invited_merchant_is_told_to_answer_and_gets_no_drafts(world, asked):
    g = en(asked, {"merchant"})
    assert g.next_steps == [
        "Answer the consumer's request: accept it, make an offer, or reject it with your reasons."
    ]
    assert g.drafts == {} and g.deadlines == []
