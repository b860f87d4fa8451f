"""Who may open which console page: consumers get 403, other shops' cases answer 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

SHOP_PAGES = ["console:shop_queue", "console:replies"]
SHOP_ADMIN_PAGES = ["console:staff", "console:shop_settings", "console:reply_new"]
AGENT_PAGES = ["console:agent_queue"]
ADMIN_PAGES = ["console:overview", "console:agents"]
ALL_PAGES = SHOP_PAGES + SHOP_ADMIN_PAGES + AGENT_PAGES + ADMIN_PAGES


@pytest.mark.parametrize("name", ALL_PAGES)
def test_anonymous_visitor_is_sent_to_login(client, world, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert reverse("web:login") in response["Location"]


@pytest.mark.parametrize("name", ALL_PAGES)
def test_consumer_gets_403_on_every_console_page(login, name):
    assert login("alice").get(reverse(name)).status_code == 403


def test_consumer_gets_403_on_the_console_view_of_her_own_case(login, flow):
    case = flow.awaiting_merchant()
    alice = login("alice")
    assert alice.get(reverse("console:shop_case", args=[case.public_id])).status_code == 403
    assert alice.get(reverse("console:review", args=[case.public_id])).status_code == 403


def test_merchant_of_other_shop_gets_404_on_bobs_case(login, flow):
    case = flow.awaiting_merchant()
    mallory = login("mallory")
    assert mallory.get(reverse("console:shop_case", args=[case.public_id])).status_code == 404
    response = mallory.post(reverse("console:shop_act", args=[case.public_id, "accept"]))
    assert response.status_code == 404
    response = mallory.post(reverse("console:shop_message", args=[case.public_id]), {"message-text": "hi"})
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.status == "awaiting_merchant"


def test_merchant_of_other_shop_does_not_see_bobs_case_in_the_queue(login, flow):
    case = flow.awaiting_merchant()
    page = login("mallory").get(reverse("console:shop_queue")).content.decode()
    assert case.public_id not in page
    assert case.public_id in login("bob").get(reverse("console:shop_queue")).content.decode()


@pytest.mark.parametrize("name", SHOP_ADMIN_PAGES)
def test_merchant_staff_cannot_open_shop_admin_pages(login, name):
    assert login("bob").get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", SHOP_PAGES + SHOP_ADMIN_PAGES + ADMIN_PAGES)
def test_agents_cannot_open_shop_or_admin_pages(login, name):
    assert login("agnes").get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", AGENT_PAGES + ADMIN_PAGES)
def test_merchants_cannot_open_agent_or_admin_pages(login, name):
    assert login("bob").get(reverse(name)).status_code == 403


def test_agents_and_merchants_get_403_on_each_others_case_views(login, flow):
    case = flow.escalated()
    assert login("agnes").get(reverse("console:shop_case", args=[case.public_id])).status_code == 403
    assert login("bob").get(reverse("console:review", args=[case.public_id])).status_code == 403


def test_unknown_case_answers_404(login):
    assert login("bob").get(reverse("console:shop_case", args=["C-00000000"])).status_code == 404
    assert login("agnes").get(reverse("console:review", args=["C-00000000"])).status_code == 404


@pytest.mark.parametrize(
    ("name", "target"),
    [
        ("bob", "console:shop_queue"),
        ("agnes", "console:agent_queue"),
        ("sam", "console:agent_queue"),
        ("ada", "console:overview"),
    ],
)
def test_console_home_sends_each_person_to_their_console(login, name, target):
    response = login(name).get(reverse("console:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse(target)


def test_console_home_refuses_consumers(login):
    assert login("alice").get(reverse("console:home")).status_code == 403


def test_deactivated_staff_is_signed_out_of_the_console(login, world):
    bob = login("bob")
    world.bob.is_active = False
    world.bob.save()
    response = bob.get(reverse("console:shop_queue"))
    assert response.status_code == 302
