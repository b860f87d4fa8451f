"""Fixtures for the core tests (the personas come from tests/conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.core.flow import Flow


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Argon2 is deliberately slow; the personas' passwords need no protection in a test run."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def flow(world: Any) -> Flow:
    return Flow(world)
