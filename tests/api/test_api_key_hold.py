"""A web process holds what it read of an API key for GONGDAO_API_KEY_HOLD_SECONDS and counts
the requests it serves meanwhile itself, far below the rate limit only (apikeys._Held): the
row's count catches up with the next statement, every request is counted in the row from half
the limit on, and a revocation here is seen at once, elsewhere within the hold."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from gongdao.api import apikeys
from gongdao.api.models import ApiKey

START = datetime(2026, 12, 1, 9, 30, 0, tzinfo=UTC)  # the start of a minute's window


@pytest.fixture
def key(world: Any, settings: Any) -> tuple[ApiKey, str]:
    settings.GONGDAO_API_KEY_HOLD_SECONDS = 1
    apikeys.forget(*ApiKey.objects.values_list("digest", flat=True))
    return apikeys.create_key("hold", "cases:read", rate_limit=1000)


def row_count(key: ApiKey) -> int:
    return ApiKey.objects.get(pk=key.pk).window_count


def at(seconds: float) -> datetime:
    return START + timedelta(seconds=seconds)


@pytest.mark.django_db
def test_requests_within_the_hold_are_counted_here_and_added_with_the_next_statement(
    key: tuple[ApiKey, str], django_assert_num_queries: Any
) -> None:
    stored, secret = key
    assert apikeys.authenticate(secret, at(0.0)) is not None
    with django_assert_num_queries(0):
        usages = [apikeys.authenticate(secret, at(0.1 * n))[1] for n in range(1, 5)]  # type: ignore[index]
    assert [u.used for u in usages] == [2, 3, 4, 5]
    assert row_count(stored) == 1
    found = apikeys.authenticate(secret, at(1.2))  # the hold is over: one statement adds 4 + 1
    assert found is not None and found[1].used == 6
    assert row_count(stored) == 6


@pytest.mark.django_db
def test_a_process_holds_back_at_most_one_percent_of_the_limit(key: tuple[ApiKey, str]) -> None:
    stored, secret = key  # limit 1000: at most 10 requests counted here only
    for n in range(25):
        apikeys.authenticate(secret, at(0.01 * n))
    assert 25 - 10 <= row_count(stored) <= 25


@pytest.mark.django_db
def test_from_half_the_limit_every_request_is_counted_in_the_row(key: tuple[ApiKey, str]) -> None:
    stored, secret = key
    apikeys.authenticate(secret, at(0))
    ApiKey.objects.filter(pk=stored.pk).update(window_count=499)  # (other processes' requests)
    apikeys.authenticate(secret, at(1.5))  # reads 500
    for n in range(5):
        apikeys.authenticate(secret, at(1.6 + 0.01 * n))
        assert row_count(stored) == 501 + n


@pytest.mark.django_db
def test_a_new_minute_reads_the_row_again(key: tuple[ApiKey, str]) -> None:
    stored, secret = key
    apikeys.authenticate(secret, at(59.5))
    apikeys.authenticate(secret, at(59.6))  # held
    found = apikeys.authenticate(secret, at(60.1))  # a new window: not held, the old one's is dropped
    assert found is not None and found[1].used == 1
    assert row_count(stored) == 1


@pytest.mark.django_db
def test_a_key_revoked_here_is_refused_at_once(key: tuple[ApiKey, str]) -> None:
    stored, secret = key
    assert apikeys.authenticate(secret, at(0)) is not None
    apikeys.revoke(stored.public_id)
    assert apikeys.authenticate(secret, at(0.1)) is None


@pytest.mark.django_db
def test_a_key_revoked_by_another_process_is_refused_when_the_hold_ends(key: tuple[ApiKey, str]) -> None:
    stored, secret = key
    assert apikeys.authenticate(secret, at(0)) is not None
    ApiKey.objects.filter(pk=stored.pk).update(revoked_at=at(0.2))  # as another process does
    assert apikeys.authenticate(secret, at(0.5)) is not None  # within the hold
    assert apikeys.authenticate(secret, at(1.1)) is None
    assert apikeys.authenticate(secret, at(1.2)) is None


@pytest.mark.django_db
def test_with_no_hold_every_request_is_read_and_counted(
    key: tuple[ApiKey, str], settings: Any, django_assert_max_num_queries: Any
) -> None:
    settings.GONGDAO_API_KEY_HOLD_SECONDS = 0
    stored, secret = key
    for n in range(3):
        with django_assert_max_num_queries(2):  # the count (and on SQLite the token's user)
            apikeys.authenticate(secret, at(0.01 * n))
    assert row_count(stored) == 3


@pytest.mark.django_db
@pytest.mark.parametrize("processes", [1, 3, 8])
def test_processes_together_let_through_the_limit_and_at_most_their_held_back_share(
    key: tuple[ApiKey, str], processes: int
) -> None:
    """Several web processes, each with what it holds, serve one key in turn, more requests
    than its limit within a minute: each lets a request through while its count is within the
    limit; the row never falls behind by more than 1% of the limit per process."""
    stored, secret = key
    held: list[dict[str, Any]] = [{} for _ in range(processes)]
    accepted = 0
    for n, process in zip(range(1500), itertools.cycle(range(processes)), strict=False):
        apikeys._held = held[process]  # (this process's memory)
        found = apikeys.authenticate(secret, at(n * 0.03))
        assert found is not None
        accepted += not found[1].exceeded
    apikeys._held = {}
    assert 1000 <= accepted <= 1000 + (processes - 1) * 10
    assert 1500 - processes * 10 <= row_count(stored) <= 1500


@pytest.mark.django_db
def test_over_http_a_key_revoked_elsewhere_answers_401_once_the_hold_ends(api: Any, settings: Any) -> None:
    settings.GONGDAO_API_KEY_HOLD_SECONDS = 1
    caller = api.platform()
    with time_machine.travel(START, tick=False):
        assert caller.get("/cases").status_code == 200
        ApiKey.objects.filter(kind="platform").update(revoked_at=START)
    with time_machine.travel(START + timedelta(seconds=2), tick=False):
        refused = caller.get("/cases")
    assert refused.status_code == 401
    assert refused.json()["code"] == "invalid_key"
