"""Helpers for the policy tests: documents derived from the packaged default, a fixed clock,
English messages, fast password hashing. The test_policy_* modules ask for the last two with
``pytestmark``; nothing here is autouse, so test_calendar.py is untouched."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from gongdao.policy import document

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Monday, in China time: the tests' "today".
TODAY = datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI)


def china(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def edited(*replacements: tuple[str, str], text: str | None = None) -> str:
    """The default document (or ``text``) with each (old, new) replaced once; old must occur, so
    a test can never pass because its edit silently did nothing."""
    text = document.default_text() if text is None else text
    for old, new in replacements:
        assert old in text, f"the document has no {old!r}"
        text = text.replace(old, new, 1)
    return text


def new_version(label: str, *replacements: tuple[str, str]) -> str:
    """The default document relabelled ``label``, with further edits."""
    return edited(('version = "default-2026.1"', f'version = "{label}"'), *replacements)


@pytest.fixture
def today():
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def fast_password_hashing(settings):
    """The personas' passwords play no part here; argon2 would make each `world` take seconds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def english():
    """Messages are asserted in English (the site's default language is Chinese); requests still
    choose their own language (the language cookie)."""
    with translation.override("en"):
        yield
