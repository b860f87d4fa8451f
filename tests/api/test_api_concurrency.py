"""ETags and If-Match on actions (412 when stale), 409 with the current status when an action
is not possible now or another change won the race."""

from __future__ import annotations

from typing import Any

from gongdao.cases.actions import perform
from gongdao.cases.models import Case


def test_get_case_carries_its_version_as_etag(api: Any, flow: Any) -> None:
    case = flow.awaiting_merchant()
    response = api.bob.get(f"/cases/{case.public_id}")
    assert response["ETag"] == f'"{case.version}"'
    assert response.json()["version"] == case.version


def test_if_match_with_the_current_etag_acts(api: Any, flow: Any) -> None:
    case = flow.awaiting_merchant()
    etag = api.bob.get(f"/cases/{case.public_id}")["ETag"]
    response = api.bob.post(f"/cases/{case.public_id}/actions/accept", None, **{"If-Match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag
    assert response.json()["case"]["status"] == "fulfilling"


def test_a_stale_etag_is_412_and_changes_nothing(api: Any, flow: Any, world: Any) -> None:
    case = flow.awaiting_merchant()
    etag = api.bob.get(f"/cases/{case.public_id}")["ETag"]
    flow.do(case, "offer", "bob", remedy="partial_refund", lines=[{"line_no": 1, "amount_fen": 100}])
    response = api.bob.post(f"/cases/{case.public_id}/actions/reject", {"reason": "no"}, **{"If-Match": etag})
    assert response.status_code == 412
    body = response.json()
    assert body["code"] == "stale_version"
    assert body["current_status"] == "awaiting_consumer" and body["version"] == Case.objects.get().version
    assert Case.objects.get().status == "awaiting_consumer"


def test_weak_and_bare_etags_are_understood(api: Any, flow: Any) -> None:
    case = flow.awaiting_merchant()
    version = api.bob.get(f"/cases/{case.public_id}").json()["version"]
    assert api.bob.post(f"/cases/{case.public_id}/messages", {"text": "x"}).status_code == 201
    for value in (f'W/"{version}"', str(version)):
        response = api.bob.post(f"/cases/{case.public_id}/actions/accept", None, **{"If-Match": value})
        assert response.status_code == 412


def test_a_garbled_if_match_is_400(api: Any, flow: Any) -> None:
    case = flow.awaiting_merchant()
    response = api.bob.post(f"/cases/{case.public_id}/actions/accept", None, **{"If-Match": "yesterday"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_if_match"


def test_an_action_not_possible_now_is_409_with_the_current_status(api: Any, flow: Any) -> None:
    case = flow.awaiting_merchant()
    flow.do(case, "accept", "bob")
    response = api.bob.post(f"/cases/{case.public_id}/actions/reject", {"reason": "no"})
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "not_in_this_status" and body["current_status"] == "fulfilling"


def test_the_loser_of_a_race_gets_409(api: Any, flow: Any, world: Any, monkeypatch: Any) -> None:
    """Alice withdraws while Bob's accept is between reading the case and claiming it."""
    case = flow.awaiting_merchant()
    from gongdao.api import cases_api

    real_load = cases_api.load_case
    calls = {"n": 0}

    def load_then_race(actor: Any, public_id: str) -> Any:
        loaded = real_load(actor, public_id)
        calls["n"] += 1
        if calls["n"] == 1:
            perform(Case.objects.get(pk=loaded.pk), "withdraw", world.actor("alice"), reason="found it")
        return loaded

    monkeypatch.setattr(cases_api, "load_case", load_then_race)
    response = api.bob.post(f"/cases/{case.public_id}/actions/accept", None)
    assert response.status_code == 409
    assert response.json()["current_status"] == "withdrawn"
    assert Case.objects.get().status == "withdrawn"


def test_the_loser_of_a_race_with_if_match_gets_412(
    api: Any, flow: Any, world: Any, monkeypatch: Any
) -> None:
    case = flow.awaiting_merchant()
    from gongdao.api import cases_api

    real_load = cases_api.load_case

    def load_then_race(actor: Any, public_id: str) -> Any:
        loaded = real_load(actor, public_id)
        if not getattr(load_then_race, "done", False):
            load_then_race.done = True  # type: ignore[attr-defined]
            perform(Case.objects.get(pk=loaded.pk), "withdraw", world.actor("alice"), reason="found it")
        return loaded

    monkeypatch.setattr(cases_api, "load_case", load_then_race)
    response = api.bob.post(
        f"/cases/{case.public_id}/actions/accept", None, **{"If-Match": f'"{case.version}"'}
    )
    assert response.status_code == 412
    assert response.json()["current_status"] == "withdrawn"
