"""Login throttling: django-axes checks every login made through a request (the login form, the
admin); an authentication without a request (a test helper, a script) is not a login attempt
from outside and is left to the model backend."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend


class ThrottledBackend(AxesStandaloneBackend):
    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ):  # type: ignore[override]
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
