"""The small scripts, in a real browser: the deadline countdown, draft autosave, and an upload
that fails (the connection drops) and succeeds on retry without choosing the file again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import NoReverseMatch, reverse
from PIL import Image
from tests.browser.conftest import Shots

from gongdao.cases.actions import open_case
from gongdao.web import drafts

PASSWORD = "correct horse battery"


def logged_in(browser: Any, base: str, username: str) -> Any:
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(base + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    return page


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_countdown_and_autosave(browser: Any, live_server: Any, transactional_db: Any, world: Any) -> None:
    shots = Shots("widgets")
    case = open_case(
        world.order, world.actor("alice"), issue="not_received", remedy="refund_only", submit=True
    )
    page = logged_in(browser, live_server.url, "alice")
    page.goto(f"{live_server.url}/cases/{case.public_id}/")
    countdown = page.locator(".next-step [data-countdown]")
    assert "还剩" in countdown.inner_text()
    due = countdown.get_attribute("data-countdown")
    later = page.evaluate(
        "([sel, due]) => window.Gongdao.remaining(document.querySelector(sel), Date.parse(due) - 90 * 60000).text",
        [".next-step [data-countdown]", due],
    )
    assert later == "还剩 1小时 30分钟"
    overdue = page.evaluate(
        "([sel, due]) => window.Gongdao.remaining(document.querySelector(sel), Date.parse(due) + 5 * 60000)",
        [".next-step [data-countdown]", due],
    )
    assert overdue == {"text": "已逾期 5分钟", "overdue": True}
    shots.take(page, "countdown")
    page.context.close()

    draft_order = _order_with_one_line(world)
    draft = drafts.start(draft_order, world.actor("alice"), "not_received")
    page = logged_in(browser, live_server.url, "alice")
    page.goto(f"{live_server.url}/file/{draft.public_id}/request/")
    page.fill("#statement", "自动保存：耳机没有收到，请退款。")
    page.wait_for_function(
        "() => document.querySelector('[data-autosave-status]').textContent.includes('草稿已保存')",
        timeout=15000,
    )
    shots.take(page, "autosaved")
    draft.refresh_from_db()
    assert draft.statement == "自动保存：耳机没有收到，请退款。"
    page.context.close()


def _order_with_one_line(world: Any) -> Any:
    from tests.factories import OrderFactory

    return OrderFactory(shop=world.shop, consumer=world.alice, lines=[("Desk lamp", 12900)])


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_a_failed_upload_is_retried_without_choosing_the_file_again(
    browser: Any, live_server: Any, transactional_db: Any, world: Any, tmp_path: Path
) -> None:
    case = drafts.start(world.order, world.actor("alice"), "damaged_in_transit")
    try:
        upload_path = reverse("evidence:upload", args=[case.public_id])
    except NoReverseMatch:
        pytest.skip("the evidence app's upload endpoint is not installed")
    shots = Shots("upload-retry")
    photo = tmp_path / "dent.jpg"
    Image.new("RGB", (400, 300), (210, 190, 160)).save(photo, "JPEG")
    page = logged_in(browser, live_server.url, "alice")
    page.goto(f"{live_server.url}/file/{case.public_id}/upload/")
    page.route(f"**{upload_path}**", lambda route: route.abort("connectionreset"))
    page.set_input_files("#upload-files", str(photo))
    failed = page.locator(".upload-item.failed")
    failed.wait_for()
    assert "连接中断" in failed.inner_text()
    retry = failed.locator("button")
    assert retry.is_visible()
    shots.take(page, "failed")
    page.unroute(f"**{upload_path}**")
    retry.click()
    page.locator(".upload-item.done").wait_for()
    assert not page.locator(".upload-item button").is_visible()
    shots.take(page, "retried")
    assert case.evidence.count() == 1
    page.context.close()
