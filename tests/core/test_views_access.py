"""Who sees which page: anonymous visitors are sent to log in; each persona logs in and sees its
own cases and gets 404 on another party's case; the case list and the case page keep a constant
number of queries as cases and events grow."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongdao.cases.actions import add_message
from gongdao.cases.models import Case
from tests.core.flow import Flow
from tests.factories import OrderFactory, ShopFactory, UserFactory

PASSWORD = "correct horse battery"  # tests/factories.py


def log_in(client: Client, username: str) -> None:
    response = client.post(reverse("web:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, f"{username} could not log in"


@pytest.fixture
def cases(flow: Flow, world: Any) -> dict[str, Case]:
    """Alice's case at Bob's shop (with Agnes assigned), and Charlie's case at Mallory's shop."""
    alices = flow.evidence_period()
    order = OrderFactory(shop=world.other_shop, consumer=world.charlie)
    charlies = Flow(world).open(order=order)
    return {"alice": alices, "charlie": charlies}


def test_anonymous_visitor_is_sent_to_log_in(client: Client) -> None:
    response = client.get("/")
    if response.status_code == 302:
        assert response.url.startswith(reverse("web:login"))
    else:
        assert response.status_code == 200 and 'name="password"' in response.content.decode()
    listing = client.get(reverse("web:cases"))
    assert listing.status_code == 302 and listing.url.startswith(reverse("web:login"))


def test_anonymous_visitor_gets_no_case_page(client: Client, cases: dict[str, Case]) -> None:
    response = client.get(reverse("web:case", args=[cases["alice"].public_id]))
    assert response.status_code == 302 and response.url.startswith(reverse("web:login"))


def test_wrong_password_does_not_log_in(client: Client, world: Any) -> None:
    response = client.post(reverse("web:login"), {"username": "alice", "password": "wrong"})
    assert response.status_code in (200, 403)
    assert client.get(reverse("web:cases")).status_code == 302


VISIBLE = {
    "alice": {"alice"},
    "charlie": {"charlie"},
    "bob": {"alice"},
    "mallory": {"charlie"},
    "agnes": {"alice", "charlie"},
    "sam": {"alice", "charlie"},
    "ada": {"alice", "charlie"},
}


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_persona_sees_its_own_cases_and_404_on_others(
    client: Client, cases: dict[str, Case], who: str
) -> None:
    log_in(client, who)
    listing = client.get(reverse("web:cases"))
    assert listing.status_code == 200
    page = listing.content.decode()
    for owner, case in cases.items():
        shown = case.public_id in page
        assert shown == (owner in VISIBLE[who]), f"{who} and {owner}'s case"
        detail = client.get(reverse("web:case", args=[case.public_id]))
        if owner in VISIBLE[who]:
            assert detail.status_code == 200 and case.public_id in detail.content.decode()
        else:
            assert detail.status_code == 404, f"{who} must not see {owner}'s case"


def test_other_partys_case_actions_answer_404(client: Client, cases: dict[str, Case]) -> None:
    log_in(client, "mallory")
    case = cases["alice"]
    for action in ("accept", "withdraw"):
        response = client.post(reverse("web:act", args=[case.public_id, action]), {"version": case.version})
        assert response.status_code == 404
    response = client.post(reverse("web:message", args=[case.public_id]), {"text": "Hello"})
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.status == "evidence_period" and not case.events.filter(type="message_added").exists()


def test_unknown_case_id_answers_404(client: Client, world: Any) -> None:
    log_in(client, "alice")
    assert client.get(reverse("web:case", args=["C-NOSUCH00"])).status_code == 404


# ---- query counts -----------------------------------------------------------------------------


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _more_cases(world: Any, shop: Any, n: int) -> None:
    for _ in range(n):
        order = OrderFactory(shop=shop, consumer=world.alice)
        Flow(world).rejected(order=order) if shop == world.shop else Flow(world).open(order=order)


@pytest.mark.parametrize("who", ["alice", "bob", "agnes"])
def test_case_list_queries_do_not_grow_with_cases(client: Client, world: Any, who: str) -> None:
    _more_cases(world, world.shop, 2)
    log_in(client, who)
    url = reverse("web:cases")
    client.get(url)  # warm caches (policy, calendar, session)
    few = _count(client, url)
    _more_cases(world, ShopFactory(), 4)
    _more_cases(world, world.shop, 4)
    many = _count(client, url)
    assert many == few, f"{few} queries for 2 cases, {many} for 10"


@pytest.mark.parametrize("who", ["alice", "bob", "agnes"])
def test_case_page_queries_do_not_grow_with_events(client: Client, flow: Flow, world: Any, who: str) -> None:
    case = flow.evidence_period()
    log_in(client, who)
    url = reverse("web:case", args=[case.public_id])
    client.get(url)
    few = _count(client, url)
    for n in range(8):
        add_message(case, world.actor("alice" if n % 2 else "bob"), f"Message {n}")
    flow.do(case, "close_evidence", "agnes")
    flow.do(case, "request_evidence", "agnes", party="both", note="Photos of the label.")
    many = _count(client, url)
    assert many == few, f"{few} queries before, {many} after 10 more events"


def test_user_with_no_cases_sees_none_of_theirs(client: Client, cases: dict[str, Case]) -> None:
    UserFactory(username="drifter", role="consumer")
    log_in(client, "drifter")
    page = client.get(reverse("web:cases")).content.decode()
    assert all(case.public_id not in page for case in cases.values())
