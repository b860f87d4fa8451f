"""``gongdao apikey create|list|revoke``."""

from __future__ import annotations

import json
from typing import Any

from click.testing import CliRunner

from gongdao.api.models import ApiKey
from gongdao.cli import main


def run(*args: str) -> Any:
    return CliRunner().invoke(main, ["apikey", *args])


def test_create_prints_the_key_once_as_json(api: Any, world: Any) -> None:
    result = run("create", "--name", "order feed", "--scope", "orders:write,cases:read", "--json")
    assert result.exit_code == 0, result.output
    created = json.loads(result.output)
    assert set(created) == {"id", "key", "scopes"}
    assert created["scopes"] == ["orders:write", "cases:read"]
    key = ApiKey.objects.get(public_id=created["id"])
    assert key.kind == "platform" and created["key"] not in (key.digest, key.prefix)
    caller = api.anonymous()
    caller.key = created["key"]
    assert caller.get("/cases").status_code == 200


def test_shop_keys_and_personal_tokens(world: Any) -> None:
    shop = run("create", "--name", "ERP", "--scope", "cases:read,cases:write", "--shop", world.shop.public_id)
    assert shop.exit_code == 0 and "gdk_" in shop.output
    assert ApiKey.objects.get(kind="shop").shop == world.shop
    personal = run("create", "--name", "app", "--scope", "cases:read", "--user", "alice", "--json")
    assert ApiKey.objects.get(public_id=json.loads(personal.output)["id"]).user == world.alice


def test_bad_arguments_fail_with_one_line(world: Any) -> None:
    cases = [
        (["--scope", "cases:read", "--shop", "S-00000000"], "no such shop"),
        (["--scope", "cases:read", "--user", "nobody"], "no such user"),
        (["--scope", "cases:read", "--user", "alice", "--shop", world.shop.public_id], "not both"),
        (["--scope", "root"], "--scope: "),
        (["--scope", "orders:write", "--user", "alice"], "--scope:"),
    ]
    for args, message in cases:
        result = run("create", "--name", "k", *args)
        assert result.exit_code == 1, args
        assert message in result.output, result.output
    assert not ApiKey.objects.exists()


def test_list_and_revoke(api: Any, world: Any) -> None:
    created = json.loads(run("create", "--name", "feed", "--scope", "cases:read", "--json").output)
    listed = run("list")
    assert created["id"] in listed.output and "active" in listed.output
    assert created["key"] not in listed.output
    revoked = run("revoke", created["id"])
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    rows = json.loads(run("list", "--json").output)
    assert rows[0]["revoked_at"] is not None
    caller = api.anonymous()
    caller.key = created["key"]
    assert caller.get("/cases").status_code == 401
    assert run("revoke", "K-00000000").exit_code == 1
