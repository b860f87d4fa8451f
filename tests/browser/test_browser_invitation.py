"""Inviting the outside merchant in a real browser (issue #10, item 5): Alice creates a link on
her self-help case and copies it; the shop's representative opens it in their own browser (no
account), continues as the shop, adds a screenshot and rejects the request; Alice sees the answer
as the merchant's and withdraws the link; the representative's next click says the link was
withdrawn."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from tests.browser.conftest import Shots
from tests.browser.test_browser_dispute import Person, photo
from tests.selfhelp.people import filed

from gongdao.cases.models import Case

RUN = {"language": "zh-hans", "viewport": {"width": 1280, "height": 900}}


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_a_merchant_answers_through_the_link_until_it_is_withdrawn(
    browser: Any, live_server: Any, transactional_db: Any, world: Any, tmp_path: Path, settings: Any
) -> None:
    shots = Shots("invitation-zh-hans-desktop")
    base = live_server.url
    settings.BASE_URL = base  # the links the site writes point at this server
    case = filed(world)
    alice = Person(browser, base, "alice", RUN, shots)
    alice.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    page = alice.page
    alice.login()
    page.goto(f"{base}/cases/{case.public_id}/")
    panel = page.locator("#invite")
    expect(panel.locator("h2")).to_have_text("邀请商家")
    panel.locator("#id_invite-days").fill("7")
    alice.shot("invite")
    panel.locator("form button[type=submit]").click()
    page.wait_for_load_state()
    link_field = page.locator("input.invite-link")
    link = link_field.input_value()
    assert link.startswith(f"{base}/invite/N-")
    page.locator("button[data-copy]").click()
    expect(page.locator("button[data-copy]")).to_have_text("已复制")
    assert page.evaluate("navigator.clipboard.readText()") == link
    alice.shot("link")

    shop = Person(browser, base, "shop", RUN, shots)
    guest = shop.page
    guest.goto(link)
    expect(guest.locator("h1")).to_have_text("答复顾客的投诉")
    shop.shot("landing")
    guest.locator("main form button[type=submit]").click()
    guest.wait_for_load_state()
    assert guest.url == f"{base}/cases/{case.public_id}/"
    expect(guest.locator("#guest h2")).to_contain_text("优品数码专营店")
    assert guest.locator('nav a[href="/orders/"]').count() == 0
    shop.upload([photo(tmp_path, "发货记录.jpg", (210, 220, 200))], kind="logistics_record")
    guest.reload()  # the upload moved the case on: the forms carry its version
    shop.act("reject", fill={"#reject-reason": "已按时发货，延误是快递原因。"})
    shop.shot("rejected")

    page.reload()
    expect(page.locator("#thread")).to_contain_text("已按时发货，延误是快递原因。")
    case = Case.objects.get(pk=case.pk)
    assert case.status == "awaiting_consumer"
    reply = case.events.get(type="reject")
    assert reply.actor_role == "merchant_guest"
    assert case.evidence.get(kind="logistics_record").side == "merchant"
    page.locator("#invite form.inline button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("input.invite-link").count() == 0
    alice.shot("withdrawn")

    guest.reload()
    expect(guest.locator("h1")).to_have_text("这个链接已被撤回")
    shop.shot("gone")
    guest.goto(link)
    expect(guest.locator("h1")).to_have_text("这个链接已被撤回")
