"""The published rules page: the catalogue in force, in the active language; scheduled versions
are published ahead of time."""

import pytest
from django.conf import settings
from django.urls import reverse

from gongdao.policy import actions, queries
from tests.policy.conftest import new_version

pytestmark = pytest.mark.usefixtures("today", "english", "fast_password_hashing")

RULES = reverse("policy:rules")
NEXT = new_version(
    "next-2026.2",
    ('title_en = "Evidence period"', 'title_en = "Evidence period (shorter)"'),
    ('days = 3\non_expiry = "close_evidence"', 'days = 2\non_expiry = "close_evidence"'),
)


@pytest.fixture
def policy_db(db):
    return queries.ensure_default()


def in_language(client, language):
    """The language switch's cookie (the site speaks Chinese unless someone picks English)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_the_rules_in_force_in_english(client, policy_db):
    page = in_language(client, "en").get(RULES)
    assert page.status_code == 200
    body = page.content.decode()
    assert "default-2026.1" in body
    assert "<strong>R-3.1</strong> Evidence period" in body and "举证期" not in body
    assert "Once the platform steps in, both parties have 3 days" in body
    assert "3 days" in body  # the evidence period in the time-limit table
    assert "4 working" not in body and "2 working days" in body  # decision_sla


def test_the_rules_in_force_in_chinese(client, policy_db):
    page = in_language(client, "zh-hans").get(RULES)
    body = page.content.decode()
    assert "<strong>R-3.1</strong> 举证期" in body and "平台介入后，双方在 3 日内提交证据" in body
    assert "Once the platform steps in" not in body


def test_a_scheduled_version_is_published_before_it_applies(client, policy_db):
    actions.load_version(NEXT)
    current = in_language(client, "en").get(RULES).content.decode()
    assert "next-2026.2" in current and "Evidence period (shorter)" not in current
    ahead = in_language(client, "en").get(RULES, {"version": "next-2026.2"}).content.decode()
    assert "Evidence period (shorter)" in ahead and "2026-12-07 10:00" in ahead and "2 days" in ahead


def test_a_forced_version_shows_its_reason(client, policy_db):
    actions.load_version(NEXT, force=True, reason="Court order of 2026-11-29")
    body = in_language(client, "en").get(RULES).content.decode()
    assert "less than 7 days' notice" in body and "Court order of 2026-11-29" in body


def test_an_unknown_version_is_404(client, policy_db):
    assert client.get(RULES, {"version": "nope"}).status_code == 404


def test_the_page_is_public(client, world):
    client.force_login(world.alice)
    assert client.get(RULES).status_code == 200
    client.logout()
    assert client.get(RULES).status_code == 200
