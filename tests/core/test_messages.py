"""Messages on a case: the parties, the agents and the platform post them (an admin acts as the
platform, as agents and the platform's key do), never on a draft, and on a self-help case the
platform is an outside party recorded by the consumer, not someone who posts."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gongdao.cases.actions import add_message, may_message, open_case, perform
from gongdao.cases.models import Outbox
from gongdao.errors import NotAllowed, NotFound
from gongdao.parties import permissions
from gongdao.selfhelp.declare import declare_purchase
from tests.core.flow import Flow
from tests.selfhelp.conftest import NOW, attach, purchase


@pytest.fixture
def flow(world: Any) -> Flow:
    return Flow(world)


def test_an_admin_posts_a_message_as_the_platform(world: Any, flow: Flow) -> None:
    case = flow.awaiting_merchant()
    event = add_message(case, world.actor("ada"), "我们正在核实物流信息，请双方稍候。")
    assert event.type == "message_added" and event.actor_role == "admin"
    assert event.payload["text"] == "我们正在核实物流信息，请双方稍候。"
    outbox = Outbox.objects.get(event=event)
    assert outbox.type == "case.message_added"
    assert outbox.audience == ["consumer", "merchant", "assignee"]


@pytest.mark.parametrize("who", ["alice", "bob", "agnes", "ada"])
def test_the_parties_agents_and_the_platform_may_message_a_filed_case(
    world: Any, flow: Flow, who: str
) -> None:
    case = flow.awaiting_merchant()
    assert may_message(permissions.sides(world.actor(who), case), case)
    add_message(case, world.actor(who), "你好")
    assert case.events.filter(type="message_added").count() == 1


def test_nobody_messages_a_draft(world: Any, flow: Flow) -> None:
    case = flow.draft()
    with pytest.raises(NotAllowed) as err:
        add_message(case, world.actor("alice"), "你好")
    assert err.value.code == "cannot_message"
    with pytest.raises(NotAllowed):  # an admin sees the draft (support); it is not sent yet
        add_message(case, world.actor("ada"), "你好")
    with pytest.raises(NotFound):  # the shop's staff do not see it at all
        add_message(case, world.actor("bob"), "你好")


def self_help_case(world: Any) -> Any:
    alice = world.actor("alice")
    case = open_case(
        declare_purchase(world.alice, purchase(), now=NOW),
        alice,
        issue="late_delivery",
        remedy="refund_only",
        now=NOW,
    )
    attach(case, alice)
    perform(case, "submit", alice, now=NOW, channel="platform_chat")
    return case


def test_an_admin_does_not_post_on_a_self_help_case(world: Any) -> None:
    case = self_help_case(world)
    assert case.mode == "self_help" and case.status == "awaiting_merchant"
    ada = world.actor("ada")
    assert "platform" in permissions.sides(ada, case)  # sees it, for support
    assert not may_message(permissions.sides(ada, case), case)
    with pytest.raises(NotAllowed) as err:
        add_message(case, ada, "你好")
    assert err.value.code == "cannot_message"
    add_message(case, world.actor("alice"), "已联系客服")  # the consumer still does


def test_the_case_page_offers_an_admin_the_message_form_on_a_platform_case_only(
    world: Any, flow: Flow
) -> None:
    client = Client()
    client.force_login(world.ada)
    platform_case = flow.awaiting_merchant()
    page = client.get(f"/cases/{platform_case.public_id}/").content.decode()
    assert f"/cases/{platform_case.public_id}/message/" in page
    response = client.post(f"/cases/{platform_case.public_id}/message/", {"text": "请商家补充发货凭证"})
    assert response.status_code == 302
    assert platform_case.events.filter(type="message_added", actor_role="admin").count() == 1
    self_help = self_help_case(world)
    page = client.get(f"/cases/{self_help.public_id}/").content.decode()
    assert f"/cases/{self_help.public_id}/message/" not in page
