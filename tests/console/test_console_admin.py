"""The admin overview (open cases by status and stage, overdue, per shop) and agent management."""

from __future__ import annotations

import re
from datetime import timedelta

import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.console.conftest import english_client
from tests.factories import OrderFactory

User = get_user_model()


def numbers(html: str, attribute: str) -> dict[str, int]:
    pattern = rf'<tr {attribute}="([\w-]+)"><th scope="row">[^<]*</th><td>(\d+)</td>'
    return {key: int(n) for key, n in re.findall(pattern, html)}


def test_overview_counts(login, flow, world):
    flow.awaiting_merchant()
    flow.awaiting_merchant()
    flow.escalated()
    flow.withdrawn()
    other = flow.open(order=OrderFactory(shop=world.other_shop, consumer=world.alice))
    with time_machine.travel(flow.now + timedelta(hours=49), tick=False):
        html = login("ada").get(reverse("console:overview")).content.decode()
    by_status = numbers(html, "data-status")
    assert by_status["awaiting_merchant"] == 3 and by_status["escalated"] == 1
    assert "withdrawn" not in by_status
    assert numbers(html, "data-stage") == {"1": 0, "2": 3, "3": 1, "4": 0}
    # 49 hours on: the three answers are overdue for the shops; the escalation's SLA too.
    assert numbers(html, "data-overdue") == {"consumer": 0, "merchant": 3, "platform": 1}
    shops = dict(re.findall(r'<tr data-shop="(S-\w+)"><td>[^<]*</td><td>(\d+)</td>', html))
    assert shops == {world.shop.public_id: "3", world.other_shop.public_id: "1"}
    assert 'data-stuck="4"' in html  # four deadlines past due that no worker has fired
    assert other.public_id not in html  # aggregates only


def test_overview_is_for_admins_only(login):
    for name in ("alice", "bob", "agnes", "sam"):
        assert login(name).get(reverse("console:overview")).status_code == 403


def test_overview_query_count_does_not_grow_with_cases_or_shops(
    login, flow, world, django_assert_max_num_queries
):
    from tests.factories import ShopFactory

    def more(n):
        for _ in range(n):
            shop = ShopFactory()
            flow.open(order=OrderFactory(shop=shop, consumer=world.alice))

    more(3)
    ada = login("ada")
    url = reverse("console:overview")
    ada.get(url)
    with CaptureQueriesContext(connection) as ctx:
        ada.get(url)
    few = len(ctx.captured_queries)
    more(12)
    with django_assert_max_num_queries(few):
        html = ada.get(url).content.decode()
    assert html.count("<tr data-shop=") == 17


def test_admin_adds_a_senior_agent_with_a_set_password_link(login):
    ada = login("ada")
    data = {
        "agent-username": "tao",
        "agent-full_name": "Tao Zhang",
        "agent-email": "tao@example.com",
        "agent-role": "senior_agent",
    }
    response = ada.post(reverse("console:agents"), data)
    assert response.status_code == 200
    tao = User.objects.get(username="tao")
    assert (tao.role, tao.shop, tao.has_usable_password()) == ("senior_agent", None, False)
    link = re.search(r'value="https?://[^/"]+(/console/welcome/[^"]+)"', response.content.decode()).group(1)
    browser = english_client()
    form = browser.get(link, follow=True)
    browser.post(
        form.redirect_chain[-1][0], {"new_password1": "quiet harbour 88", "new_password2": "quiet harbour 88"}
    )
    tao.refresh_from_db()
    assert tao.check_password("quiet harbour 88")


def test_admin_cannot_create_other_roles_through_the_agent_form(login):
    data = {"agent-username": "eve", "agent-full_name": "Eve", "agent-role": "admin"}
    assert login("ada").post(reverse("console:agents"), data).status_code == 422
    assert not User.objects.filter(username="eve").exists()


def test_deactivate_an_agent_without_open_cases(login, world):
    ada = login("ada")
    assert ada.post(reverse("console:agent_deactivate", args=[world.agnes.public_id])).status_code == 302
    world.agnes.refresh_from_db()
    assert world.agnes.is_active is False


def test_an_agent_with_open_cases_is_not_deactivated(login, flow, world):
    flow.evidence_period(agent="agnes")
    ada = login("ada")
    response = ada.post(reverse("console:agent_deactivate", args=[world.agnes.public_id]), follow=True)
    assert "open cases to other agents first" in response.content.decode()
    world.agnes.refresh_from_db()
    assert world.agnes.is_active


def test_only_agents_can_be_deactivated_here(login, world):
    ada = login("ada")
    assert ada.post(reverse("console:agent_deactivate", args=[world.bob.public_id])).status_code == 404
    assert ada.post(reverse("console:agent_deactivate", args=[world.alice.public_id])).status_code == 404
    world.bob.refresh_from_db()
    assert world.bob.is_active


def test_agents_cannot_manage_agents(login, world):
    sam = login("sam")
    assert sam.post(reverse("console:agent_deactivate", args=[world.agnes.public_id])).status_code == 403
    assert (
        sam.post(
            reverse("console:agents"), {"agent-username": "x", "agent-full_name": "X", "agent-role": "agent"}
        ).status_code
        == 403
    )
    world.agnes.refresh_from_db()
    assert world.agnes.is_active


def test_a_deactivated_agent_is_no_longer_offered_for_assignment(login, flow, world):
    case = flow.escalated()
    login("ada").post(reverse("console:agent_deactivate", args=[world.sara.public_id]))
    html = login("agnes").get(reverse("console:agent_queue")).content.decode()
    assert case.public_id in html
    assert world.sara.public_id not in html
