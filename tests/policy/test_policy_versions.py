"""Versions: registered at least 7 days ahead (E-Commerce Law Art. 34) unless forced with a
recorded reason; a case keeps the version it was filed under, and its deadlines never change."""

from datetime import timedelta

import pytest
import time_machine

from gongdao.cases import actions as case_actions
from gongdao.cases import deadlines
from gongdao.errors import Conflict, InvalidInput, NotAllowed
from gongdao.policy import actions, queries
from gongdao.policy.models import PolicyVersion
from tests.factories import OrderFactory
from tests.policy.conftest import TODAY, china, new_version

pytestmark = pytest.mark.usefixtures("today", "english", "fast_password_hashing")

FAST = new_version(
    "fast-2026.2",
    ('hours = 48\non_expiry = "escalate"', 'hours = 24\non_expiry = "escalate"'),
    ('days = 7\non_expiry = "close"', 'days = 3\non_expiry = "close"'),
    ('merchant_response = ["24h", "2h"]', 'merchant_response = ["2h"]'),
)


def file_case(world, order=None):
    return case_actions.open_case(
        order or world.order, world.actor("alice"), issue="not_received", remedy="refund_only", submit=True
    )


def pending(case, kind):
    return case.deadlines.get(kind=kind, state="pending")


def test_a_version_takes_effect_no_sooner_than_seven_days_after_publication(db):
    with pytest.raises(InvalidInput) as raised:
        actions.load_version(FAST, effective_at=TODAY + timedelta(days=6, hours=23))
    assert raised.value.code == "notice_too_short" and raised.value.field == "effective_at"
    assert "E-Commerce Law Art. 34" in str(raised.value)
    assert not PolicyVersion.objects.filter(version="fast-2026.2").exists()
    version = actions.load_version(FAST, effective_at=TODAY + timedelta(days=7))
    assert version.effective_at == TODAY + timedelta(days=7) and version.forced_reason == ""
    assert queries.state_of(version, TODAY) == "scheduled"
    assert queries.in_force().version == "default-2026.1"


def test_without_a_time_a_version_takes_effect_in_seven_days(db):
    assert actions.load_version(FAST).effective_at == TODAY + timedelta(days=7)


def test_forcing_needs_a_reason_and_records_it(db):
    with pytest.raises(InvalidInput) as raised:
        actions.load_version(FAST, force=True, reason="  ")
    assert raised.value.code == "reason_required"
    version = actions.load_version(FAST, force=True, reason="Regulator order 2026-11-29")
    assert version.effective_at == TODAY and version.forced_reason == "Regulator order 2026-11-29"
    assert queries.in_force() == version


def test_a_version_cannot_take_effect_in_the_past_even_forced(db):
    with pytest.raises(InvalidInput) as raised:
        actions.load_version(FAST, effective_at=TODAY - timedelta(hours=1), force=True, reason="typo")
    assert raised.value.code == "in_the_past"


def test_schema_errors_come_before_version_and_schedule_checks(db):
    queries.ensure_default()
    # Same label as the registered default AND too soon AND a bad key: the schema speaks first.
    bad = new_version("default-2026.1", ("max_chars = 500", "max_chars = 0"))
    with pytest.raises(InvalidInput) as raised:
        actions.load_version(bad, effective_at=TODAY)
    assert raised.value.code == "invalid_policy"
    assert raised.value.extra["path"] == "statements.max_chars"


def test_a_version_label_is_registered_once(db):
    actions.load_version(FAST)
    with pytest.raises(Conflict) as raised:
        actions.load_version(FAST, effective_at=TODAY + timedelta(days=9))
    assert raised.value.code == "version_exists"


def test_two_versions_cannot_start_at_the_same_moment(db):
    actions.load_version(FAST)
    with pytest.raises(Conflict) as raised:
        actions.load_version(new_version("other-2026.3"))
    assert raised.value.code == "effective_at_taken"


