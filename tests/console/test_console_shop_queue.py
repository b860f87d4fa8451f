"""The merchant queue: the shop's cases, nearest deadline first, with counts and filters."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import OrderFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)  # 10:00 China time, a Tuesday


def filed_at(flow, moment, **kw):
    flow.now = moment - timedelta(minutes=5)  # Flow.open advances five minutes
    return flow.open(**kw)


def rows(response) -> list[str]:
    return re.findall(r'<tr data-case="(C-[0-9A-Z]{8})"', response.content.decode())


def counts(response) -> dict[str, int]:
    html = response.content.decode()
    found = re.findall(r'data-count="(\w+)"><strong>(\d+)</strong>', html)
    return {name: int(n) for name, n in found}


@pytest.fixture
def queue(flow, login):
    """Five cases of Bob's shop at 10:00 China time, one of Mallory's shop, one draft."""
    cases = {
        "due_today": filed_at(flow, NOW - timedelta(hours=47)),  # answer due 11:00 today
        "overdue": filed_at(flow, NOW - timedelta(hours=49)),  # answer was due 09:00
        "tomorrow": filed_at(flow, NOW - timedelta(hours=30)),  # due 04:00 tomorrow
        "fresh": filed_at(flow, NOW - timedelta(hours=1), issue="late_delivery"),  # due in 47 h
        "answered": filed_at(flow, NOW - timedelta(hours=2)),
    }
    flow.do(cases["answered"], "reject", "bob", reason="Delivered on time.")
    elsewhere = OrderFactory(shop=flow.world.other_shop, consumer=flow.world.alice)
    cases["elsewhere"] = filed_at(flow, NOW - timedelta(hours=3), order=elsewhere)
    cases["draft"] = flow.open(submit=False)
    with time_machine.travel(NOW, tick=False):
        bob = login("bob")
        bob.get(reverse("console:shop_case", args=[cases["fresh"].public_id]))
        yield bob, cases


def test_queue_lists_the_shops_filed_cases_nearest_deadline_first(queue):
    bob, cases = queue
    response = bob.get(reverse("console:shop_queue"))
    assert response.status_code == 200
    expected = ["overdue", "due_today", "tomorrow", "fresh", "answered"]
    assert rows(response) == [cases[name].public_id for name in expected]


def test_queue_never_shows_other_shops_cases_or_drafts(queue):
    bob, cases = queue
    html = bob.get(reverse("console:shop_queue", query={"status": "all"})).content.decode()
    assert cases["elsewhere"].public_id not in html
    assert cases["draft"].public_id not in html


def test_counts_new_due_today_and_overdue(queue):
    bob, _cases = queue
    found = counts(bob.get(reverse("console:shop_queue")))
    # "fresh" was opened in the console; "answered" waits for the consumer.
    assert found == {"new": 3, "due_today": 1, "overdue": 1, "your_move": 4, "open": 5}


def test_a_case_is_new_again_when_the_consumer_sends_it_back_revised(queue, flow):
    bob, cases = queue
    assert counts(bob.get(reverse("console:shop_queue")))["new"] == 3
    flow.now = NOW - timedelta(minutes=30)
    flow.do(cases["answered"], "revise", "alice", statement="Half the money back then.")
    assert counts(bob.get(reverse("console:shop_queue")))["new"] == 4


def test_due_today_follows_the_china_day_not_the_utc_day(flow, login):
    late = datetime(2026, 3, 10, 22, 0, tzinfo=SHANGHAI)  # 14:00 UTC
    before_midnight = filed_at(flow, late + timedelta(hours=1, minutes=30) - timedelta(hours=48))
    after_midnight = filed_at(flow, late + timedelta(hours=2, minutes=30) - timedelta(hours=48))
    with time_machine.travel(late, tick=False):
        bob = login("bob")
        assert counts(bob.get(reverse("console:shop_queue")))["due_today"] == 1
        listed = rows(bob.get(reverse("console:shop_queue", query={"due": "due_today"})))
    assert listed == [before_midnight.public_id]
    assert after_midnight.public_id not in listed


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"due": "overdue"}, ["overdue"]),
        ({"due": "due_today"}, ["due_today"]),
        ({"due": "new"}, ["overdue", "due_today", "tomorrow"]),
        ({"due": "your_move"}, ["overdue", "due_today", "tomorrow", "fresh"]),
        ({"status": "awaiting_consumer"}, ["answered"]),
        ({"issue": "late_delivery"}, ["fresh"]),
        ({"issue": "late_delivery", "due": "overdue"}, []),
    ],
)
def test_filters(queue, query, expected):
    bob, cases = queue
    response = bob.get(reverse("console:shop_queue", query=query))
    assert response.status_code == 200
    assert rows(response) == [cases[name].public_id for name in expected]


def test_ended_cases_leave_the_default_queue_but_stay_findable(queue, flow):
    bob, cases = queue
    flow.do(cases["fresh"], "withdraw", "alice", reason="Found it.")
    assert cases["fresh"].public_id not in rows(bob.get(reverse("console:shop_queue")))
    assert rows(bob.get(reverse("console:shop_queue", query={"status": "withdrawn"}))) == [
        cases["fresh"].public_id
    ]


def test_an_unknown_filter_value_is_a_400_with_the_reason_next_to_the_filter(queue):
    bob, _cases = queue
    response = bob.get(reverse("console:shop_queue", query={"status": "bogus"}))
    assert response.status_code == 400
    assert 'href="#id_status"' in response.content.decode()


def _queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_queue_query_count_does_not_grow_with_the_number_of_cases(login, flow, django_assert_max_num_queries):
    for _ in range(3):
        flow.open(issue="late_delivery")
    bob = login("bob")
    url = reverse("console:shop_queue")
    bob.get(url)  # warm the caches (url conf, policy)
    few, response = _queries(bob, url)
    assert len(rows(response)) == 3
    for _ in range(12):
        flow.open(issue="late_delivery")
    with django_assert_max_num_queries(few):
        response = bob.get(url)
    assert len(rows(response)) == 15
