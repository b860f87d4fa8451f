"""Canned replies: the shop's admin adds, changes and deletes them; all its staff use them."""

from __future__ import annotations

from django.urls import reverse

from gongdao.console.models import CannedReply


def test_shop_admin_adds_changes_and_deletes_a_reply(boss, world):
    from tests.console.conftest import as_client

    bea = as_client(boss)
    response = bea.post(reverse("console:reply_new"), {"title": "Delay", "text": "Sorry for the delay."})
    assert response.status_code == 302
    reply = CannedReply.objects.get(shop=world.shop)
    assert (reply.title, reply.text, reply.created_by) == ("Delay", "Sorry for the delay.", boss)

    listing = bea.get(reverse("console:replies")).content.decode()
    assert "Sorry for the delay." in listing and reverse("console:reply_edit", args=[reply.pk]) in listing

    response = bea.post(
        reverse("console:reply_edit", args=[reply.pk]), {"title": "Delay", "text": "Sorry, it shipped late."}
    )
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.text == "Sorry, it shipped late."

    assert (
        "Sorry, it shipped late."
        in bea.get(reverse("console:reply_delete", args=[reply.pk])).content.decode()
    )
    assert CannedReply.objects.filter(pk=reply.pk).exists()  # GET only asks
    assert bea.post(reverse("console:reply_delete", args=[reply.pk])).status_code == 302
    assert not CannedReply.objects.filter(pk=reply.pk).exists()


def test_staff_read_replies_but_cannot_change_them(login, world):
    reply = CannedReply.objects.create(shop=world.shop, title="Thanks", text="Thank you for waiting.")
    bob = login("bob")
    listing = bob.get(reverse("console:replies"))
    assert listing.status_code == 200
    assert "Thank you for waiting." in listing.content.decode()
    assert reverse("console:reply_edit", args=[reply.pk]) not in listing.content.decode()
    assert bob.post(reverse("console:reply_new"), {"title": "X", "text": "Y"}).status_code == 403
    assert (
        bob.post(reverse("console:reply_edit", args=[reply.pk]), {"title": "X", "text": "Y"}).status_code
        == 403
    )
    assert bob.post(reverse("console:reply_delete", args=[reply.pk])).status_code == 403
    reply.refresh_from_db()
    assert reply.text == "Thank you for waiting."


def test_another_shops_admin_gets_404_on_our_replies(rival_boss, world):
    from tests.console.conftest import as_client

    reply = CannedReply.objects.create(shop=world.shop, title="Thanks", text="Thank you for waiting.")
    max_ = as_client(rival_boss)
    assert max_.get(reverse("console:reply_edit", args=[reply.pk])).status_code == 404
    assert (
        max_.post(
            reverse("console:reply_edit", args=[reply.pk]), {"title": "Mine", "text": "now"}
        ).status_code
        == 404
    )
    assert max_.post(reverse("console:reply_delete", args=[reply.pk])).status_code == 404
    assert "Thank you for waiting." not in max_.get(reverse("console:replies")).content.decode()
    reply.refresh_from_db()
    assert reply.title == "Thanks"


def test_bad_replies_are_refused_and_what_was_typed_is_kept(boss, world):
    from tests.console.conftest import as_client

    bea = as_client(boss)
    CannedReply.objects.create(shop=world.shop, title="Delay", text="Sorry.")
    CannedReply.objects.create(shop=world.other_shop, title="Return", text="Theirs.")
    response = bea.post(reverse("console:reply_new"), {"title": "Delay", "text": "A second one"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "already has a reply with this title" in html and "A second one</textarea>" in html
    assert bea.post(reverse("console:reply_new"), {"title": "", "text": "no title"}).status_code == 422
    assert bea.post(reverse("console:reply_new"), {"title": "Long", "text": "x" * 2001}).status_code == 422
    # The same title in another shop is fine.
    assert bea.post(reverse("console:reply_new"), {"title": "Return", "text": "Ours."}).status_code == 302
    assert CannedReply.objects.filter(shop=world.shop).count() == 2
