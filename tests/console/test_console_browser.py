"""The consoles' small script in a real browser: a canned reply goes in at the cursor, the error
summary takes focus, and an evidence photo opens in a dialog that Escape closes."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from gongdao.cases.actions import open_case, perform
from gongdao.console.models import CannedReply
from gongdao.evidence.actions import add_evidence
from tests.evidence.evidence_samples import jpeg_bytes

PASSWORD = "correct horse battery"
SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots" / "console"


def signed_in(chromium: Any, base: str, username: str, width: int = 1024) -> Any:
    context = chromium.new_context(viewport={"width": width, "height": 800})
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": base}])
    page = context.new_page()
    page.set_default_timeout(30000)
    page.goto(base + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    return page


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_canned_reply_and_error_summary(chromium, live_server, transactional_db, world):
    CannedReply.objects.create(shop=world.shop, title="Delay", text="Sorry for the delay.")
    case = open_case(
        world.order, world.actor("alice"), issue="late_delivery", remedy="refund_only", submit=True
    )
    page = signed_in(chromium, live_server.url, "bob")
    page.goto(f"{live_server.url}/console/shop/cases/{case.public_id}/")
    message = page.locator("#id_offer-message")
    message.fill("Hello.")
    control = page.locator('[data-canned][data-target="id_offer-message"]')
    assert control.is_visible()  # hidden until the script runs
    control.locator("select").select_option(label="Delay")
    control.locator("[data-insert]").click()
    assert message.input_value() == "Hello.\nSorry for the delay."
    assert page.evaluate("document.activeElement.id") == "id_offer-message"
    shot(page, "01-canned-reply")

    page.fill("#id_offer-amount_1", "12.345")
    page.click("#form-offer button[type=submit]")
    page.wait_for_load_state()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert "Enter an amount in yuan, like 12.30." in page.locator("[data-error-summary]").inner_text()
    page.click('[data-error-summary] a[href="#id_offer-amount_1"]')
    assert page.evaluate("document.activeElement.id") == "id_offer-amount_1"
    assert page.locator("#id_offer-message").input_value() == "Hello.\nSorry for the delay."
    shot(page, "02-error-summary")
    page.context.close()


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_evidence_photo_zooms_in_a_dialog(chromium, live_server, transactional_db, world, data_dir):
    case = open_case(
        world.order, world.actor("alice"), issue="late_delivery", remedy="refund_only", submit=True
    )
    add_evidence(
        case,
        world.actor("alice"),
        kind="problem_photo",
        source=io.BytesIO(jpeg_bytes(seed=4)),
        filename="box.jpg",
    )
    perform(case, "reject", world.actor("bob"), reason="Delivered on time.")
    perform(case, "escalate", world.actor("alice"), reason="Please look.")
    page = signed_in(chromium, live_server.url, "agnes", width=375)
    page.goto(f"{live_server.url}/console/agent/cases/{case.public_id}/")
    thumb = page.locator("[data-zoom] img")
    thumb.scroll_into_view_if_needed()  # it is lazy: it loads once it is on screen
    thumb.evaluate(
        "img => img.complete && img.naturalWidth > 0 || new Promise((ok, fail) => {"
        " img.addEventListener('load', ok); img.addEventListener('error', () => fail('no image')); })"
    )
    assert thumb.evaluate("img => img.naturalWidth > 0")  # the thumbnail loaded
    page.click("[data-zoom]")
    dialog = page.locator("dialog.zoom-dialog")
    assert dialog.is_visible()
    assert (
        dialog.locator("img")
        .evaluate("img => img.src")
        .endswith(f"/evidence/{case.evidence.get().public_id}/content")
    )
    shot(page, "03-zoom")
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    page.context.close()
