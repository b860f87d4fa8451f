"""Fixtures for the console tests: a signed-in browser client per persona (in English, so the
assertions read the English source strings), and cases built through the real write path."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests.core.flow import Flow
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    """Argon2 costs ~1 s per persona on a busy CI box; these tests are not about hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def flow(world: Any) -> Flow:
    return Flow(world)


@pytest.fixture
def login(world: Any) -> Callable[[str], Client]:
    def make(name: str) -> Client:
        return as_client(getattr(world, name, None) or UserFactory(username=name))

    return make


@pytest.fixture
def boss(world: Any) -> Any:
    """Bea, administrator of Alice's shop (Bob's boss)."""
    return UserFactory(username="bea", role="merchant_admin", shop=world.shop)


@pytest.fixture
def rival_boss(world: Any) -> Any:
    """Max, administrator of Mallory's shop."""
    return UserFactory(username="max", role="merchant_admin", shop=world.other_shop)


def english_client() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def as_client(user: Any) -> Client:
    client = english_client()
    client.force_login(user)
    return client


@pytest.fixture
def data_dir(settings: Any, tmp_path: Any) -> Any:
    """A data dir of the test's own for evidence files (and a signing key for receipts)."""
    from gongdao import keys

    folder = tmp_path / "data"
    folder.mkdir()
    settings.DATA_DIR = folder
    keys.create(folder)
    return folder


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def chromium(browser: Any) -> Any:
    """The shared session browser of tests/conftest.py (one Playwright per test process)."""
    return browser
