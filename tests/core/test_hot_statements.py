"""gongdao/db.py: the hot statements run as prepared statements on PostgreSQL, stand in for the
connection's health check, and survive a connection the server dropped; on SQLite they are
plain statements. Their rows are what the same SQL gives through Django's cursor."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, connections

from gongdao import db

pytestmark = pytest.mark.django_db(transaction=True)


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no server: nothing is prepared on it and no connection can be dropped")


def test_a_statement_gives_the_row_django_s_cursor_gives(world: Any) -> None:
    sql = "SELECT %s, username, is_active FROM parties_user WHERE id = %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, ["x", world.alice.pk])
        expected = cursor.fetchone()
    assert tuple(db.fetchone(sql, ["x", world.alice.pk])) == tuple(expected)
    assert db.fetchone(sql, ["x", -1]) is None


def test_on_postgresql_the_statement_is_prepared_once_per_connection(world: Any) -> None:
    needs_postgresql()
    sql = "SELECT username FROM parties_user WHERE id = %s"
    for _ in range(3):
        assert db.fetchone(sql, [world.alice.pk]) == ("alice",)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s", ["%parties_user%"]
        )
        prepared = [row[0] for row in cursor.fetchall()]
    assert prepared == ["SELECT username FROM parties_user WHERE id = $1"]


def test_a_connection_the_server_dropped_is_replaced_and_the_statement_runs(world: Any) -> None:
    needs_postgresql()
    pid = backend_pid()
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()
    connection.health_check_done = False  # a new request, as Django's close_old_connections starts one
    assert db.fetchone("SELECT %s + 1", [41]) == (42,)
    assert backend_pid() != pid
    assert connection.health_check_done  # no SELECT 1 before the next query of this request


def test_a_failing_statement_on_a_good_connection_raises(world: Any) -> None:
    from django.db import DatabaseError

    connection.ensure_connection()
    connection.health_check_done = False
    with pytest.raises(DatabaseError):
        db.fetchone("SELECT no_such_column FROM parties_user", [])
    assert db.fetchone("SELECT %s", [1]) == (1,)


def test_the_statement_stands_in_for_the_health_check_on_a_good_connection(
    world: Any, monkeypatch: Any
) -> None:
    needs_postgresql()
    connection.ensure_connection()
    checks = []
    monkeypatch.setattr(connection, "is_usable", lambda: checks.append(1) or True)
    connection.health_check_done = False  # a new request
    assert db.fetchone("SELECT %s", [7]) == (7,)
    assert checks == []  # no SELECT 1 round trip first
    assert connection.health_check_done