def test_a_policy_scheduled_for_next_week_does_not_touch_todays_cases(world, today):
    case = file_case(world)
    due = pending(case, "merchant_response").due_at
    assert due == TODAY + timedelta(hours=48)
    fast = actions.load_version(FAST, effective_at=TODAY + timedelta(days=7))

    # Today: the scheduled version changes nothing, and new deadlines still come from the old one.
    case.refresh_from_db()
    assert case.policy.version == "default-2026.1" and pending(case, "merchant_response").due_at == due
    case_actions.perform(case, "reject", world.actor("bob"), reason="Delivered, see the signing record.")
    assert pending(case, "consumer_reply").due_at == TODAY + timedelta(days=7)

    # After it takes effect, the old case still runs under its own version ...
    today.move_to(TODAY + timedelta(days=8))
    later = TODAY + timedelta(days=8)
    case.refresh_from_db()
    case_actions.perform(case, "revise", world.actor("alice"), statement="Still not here.")
    assert case.policy.version == "default-2026.1"
    assert pending(case, "merchant_response").due_at == later + timedelta(hours=48)

    # ... and a case filed now runs under the new one.
    other = file_case(world, OrderFactory(shop=world.shop, consumer=world.alice))
    assert other.policy == fast
    assert pending(other, "merchant_response").due_at == later + timedelta(hours=24)
    assert other.events.get(type="case_opened").payload["policy"] == "fast-2026.2"


def test_a_forced_version_does_not_change_open_cases(world):
    case = file_case(world)
    actions.load_version(FAST, force=True, reason="Urgent fix")
    case.refresh_from_db()
    assert case.policy.version == "default-2026.1"
    assert pending(case, "merchant_response").due_at == TODAY + timedelta(hours=48)


def test_a_scheduled_version_can_move_later_or_be_withdrawn(db, today):
    version = actions.load_version(FAST, effective_at=TODAY + timedelta(days=10))
    today.move_to(TODAY + timedelta(days=2))
    # 7 days count from publication: day 7 after it is fine, day 6 is not.
    actions.reschedule(version, TODAY + timedelta(days=7))
    with pytest.raises(InvalidInput) as raised:
        actions.reschedule(version, TODAY + timedelta(days=6))
    assert raised.value.code == "notice_too_short"
    moved = actions.reschedule(version, TODAY + timedelta(days=3), force=True, reason="Court order")
    assert moved.forced_reason == "Court order"
    actions.withdraw(moved)
    assert not PolicyVersion.objects.filter(version="fast-2026.2").exists()


def test_a_version_in_force_cannot_move_or_be_withdrawn(db):
    version = actions.load_version(FAST, force=True, reason="Urgent")
    with pytest.raises(NotAllowed) as raised:
        actions.reschedule(version, TODAY + timedelta(days=30))
    assert raised.value.code == "already_in_force"
    with pytest.raises(NotAllowed):
        actions.withdraw(version)


def test_history_lists_states_and_case_counts(world):
    file_case(world)
    actions.load_version(FAST)
    rows = {row.version.version: row for row in queries.history()}
    assert rows["default-2026.1"].state == "in_force" and rows["default-2026.1"].cases == 1
    assert rows["fast-2026.2"].state == "scheduled" and rows["fast-2026.2"].cases == 0
    with time_machine.travel(TODAY + timedelta(days=7, seconds=1), tick=False):
        rows = {row.version.version: row for row in queries.history()}
    assert rows["default-2026.1"].state == "superseded" and rows["fast-2026.2"].state == "in_force"


def test_a_deadline_reaching_an_unloaded_year_is_marked_provisional(world):
    case = file_case(world)
    policy = queries.parsed(case.policy)
    row = deadlines.schedule(case, policy, "decision_sla", "platform", china(2026, 12, 31, 10, 0))
    assert row.provisional and row.due_at == china(2027, 1, 4, 10, 0)
    row = deadlines.schedule(case, policy, "decision_sla", "platform", china(2026, 12, 1, 10, 0))
    assert not row.provisional
