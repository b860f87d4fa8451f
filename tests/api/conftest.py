"""Fixtures for the API tests: callers for each persona (personal tokens), the platform and
shop keys, and the web session; cases in every status come from the core's Flow."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from gongdao.api import apikeys
from tests.core.flow import Flow

PERSONAL_SCOPES = {
    "alice": "cases:read,cases:write",
    "charlie": "cases:read,cases:write",
    "bob": "cases:read,cases:write",
    "mallory": "cases:read,cases:write",
    "agnes": "cases:read,cases:write,platform",
    "sam": "cases:read,cases:write,platform",
    "sara": "cases:read,cases:write,platform",
    "ada": "cases:read,cases:write,platform",
}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Caller:
    """Sends requests to /api/v1/ as one key (or with no key)."""

    client: Client
    key: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def _headers(self, extra: dict[str, str]) -> dict[str, str]:
        headers = dict(self.headers)
        if self.key:
            headers["Authorization"] = f"Bearer {self.key}"
        headers.update(extra)
        return headers

    def get(self, path: str, params: dict[str, Any] | None = None, **headers: str) -> Any:
        return self.client.get(_url(path), params or {}, headers=self._headers(headers))

    def post(self, path: str, body: Any = None, *, raw: bytes | None = None, **headers: str) -> Any:
        data = raw if raw is not None else (b"" if body is None else json.dumps(body))
        return self.client.post(
            _url(path), data, content_type="application/json", headers=self._headers(headers)
        )

    def upload(self, path: str, fields: dict[str, Any], **headers: str) -> Any:
        """A multipart/form-data POST (files as django.core.files.uploadedfile objects)."""
        return self.client.post(_url(path), fields, headers=self._headers(headers))


def _url(path: str) -> str:
    return path if path.startswith("/api/") else "/api/v1" + path


@dataclass
class Api:
    world: Any
    keys: dict[str, str] = field(default_factory=dict)

    def personal(self, name: str, scopes: str | None = None) -> Caller:
        user = getattr(self.world, name)
        _key, secret = apikeys.create_key(f"{name}'s app", scopes or PERSONAL_SCOPES[name], user=user)
        return Caller(Client(), secret)

    def platform(self, scopes: str = "orders:write,cases:read,cases:write,platform") -> Caller:
        _key, secret = apikeys.create_key("platform", scopes)
        return Caller(Client(), secret)

    def shop(self, shop: Any = None, scopes: str = "cases:read,cases:write") -> Caller:
        _key, secret = apikeys.create_key("ERP", scopes, shop=shop or self.world.shop)
        return Caller(Client(), secret)

    def session(self, name: str) -> Caller:
        client = Client(enforce_csrf_checks=True)
        client.force_login(getattr(self.world, name))
        return Caller(client)

    def anonymous(self) -> Caller:
        return Caller(Client())

    def __getattr__(self, name: str) -> Caller:
        if name in PERSONAL_SCOPES:
            caller = self.personal(name)
            object.__setattr__(self, name, caller)
            return caller
        raise AttributeError(name)


@pytest.fixture
def api(world: Any) -> Api:
    return Api(world)


@pytest.fixture
def flow(world: Any) -> Flow:
    """Cases built a couple of hours ago (step by step), so their outbox rows are due now."""
    return Flow(world, now=timezone.now() - timedelta(hours=2))
