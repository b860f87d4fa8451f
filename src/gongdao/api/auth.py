"""Who is calling: an API key (``Authorization: Bearer KEY``) or the web's own JavaScript with
the signed-in session (and Django's CSRF token on writes). Both become an ``Actor``; what the
actor sees and may do on a case is decided by parties/permissions, what it may call at all by
its scopes.

The key is looked up (and its request counted for the rate limit) once per request by
``identify``, which the URL envelope calls before the operation runs; the ninja auth classes
then only read the result.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from gongdao.api import apikeys
from gongdao.api.problems import RateLimited, Unauthorized
from gongdao.cases.actors import Actor
from gongdao.errors import Forbidden

READ, WRITE, ORDERS, PLATFORM = "cases:read", "cases:write", "orders:write", "platform"
PLATFORM_ROLES = ("agent", "senior_agent", "admin")


def session_scopes(user: Any) -> frozenset[str]:
    """A signed-in user acts as themselves; platform staff also as the platform, admins may push
    orders too."""
    scopes = {READ, WRITE}
    if user.role in PLATFORM_ROLES:
        scopes.add(PLATFORM)
    if user.role == "admin":
        scopes.add(ORDERS)
    return frozenset(scopes)


def _bearer(request: HttpRequest) -> str | None:
    value = request.headers.get("Authorization", "")
    scheme, _sep, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def identify(request: HttpRequest) -> None:
    """Resolve a bearer key and count the request; raise RateLimited when over the limit.

    An unknown or revoked key is remembered and refused by the operation's authentication
    (so endpoints that need no authentication still answer)."""
    request._gongdao_key = None  # type: ignore[attr-defined]
    request._gongdao_auth_error = None  # type: ignore[attr-defined]
    request._gongdao_usage = None  # type: ignore[attr-defined]
    token = _bearer(request)
    if token is None:
        return
    found = apikeys.authenticate(token)
    if found is None:
        request._gongdao_auth_error = Unauthorized(  # type: ignore[attr-defined]
            "invalid_key", _("This API key is not valid, or it has been revoked.")
        )
        return
    key, usage = found
    request._gongdao_usage = usage  # type: ignore[attr-defined]
    if usage.exceeded:
        raise RateLimited(
            "rate_limited",
            _("Too many requests with this key: at most %(limit)d a minute. Try again in %(seconds)d s.")
            % {"limit": usage.limit, "seconds": usage.reset_after},
            retry_after=usage.reset_after,
        )
    request._gongdao_key = key  # type: ignore[attr-defined]


def key_actor(key: Any) -> Actor:
    return Actor("api_key", key=key, user=key.user, scopes=frozenset(key.scopes))


class BearerKey(HttpBearer):
    """``Authorization: Bearer gdk_…``: a platform key, a shop key or a personal token."""

    def __init__(self, scopes: tuple[str, ...] = (), any_of: bool = False) -> None:
        super().__init__()
        self.scopes, self.any_of = scopes, any_of

    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        if not hasattr(request, "_gongdao_key"):
            identify(request)
        error = getattr(request, "_gongdao_auth_error", None)
        if error is not None:
            raise error
        key = request._gongdao_key  # type: ignore[attr-defined]
        return check_scopes(key_actor(key), self.scopes, self.any_of) if key is not None else None


class SessionAuth(APIKeyCookie):
    """The signed-in web user; writes need Django's CSRF token (X-CSRFToken header)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self, scopes: tuple[str, ...] = (), any_of: bool = False) -> None:
        super().__init__(csrf=True)
        self.scopes, self.any_of = scopes, any_of

    def _get_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if self.csrf and check_csrf(request) is not None:
            raise Forbidden(
                "csrf_failed",
                _("The CSRF check failed: send the csrftoken cookie's value in an X-CSRFToken header."),
            )
        return "session"

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        user = request.user
        if key is None or not user.is_active:
            return None
        return check_scopes(Actor("user", user=user, scopes=session_scopes(user)), self.scopes, self.any_of)


def needs(*scopes: str, any_of: bool = False) -> list[Any]:
    """The authentication of an operation that needs these scopes (every one, or ``any_of``).
    A missing scope is refused before the request body is read."""
    return [BearerKey(scopes, any_of), SessionAuth(scopes, any_of)]


AUTH = needs()


def check_scopes(actor: Actor, scopes: tuple[str, ...], any_of: bool = False) -> Actor:
    if not scopes:
        return actor
    missing = [s for s in scopes if s not in actor.scopes]
    if (any_of and len(missing) == len(scopes)) or (not any_of and missing):
        raise Forbidden(
            "insufficient_scope",
            _("This key does not have the scope %(scope)s.")
            % {"scope": " or ".join(missing) if any_of else ", ".join(missing)},
            required=list(scopes),
        )
    return actor


def actor_of(request: HttpRequest) -> Actor:
    return request.auth  # type: ignore[attr-defined,return-value]


def require(request: HttpRequest, *scopes: str) -> Actor:
    """The caller, if it holds every scope named; otherwise 403 naming the missing one."""
    return check_scopes(actor_of(request), scopes)
