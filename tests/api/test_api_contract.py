"""Contract: schemathesis against the live OpenAPI document, through the WSGI application.

Every operation, called with generated (valid and invalid) input as each kind of caller, must
answer without a server error, with a documented status code and content type, and with a body
that matches the documented schema. Path ids are replaced by real objects of the personas'
world, so the calls reach the code behind the routing. Examples per operation are bounded
(``EXAMPLES``, or ``GONGDAO_CONTRACT_EXAMPLES`` for a deeper run) to keep the run near a minute.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from gongdao import keys
from gongdao.api import webhooks
from gongdao.api.models import WebhookDelivery
from gongdao.cases.models import Outbox
from gongdao.evidence.actions import add_text_evidence

pytestmark = pytest.mark.contract
EXAMPLES = int(os.environ.get("GONGDAO_CONTRACT_EXAMPLES", "6"))  # raise it for a deeper run
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
ROLES = ("alice", "bob", "agnes", "ada", "platform", "shop", "anonymous")


@pytest.fixture
def contract_world(api: Any, world: Any, flow: Any, settings: Any, tmp_path: Any) -> Iterator[dict[str, Any]]:
    # The WSGI handler must not close the test's connection between requests (as Django's own
    # test client arranges too).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    settings.DATA_DIR = tmp_path  # evidence files of this run
    keys.create(tmp_path)
    world.bob.role = "merchant_admin"
    world.bob.save()
    awaiting = flow.awaiting_merchant()
    escalated = flow.escalated()
    text = add_text_evidence(awaiting, world.actor("alice"), text="客服说不退。", kind="chat_record")
    endpoint, _secret = webhooks.register(
        world.actor("ada"), url="http://127.0.0.1:9/nowhere", event_types=["case.filed"]
    )
    row = Outbox.objects.filter(type="case.filed").first()
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        outbox=row,
        event_id="x",
        event_type="case.filed",
        body="{}",
        created_at=row.created_at,
    )
    self_help, invitation = _self_help_case(world)
    tokens = {name: getattr(api, name).key for name in ("alice", "bob", "agnes", "ada")}
    tokens["platform"] = api.platform().key
    tokens["shop"] = api.shop().key
    ids = {
        "case_id": [awaiting.public_id, escalated.public_id, self_help.public_id],
        "invitation_id": [invitation.public_id],
        "order_id": [world.order.public_id],
        "shop_id": [world.shop.public_id],
        "webhook_id": [endpoint.public_id],
        "delivery_id": [delivery.public_id],
        "evidence_id": [text.public_id],
    }
    yield {"keys": tokens, "ids": ids}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _self_help_case(world: Any) -> tuple[Any, Any]:
    """Alice's self-help case (a declared Taobao purchase, the shop asked) with an invitation."""
    from gongdao.cases.actions import open_case, perform
    from gongdao.selfhelp import invitations
    from gongdao.selfhelp.declare import declare_purchase

    alice = world.actor("alice")
    order = declare_purchase(
        world.alice,
        {
            "platform": "taobao",
            "shop": {"name": "优品数码专营店"},
            "order_number": "3857261190442",
            "ordered_at": (timezone.localtime() - timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
            "lines": [{"name": "无线耳机", "unit_price_fen": 29900}],
        },
    )
    case = open_case(order, alice, issue="late_delivery", remedy="refund_only")
    add_text_evidence(case, alice, text="订单号 3857261190442，实付 299 元。", kind="order_record")
    perform(case, "submit", alice, channel="platform_chat")
    invitation, _token = invitations.invite(case, alice)
    return case, invitation


def _schema() -> Any:
    """The document as the running application serves it (no database is touched)."""
    from gongdao.wsgi import application

    # Fuzzing (bounded by EXAMPLES) and the document's own examples; the exhaustive coverage
    # phase would multiply the run time by ten.
    config = schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}}})
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=config)


schema = _schema()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_every_operation_as_every_caller(case: Any, contract_world: dict[str, Any]) -> None:
    ids = contract_world["ids"]
    for name in list(case.path_parameters or {}):
        if name in ids:
            choices = ids[name]
            case.path_parameters[name] = choices[hash(str(case.body)) % len(choices)]
    for role in ROLES:
        headers = {"Accept-Language": "en" if role == "ada" else "zh-hans"}
        if role != "anonymous":
            headers["Authorization"] = f"Bearer {contract_world['keys'][role]}"
        case.call_and_validate(headers=headers, checks=CHECKS)
