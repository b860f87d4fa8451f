"""The consoles' case pages (the merchant's case page, the agent's review page): a ceiling on
their statements, so a change that adds queries to them shows here (raise a ceiling only on
purpose; test_console_review.py checks the review page does not grow with evidence)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.web.conftest import add_item

# Measured 2026-11-28. Merchant: session, user, the case, recording the shop's view (in a
# savepoint), the guards' facts in one statement, events, lines, deadlines, evidence, canned
# replies, the consumer's profile, the unread count. Agent: the same reads plus reuse flags,
# the law panel and the outside-help section.
SHOP_CASE = 15
REVIEW = 17


def test_the_merchant_s_case_page_stays_within_its_query_ceiling(
    login: Any, flow: Any, django_assert_max_num_queries: Any
) -> None:
    case = flow.escalated()
    add_item(case, side="consumer")
    bob = login("bob")
    url = reverse("console:shop_case", args=[case.public_id])
    bob.get(url)
    with django_assert_max_num_queries(SHOP_CASE):
        assert bob.get(url).status_code == 200


def test_the_agent_s_review_page_stays_within_its_query_ceiling(
    login: Any, flow: Any, django_assert_max_num_queries: Any
) -> None:
    case = flow.escalated()
    add_item(case, side="consumer")
    agnes = login("agnes")
    url = reverse("console:review", args=[case.public_id])
    agnes.get(url)
    with django_assert_max_num_queries(REVIEW):
        assert agnes.get(url).status_code == 200
