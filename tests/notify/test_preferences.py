"""Preferences: each person chooses optional notices per channel; admins set the platform's
defaults; mandatory notices cannot be switched off."""

from __future__ import annotations

import re

import pytest

from gongdao import worker
from gongdao.cases.actions import add_message
from gongdao.errors import InvalidInput
from gongdao.notify import actions
from gongdao.notify.models import DefaultPreference, Notification, Preference
from gongdao.notify.preferences import wants
from tests.notify.helpers import file_case


def checkbox(html: str, name: str) -> str:
    [tag] = re.findall(rf'<input[^>]* name="{name}"[^>]*>', html)
    return tag


def test_page_shows_each_kind_with_mandatory_ones_locked(people, client):
    client.force_login(people.bob)
    html = client.get("/inbox/preferences/").content.decode()
    assert "checked" in checkbox(html, "email:messages") and "disabled" not in checkbox(
        html, "email:messages"
    )
    assert "disabled" in checkbox(html, "email:your_move") and "checked" in checkbox(html, "email:your_move")
    assert 'name="email:sla_alerts"' not in html  # senior agents only
    client.force_login(people.sam)
    assert "disabled" in checkbox(client.get("/inbox/preferences/").content.decode(), "email:sla_alerts")


def test_saving_the_page(people, client):
    client.force_login(people.bob)
    form = {"in_app:messages": "on", "in_app:updates": "on", "email:evidence": "on", "in_app:evidence": "on"}
    response = client.post("/inbox/preferences/", form)
    assert response.status_code == 302
    assert not wants(people.bob, "messages", "email")
    assert not wants(people.bob, "updates", "email")
    assert wants(people.bob, "messages", "in_app")
    assert wants(people.bob, "evidence", "email")
    assert wants(people.bob, "your_move", "email")  # not in the form, not switchable
    assert client.get(response["Location"]).context["saved"]


def test_a_forged_form_cannot_switch_off_mandatory_notices(people, client):
    client.force_login(people.bob)
    client.post("/inbox/preferences/", {"email:your_move": "", "email:decisions": "off"})
    assert wants(people.bob, "your_move", "email") and wants(people.bob, "decisions", "email")
    assert not Preference.objects.filter(category__in=["your_move", "decisions"]).exists()
    before = list(Preference.objects.values_list("category", "channel", "enabled"))
    with pytest.raises(InvalidInput) as refused:
        actions.set_preferences(people.bob, {("messages", "email"): True, ("decisions", "email"): False})
    assert refused.value.code == "mandatory_category"
    assert list(Preference.objects.values_list("category", "channel", "enabled")) == before  # all or nothing


def test_platform_defaults_apply_until_a_person_chooses(people):
    DefaultPreference.objects.create(category="messages", channel="email", enabled=False)
    assert not wants(people.bob, "messages", "email")
    actions.set_preferences(people.bob, {("messages", "email"): True})
    assert wants(people.bob, "messages", "email")
    assert not wants(people.alice, "messages", "email")
    DefaultPreference.objects.create(category="your_move", channel="email", enabled=False)
    assert wants(people.alice, "your_move", "email")  # a default cannot switch off mandatory ones


def test_inbox_switched_off_hides_the_notice_but_keeps_the_record(people, client):
    actions.set_preferences(people.bob, {("messages", "in_app"): False})
    case = file_case(people)
    add_message(case, people.actor("alice"), "Photos attached.")
    worker.tick()
    hidden = Notification.objects.get(user=people.bob, type="case.message_added")
    assert not hidden.shown
    client.force_login(people.bob)
    assert hidden.public_id not in client.get("/inbox/").content.decode()


def test_preferences_need_login(client):
    assert client.get("/inbox/preferences/").status_code == 302


def test_admins_set_platform_defaults_in_django_admin(people, client):
    client.force_login(people.ada)
    assert client.get("/admin/notify/defaultpreference/").status_code == 200
    response = client.post(
        "/admin/notify/defaultpreference/add/", {"category": "evidence", "channel": "email", "enabled": ""}
    )
    assert response.status_code == 302
    assert not wants(people.bob, "evidence", "email")
    client.force_login(people.bob)
    assert client.get("/admin/notify/defaultpreference/").status_code == 302  # not for shop staff
