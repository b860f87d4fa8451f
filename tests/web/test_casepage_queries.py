"""The case page's database work, per viewer: a ceiling on its statements, so a change that adds
queries to this page shows here (raise a ceiling only on purpose; tests/web/test_casepage.py
checks that the count does not grow with events and evidence)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.core.flow import Flow
from tests.web.conftest import add_item

# Measured 2026-11-28 (session, user, the case with its related rows, marking its notices read,
# lines (once: the law panel reuses the page's), the guards' facts in one statement, evidence,
# the events, deadlines, the law panel and the outside-help section, the unread count). Agents
# and admins also read reuse flags and profiles.
CEILINGS = {"alice": 17, "bob": 13, "agnes": 19, "ada": 18}


@pytest.mark.parametrize("who", sorted(CEILINGS))
def test_the_case_page_stays_within_its_query_ceiling(
    world: Any, as_user: Any, who: str, django_assert_max_num_queries: Any
) -> None:
    case = Flow(world).escalated()
    add_item(case, side="consumer")
    add_item(case, side="merchant", name="reply.jpg")
    client = as_user(who)
    client.get(f"/cases/{case.public_id}/")
    with django_assert_max_num_queries(CEILINGS[who]):
        assert client.get(f"/cases/{case.public_id}/").status_code == 200
