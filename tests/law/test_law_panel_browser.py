"""The law panel in a real browser: the consumer answers the questionnaire (the merchant deceived
her), the threefold damages appear with their amount, and she carries the amount into her revised
request, which goes back to the merchant."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from gongdao.cases.actions import open_case, perform
from gongdao.cases.models import Case, CaseEvent

PASSWORD = "correct horse battery"
SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots" / "law"


def signed_in(browser: Any, base: str, username: str, language: str) -> Any:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}])
    page = context.new_page()
    page.set_default_timeout(30000)
    page.goto(base + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "/login/" not in page.url
    return page


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_consumer_answers_the_questionnaire_and_asks_for_the_amount(
    browser, live_server, transactional_db, world, language
):
    case = open_case(
        world.order, world.actor("alice"), issue="counterfeit", remedy="return_and_refund", submit=True
    )
    perform(case, "reject", world.actor("bob"), reason="正品，有授权书。")
    page = signed_in(browser, live_server.url, "alice", language)
    page.goto(f"{live_server.url}/cases/{case.public_id}/")
    fraud = page.locator("#law-fraud_damages")
    assert "¥747.00" not in fraud.inner_text()
    assert fraud.locator(".tag-optional").count() == 1  # does not apply yet
    shot(page, f"{language}-01-before")

    page.locator("#law-questions summary").click()
    page.select_option("#id_law-fraud", "yes")
    page.fill("#id_law-loss_fen", "20")
    page.click("#law-questions button[type=submit]")
    page.wait_for_load_state()
    fraud = page.locator("#law-fraud_damages")
    assert "¥747.00" in fraud.inner_text() and fraud.locator(".tag-done").count() == 1
    # The facts table says where the answer came from, with its event.
    event = CaseEvent.objects.get(case=case, type="law_facts_recorded")
    row = page.locator('tr[data-fact="fraud"]')
    assert row.get_attribute("data-source") == "claimed" and f"#{event.seq}" in row.inner_text()
    # Those that apply come first: fraud damages are above every right that does not apply.
    classes = page.locator(".entitlement").evaluate_all("els => els.map(e => e.className)")
    applies = ["not-eligible" not in c for c in classes]
    assert applies == sorted(applies, reverse=True) and applies.count(True) >= 3
    shot(page, f"{language}-02-claimed")

    page.click('[data-carry="fraud_damages"]')
    page.wait_for_load_state()
    case = Case.objects.get(pk=case.pk)
    assert (case.status, case.remedy, case.requested_fen) == ("awaiting_merchant", "compensation", 99600)
    assert "¥996.00" in page.locator("main").inner_text()  # the request on the page
    shot(page, f"{language}-03-asked")
    page.context.close()
