"""GET /cases: filters, ordering by the next deadline, and cursors that stay stable while the
cases change between pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import time_machine
from django.utils import timezone

from gongdao.api.models import CaseListing
from gongdao.cases.actions import perform


def ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def walk(caller: Any, params: dict[str, Any], between: Any = None) -> list[str]:
    seen: list[str] = []
    response = caller.get("/cases", params)
    while True:
        seen += ids(response)
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return seen
        if between:
            between()
        response = caller.get("/cases", {**params, "cursor": cursor})


def test_ordered_by_next_deadline_cases_without_one_last(api: Any, flow: Any) -> None:
    draft = flow.draft()
    early = flow.awaiting_merchant()
    flow.advance(hours=5)
    late = flow.awaiting_merchant()
    assert ids(api.alice.get("/cases")) == [early.public_id, late.public_id, draft.public_id]


def test_every_case_once_while_cases_change_between_pages(api: Any, flow: Any, world: Any) -> None:
    cases = [flow.awaiting_merchant() for _ in range(9)]
    expected = {c.public_id for c in cases}
    changed: list[str] = []

    def meanwhile() -> None:
        # Deadlines move (an offer restarts the clock), new cases appear, one is withdrawn.
        victim = cases[len(changed) * 2 % len(cases)]
        victim.refresh_from_db()
        if victim.status == "awaiting_merchant":
            perform(
                victim,
                "offer",
                world.actor("bob"),
                remedy="partial_refund",
                lines=[{"line_no": 1, "amount_fen": 100}],
            )
        changed.append(victim.public_id)
        flow.awaiting_merchant()

    seen = walk(api.bob, {"limit": 2}, between=meanwhile)
    assert len(seen) == len(set(seen)) == len(expected)
    assert set(seen) == expected
    assert changed


def test_items_show_the_case_as_it_is_now(api: Any, flow: Any, world: Any) -> None:
    first, second = flow.awaiting_merchant(), flow.awaiting_merchant()
    page = api.bob.get("/cases", {"limit": 1}).json()
    perform(second, "accept", world.actor("bob"))
    rest = api.bob.get("/cases", {"limit": 1, "cursor": page["next_cursor"]}).json()
    assert rest["items"][0]["id"] == second.public_id
    assert rest["items"][0]["status"] == "fulfilling"
    assert page["total"] == rest["total"] == 2
    assert first


def test_a_cursor_belongs_to_its_caller_and_its_filters(api: Any, flow: Any) -> None:
    for _ in range(3):
        flow.awaiting_merchant()
    cursor = api.bob.get("/cases", {"limit": 1}).json()["next_cursor"]
    stolen = api.shop().get("/cases", {"limit": 1, "cursor": cursor})
    assert stolen.status_code == 422 and stolen.json()["code"] == "invalid_cursor"
    mixed = api.bob.get("/cases", {"limit": 1, "cursor": cursor, "status": "draft"})
    assert mixed.status_code == 422 and mixed.json()["code"] == "cursor_mismatch"
    garbled = api.bob.get("/cases", {"cursor": "nonsense"})
    assert garbled.status_code == 422


def test_a_cursor_expires_after_an_hour(api: Any, flow: Any) -> None:
    for _ in range(2):
        flow.awaiting_merchant()
    cursor = api.bob.get("/cases", {"limit": 1}).json()["next_cursor"]
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        response = api.bob.get("/cases", {"limit": 1, "cursor": cursor})
    assert response.status_code == 422 and response.json()["code"] == "invalid_cursor"


def test_a_case_the_caller_can_no_longer_see_drops_out(api: Any, flow: Any, world: Any) -> None:
    cases = [flow.awaiting_merchant() for _ in range(2)]
    page = api.alice.get("/cases", {"limit": 1}).json()
    cases[1].consumer = world.charlie  # as if it had been someone else's all along
    cases[1].save(update_fields=["consumer"])
    rest = api.alice.get("/cases", {"limit": 1, "cursor": page["next_cursor"]}).json()
    assert rest["items"] == []


def test_filters(api: Any, flow: Any, world: Any) -> None:
    draft = flow.draft()
    waiting = flow.awaiting_merchant()
    escalated = flow.escalated()
    assigned = flow.evidence_period()
    platform = api.platform()
    assert ids(platform.get("/cases", {"status": "draft"})) == []  # a draft is the consumer's alone
    assert ids(api.alice.get("/cases", {"status": "draft"})) == [draft.public_id]
    assert set(ids(platform.get("/cases", {"stage": 3}))) == {escalated.public_id, assigned.public_id}
    assert ids(api.agnes.get("/cases", {"assignee": "me"})) == [assigned.public_id]
    assert ids(platform.get("/cases", {"assignee": world.agnes.public_id})) == [assigned.public_id]
    assert assigned.public_id not in ids(platform.get("/cases", {"assignee": "none"}))
    filed = {waiting.public_id, escalated.public_id, assigned.public_id}
    assert set(ids(platform.get("/cases", {"shop": world.shop.public_id}))) == filed
    assert ids(platform.get("/cases", {"shop": world.other_shop.public_id})) == []
    assert set(ids(platform.get("/cases", {"consumer": world.alice.public_id}))) == filed
    assert len(ids(api.alice.get("/cases", {"consumer": world.alice.public_id}))) == 4
    soon = (timezone.now() + timedelta(hours=30)).isoformat()
    due_soon = ids(platform.get("/cases", {"due_before": soon}))
    assert waiting.public_id not in due_soon and escalated.public_id in due_soon
    updated = ids(platform.get("/cases", {"updated_since": assigned.updated_at.isoformat()}))
    assert assigned.public_id in updated and waiting.public_id not in updated
    by_update = ids(platform.get("/cases", {"order": "updated_at"}))
    assert by_update[-1] == assigned.public_id


def test_bad_filters_are_422(api: Any, world: Any) -> None:
    for params in (
        {"status": "lost"},
        {"stage": 7},
        {"limit": 0},
        {"due_before": "tomorrow"},
        {"updated_since": "2025-01-01T00:00:00"},
        {"order": "random"},
    ):
        response = api.alice.get("/cases", params)
        assert response.status_code == 422, params


def test_old_listings_are_cleared(api: Any, flow: Any) -> None:
    flow.awaiting_merchant()
    api.bob.get("/cases")
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        api.bob.get("/cases")
    assert CaseListing.objects.count() == 1
