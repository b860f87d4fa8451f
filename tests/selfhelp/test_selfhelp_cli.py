"""The operator's commands for self-help mode: ``gongdao cases --mode`` and ``gongdao invitation``."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from gongdao.cases.actions import perform
from gongdao.cli import main
from gongdao.selfhelp import invitations
from tests.core.flow import Flow
from tests.selfhelp.conftest import NOW, attach


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def asked(world: Any, draft: Any) -> Any:
    """Alice's self-help case, filed: she asked the merchant."""
    attach(draft, world.actor("alice"))
    perform(draft, "submit", world.actor("alice"), now=NOW, channel="phone", occurred_at="2026-11-18")
    return draft


def test_cases_carry_their_mode_and_filter_by_it(world: Any, asked: Any) -> None:
    platform_case = Flow(world).awaiting_merchant()
    listed = json.loads(run("cases", "--json").output)
    modes = {obj["id"]: obj["mode"] for obj in listed}
    assert modes == {asked.public_id: "self_help", platform_case.public_id: "platform"}
    only = json.loads(run("cases", "--mode", "self_help", "--json").output)
    assert [obj["id"] for obj in only] == [asked.public_id]
    text = run("cases", "--mode", "platform")
    assert platform_case.public_id in text.output and asked.public_id not in text.output
    assert "platform" in text.output
    bad = run("cases", "--mode", "outside")
    assert bad.exit_code == 1 and "--mode: unknown mode 'outside'" in bad.output


def test_an_operator_lists_and_revokes_a_leaked_link(world: Any, asked: Any) -> None:
    invitation, _token = invitations.invite(asked, world.actor("alice"), name="客服主管")
    other, _ = invitations.invite(asked, world.actor("alice"), email="shop@example.com")
    listed = json.loads(run("invitation", "list", asked.public_id.lower(), "--json").output)
    assert [row["id"] for row in listed] == [other.public_id, invitation.public_id]
    assert listed[1]["status"] == "active" and listed[1]["name"] == "客服主管"
    result = run("invitation", "revoke", invitation.public_id)
    assert result.exit_code == 0, result.output
    assert f"revoked {invitation.public_id}" in result.output
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    event = asked.events.order_by("-seq").first()
    assert (event.type, event.actor) == ("invitation_revoked", "operator")
    active = run("invitation", "list", "--active")
    assert other.public_id in active.output and invitation.public_id not in active.output
    again = run("invitation", "revoke", invitation.public_id)
    assert again.exit_code == 1 and len(again.output.strip().splitlines()) == 1
    unknown = run("invitation", "revoke", "N-00000000")
    assert unknown.exit_code == 1 and "no such invitation" in unknown.output
    assert run("invitation", "list", "C-00000000").exit_code == 1
