"""Creating, finding and revoking API keys, and counting their requests for the rate limit.

A key is ``gdk_`` followed by 40 random URL-safe characters (240 bits). Only its SHA-256 is
stored: a key this random cannot be guessed from its hash, so a slow password hash would add
latency to every request and no safety (docs/api.md, "Design notes").
"""

from __future__ import annotations

import functools
import hashlib
import math
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongdao import db
from gongdao.api.common import RowReader
from gongdao.api.models import SCOPES, ApiKey
from gongdao.errors import InvalidInput, NotFound
from gongdao.parties.models import User

PREFIX = "gdk_"
PLATFORM_ROLES = ("agent", "senior_agent", "admin")


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def allowed_scopes(kind: str, user: Any = None) -> tuple[str, ...]:
    """Which scopes a key of this kind may carry: shop keys and personal tokens never push
    orders; a personal token acts as the platform only for a platform user."""
    if kind == "platform":
        return tuple(SCOPES)
    if kind == "shop":
        return ("cases:read", "cases:write")
    scopes = ("cases:read", "cases:write")
    return scopes + ("platform",) if user is not None and user.role in PLATFORM_ROLES else scopes


def parse_scopes(text: str | list[str]) -> list[str]:
    items = text.split(",") if isinstance(text, str) else list(text)
    scopes = list(dict.fromkeys(s.strip() for s in items if s.strip()))
    if not scopes:
        raise InvalidInput("scope_required", _("Give at least one scope."), field="scopes")
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown:
        raise InvalidInput(
            "unknown_scope",
            _("Unknown scope: %(scope)s. Scopes are %(all)s.")
            % {"scope": ", ".join(unknown), "all": ", ".join(SCOPES)},
            field="scopes",
        )
    return scopes


def validate(
    name: str, scopes: str | list[str], shop: Any = None, user: Any = None
) -> tuple[str, str, list[str]]:
    """Check a key's name, owner and scopes; return (name, kind, scopes)."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput("required", _("Give the key a name."), field="name")
    if len(name) > 100:
        raise InvalidInput(
            "too_long", _("Keep this under %(limit)d characters.") % {"limit": 100}, field="name"
        )
    if shop is not None and user is not None:
        raise InvalidInput("shop_or_user", _("A key belongs to a shop or to a user, not both."), field="shop")
    if user is not None and not user.is_active:
        raise InvalidInput("inactive_user", _("This user account is deactivated."), field="user")
    kind = "shop" if shop is not None else "personal" if user is not None else "platform"
    chosen = parse_scopes(scopes)
    refused = [s for s in chosen if s not in allowed_scopes(kind, user)]
    if refused:
        raise InvalidInput(
            "scope_not_allowed",
            _("A %(kind)s cannot have the scope %(scope)s.")
            % {"kind": str(_kind_name(kind)).lower(), "scope": ", ".join(refused)},
            field="scopes",
        )
    return name, kind, chosen


@transaction.atomic
def create_key(
    name: str,
    scopes: str | list[str],
    *,
    shop: Any = None,
    user: Any = None,
    created_by: Any = None,
    rate_limit: int | None = None,
) -> tuple[ApiKey, str]:
    """Create a key; return it and its secret (shown once, never stored)."""
    name, kind, chosen = validate(name, scopes, shop, user)
    secret = PREFIX + secrets.token_urlsafe(30)
    key = ApiKey.objects.create(
        name=name,
        kind=kind,
        scopes=chosen,
        shop=shop,
        user=user,
        prefix=secret[:12],
        digest=digest(secret),
        created_by=created_by,
        rate_limit=rate_limit,
    )
    return key, secret


def _kind_name(kind: str) -> Any:
    from gongdao.api.models import KEY_KINDS

    return KEY_KINDS[kind]


def revoke(public_id: str, now: datetime | None = None) -> ApiKey:
    key = ApiKey.objects.filter(public_id=public_id.strip().upper()).first()
    if key is None:
        raise NotFound("key_not_found", _("No such API key."))
    if key.revoked_at is None:
        key.revoked_at = now or timezone.now()
        key.save(update_fields=["revoked_at"])
    forget(key.digest)
    return key


def find(secret: str) -> ApiKey | None:
    """The active key with this secret, or None (nothing is counted)."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    key = ApiKey.objects.select_related("user", "shop").filter(digest=digest(secret)).first()
    return key if key is not None and key.is_active else None


# ---- rate limit ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Usage:
    limit: int
    used: int
    reset_after: int  # seconds until the window ends

    @property
    def exceeded(self) -> bool:
        return self.used > self.limit

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)


def default_limit() -> int:
    configured = getattr(settings, "GONGDAO_API_RATE_LIMIT", None)
    return int(configured or settings.ENV.get("GONGDAO_API_RATE_LIMIT") or 600)


def hold_seconds() -> float:
    configured = getattr(settings, "GONGDAO_API_KEY_HOLD_SECONDS", None)
    if configured is not None:
        return float(configured)
    return float(settings.ENV.get("GONGDAO_API_KEY_HOLD_SECONDS", 1))


