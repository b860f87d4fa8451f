"""A self-help case through the workflow: declared purchase, the outside merchant's and
platform's steps recorded with the dates they happened, deadlines from the platform's profile."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from gongdao.cases import deadlines
from gongdao.cases.actions import perform
from gongdao.cases.queries import allowed_actions
from gongdao.errors import InvalidInput, NotAllowed, NotFound
from gongdao.parties.permissions import visible_cases
from gongdao.policy import queries as policy_queries
from tests.selfhelp.conftest import NOW, attach

ASKED = "2026-11-18T09:30"  # China time: 01:30 UTC
ASKED_UTC = datetime(2026, 11, 18, 1, 30, tzinfo=UTC)


def test_a_declared_purchase_files_a_self_help_case_under_the_platforms_profile(
    world: Any, draft: Any
) -> None:
    assert draft.mode == "self_help"
    assert draft.policy.profile == "taobao"
    assert draft.policy.version == policy_queries.profile("taobao").version
    # the platform's own policy in force is untouched by the profile's registration
    assert policy_queries.in_force(NOW).profile == ""
    assert draft.outside_merchant.name == "优品数码专营店"
    assert draft.shop_id is None


def test_asking_the_merchant_needs_the_order_record(world: Any, draft: Any) -> None:
    with pytest.raises(NotAllowed) as err:
        perform(draft, "submit", world.actor("alice"), now=NOW, occurred_at=None, channel="platform_chat")
    assert err.value.code == "evidence_missing"
    assert draft.status == "draft"


def test_the_request_is_dated_when_it_was_made_and_deadlines_count_from_then(world: Any, draft: Any) -> None:
    attach(draft, world.actor("alice"))
    event = perform(
        draft, "submit", world.actor("alice"), now=NOW, **{"channel": "platform_chat", "occurred_at": ASKED}
    )
    assert event.occurred_at == ASKED_UTC and event.recorded_at == NOW
    assert event.payload["channel"] == "platform_chat"
    assert draft.status == "awaiting_merchant"
    row = draft.deadlines.get(kind="merchant_response")
    # Taobao profile: the merchant answers within 5 days, counted from when the consumer asked
    assert row.due_at == ASKED_UTC + timedelta(days=5)
    assert row.on_expiry == "note_overdue"


def test_the_merchants_refusal_then_the_platforms_decision(world: Any, draft: Any) -> None:
    alice = world.actor("alice")
    attach(draft, alice)
    perform(draft, "submit", alice, now=NOW, channel="phone", occurred_at=ASKED)
    shot = attach(draft, alice, kind="chat_record", seed=2)
    later = NOW + timedelta(hours=1)
    event = perform(
        draft,
        "record_merchant_reply",
        alice,
        now=later,
        reply="refused",
        note="客服说已过七天不退",
        occurred_at="2026-11-19T20:00",
        evidence=[shot.public_id],
    )
    assert draft.status == "awaiting_consumer"
    assert event.payload["evidence"] == [shot.public_id]
    assert event.payload["party"]["name"] == "优品数码专营店"
    assert draft.deadlines.get(kind="consumer_reply", state="pending").due_at == datetime(
        2026, 11, 19, 12, 0, tzinfo=UTC
    ) + timedelta(days=7)
    # the platform's agents have no part in a self-help case
    assert "escalate" not in allowed_actions(draft, alice, now=later)
    with pytest.raises(NotAllowed):
        perform(draft, "escalate", alice, now=later)
    perform(
        draft,
        "record_platform_step",
        alice,
        now=later,
        step="applied",
        reference="TB-REF-1",
        occurred_at="2026-11-20",
    )
    assert (draft.status, draft.stage) == ("escalated", 3)
    perform(
        draft,
        "record_platform_step",
        alice,
        now=later,
        step="decided",
        outcome="merchant_upheld",
        note="平台判定",
    )
    assert draft.status == "decided" and draft.outcome == "merchant_upheld"
    assert draft.deadlines.filter(kind="appeal_window", state="pending").exists()
    perform(draft, "record_platform_step", alice, now=later, step="appealed")
    assert draft.status == "appealed"
    perform(draft, "record_platform_step", alice, now=later, step="appeal_decided", outcome="consumer_upheld")
    assert draft.decision["final"] is True and draft.outcome == "consumer_upheld"


def test_recorded_steps_must_fit_the_case_and_the_calendar(world: Any, draft: Any) -> None:
    alice = world.actor("alice")
    attach(draft, alice)
    perform(draft, "submit", alice, now=NOW)
    bad = [
        ({"reply": "maybe"}, "reply"),
        ({"reply": "refused"}, "note"),  # a refusal needs what they said
        ({"reply": "no_answer", "occurred_at": "2027-01-01"}, "occurred_at"),
        ({"reply": "no_answer", "occurred_at": "2026-02-30"}, "occurred_at"),
        ({"reply": "no_answer", "occurred_at": "2026-10-01"}, "occurred_at"),  # before the order
        ({"reply": "no_answer", "evidence": ["E-00000000"]}, "evidence"),
        ({"reply": "carried_out", "amount_fen": -1}, "amount_fen"),
    ]
    for data, field in bad:
        with pytest.raises(InvalidInput) as err:
            perform(draft, "record_merchant_reply", alice, now=NOW, **data)
        assert err.value.field == field, data
        assert draft.status == "awaiting_merchant"
    with pytest.raises(InvalidInput) as err:
        perform(draft, "record_platform_step", alice, now=NOW, step="decided", outcome="consumer_upheld")
    assert err.value.code == "step_not_now"
    assert draft.events.count() == 3  # filed, evidence, submitted: nothing half-written


def test_an_offer_accepted_then_carried_out_resolves_the_case(world: Any, draft: Any) -> None:
    alice = world.actor("alice")
    attach(draft, alice)
    perform(draft, "submit", alice, now=NOW)
    perform(
        draft,
        "record_merchant_reply",
        alice,
        now=NOW,
        reply="offered",
        remedy="partial_refund",
        amount_fen=3000,
        note="补偿30元",
    )
    assert draft.status == "awaiting_consumer" and draft.offer["amounts"] == [
        {"line_no": 1, "amount_fen": 3000}
    ]
    perform(draft, "accept_offer", alice, now=NOW)
    assert draft.status == "fulfilling" and draft.steps == []
    assert draft.deadlines.filter(kind="refund_execution", state="pending").exists()
    perform(draft, "record_merchant_reply", alice, now=NOW, reply="carried_out", amount_fen=3000)
    assert (draft.status, draft.outcome) == ("resolved", "settled")


def test_a_passed_deadline_tells_the_consumer_instead_of_acting_for_an_outsider(
    world: Any, draft: Any
) -> None:
    alice = world.actor("alice")
    attach(draft, alice)
    perform(draft, "submit", alice, now=NOW, occurred_at="2026-11-10")
    row = draft.deadlines.get(kind="merchant_response")
    assert deadlines.fire(row.id, now=NOW + timedelta(minutes=1)) == "fired"
    draft.refresh_from_db()
    assert draft.status == "awaiting_merchant"  # nobody accepted on the merchant's behalf
    event = draft.events.order_by("-seq").first()
    assert event.type == "deadline.passed" and event.actor == "system"
    assert event.payload["profile_expiry"] == "accept"  # Taobao auto-approves on silence
    assert draft.outbox.filter(type="deadline.expired").exists()


def test_platform_agents_and_merchants_do_not_see_self_help_cases(world: Any, draft: Any) -> None:
    attach(draft, world.actor("alice"))
    perform(draft, "submit", world.actor("alice"), now=NOW)
    for name in ("agnes", "sam", "bob", "charlie"):
        assert draft not in visible_cases(getattr(world, name)), name
        with pytest.raises(NotFound):
            perform(draft, "record_merchant_reply", world.actor(name), now=NOW, reply="no_answer")
    assert draft in visible_cases(world.ada)


def test_a_declared_order_needs_its_record_on_file_and_evidence_stays_open_after_a_decision(
    world: Any, draft: Any
) -> None:
    from gongdao.evidence.queries import checklist, missing_required_kinds

    policy = policy_queries.parsed(draft.policy)
    assert "order_record" in missing_required_kinds(draft, policy)  # not "recorded automatically"
    assert not next(row for row in checklist(draft, policy) if row["kind"] == "order_record")["present"]
    alice = world.actor("alice")
    attach(draft, alice)
    assert "order_record" not in missing_required_kinds(draft, policy)
    perform(draft, "submit", alice, now=NOW)
    perform(draft, "record_platform_step", alice, now=NOW, step="applied")
    perform(draft, "record_platform_step", alice, now=NOW, step="decided", outcome="merchant_upheld")
    # the outside platform decided; the consumer keeps building the file for outside help
    later = attach(draft, alice, kind="test_report", seed=9)
    assert later.case_id == draft.pk


def test_the_dossier_names_the_outside_shop_and_its_platform_in_chinese(world: Any, draft: Any) -> None:
    from gongdao.dossiers.queries import case_record

    respondent = case_record(draft).respondent
    assert (respondent.name, respondent.platform) == ("优品数码专营店", "淘宝")
    assert respondent.credit_code == "91330106MA2KXXXX0Q"


def test_the_dossier_tells_the_recorded_outside_steps_as_the_consumers_record(world: Any, draft: Any) -> None:
    from gongdao.dossiers.narrative import narrate
    from gongdao.dossiers.queries import case_record

    alice = world.actor("alice")
    attach(draft, alice)
    perform(draft, "submit", alice, now=NOW, channel="phone", occurred_at="2026-11-18")
    shot = attach(draft, alice, kind="chat_record", seed=2)
    perform(
        draft,
        "record_merchant_reply",
        alice,
        now=NOW,
        reply="refused",
        note="已过七天不退",
        channel="platform_chat",
        occurred_at="2026-11-19",
        evidence=[shot.public_id],
    )
    perform(
        draft,
        "record_platform_step",
        alice,
        now=NOW,
        step="applied",
        reference="TB-1",
        occurred_at="2026-11-19",
    )
    perform(draft, "record_platform_step", alice, now=NOW, step="decided", outcome="merchant_upheld")
    text = "\n".join(f"{s.on.isoformat()} {s.text}" for s in narrate(case_record(draft)))
    assert (
        "2026-11-19 商家拒绝消费者的请求，理由：“已过七天不退”（据消费者记录；沟通方式：平台客服/聊天；证据 "
        + shot.public_id
        in text
    )
    assert "2026-11-19 消费者向淘宝平台申请平台介入（编号 TB-1）" in text
    assert "淘宝平台作出处理决定：" in text
