"""What both API benchmarks start from (not a benchmark): a fresh PostgreSQL database when asked,
and a shop, a consumer, a submitted case and the merchant's personal token with its rate limit
lifted. ``seed`` needs Django set up, with the tests' factories importable (the project root on
the path)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse


def reset_postgres(url: str) -> None:
    """Drop the database ``url`` names and create it afresh."""
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def seed() -> tuple[Any, Any, str]:
    """The case, the merchant's key and its secret."""
    from tests.factories import OrderFactory, ShopFactory, UserFactory

    from gongdao.api import apikeys
    from gongdao.cases.actions import open_case
    from gongdao.cases.actors import of_user

    shop = ShopFactory(name="Bench shop")
    alice = UserFactory(username="alice")
    bob = UserFactory(username="bob", role="merchant_staff", shop=shop)
    order = OrderFactory(shop=shop, consumer=alice)
    case = open_case(order, of_user(alice), issue="other", remedy="refund_only", submit=True)
    key, secret = apikeys.create_key("bench", "cases:read,cases:write", user=bob, rate_limit=10**9)
    return case, key, secret
