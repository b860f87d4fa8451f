"""For every endpoint, every kind of caller against its own and another party's objects.

Callers: the personas' personal tokens (Alice's case and order are "own" for Alice and Bob, and
another party's for Charlie and Mallory), the platform's key with and without the ``platform``
scope ("observer"), a shop key of Alice's shop and one of Mallory's, and web sessions. Another
party's objects answer 404, never 403, so ids are not confirmed.
"""

from __future__ import annotations

from typing import Any

import pytest

CALLERS = ("alice", "charlie", "bob", "mallory", "agnes", "ada", "platform", "observer", "shop", "other_shop")


def caller(api: Any, world: Any, who: str) -> Any:
    if who == "platform":
        return api.platform()
    if who == "observer":
        return api.platform(scopes="orders:write,cases:read,cases:write")
    if who == "shop":
        return api.shop(world.shop)
    if who == "other_shop":
        return api.shop(world.other_shop)
    return getattr(api, who)


def expect(table: dict[str, int], who: str) -> int:
    return table.get(who, 404)


READERS = {"alice": 200, "bob": 200, "agnes": 200, "ada": 200, "platform": 200, "observer": 200, "shop": 200}


@pytest.mark.parametrize("who", CALLERS)
@pytest.mark.parametrize("path", ["", "/messages", "/events", "/verification"])
def test_reading_a_case(api: Any, world: Any, flow: Any, who: str, path: str) -> None:
    case = flow.awaiting_merchant()
    response = caller(api, world, who).get(f"/cases/{case.public_id}{path}")
    assert response.status_code == expect(READERS, who), response.content


@pytest.mark.parametrize("who", CALLERS)
def test_listing_cases_shows_only_what_the_caller_may_see(api: Any, world: Any, flow: Any, who: str) -> None:
    case = flow.awaiting_merchant()
    response = caller(api, world, who).get("/cases")
    assert response.status_code == 200
    listed = [item["id"] for item in response.json()["items"]]
    assert listed == ([case.public_id] if who in READERS else [])


# An admin posts as the platform, as agents and the platform's key do (platform-mode cases).
MESSAGE = {"alice": 201, "bob": 201, "agnes": 201, "platform": 201, "shop": 201, "ada": 201, "observer": 409}


@pytest.mark.parametrize("who", CALLERS)
def test_sending_a_message(api: Any, world: Any, flow: Any, who: str) -> None:
    case = flow.awaiting_merchant()
    response = caller(api, world, who).post(f"/cases/{case.public_id}/messages", {"text": "你好"})
    assert response.status_code == expect(MESSAGE, who), response.content


OFFER = {"bob": 200, "shop": 200, "alice": 409, "agnes": 409, "ada": 409, "platform": 409, "observer": 409}


@pytest.mark.parametrize("who", CALLERS)
def test_taking_an_action(api: Any, world: Any, flow: Any, who: str) -> None:
    case = flow.awaiting_merchant()
    body = {"remedy": "partial_refund", "lines": [{"line_no": 1, "amount_fen": 1000}]}
    response = caller(api, world, who).post(f"/cases/{case.public_id}/actions/offer", body)
    assert response.status_code == expect(OFFER, who), response.content
    if response.status_code == 409:
        assert response.json()["code"] == "not_your_role"


REFUND = {"bob": 200, "shop": 200, "platform": 200, "alice": 409, "agnes": 409, "ada": 200, "observer": 409}


@pytest.mark.parametrize("who", CALLERS)
def test_confirming_a_refund(api: Any, world: Any, flow: Any, who: str) -> None:
    """The merchant or the platform's payment system confirms; an admin acts as the platform."""
    case = flow.fulfilling("refund_only")
    response = caller(api, world, who).post(
        f"/cases/{case.public_id}/actions/confirm_refund", {"reference": "P1"}
    )
    assert response.status_code == expect(REFUND, who), response.content


FILE = {"alice": 201}


@pytest.mark.parametrize("who", CALLERS)
def test_filing_on_an_order(api: Any, world: Any, who: str) -> None:
    """Only the order's consumer files: a draft is theirs alone until they submit it."""
    body = {"order": world.order.public_id, "issue": "other", "remedy": "refund_only"}
    response = caller(api, world, who).post("/cases", body)
    assert response.status_code == expect(FILE, who), response.content
    if response.status_code == 201:
        assert response.json()["status"] == "draft"
        assert response.json()["consumer"] == world.alice.public_id


@pytest.mark.parametrize("who", ["bob", "agnes", "platform", "shop"])
def test_a_draft_is_the_consumers_alone(api: Any, world: Any, flow: Any, who: str) -> None:
    draft = flow.draft()
    assert caller(api, world, who).get(f"/cases/{draft.public_id}").status_code == 404
    assert draft.public_id not in [c["id"] for c in caller(api, world, who).get("/cases").json()["items"]]
    assert api.alice.get(f"/cases/{draft.public_id}").status_code == 200


