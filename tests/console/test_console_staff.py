"""A merchant admin invites and removes the shop's staff, and sets the return address."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.console.conftest import as_client, english_client

User = get_user_model()


def invite(client, **data):
    fields = {"invite-username": "wen", "invite-full_name": "Wen Li", "invite-email": "", **data}
    return client.post(reverse("console:staff"), fields)


def link_in(response) -> str:
    found = re.search(r'value="(http[^"]+/console/welcome/[^"]+)"', response.content.decode())
    assert found, "no set-password link on the page"
    return found.group(1)


def test_invite_creates_staff_of_my_shop_with_a_one_time_link(boss, world):
    response = invite(as_client(boss))
    assert response.status_code == 200
    wen = User.objects.get(username="wen")
    assert (wen.role, wen.shop, wen.is_active, wen.has_usable_password()) == (
        "merchant_staff",
        world.shop,
        True,
        False,
    )
    assert wen.profile.full_name == "Wen Li"

    path = link_in(response).split("://", 1)[1].split("/", 1)[1]
    browser = english_client()
    form_page = browser.get("/" + path, follow=True)
    assert form_page.status_code == 200 and b"new_password1" in form_page.content
    done = browser.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a calm river 2026", "new_password2": "a calm river 2026"},
    )
    assert done.status_code == 302
    wen.refresh_from_db()
    assert wen.check_password("a calm river 2026")
    # The link worked once.
    again = english_client().get("/" + path, follow=True)
    assert b"new_password1" not in again.content
    assert b"This link does not work any more" in again.content


def test_staff_cannot_invite(login):
    assert invite(login("bob")).status_code == 403
    assert not User.objects.filter(username="wen").exists()


def test_invite_refuses_a_taken_user_name(boss):
    response = invite(as_client(boss), **{"invite-username": "BOB"})
    assert response.status_code == 409
    assert "This user name is taken" in response.content.decode()
    assert User.objects.filter(username__iexact="bob").count() == 1


def test_invite_refuses_a_bad_user_name_and_a_missing_name(boss):
    bea = as_client(boss)
    assert invite(bea, **{"invite-username": "wen li!"}).status_code == 422
    assert invite(bea, **{"invite-full_name": ""}).status_code == 422
    assert not User.objects.filter(username__startswith="wen").exists()


def test_remove_deactivates_staff_of_my_shop(boss, world):
    bea = as_client(boss)
    response = bea.post(reverse("console:staff_remove", args=[world.bob.public_id]))
    assert response.status_code == 302
    world.bob.refresh_from_db()
    assert world.bob.is_active is False
    assert world.bob.shop == world.shop  # history kept


def test_admin_cannot_remove_staff_of_another_shop(boss, world):
    bea = as_client(boss)
    assert bea.post(reverse("console:staff_remove", args=[world.mallory.public_id])).status_code == 404
    assert bea.post(reverse("console:staff_link", args=[world.mallory.public_id])).status_code == 404
    assert bea.post(reverse("console:staff_remove", args=[world.agnes.public_id])).status_code == 404
    world.mallory.refresh_from_db()
    assert world.mallory.is_active


def test_admin_cannot_remove_themselves(boss):
    bea = as_client(boss)
    response = bea.post(reverse("console:staff_remove", args=[boss.public_id]), follow=True)
    assert "only manage the other members" in response.content.decode()
    boss.refresh_from_db()
    assert boss.is_active


def test_staff_cannot_remove_anyone(login, boss):
    assert login("bob").post(reverse("console:staff_remove", args=[boss.public_id])).status_code == 403
    boss.refresh_from_db()
    assert boss.is_active


def test_staff_list_shows_only_my_shop(boss, world):
    html = as_client(boss).get(reverse("console:staff")).content.decode()
    assert world.bob.public_id in html
    assert world.mallory.public_id not in html


def test_a_new_link_for_a_member_and_none_for_a_removed_one(boss, world):
    bea = as_client(boss)
    response = bea.post(reverse("console:staff_link", args=[world.bob.public_id]))
    assert response.status_code == 200 and link_in(response)
    bea.post(reverse("console:staff_remove", args=[world.bob.public_id]))
    response = bea.post(reverse("console:staff_link", args=[world.bob.public_id]), follow=True)
    assert "/console/welcome/" not in response.content.decode()


def test_a_removed_persons_link_no_longer_works(boss, world):
    bea = as_client(boss)
    path = link_in(invite(bea)).split("://", 1)[1].split("/", 1)[1]
    wen = User.objects.get(username="wen")
    bea.post(reverse("console:staff_remove", args=[wen.public_id]))
    page = english_client().get("/" + path, follow=True)
    assert b"new_password1" not in page.content


def test_admin_sets_the_return_address(boss, world):
    bea = as_client(boss)
    address = "浙江省杭州市余杭区仓前街道 9 号 售后部 收 0571-88888888"
    assert bea.post(reverse("console:shop_settings"), {"return_address": address}).status_code == 302
    world.shop.refresh_from_db()
    assert world.shop.return_address == address
    response = bea.post(reverse("console:shop_settings"), {"return_address": "  "})
    assert response.status_code == 422
    world.shop.refresh_from_db()
    assert world.shop.return_address == address


def test_staff_and_other_shops_cannot_set_our_return_address(login, rival_boss, world):
    before = world.shop.return_address
    assert login("bob").post(reverse("console:shop_settings"), {"return_address": "x"}).status_code == 403
    as_client(rival_boss).post(reverse("console:shop_settings"), {"return_address": "Rival street"})
    world.shop.refresh_from_db()
    world.other_shop.refresh_from_db()
    assert world.shop.return_address == before
    assert world.other_shop.return_address == "Rival street"
