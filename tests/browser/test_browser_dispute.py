"""A whole dispute in a real browser: the consumer files through the guided path with two photos,
the merchant rejects, the consumer escalates, an agent claims the case and asks for more
evidence, the consumer adds it, the agent decides a partial refund, the consumer sees the
decision. Once in Chinese on a desktop, once in English on a 375 px phone screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import NoReverseMatch, reverse
from PIL import Image, ImageDraw
from playwright.sync_api import expect
from tests.browser.conftest import Shots

from gongdao.cases.models import Case

PASSWORD = "correct horse battery"
RUNS = {
    "zh-hans-desktop": {"language": "zh-hans", "viewport": {"width": 1280, "height": 900}},
    "en-375": {"language": "en", "viewport": {"width": 375, "height": 812}},
}


def upload_available() -> bool:
    try:
        reverse("evidence:upload", args=["C-XXXXXXXX"])
    except NoReverseMatch:
        return False
    return True


def photo(folder: Path, name: str, colour: tuple[int, int, int]) -> Path:
    image = Image.new("RGB", (640, 480), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((120, 90, 520, 390), outline=(40, 40, 40), width=8)
    draw.line((160, 120, 480, 360), fill=(200, 30, 30), width=10)
    path = folder / name
    image.save(path, "JPEG", quality=85)
    return path


class Person:
    """One persona in their own browser context (own cookies, own language)."""

    def __init__(self, browser: Any, base: str, username: str, run: dict[str, Any], shots: Shots) -> None:
        self.context = browser.new_context(viewport=run["viewport"], locale="zh-CN")
        self.page = self.context.new_page()
        self.page.set_default_timeout(15000)
        self.base, self.username, self.run, self.shots = base, username, run, shots

    def login(self, switch_language: bool = False) -> None:
        page = self.page
        page.goto(self.base + "/")
        if self.run["language"] == "en":
            if switch_language:
                page.click("form.lang button[value=en]")
            else:
                self.context.add_cookies([{"name": "django_language", "value": "en", "url": self.base}])
                page.reload()
        page.fill("#id_username", self.username)
        page.fill("#id_password", PASSWORD)
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
        assert "/login/" not in page.url

    def shot(self, label: str) -> None:
        self.shots.take(self.page, f"{self.username}-{label}")

    def open_action(self, action: str) -> Any:
        box = self.page.locator(f"#action-{action}")
        details = box.locator("details")
        if details.count() and details.get_attribute("open") is None:
            box.locator("summary").click()
        return box

    def act(self, action: str, fill: dict[str, str] | None = None, check: list[str] | None = None) -> None:
        box = self.open_action(action)
        for selector in check or []:
            box.locator(selector).check()
        for selector, value in (fill or {}).items():
            box.locator(selector).fill(value)
        box.locator("button[type=submit]").click()
        self.page.wait_for_load_state()
        assert self.page.locator(".error-summary").count() == 0, self.page.locator(
            ".error-summary"
        ).inner_text()

    def upload(self, files: list[Path], kind: str | None = None) -> None:
        page = self.page
        if kind:
            page.select_option("#upload-kind", kind)
        page.set_input_files("#upload-files", [str(f) for f in files])
        page.wait_for_function(
            "n => document.querySelectorAll('.upload-item.done').length >= n", arg=len(files), timeout=30000
        )


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
@pytest.mark.parametrize("run_name", list(RUNS))
def test_a_dispute_from_filing_to_decision(
    run_name: str, browser: Any, live_server: Any, transactional_db: Any, world: Any, tmp_path: Path
) -> None:
    run = RUNS[run_name]
    shots = Shots(run_name)
    base = live_server.url
    uploads = upload_available()
    photos = [
        photo(tmp_path, "crack-front.jpg", (225, 215, 200)),
        photo(tmp_path, "crack-side.jpg", (200, 210, 225)),
    ]
    issue = "damaged_in_transit" if uploads else "not_received"

    alice = Person(browser, base, "alice", run, shots)
    page = alice.page
    page.goto(base + "/")
    alice.shot("login")
    alice.login(switch_language=True)
    expected_lang = "zh-Hans" if run["language"] == "zh-hans" else "en"
    assert page.get_attribute("html", "lang") == expected_lang

    # the guided path
    page.click('nav a[href="/orders/"]')
    alice.shot("orders")
    page.click(f'a[href="/orders/{world.order.public_id}/complain/"]')
    page.click("main form button[type=submit]")  # continue without an answer
    # the click navigates; wait for the new page's script to move focus rather than racing it
    expect(page.locator(".error-summary")).to_be_focused()
    alice.shot("issue-error")
    page.check(f"#issue-{issue}")
    alice.shot("issue")
    page.click("main form button[type=submit]")
    case = Case.objects.get(order=world.order)
    assert page.url.endswith(f"/file/{case.public_id}/evidence/")
    alice.shot("checklist")
    page.click("main > a.button")
    assert page.url.endswith("/upload/")
    if uploads:
        alice.upload(photos, "problem_photo")
    alice.shot("upload")
    page.click("main > a.button")
    assert page.url.endswith("/request/")
    page.check("#remedy-refund_only")
    page.fill("#amount-1", "199")
    page.uncheck("#line-2")
    assert world.order.external_id in page.input_value("#statement")
    alice.shot("request")
    page.click("main form button[type=submit]:not([name=redraft])")
    assert page.url.endswith("/check/")
    alice.shot("check")
    page.click("main form button[type=submit]")
    assert page.url.endswith(f"/cases/{case.public_id}/")
    case.refresh_from_db()
    assert case.status == "awaiting_merchant"
    if uploads:
        assert case.evidence.count() == 2
    alice.shot("filed")
    case_url = f"{base}/cases/{case.public_id}/"

    # the merchant rejects
    bob = Person(browser, base, "bob", run, shots)
    bob.login()
    bob.page.goto(case_url)
    bob.shot("case")
    bob.act("reject", fill={"#reject-reason": "物流显示已签收，包装完好。"})
    bob.shot("rejected")

    # the consumer escalates
    page.goto(case_url)
    alice.shot("rejected")
    alice.act("escalate", fill={"#escalate-reason": "签收不是我本人，收到时外箱已破。"})
    alice.shot("escalated")

    # an agent claims the case and asks the consumer for more evidence
    agnes = Person(browser, base, "agnes", run, shots)
    agnes.login()
    agnes.page.goto(case_url)
    agnes.shot("escalated")
    agnes.act("assign")
    agnes.act("close_evidence")
    agnes.act(
        "request_evidence",
        fill={"#request_evidence-note": "请补充快递外包装的照片。"},
        check=["input[name=party][value=consumer]"],
    )
    agnes.shot("requested")
    case.refresh_from_db()
    assert (case.status, case.evidence_requested_from, case.assignee_id) == (
        "under_review",
        "consumer",
        world.agnes.id,
    )

    # the consumer adds it
    page.goto(case_url)
    assert "请补充快递外包装的照片。" in page.content()
    alice.shot("asked")
    if uploads:
        alice.upload([photo(tmp_path, "parcel-box.jpg", (180, 150, 110))])
        page.reload()
    else:
        page.fill("#message-text", "外包装照片见附件。")
        page.click("#thread form button[type=submit]")
    alice.shot("added")

    # the agent decides a partial refund
    agnes.page.goto(case_url)
    checks = ["input[name=outcome][value=partially_upheld]", "input[name=remedy][value=refund_only]"]
    if agnes.page.locator("#action-decide input[name=rules]").count():
        checks.append("input[name=rules] >> nth=0")
    agnes.act(
        "decide",
        fill={
            "#decide-amount-1": "100.00",
            "#decide-reasons": "外箱破损照片可信，物流签收存疑；支持退款 100 元。",
        },
        check=checks,
    )
    agnes.shot("decided")
    case.refresh_from_db()
    assert case.status == "decided"
    assert case.decision["outcome"] == "partially_upheld"
    assert case.decision["amounts"] == [{"line_no": 1, "amount_fen": 10000}]

    # the consumer sees the decision
    page.goto(case_url)
    decision = page.locator("section.decision")
    assert decision.is_visible()
    assert "¥100.00" in decision.inner_text()
    assert "外箱破损照片可信" in decision.inner_text()
    alice.shot("decision")
    if run["viewport"]["width"] <= 375:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"the page scrolls sideways at 375 px ({width} px wide)"
    for person in (alice, bob, agnes):
        person.context.close()