ORDER_READERS = {
    "alice": 200,
    "bob": 200,
    "agnes": 200,
    "ada": 200,
    "platform": 200,
    "observer": 200,
    "shop": 200,
}


@pytest.mark.parametrize("who", CALLERS)
def test_reading_an_order(api: Any, world: Any, who: str) -> None:
    response = caller(api, world, who).get(f"/orders/{world.order.public_id}")
    assert response.status_code == expect(ORDER_READERS, who), response.content


LEDGER = {"bob": 200, "agnes": 200, "ada": 200, "platform": 200, "observer": 200, "shop": 200}


@pytest.mark.parametrize("who", CALLERS)
def test_reading_a_shops_ledger(api: Any, world: Any, flow: Any, who: str) -> None:
    case = flow.fulfilling("refund_only")
    flow.do(case, "record_advance_payout", "system", deadline="refund_execution")
    response = caller(api, world, who).get(f"/shops/{world.shop.public_id}/ledger")
    assert response.status_code == expect(LEDGER, who), response.content
    if response.status_code == 200:
        body = response.json()
        assert body["outstanding_fen"] == case.requested_fen > 0
        assert body["entries"][0]["case"] == case.public_id


PUSH = {"platform": 201, "observer": 201, "ada": 403}


@pytest.mark.parametrize("who", CALLERS)
def test_pushing_orders(api: Any, world: Any, who: str) -> None:
    body = {
        "external_id": "P-1",
        "shop": world.shop.public_id,
        "consumer": "alice",
        "ordered_at": "2025-03-01T10:00:00+08:00",
        "lines": [{"line_no": 1, "name": "耳机", "unit_price_fen": 100, "paid_fen": 100}],
    }
    response = caller(api, world, who).post("/orders", body)
    assert response.status_code == expect(PUSH, who) if who in PUSH else response.status_code == 403


@pytest.mark.parametrize(
    ("who", "own", "other"), [("alice", 200, 404), ("bob", 200, 404), ("charlie", 404, 404)]
)
def test_the_web_session_sees_what_the_web_shows(
    api: Any, world: Any, flow: Any, who: str, own: int, other: int
) -> None:
    from gongdao.cases.actions import open_case
    from tests.factories import OrderFactory

    case = flow.awaiting_merchant()
    foreign = open_case(
        OrderFactory(shop=world.other_shop, consumer=world.charlie),
        world.actor("charlie"),
        issue="other",
        remedy="refund_only",
        submit=True,
    )
    session = api.session(who)
    assert session.get(f"/cases/{case.public_id}").status_code == own
    expected_other = 200 if who == "charlie" else other
    assert session.get(f"/cases/{foreign.public_id}").status_code == expected_other


def test_an_admin_session_may_push_orders(api: Any, world: Any) -> None:
    session = api.session("ada")
    session.client.get("/api/v1/docs")
    token = session.client.cookies["csrftoken"].value
    body = {
        "external_id": "P-2",
        "shop": world.shop.public_id,
        "consumer": "alice",
        "ordered_at": "2025-03-01T10:00:00+08:00",
        "lines": [{"line_no": 1, "name": "耳机", "unit_price_fen": 100, "paid_fen": 100}],
    }
    assert session.post("/orders", body, **{"X-CSRFToken": token}).status_code == 201


def test_internal_notes_are_withheld_from_parties_in_the_event_log(api: Any, world: Any, flow: Any) -> None:
    from gongdao.cases.actions import add_note

    case = flow.escalated()
    add_note(case, world.actor("agnes"), "The shop has three similar complaints this month.")

    def notes(caller_: Any) -> list[dict[str, Any]]:
        events = caller_.get(f"/cases/{case.public_id}/events").json()
        return [e for e in events if e["type"] == "note_added"]

    (for_alice,) = notes(api.alice)
    (for_agnes,) = notes(api.agnes)
    (for_observer,) = notes(api.platform(scopes="cases:read"))
    assert for_alice["payload"] is None and for_observer["payload"] is None
    assert for_agnes["payload"]["text"].startswith("The shop")
    assert (
        for_alice["hash"] == for_agnes["hash"] and for_alice["payload_digest"] == for_agnes["payload_digest"]
    )


SHOPS = {
    "alice": [],
    "charlie": [],
    "bob": ["own"],
    "mallory": ["other"],
    "agnes": ["own", "other"],
    "ada": ["own", "other"],
    "platform": ["own", "other"],
    "observer": ["own", "other"],
    "shop": ["own"],
    "other_shop": ["other"],
}


@pytest.mark.parametrize("who", CALLERS)
def test_listing_shops(api: Any, world: Any, who: str) -> None:
    names = {world.shop.public_id: "own", world.other_shop.public_id: "other"}
    response = caller(api, world, who).get("/shops")
    assert response.status_code == 200
    assert [names[s["id"]] for s in response.json()] == SHOPS[who]
