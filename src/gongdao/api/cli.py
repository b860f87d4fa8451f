"""``gongdao apikey``: create (the key is printed once), list and revoke API keys."""

from __future__ import annotations

from typing import Any

import click

from gongdao.cli import Failure, echo_json, setup_django


@click.group("apikey")
def apikey() -> None:
    """API keys: platform keys, shop keys (--shop) and personal tokens (--user)."""


@apikey.command("create")
@click.option("--name", required=True, help="What the key is for, e.g. 'order feed'.")
@click.option(
    "--scope",
    "scopes",
    required=True,
    metavar="SCOPE[,SCOPE…]",
    help="orders:write, cases:read, cases:write, platform.",
)
@click.option("--shop", "shop_id", metavar="SHOP_ID", help="A shop key: only this shop's cases.")
@click.option("--user", "username", metavar="USERNAME", help="A personal token: acts as this user.")
@click.option("--rate-limit", type=click.IntRange(1), help="Requests per minute (default: the setting).")
@click.option("--json", "as_json", is_flag=True, help='Print {"id", "key", "scopes"} as JSON.')
def create(
    name: str, scopes: str, shop_id: str | None, username: str | None, rate_limit: int | None, as_json: bool
) -> None:
    """Create a key and print it once (only its hash is kept)."""
    if shop_id and username:
        raise Failure("give --shop or --user, not both")
    setup_django()
    from gongdao.api import apikeys
    from gongdao.errors import DomainError
    from gongdao.parties.models import Shop, User

    shop = user = None
    if shop_id:
        shop = Shop.objects.filter(public_id=shop_id.strip().upper()).first()
        if shop is None:
            raise Failure(f"--shop: no such shop: {shop_id}")
    if username:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise Failure(f"--user: no such user: {username}")
    try:
        key, secret = apikeys.create_key(name, scopes, shop=shop, user=user, rate_limit=rate_limit)
    except DomainError as exc:
        option = {"scopes": "--scope", "name": "--name", "user": "--user", "shop": "--shop"}.get(
            exc.field or ""
        )
        raise Failure(f"{option}: {exc}" if option else str(exc))
    if as_json:
        echo_json({"id": key.public_id, "key": secret, "scopes": key.scopes})
        return
    click.echo(f"id:     {key.public_id} ({key.get_kind_display()})")
    click.echo(f"scopes: {', '.join(key.scopes)}")
    click.echo(f"key:    {secret}")
    click.echo("Store the key now: it is not shown again. Send it as 'Authorization: Bearer KEY'.", err=True)


def _owner(key: Any) -> str:
    if key.shop_id:
        return f"shop {key.shop.public_id}"
    if key.user_id:
        return f"user {key.user.username}"
    return "platform"


@apikey.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
def list_keys(as_json: bool) -> None:
    """List keys (never the keys themselves: only their first characters)."""
    setup_django()
    from gongdao.api.models import ApiKey

    keys = ApiKey.objects.select_related("shop", "user").order_by("created_at", "id")
    rows = [
        {
            "id": k.public_id,
            "name": k.name,
            "kind": k.kind,
            "owner": _owner(k),
            "scopes": k.scopes,
            "prefix": k.prefix,
            "created_at": k.created_at.isoformat(),
            "last_used_at": k.last_used_at.isoformat() if k.last_used_at else None,
            "revoked_at": k.revoked_at.isoformat() if k.revoked_at else None,
        }
        for k in keys
    ]
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo("no API keys; create one with: gongdao apikey create --name NAME --scope SCOPE")
    for row in rows:
        state = f"revoked {row['revoked_at'][:16]}" if row["revoked_at"] else "active"
        used = row["last_used_at"][:16] if row["last_used_at"] else "never"
        click.echo(
            f"{row['id']}  {row['prefix']}…  {row['name'][:24]:<24} {row['owner']:<20} "
            f"{','.join(row['scopes']):<36} used: {used:<16} {state}"
        )


@apikey.command("revoke")
@click.argument("key_id")
def revoke(key_id: str) -> None:
    """Revoke a key at once: every request with it is refused from now on."""
    setup_django()
    from gongdao.api import apikeys
    from gongdao.errors import NotFound

    try:
        key = apikeys.revoke(key_id)
    except NotFound:
        raise Failure(f"no such API key: {key_id}")
    click.echo(f"revoked {key.public_id} ({key.name})")
