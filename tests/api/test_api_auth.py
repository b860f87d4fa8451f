"""Authentication: bearer keys of three kinds, revoked and unknown keys, scopes, and the web
session with its CSRF token."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gongdao.api import apikeys
from gongdao.api.models import ApiKey
from gongdao.errors import InvalidInput


def test_no_credentials_is_401_with_a_bearer_challenge(api: Any) -> None:
    response = api.anonymous().get("/cases")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "unauthorized"


def test_unknown_key_is_401(api: Any) -> None:
    caller = api.anonymous()
    caller.key = "gdk_" + "x" * 40
    response = caller.get("/cases")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_key"


def test_revoked_key_is_refused_at_once(api: Any, world: Any) -> None:
    caller = api.platform()
    assert caller.get("/cases").status_code == 200
    apikeys.revoke(ApiKey.objects.get().public_id)
    response = caller.get("/cases")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_key"


def test_personal_token_of_a_deactivated_user_is_refused(api: Any, world: Any) -> None:
    caller = api.personal("alice")
    world.alice.is_active = False
    world.alice.save()
    assert caller.get("/cases").status_code == 401


def test_only_the_hash_of_a_key_is_stored(world: Any) -> None:
    key, secret = apikeys.create_key("feed", "orders:write")
    row = ApiKey.objects.get(pk=key.pk)
    assert secret.startswith("gdk_") and len(secret) > 40
    assert secret not in {row.digest, row.prefix, row.name}
    assert row.digest == apikeys.digest(secret)
    assert apikeys.find(secret) == row


@pytest.mark.parametrize(
    ("kwargs", "scopes", "code"),
    [
        ({}, "", "scope_required"),
        ({}, "cases:read,everything", "unknown_scope"),
        ({"shop": True}, "orders:write", "scope_not_allowed"),
        ({"user": "alice"}, "platform", "scope_not_allowed"),
        ({"user": "alice"}, "orders:write", "scope_not_allowed"),
        ({"shop": True, "user": "alice"}, "cases:read", "shop_or_user"),
    ],
)
def test_keys_get_only_the_scopes_their_kind_allows(world: Any, kwargs: dict, scopes: str, code: str) -> None:
    owner = {}
    if kwargs.get("shop"):
        owner["shop"] = world.shop
    if kwargs.get("user"):
        owner["user"] = getattr(world, kwargs["user"])
    with pytest.raises(InvalidInput) as raised:
        apikeys.create_key("k", scopes, **owner)
    assert raised.value.code == code
    assert not ApiKey.objects.exists()


def test_an_agent_token_may_act_as_the_platform(world: Any) -> None:
    key, _secret = apikeys.create_key("agnes", "cases:read,platform", user=world.agnes)
    assert key.kind == "personal" and key.scopes == ["cases:read", "platform"]


def test_missing_scope_is_403_naming_it(api: Any, world: Any) -> None:
    reader = api.platform(scopes="cases:read")
    response = reader.post("/orders", {"orders": []})
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"
    assert response.json()["required"] == ["orders:write"]


def test_read_only_key_cannot_write_to_a_case(api: Any, flow: Any) -> None:
    case = flow.awaiting_merchant()
    erp = api.shop(scopes="cases:read")
    assert erp.get(f"/cases/{case.public_id}").status_code == 200
    response = erp.post(f"/cases/{case.public_id}/messages", {"text": "hello"})
    assert response.status_code == 403


def test_session_reads_without_csrf_but_writes_need_it(api: Any, flow: Any) -> None:
    case = flow.awaiting_merchant()
    bob = api.session("bob")
    assert bob.get(f"/cases/{case.public_id}").status_code == 200
    refused = bob.post(f"/cases/{case.public_id}/messages", {"text": "请稍等"})
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"
    bob.client.get("/api/v1/docs")  # any page that renders the token sets the csrftoken cookie
    token = bob.client.cookies["csrftoken"].value
    sent = bob.post(f"/cases/{case.public_id}/messages", {"text": "请稍等"}, **{"X-CSRFToken": token})
    assert sent.status_code == 201, sent.content


def test_a_wrong_bearer_key_does_not_fall_back_to_the_session(api: Any, world: Any) -> None:
    client = Client()
    client.force_login(world.ada)
    response = client.get("/api/v1/cases", headers={"Authorization": "Bearer gdk_not-a-key"})
    assert response.status_code == 401


def test_last_use_is_recorded(api: Any, world: Any) -> None:
    caller = api.platform()
    assert ApiKey.objects.get().last_used_at is None
    caller.get("/cases")
    assert ApiKey.objects.get().last_used_at is not None


def test_openapi_document_and_health_need_no_key(api: Any) -> None:
    anonymous = api.anonymous()
    assert anonymous.get("/openapi.json").status_code == 200
    assert anonymous.get("/health").json()["status"] == "ok"
    assert anonymous.get("/docs").status_code == 200
