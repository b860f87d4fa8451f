"""Self-help personas and cases shared by the invitation and association tests: Stella, staff of a
consumer association; Alice's filed self-help case; Charlie's own self-help case."""

from __future__ import annotations

from typing import Any

from gongdao.cases.actions import open_case, perform
from gongdao.parties.models import Association
from gongdao.selfhelp.declare import declare_purchase
from tests.factories import UserFactory
from tests.selfhelp.conftest import NOW, attach, purchase

STELLA_ID = "11010519491231002X"  # a resident ID number with a correct check character


def stella(association: Any = None, username: str = "stella") -> Any:
    association = association or Association.objects.create(name="杭州市消费者协会", region="浙江省杭州市")
    return UserFactory(username=username, role="association_staff", association=association)


def filed(world: Any, who: str = "alice", order_number: str = "3857261190442") -> Any:
    """A self-help case the consumer filed (asked the merchant) at NOW, with its order record."""
    user = getattr(world, who)
    order = declare_purchase(user, purchase(order_number=order_number), now=NOW)
    case = open_case(order, world.actor(who), issue="late_delivery", remedy="refund_only", now=NOW)
    attach(case, world.actor(who))
    perform(case, "submit", world.actor(who), now=NOW, channel="platform_chat")
    return case
