"""Template context: ``unread_count`` for the header (counted only when a template uses it)."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest

from gongdao.notify import queries


def unread(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def count() -> int:
        return queries.unread_count(user)

    return {"unread_count": count}