def authenticate(secret: str, now: datetime | None = None) -> tuple[ApiKey, Usage] | None:
    """The active key with this secret, with this request counted against its rate limit.

    One statement (``UPDATE … RETURNING``) finds the key, adds the requests to its count in
    its one-minute window and records its last use, so every web process shares the count and
    sees a revocation. The user of a personal token is read with it: in the same statement on
    PostgreSQL (the UPDATE in a WITH clause), in a second one on SQLite, which has no UPDATE
    in WITH (both statements run in-process there, with no round trip to a server).

    Between statements a process holds what it read (see ``_Held``): far below the limit, and
    for at most ``GONGDAO_API_KEY_HOLD_SECONDS``, it counts a key's requests itself and adds
    them to the row with its next statement."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    now = now or timezone.now()
    seconds = now.timestamp()
    window = int(seconds // 60)
    hashed = digest(secret)
    with _held_lock:
        held = _held.pop(hashed, None)
        if held is not None and held.may_count(window, seconds, hold_seconds()):
            held.unsynced += 1
            _held[hashed] = held
            return held.key, _usage(held.key, held.counted + held.unsynced, window, seconds)
    pending = held.unsynced if held is not None and held.window == window else 0
    found = _count(["digest = %s", "revoked_at IS NULL"], [hashed], now, pending + 1)
    if found is None:
        return None
    key, usage = found
    if key.user_id is not None:
        if "user" not in key._state.fields_cache:
            key.user = _user(key.user_id)
        if key.user is None or not key.user.is_active:
            return None
    if hold_seconds() > 0:
        with _held_lock:
            _held[hashed] = _Held(key, window, usage.used, 0, seconds)
    return key, usage


@dataclass
class _Held:
    """What this process last read of a key, and the requests it has served since.

    Counting every request in the key's row is a database write per API request (on
    PostgreSQL a round trip and a new row version; bench/api_bench.py). So a process serves a
    key from what it read, counting its requests itself, while all of these hold: the read is
    younger than ``GONGDAO_API_KEY_HOLD_SECONDS`` (default 1 s) and of the current minute's
    window; fewer than 1% of the limit are counted here only; and the count, with those, is
    below half the limit. Otherwise the next request runs the statement, which adds what was
    counted here. So from half the limit on every request a process serves is counted in the
    row, and however many processes serve a key, each holds back at most 1% of its limit: the
    limit holds to within 1% per other process (decision 0010). A key revoked, or its user
    deactivated, by another process is still served here until the hold ends; by this process
    (``revoke``, the admin's action), it is refused at once."""

    key: ApiKey
    window: int
    counted: int  # the row's count in the window, as read
    unsynced: int  # requests served here since, not yet in the row
    read_at: float  # seconds since the epoch

    def may_count(self, window: int, seconds: float, hold: float) -> bool:
        limit = self.key.rate_limit or default_limit()
        return (
            window == self.window
            and 0 <= seconds - self.read_at < hold
            and self.unsynced + 1 <= limit // 100
            and 2 * (self.counted + self.unsynced + 1) <= limit
        )


_held: dict[str, _Held] = {}
_held_lock = threading.Lock()


def forget(*digests: str) -> None:
    """Stop holding these keys in this process (they were revoked here)."""
    with _held_lock:
        for hashed in digests:
            _held.pop(hashed, None)


def _usage(key: ApiKey, used: int, window: int, seconds: float) -> Usage:
    reset = max(1, math.ceil((window + 1) * 60 - seconds))
    return Usage(limit=key.rate_limit or default_limit(), used=used, reset_after=reset)


def _user(pk: int) -> Any:
    row = db.fetchone(_user_sql(connection.vendor), [pk])
    return _USER.read(row) if row else None


@functools.lru_cache(maxsize=2)
def _user_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in _USER.fields)
    return f"SELECT {columns} FROM {quote(User._meta.db_table)} WHERE {quote('id')} = %s"  # noqa: S608


_COLUMNS = [f.attname for f in ApiKey._meta.concrete_fields]
_KEY = RowReader(ApiKey, ApiKey._meta.concrete_fields)
_USER = RowReader(User, User._meta.concrete_fields)


@functools.lru_cache(maxsize=8)
def _count_sql(vendor: str, where: tuple[str, ...], asynchronous: bool) -> str:
    quote = connection.ops.quote_name
    table = quote(ApiKey._meta.db_table)
    columns = ", ".join(quote(c) for c in _COLUMNS)
    update = (
        f"UPDATE {table} SET "  # noqa: S608 (names are ours, values are parameters)
        "window_count = CASE WHEN window_start = %s THEN window_count + %s ELSE %s END, "
        f"window_start = %s, last_used_at = %s WHERE {' AND '.join(where)} RETURNING {columns}"
    )
    if vendor != "postgresql":
        return update
    users = ", ".join(f"u.{quote(str(f.column))}" for f in _USER.fields)
    key_columns = ", ".join(f"k.{quote(c)}" for c in _COLUMNS)
    sql = (
        f"WITH k AS ({update}) SELECT {key_columns}, {users} FROM k "  # noqa: S608
        f"LEFT JOIN {quote(User._meta.db_table)} u ON u.{quote('id')} = k.{quote('user_id')}"
    )
    if asynchronous:
        # The count and the last-use time are bookkeeping: this statement's own transaction
        # commits without waiting for the write-ahead log to reach the disk. A server crash may
        # forget the last fraction of a second of counts; nothing else is in this transaction.
        sql += " CROSS JOIN (SELECT set_config('synchronous_commit', 'off', true)) s"
    return sql


def _count(where: list[str], params: list[Any], now: datetime, requests: int) -> tuple[ApiKey, Usage] | None:
    seconds = now.timestamp()
    window = int(seconds // 60)
    database = connections[DEFAULT_DB_ALIAS]  # (once: each attribute of the proxy costs)
    # Outside a transaction the statement is its own (autocommit): see _count_sql.
    sql = _count_sql(database.vendor, tuple(where), not database.in_atomic_block)
    at = database.ops.adapt_datetimefield_value(now)
    row = db.fetchone(sql, [window, requests, requests, window, at, *params])
    if row is None:
        return None
    key = _KEY.read(row[: len(_KEY)], database)
    if database.vendor == "postgresql":  # the user, read in the same statement
        user = row[len(_KEY) :]
        key._state.fields_cache["user"] = None if user[0] is None else _USER.read(user, database)
    return key, _usage(key, key.window_count, window, seconds)
