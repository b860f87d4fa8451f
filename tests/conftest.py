"""Named personas (STYLE.md): Alice (consumer), Charlie (another consumer who must see nothing
of Alice's), Bob (staff of Alice's shop), Mallory (staff of another shop), Agnes (agent), Sam
(senior agent), Sara (another senior agent), Ada (admin)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings

from gongdao import keys
from gongdao.cases.actors import Actor, of_user
from tests.factories import OrderFactory, ShopFactory, UserFactory

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Any:
    """Debian's Chromium through Playwright, one per test process: Playwright's sync API allows
    only one running instance per thread, so every browser test shares this one."""
    import os
    from pathlib import Path

    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk (scripts/test does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    # The sync API runs an event loop in this thread; the ORM calls tests make between browser
    # steps are synchronous and safe here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session", autouse=True)
def signing_key() -> None:
    keys.create(settings.DATA_DIR)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """argon2 is slow on purpose; tests that are not about hashing don't need it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    alice: Any
    charlie: Any
    bob: Any
    mallory: Any
    agnes: Any
    sam: Any
    sara: Any
    ada: Any
    shop: Any
    other_shop: Any
    order: Any

    def actor(self, name: str) -> Actor:
        return of_user(getattr(self, name))


@pytest.fixture
def world(db: Any) -> World:
    shop = ShopFactory(name="Alice's headphone shop")
    other_shop = ShopFactory(name="Mallory's shop")
    alice = UserFactory(username="alice")
    return World(
        alice=alice,
        charlie=UserFactory(username="charlie"),
        bob=UserFactory(username="bob", role="merchant_staff", shop=shop),
        mallory=UserFactory(username="mallory", role="merchant_staff", shop=other_shop),
        agnes=UserFactory(username="agnes", role="agent"),
        sam=UserFactory(username="sam", role="senior_agent"),
        sara=UserFactory(username="sara", role="senior_agent"),
        ada=UserFactory(username="ada", role="admin", is_staff=True, is_superuser=True),
        shop=shop,
        other_shop=other_shop,
        order=OrderFactory(shop=shop, consumer=alice),
    )


TIERS = {"unit", "db", "browser", "contract", "crash", "bench"}


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """A test that touches the database is in the db tier (run on SQLite and PostgreSQL);
    one with no tier marker and no database is a unit test."""
    for item in items:
        marked = {m.name for m in item.iter_markers()} & TIERS
        if marked:
            continue
        fixtures = set(getattr(item, "fixturenames", ()))
        uses_db = fixtures & {"db", "transactional_db", "django_db_setup", "world", "client", "admin_client"}
        if uses_db or item.get_closest_marker("django_db"):
            item.add_marker(pytest.mark.db)
        else:
            item.add_marker(pytest.mark.unit)
