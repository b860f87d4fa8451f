"""A whole self-help case in a real browser (issue #10): Alice bought on Taobao, not on a platform
that uses Gongdao. She says so, declares the purchase, says what went wrong and what she wants,
uploads the order screenshot, records that she asked the merchant, records the merchant's
refusal with a chat screenshot, records that she asked Taobao to step in and its decision, then
downloads the 12315 dossier — which verifies offline against the platform's key."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from tests.browser.conftest import Shots
from tests.browser.test_browser_dispute import Person, photo

from gongdao import keys
from gongdao.cases.models import Case
from gongdao.dossiers import verify
from gongdao.orders.models import Order

RUN = {"language": "zh-hans", "viewport": {"width": 1280, "height": 900}}


def open_form(page: Any, action: str) -> Any:
    """The self-help panel's form for ``action``, its <details> opened."""
    box = page.locator(f"#selfhelp-{action}")
    if box.locator("details").get_attribute("open") is None:
        box.locator("summary").click()
    return box


def day(ago: int) -> str:
    return (timezone.localdate() - timedelta(days=ago)).isoformat()


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_a_self_help_case_from_declaring_to_a_verified_12315_dossier(
    browser: Any, live_server: Any, transactional_db: Any, world: Any, tmp_path: Path
) -> None:
    shots = Shots("selfhelp-zh-hans-desktop")
    base = live_server.url
    alice = Person(browser, base, "alice", RUN, shots)
    alice.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    page = alice.page
    alice.login()

    # the guided path starts with the question
    page.click('nav a[href="/complain/"]')
    alice.shot("where")
    page.check("#where-no")
    page.click("main form button[type=submit]")
    assert page.url.endswith("/complain/declare/")

    # declare the purchase: an empty form first shows its errors next to the fields
    page.click("form.declare > button.button")
    expect(page.locator(".error-summary")).to_be_focused()
    assert page.locator("#shop-name-error").is_visible()
    alice.shot("declare-errors")
    page.check("#platform-taobao")
    page.fill("#shop-name", "优品数码专营店")
    page.fill("#shop-region", "浙江省杭州市")
    page.fill("#order_number", "3857261190442")
    page.fill("#ordered_at", day(20))
    page.fill("#signed_at", day(18))
    page.fill("#line-0-name", "无线耳机 Pro")
    page.fill("#line-0-unit_price", "299")
    page.fill("#line-0-paid", "279.00")
    page.click("button[name=add_line]")
    page.fill("#line-1-name", "耳机保护套")
    page.fill("#line-1-unit_price", "19.90")
    alice.shot("declare")
    page.click("form.declare > button.button")
    order = Order.objects.get(source="declared", consumer=world.alice)
    assert page.url.endswith(f"/orders/{order.public_id}/complain/")
    assert list(order.lines.values_list("paid_fen", flat=True).order_by("line_no")) == [27900, 1990]

    # what went wrong, the checklist (the order record is needed), the upload, what she wants
    page.check("#issue-not_received")
    page.click("main form button[type=submit]")
    case = Case.objects.get(order=order)
    assert case.mode == "self_help" and case.policy.profile == "taobao"
    assert page.locator("#task-order_record").is_visible()
    alice.shot("checklist")
    page.click("main > a.button")
    alice.upload([photo(tmp_path, "order-page.jpg", (240, 240, 240))], "order_record")
    alice.shot("upload")
    page.click("main > a.button")
    page.check("#remedy-refund_only")
    page.fill("#amount-1", "279")
    page.uncheck("#line-2")
    page.click("main form button[type=submit]:not([name=redraft])")
    assert page.url.endswith("/check/")

    # "I asked the merchant": when and how
    assert "3857261190442" in page.input_value("#asked-message")
    page.fill("#submit-occurred_on", day(2))
    page.fill("#submit-occurred_time", "09:30")
    page.select_option("#submit-channel", "platform_chat")
    alice.shot("ask-merchant")
    page.click("main form button[type=submit]")
    assert page.url.endswith(f"/cases/{case.public_id}/")
    case.refresh_from_db()
    assert case.status == "awaiting_merchant"
    panel = page.locator("#selfhelp")
    expect(panel).to_contain_text("淘宝")
    expect(panel).to_contain_text("请以平台现行规则为准")
    expect(page.locator(".timeline")).to_contain_text(f"发生于 {day(2)} 09:30")
    alice.shot("asked")

    # the merchant refused: recorded with the chat screenshot uploaded right there
    form = open_form(page, "record_merchant_reply")
    form.locator("#record_merchant_reply-reply-refused").check()
    expect(form.locator("#record_merchant_reply-remedy")).to_be_hidden()  # an offer's inputs
    form.locator("#record_merchant_reply-note").fill("客服说物流显示已签收，不予退款。")
    form.locator("#record_merchant_reply-occurred_on").fill(day(1))
    form.locator("#record_merchant_reply-file").set_input_files(
        str(photo(tmp_path, "chat.jpg", (200, 230, 250)))
    )
    form.locator("#record_merchant_reply-file_kind").select_option("chat_record")
    alice.shot("refusal-form")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").count() == 0
    case.refresh_from_db()
    assert case.status == "awaiting_consumer"
    refusal = case.events.get(type="record_merchant_reply")
    chat = case.evidence.get(kind="chat_record")
    assert refusal.payload["reply"] == "refused" and refusal.payload["evidence"] == [chat.public_id]
    expect(panel).to_contain_text("商家拒绝了您的请求。")

    # the application to the platform is drafted from the facts, and copies
    application = page.locator("#draft-platform")
    assert "“客服说物流显示已签收，不予退款”" in application.input_value()
    page.click("[data-copy-draft=draft-platform]")
    expect(page.locator("#selfhelp [data-copy-status]").nth(1)).to_have_text("已复制")
    assert "3857261190442" in page.evaluate("navigator.clipboard.readText()")
    alice.shot("refused")

    # she asked Taobao to step in; Taobao decided for the merchant
    for fill in (
        {"step": "applied", "reference": "TB-2026-7781", "when": day(1)},
        {
            "step": "decided",
            "outcome": "merchant_upheld",
            "note": "物流签收记录完整，不支持退款。",
            "when": day(0),
        },
    ):
        form = open_form(page, "record_platform_step")
        step = form.locator(f"input[name=step][value={fill['step']}]")
        step.check()
        if "outcome" in fill:
            form.locator(f"input[name=outcome][value={fill['outcome']}]").check()
        if "reference" in fill:
            form.locator("#record_platform_step-reference").fill(fill["reference"])
        if "note" in fill:
            form.locator("#record_platform_step-note").fill(fill["note"])
        form.locator("#record_platform_step-occurred_on").fill(fill["when"])
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator(".error-summary").count() == 0, page.locator(".error-summary").inner_text()
    case.refresh_from_db()
    assert (case.status, case.outcome) == ("decided", "merchant_upheld")
    expect(panel.locator(".ready")).to_be_visible()  # ready for outside help
    expect(page.locator(".timeline")).to_contain_text("TB-2026-7781")
    alice.shot("decided")

    # outside help: the 12315 dossier, downloaded and verified offline
    page.click("#outside-help a.button")
    page.click(f'a[href="/cases/{case.public_id}/outside-help/12315/"]')
    alice.shot("dossier-12315")
    with page.expect_download() as download:
        page.click('a[href$="download/?format=zip"]')
    bundle = tmp_path / "dossier.zip"
    download.value.save_as(str(bundle))
    verdict = verify.verify(bundle, keys.public_raw(keys.private_key()))
    assert verdict.ok and verdict.confirmed, verdict.problem
    assert verdict.case == case.public_id and verdict.target == "12315"
    alice.context.close()
