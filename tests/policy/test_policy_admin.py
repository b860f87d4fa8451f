"""The policy admin pages: upload (check, then register), schedule, diff; calendar years."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongdao.policy import actions, queries
from gongdao.policy.models import CalendarYear, PolicyVersion
from tests.factories import UserFactory
from tests.policy.conftest import TODAY, new_version
from tests.policy.test_policy_queries import YEAR_2027

pytestmark = pytest.mark.usefixtures("today", "english", "fast_password_hashing")

UPLOAD = reverse("admin:policy_policyversion_upload")
SCHEDULE = reverse("admin:policy_policyversion_schedule")
DIFF = reverse("admin:policy_policyversion_diff")
FAST = new_version(
    "fast-2026.2", ('hours = 48\non_expiry = "escalate"', 'hours = 36\non_expiry = "escalate"')
)


@pytest.fixture
def ada(client, world):
    queries.ensure_default()
    client.force_login(world.ada)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="application/toml")


def test_the_version_list_warns_about_unknown_calendar_years(ada):
    page = ada.get(reverse("admin:policy_policyversion_changelist"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "default-2026.1" in body and "does not know 2027" in body
    assert UPLOAD in body and SCHEDULE in body and DIFF in body


def test_check_shows_the_changes_and_registers_nothing(ada):
    page = ada.post(UPLOAD, {"file": upload("fast.toml", FAST), "_check": "1"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "fast-2026.2" in body and "deadlines.merchant_response.hours" in body
    assert "hours = 36" in body  # the uploaded text is kept for the register step
    assert not PolicyVersion.objects.filter(version="fast-2026.2").exists()


def test_register_schedules_the_version(ada, world):
    page = ada.post(UPLOAD, {"text": FAST, "_register": "1"})
    assert page.status_code == 302 and page["Location"] == SCHEDULE
    version = PolicyVersion.objects.get(version="fast-2026.2")
    assert version.effective_at == TODAY + timedelta(days=7)
    assert (version.created_by, version.loaded_via, version.forced_reason) == (world.ada, "admin", "")
    schedule = ada.get(SCHEDULE).content.decode()
    assert "fast-2026.2" in schedule and "2026-12-07 10:00" in schedule


def test_register_refuses_short_notice_and_changes_nothing(ada):
    page = ada.post(UPLOAD, {"text": FAST, "effective_at": "2026-12-01 10:00", "_register": "1"})
    assert page.status_code == 422
    assert "at least 7 days" in page.content.decode()
    assert not PolicyVersion.objects.filter(version="fast-2026.2").exists()


def test_register_forced_with_a_reason(ada):
    page = ada.post(UPLOAD, {"text": FAST, "force": "on", "_register": "1"})
    assert page.status_code == 422 and "Give the reason" in page.content.decode()
    page = ada.post(UPLOAD, {"text": FAST, "force": "on", "reason": "Court order", "_register": "1"})
    assert page.status_code == 302
    assert queries.in_force().version == "fast-2026.2"
    assert queries.in_force().forced_reason == "Court order"


def test_a_malformed_upload_shows_the_key_path(ada):
    bad = new_version("bad-1", ('refund_cap = "paid"', 'refund_cap = "all"'))
    page = ada.post(UPLOAD, {"file": upload("bad.toml", bad), "_check": "1"})
    assert page.status_code == 422
    assert "money.refund_cap" in page.content.decode()
    page = ada.post(UPLOAD, {"text": "", "_register": "1"})
    assert page.status_code == 422
    assert PolicyVersion.objects.count() == 1


def test_reschedule_and_withdraw_from_the_schedule_page(ada):
    actions.load_version(FAST)
    page = ada.post(
        SCHEDULE, {"version": "fast-2026.2", "effective_at": "2026-12-20 00:00", "_reschedule": "1"}
    )
    assert page.status_code == 302
    assert queries.get_version("fast-2026.2").effective_at.isoformat() == "2026-12-19T16:00:00+00:00"
    page = ada.post(
        SCHEDULE, {"version": "fast-2026.2", "effective_at": "2026-12-02 00:00", "_reschedule": "1"}
    )
    assert page.status_code == 422 and "at least 7 days" in page.content.decode()
    page = ada.post(SCHEDULE, {"version": "fast-2026.2", "_withdraw": "1"})
    assert page.status_code == 302
    assert not PolicyVersion.objects.filter(version="fast-2026.2").exists()


def test_the_version_in_force_cannot_be_withdrawn(ada):
    page = ada.post(SCHEDULE, {"version": "default-2026.1", "_withdraw": "1"})
    assert page.status_code == 422
    assert queries.get_version("default-2026.1")


def test_diff_page_compares_two_versions(ada):
    actions.load_version(FAST)
    page = ada.get(DIFF, {"old": "default-2026.1", "new": "fast-2026.2"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "deadlines.merchant_response.hours" in body and "+hours = 36" in body
    assert ada.get(DIFF, {"old": "default-2026.1", "new": "nope"}).status_code == 422


def test_a_registered_version_is_read_only(ada):
    version = queries.in_force()
    change = reverse("admin:policy_policyversion_change", args=[version.pk])
    page = ada.get(change)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    ada.post(change, {"document": "changed"})
    version.refresh_from_db()
    assert version.document != "changed"
    assert ada.get(reverse("admin:policy_policyversion_add")).status_code == 302


def test_calendar_year_upload(ada):
    page = ada.post(reverse("admin:policy_calendaryear_upload"), {"file": upload("2027.toml", YEAR_2027)})
    assert page.status_code == 302
    assert CalendarYear.objects.get().year == 2027
    listing = ada.get(reverse("admin:policy_calendaryear_changelist")).content.decode()
    assert "does not know 2027" not in listing
    bad = ada.post(reverse("admin:policy_calendaryear_upload"), {"text": "year = 2027\n[[holidays]]\n"})
    assert bad.status_code == 422 and "holidays[0]" in bad.content.decode()


@pytest.mark.parametrize("url", [UPLOAD, SCHEDULE, DIFF, reverse("admin:policy_calendaryear_upload")])
def test_non_staff_are_sent_to_the_admin_login(client, world, url):
    client.force_login(world.alice)
    page = client.get(url)
    assert page.status_code == 302 and page["Location"].startswith(reverse("admin:login"))
    assert client.post(url, {"text": FAST, "_register": "1"}).status_code == 302
    assert not PolicyVersion.objects.filter(version="fast-2026.2").exists()


@pytest.mark.parametrize("url", [UPLOAD, SCHEDULE, DIFF, reverse("admin:policy_calendaryear_upload")])
def test_staff_without_policy_permissions_get_403(client, db, url):
    clerk = UserFactory(username="clerk", role="agent", is_staff=True)
    client.force_login(clerk)
    assert client.get(url).status_code == 403
    assert client.post(url, {"text": FAST, "_register": "1"}).status_code == 403
