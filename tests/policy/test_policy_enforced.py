"""The [escalation] and [appeal] tables of a case's policy are enforced by the workflow guards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from gongdao.cases.actions import open_case, perform
from gongdao.cases.queries import allowed_actions
from gongdao.errors import NotAllowed
from gongdao.policy import document
from gongdao.policy.models import PolicyVersion


def _policy_with(replacements: dict[str, str]) -> PolicyVersion:
    text = document.default_text()
    for old, new in replacements.items():
        assert old in text
        text = text.replace(old, new)
    text = text.replace('version = "default-2026.1"', 'version = "strict-test"')
    return PolicyVersion.objects.create(
        version="strict-test", document=text, effective_at=datetime(2001, 1, 1, tzinfo=UTC)
    )


@pytest.mark.django_db
def test_policy_that_forbids_escalating_after_a_refusal_is_obeyed(world: Any) -> None:
    _policy_with({"after_refusal = true": "after_refusal = false"})
    case = open_case(
        world.order, world.actor("alice"), issue="not_received", remedy="refund_only", submit=True
    )
    assert case.policy.version == "strict-test"
    perform(case, "reject", world.actor("bob"), reason="已发货")
    assert "escalate" not in allowed_actions(case, world.actor("alice"))
    with pytest.raises(NotAllowed) as refused:
        perform(case, "escalate", world.actor("alice"))
    assert refused.value.code == "escalation_not_allowed"


@pytest.mark.django_db
def test_policy_that_lets_only_consumers_appeal_refuses_the_merchant(world: Any) -> None:
    _policy_with({'parties = ["consumer", "merchant"]': 'parties = ["consumer"]'})
    case = open_case(
        world.order, world.actor("alice"), issue="not_received", remedy="refund_only", submit=True
    )
    perform(case, "reject", world.actor("bob"), reason="已发货")
    perform(case, "escalate", world.actor("alice"))
    perform(case, "assign", world.actor("agnes"))
    perform(case, "close_evidence", world.actor("agnes"))
    perform(
        case,
        "decide",
        world.actor("agnes"),
        outcome="consumer_upheld",
        remedy="refund_only",
        reasons="未签收",
    )
    assert "appeal" not in allowed_actions(case, world.actor("bob"))
    with pytest.raises(NotAllowed) as refused:
        perform(case, "appeal", world.actor("bob"), reason="不服")
    assert refused.value.code == "appeal_not_allowed"
    assert "appeal" in allowed_actions(case, world.actor("alice"), datetime.now(UTC) + timedelta(minutes=1))
