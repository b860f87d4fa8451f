"""Hot statements: fixed SQL that the busiest requests run (an API key's rate count, reading a
case for the API, claiming a case for a message), planned once per database connection, with
no extra round trip before them.

On PostgreSQL the statement runs as a prepared statement (psycopg's server-side binding): with
Django's usual client-side binding the values are written into the SQL text, so the server
parses and plans every call afresh, and for the case read (six joins, lines and facts as
subqueries) planning costs several times what running it does (bench/api_bench.py,
docs/benchmarks.md). Only the statements run here are prepared; the ORM's queries are not.
A connection pooler in transaction mode must carry protocol-level prepared statements
(PgBouncer 1.21 or later with ``max_prepared_statements``); a database configured with Django's
``DISABLE_SERVER_SIDE_CURSORS`` (the setting Django asks for behind such a pooler) gets ordinary
statements instead.

The persistent connection's health check (``CONN_HEALTH_CHECKS``: a ``SELECT 1`` before the
first query of every request) is folded into the statement: outside a transaction it runs
straight away, and only if it fails on a connection that turns out to be broken is the
connection replaced and the statement run once more: the same promise (a connection the
database server dropped does not fail the request) without a round trip on every request.
The one statement of this kind that writes, the key's rate count, may then be counted twice,
which is harmless.

On SQLite nothing of this is needed: Python's sqlite3 keeps compiled statements per
connection, and there is no server to lose.

While something watches the queries (DEBUG's query log, a test counting queries, an
``execute_wrapper``) the statements go through Django's cursor wrapper like any other, and run
unprepared, because Django cannot show a prepared statement's SQL in its log; otherwise they
skip the wrapper, doing what it does (errors wrapped as Django's, a broken transaction refused).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

# psycopg prepares a statement on a connection once it has run this many times; Django turns
# preparing off (None) for its own cursors, which bind on the client and never prepare anyway.
PREPARE_THRESHOLD = 0


def fetchone(sql: str, params: list[Any]) -> Any:
    """Run ``sql`` (``%s`` placeholders) and return its first row, or None."""
    db: Any = connections[DEFAULT_DB_ALIAS]  # (once: each attribute of the ``connection`` proxy costs)
    if not _check_lazily(db):
        return _fetchone(db, sql, params)
    try:
        row = _fetchone(db, sql, params, health_check=False)
    except DatabaseError:
        if db.is_usable():
            db.health_check_done = True
            raise
        db.close()  # the server dropped it: connect afresh, as the health check would
        return _fetchone(db, sql, params)
    db.health_check_done = True
    return row


def _check_lazily(db: Any) -> bool:
    """A health check is due before the next query, and this statement may stand in for it."""
    return (
        db.vendor == "postgresql"
        and db.connection is not None
        and db.health_check_enabled
        and not db.health_check_done
        and not db.in_atomic_block
    )


def _fetchone(db: Any, sql: str, params: list[Any], *, health_check: bool = True) -> Any:
    if _through_django(db):
        if not health_check:
            db.health_check_done = True  # (checked by the caller's retry instead)
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    # What Django's cursor wrapper does around a statement, without the wrapper's own cost (a
    # tenth of a millisecond a statement, as much as the read of a key takes on SQLite).
    if health_check:
        db.close_if_health_check_failed()
    db.ensure_connection()
    db.validate_thread_sharing()
    db.validate_no_broken_transaction()
    raw = db.connection
    with db.wrap_database_errors:
        if db.vendor == "postgresql":
            with _server_binding_cursor(db, raw) as cursor:
                cursor.execute(sql, params)
                return cursor.fetchone()
        return raw.execute(_qmark(sql), params).fetchone()


def _through_django(db: Any) -> bool:
    """Through Django's cursor wrapper when something watches the queries (the query log, an
    ``execute_wrapper``), on a backend other than SQLite and PostgreSQL, or behind a pooler
    that cannot keep prepared statements."""
    return (
        db.queries_logged
        or bool(db.execute_wrappers)
        or db.vendor not in ("sqlite", "postgresql")
        or bool(db.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS"))
    )


def _server_binding_cursor(db: Any, raw: Any) -> Any:
    from django.db.backends.postgresql.base import ServerBindingCursor

    if raw.prepare_threshold != PREPARE_THRESHOLD and not db.settings_dict["OPTIONS"].get(
        "server_side_binding"
    ):
        raw.prepare_threshold = PREPARE_THRESHOLD  # (every ORM cursor would prepare too otherwise)
    return ServerBindingCursor(raw)  # type: ignore[call-arg]  # (the stubs know Django's, not psycopg's)


@functools.lru_cache(maxsize=64)
def _qmark(sql: str) -> str:
    """The statement in sqlite3's placeholder style, as Django's SQLite cursor converts it."""
    return re.sub(r"(?<!%)%s", "?", sql).replace("%%", "%")
