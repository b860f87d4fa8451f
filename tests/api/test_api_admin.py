"""The admin pages for API keys and webhooks: a key is shown once, revoked in bulk; a delivery
is redelivered from its page."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.messages import get_messages
from django.test import Client

from gongdao import worker
from gongdao.api import apikeys, webhooks
from gongdao.api.models import ApiKey, WebhookDelivery
from tests.api.receiver import receiver


def admin_client(world: Any) -> Client:
    client = Client()
    client.force_login(world.ada)
    return client


def test_an_admin_creates_a_key_and_sees_it_once(world: Any) -> None:
    client = admin_client(world)
    response = client.post(
        "/admin/api/apikey/add/",
        {
            "name": "ERP",
            "scope_choices": ["cases:read", "cases:write"],
            "shop": world.shop.pk,
            "user": "",
            "rate_limit": "",
        },
        follow=True,
    )
    assert response.status_code == 200
    key = ApiKey.objects.get()
    assert key.kind == "shop" and key.created_by == world.ada
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    secret = next(re.search(r"gdk_[A-Za-z0-9_-]+", m).group(0) for m in shown if "gdk_" in m)
    assert apikeys.find(secret) == key
    page = client.get(f"/admin/api/apikey/{key.pk}/change/")
    assert secret not in page.content.decode()


def test_the_admin_form_refuses_what_the_kind_does_not_allow(world: Any) -> None:
    client = admin_client(world)
    response = client.post(
        "/admin/api/apikey/add/",
        {"name": "x", "scope_choices": ["orders:write"], "shop": world.shop.pk, "user": "", "rate_limit": ""},
    )
    assert response.status_code == 200  # the form again, with the error
    assert not ApiKey.objects.exists()


def test_revoke_in_bulk(world: Any) -> None:
    keys = [apikeys.create_key(f"k{n}", "cases:read")[0] for n in range(2)]
    client = admin_client(world)
    client.post("/admin/api/apikey/", {"action": "revoke_keys", "_selected_action": [k.pk for k in keys]})
    assert all(k.revoked_at for k in ApiKey.objects.all())


def test_redeliver_from_the_admin(world: Any, flow: Any) -> None:
    with receiver([500]) as hook:
        webhooks.register(world.actor("ada"), url=hook.url, event_types=["case.filed"])
        flow.awaiting_merchant()
        worker.deliver_outbox()
        delivery = WebhookDelivery.objects.get()
        assert delivery.state == "pending"
        client = admin_client(world)
        client.post("/admin/api/webhookdelivery/", {"action": "redeliver", "_selected_action": [delivery.pk]})
    delivery.refresh_from_db()
    assert delivery.state == "delivered" and delivery.attempt_log.last().manual
    assert len(hook.requests) == 2
    page = client.get(f"/admin/api/webhookdelivery/{delivery.pk}/change/")
    assert page.status_code == 200
