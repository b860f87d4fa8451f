"""The notice an endpoint's owners get when Gongdao stops delivering to it says so in words, in
the reader's language: which endpoint, since when it failed, and how to turn it back on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from gongdao.api import webhooks
from gongdao.notify import compose
from gongdao.notify.models import Notification

FAILING_SINCE = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)  # 09:00 in China
DISABLED_AT = FAILING_SINCE + timedelta(hours=24, minutes=5)


@pytest.fixture
def endpoint(world: Any) -> Any:
    endpoint, _secret = webhooks.register(
        world.actor("ada"), url="https://erp.example.com/hooks", event_types=["case.filed"]
    )
    return endpoint


def notice_after_failing(endpoint: Any) -> Notification:
    endpoint.failing_since = FAILING_SINCE
    endpoint.save(update_fields=["failing_since"])
    webhooks.disable(endpoint, "Every delivery failed for 24 hours.", DISABLED_AT, cause="failing")
    return Notification.objects.get(type="webhook.disabled")


def test_a_failing_endpoint_s_notice_says_what_happened_and_what_to_do(world: Any, endpoint: Any) -> None:
    notice = notice_after_failing(endpoint)
    assert notice.user == world.ada and notice.data["cause"] == "failing"
    with translation.override("en"):
        text = compose.describe(notice)
    assert text.title == f"Webhook endpoint {endpoint.public_id} is disabled"
    assert "https://erp.example.com/hooks" in text.happened
    assert "2026-11-27 09:00" in text.happened  # failing since, in China time
    assert f"/api/v1/webhooks/{endpoint.public_id}/enable" in text.todo
    assert text.due == "" and text.path == reverse("notify:inbox")  # no case to link to
    assert "case" not in text.title.lower()


def test_the_notice_is_in_chinese_for_a_chinese_reader(world: Any, endpoint: Any) -> None:
    notice = notice_after_failing(endpoint)
    with translation.override("zh-hans"):
        text = compose.describe(notice)
    assert text.title == f"Webhook 端点 {endpoint.public_id} 已停用"
    assert "停止向它推送" in text.happened and "https://erp.example.com/hooks" in text.happened
    assert "重新启用" in text.todo


def test_an_endpoint_its_owner_switched_off_says_so(world: Any, endpoint: Any) -> None:
    webhooks.set_enabled(endpoint, False)
    notice = Notification.objects.get(type="webhook.disabled")
    assert notice.data["cause"] == "owner"
    with translation.override("en"):
        text = compose.describe(notice)
    assert "were switched off" in text.happened and "failed" not in text.happened
    assert text.todo.startswith("Nothing is needed unless you want events again")
