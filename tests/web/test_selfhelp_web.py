"""The consumer's self-help pages: where a complaint starts, declaring a purchase made
elsewhere (amounts in yuan, errors next to their fields, nothing saved on error), the case
page's guidance panel, and recording the outside merchant's and platform's steps."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongdao.cases.actions import open_case, perform
from gongdao.cases.models import Case
from gongdao.evidence.actions import add_evidence
from gongdao.evidence.models import EvidenceItem
from gongdao.orders.models import Order
from gongdao.selfhelp.declare import declare_purchase
from tests.evidence.evidence_samples import jpeg_bytes
from tests.selfhelp.conftest import purchase

FORM = {
    "platform": "taobao",
    "shop-name": "优品数码专营店",
    "shop-region": "浙江省杭州市",
    "shop-credit_code": "91330106MA2KXXXX0Q",
    "shop-store_url": "https://shop123.taobao.com",
    "order_number": "3857261190442",
    "ordered_at": "2026-11-01",
    "paid_at": "2026-11-01",
    "shipped_at": "2026-11-02",
    "signed_at": "2026-11-04",
    "carrier": "中通快递",
    "tracking_number": "ZT7788990011",
    "line_count": "2",
    "line-0-name": "无线耳机 Pro",
    "line-0-quantity": "1",
    "line-0-unit_price": "299",
    "line-0-paid": "279.00",
    "line-1-name": "耳机保护套",
    "line-1-quantity": "2",
    "line-1-unit_price": "19.9",
    "line-1-paid": "",
    "shipping_fee": "0.10",
}


def day(ago: int) -> str:
    """A day in China time, ``ago`` days before today (recorded steps cannot be in the future)."""
    return (timezone.localdate() - timedelta(days=ago)).isoformat()


ASKED = day(2)  # the consumer asked the merchant two days ago, at 09:30


def form(**changes: str) -> dict[str, str]:
    data = dict(FORM)
    data.update(changes)
    return data


@pytest.fixture
def declared(world: Any) -> Any:
    return declare_purchase(world.alice, purchase(ordered_at="2026-11-01T10:00"))


@pytest.fixture
def draft(world: Any, declared: Any) -> Case:
    return open_case(declared, world.actor("alice"), issue="late_delivery", remedy="refund_only")


def attach(case: Case, who: Any, kind: str = "order_record", seed: int = 1) -> Any:
    return add_evidence(
        case, who, kind=kind, source=io.BytesIO(jpeg_bytes(seed=seed)), filename=f"{kind}.jpg"
    )


@pytest.fixture
def asked(world: Any, draft: Case) -> Case:
    attach(draft, world.actor("alice"))
    perform(draft, "submit", world.actor("alice"), channel="platform_chat", occurred_at=f"{ASKED}T09:30")
    return draft


# ---- where the complaint starts ----------------------------------------------------------


def test_the_guided_path_starts_by_asking_where_you_bought(world, as_user):
    alice = as_user("alice")
    page = alice.get("/complain/").content.decode()
    assert "Did you buy on a platform that uses Gongdao?" in page or "公道" in page
    assert 'name="where" value="yes"' in page and 'name="where" value="no"' in page
    assert 'href="/complain/"' in alice.get("/cases/").content.decode()  # where a user meets it
    missing = alice.post("/complain/", {})
    assert missing.status_code == 422 and 'href="#where-yes"' in missing.content.decode()
    assert alice.post("/complain/", {"where": "yes"})["Location"] == "/orders/"
    assert alice.post("/complain/", {"where": "no"})["Location"] == "/complain/declare/"


def test_merchants_do_not_declare_purchases(world, as_user):
    assert as_user("bob").get("/complain/declare/").status_code == 404
    assert as_user("bob").post("/complain/declare/", form()).status_code == 404
    assert not Order.objects.filter(source="declared").exists()


# ---- declaring a purchase -----------------------------------------------------------------


def test_a_declared_purchase_is_saved_in_fen_and_goes_on_to_the_issue(world, as_user):
    alice = as_user("alice")
    response = alice.post("/complain/declare/", form())
    order = Order.objects.get(source="declared", consumer=world.alice)
    assert response.status_code == 302 and response["Location"] == f"/orders/{order.public_id}/complain/"
    lines = list(
        order.lines.order_by("line_no").values_list("name", "quantity", "unit_price_fen", "paid_fen")
    )
    assert lines == [("无线耳机 Pro", 1, 29900, 27900), ("耳机保护套", 2, 1990, 3980)]
    assert order.shipping_fee_fen == 10
    assert order.outside_shop.platform == "taobao" and order.outside_shop.name == "优品数码专营店"
    # on into the existing guided path: what went wrong, under the platform's profile
    alice.post(f"/orders/{order.public_id}/complain/", {"issue": "not_as_described"})
    case = Case.objects.get(order=order)
    assert (case.mode, case.policy.profile, case.status) == ("self_help", "taobao", "draft")
    checklist = alice.get(f"/file/{case.public_id}/evidence/").content.decode()
    assert 'id="task-order_record"' in checklist
    assert "Recorded automatically" not in checklist and "自动记录" not in checklist


@pytest.mark.parametrize(
    ("changes", "input_id"),
    [
        ({"shop-name": ""}, "shop-name"),
        ({"line-0-unit_price": "12.345"}, "line-0-unit_price"),  # not an amount in yuan
        ({"line-1-quantity": "two"}, "line-1-quantity"),
        ({"line-0-paid": "300"}, "line-0-paid"),  # more than the price: the domain's lines[0].paid_fen
        ({"signed_at": "2026-10-30"}, "signed_at"),  # before the order
        ({"shop-credit_code": "123"}, "shop-credit_code"),
        ({"ordered_at": "2099-01-01"}, "ordered_at"),
        ({"line-0-name": "", "line-0-unit_price": "", "line-0-paid": "", "line-1-name": ""}, "line-0-name"),
    ],
)
def test_a_bad_declaration_shows_the_error_at_its_field_and_saves_nothing(world, as_user, changes, input_id):
    response = as_user("alice").post("/complain/declare/", form(**changes))
    page = response.content.decode()
    assert response.status_code == 422
    assert f'<a href="#{input_id}">' in page  # the error summary links to the field
    assert f'id="{input_id}-error"' in page and 'aria-invalid="true"' in page
    assert "优品数码专营店" in page or changes.get("shop-name") == ""  # what was typed stays
    assert not Order.objects.filter(source="declared").exists()


def test_an_empty_form_names_every_missing_answer_at_once(world, as_user):
    response = as_user("alice").post("/complain/declare/", {"line_count": "1"})
    page = response.content.decode()
    assert response.status_code == 422
    summary = page[page.index('class="error-summary"') : page.index("</ul>")]
    anchors = [
        "platform-taobao",
        "shop-name",
        "order_number",
        "ordered_at",
        "line-0-name",
        "line-0-unit_price",
    ]
    assert [a for a in anchors if f'href="#{a}"' in summary] == anchors
    assert summary.index("#shop-name") < summary.index("#line-0-name")  # in the order of the form
    assert not Order.objects.filter(source="declared").exists()


def test_items_can_be_added_and_removed_without_saving(world, as_user):
    alice = as_user("alice")
    added = alice.post("/complain/declare/", form(add_line="1")).content.decode()
    assert 'name="line_count" value="3"' in added and 'id="line-2-name"' in added
    assert 'value="耳机保护套"' in added  # nothing typed is lost
    removed = alice.post("/complain/declare/", form(remove_line="0")).content.decode()
    assert 'name="line_count" value="1"' in removed
    assert 'value="耳机保护套"' in removed and 'value="无线耳机 Pro"' not in removed
    assert not Order.objects.filter(source="declared").exists()


def test_declaring_the_same_order_twice_points_to_the_first(world, as_user, declared):
    response = as_user("alice").post("/complain/declare/", form())
    page = response.content.decode()
    assert response.status_code == 422
    assert f"/orders/{declared.public_id}/complain/" in page and 'href="#order_number"' in page
    assert Order.objects.filter(source="declared").count() == 1


# ---- filing: "I asked the merchant" --------------------------------------------------------


def test_filing_a_self_help_case_records_when_and_how_the_merchant_was_asked(world, as_user, draft):
    alice = as_user("alice")
    url = f"/file/{draft.public_id}/check/"
    page = alice.get(url).content.decode()
    assert 'id="submit-channel"' in page and 'data-copy-draft="asked-message"' in page
    refused = alice.post(url, {"version": draft.version, "occurred_on": ASKED, "channel": "phone"})
    assert refused.status_code == 409  # the order record is still missing
    draft.refresh_from_db()
    assert draft.status == "draft"
    attach(draft, world.actor("alice"))
    draft.refresh_from_db()
    bad = alice.post(url, {"version": draft.version, "occurred_on": "2026-02-30", "channel": "phone"})
    assert bad.status_code == 422 and 'href="#submit-occurred_on"' in bad.content.decode()
    ok = alice.post(
        url, {"version": draft.version, "occurred_on": ASKED, "occurred_time": "9:30", "channel": "phone"}
    )
    assert ok.status_code == 302
    draft.refresh_from_db()
    event = draft.events.get(type="submit")
    assert draft.status == "awaiting_merchant" and event.payload["channel"] == "phone"
    assert timezone.localtime(event.occurred_at).isoformat() == f"{ASKED}T09:30:00+08:00"


# ---- the case page -------------------------------------------------------------------------


def test_the_case_page_guides_with_the_profile_and_drafted_messages(world, as_user, asked):
    alice = as_user("alice")
    alice.post("/language/", {"language": "en"})
    page = alice.get(f"/cases/{asked.public_id}/").content.decode()
    assert 'id="selfhelp"' in page
    assert "Check against the platform's current rules." in page
    assert "Taobao 淘宝" in page and "taobao-profile-2026.1" in page
    assert 'id="draft-merchant"' in page and 'id="draft-platform"' in page and "3857261190442" in page
    due = datetime.combine(datetime.fromisoformat(ASKED), time(9, 30)) + timedelta(days=5)  # Taobao: 5 days
    assert f"Wait for the merchant&#x27;s answer until {due:%Y-%m-%d %H:%M}." in page
    assert "/record/record_merchant_reply/" in page and "/record/record_platform_step/" in page
    assert "/act/record_merchant_reply/" not in page  # not also as a button without its fields
    # the request was made earlier than it was recorded: both show
    assert f"happened on {ASKED} 09:30" in page and "recorded " in page


def test_platform_cases_have_no_self_help_panel(world, as_user, cases):
    case = cases.filed()
    page = as_user("alice").get(f"/cases/{case.public_id}/").content.decode()
    assert 'id="selfhelp"' not in page
    assert (
        as_user("alice").post(f"/cases/{case.public_id}/record/record_merchant_reply/", {}).status_code == 404
    )


def test_recording_the_merchants_refusal_with_a_screenshot_uploaded_there(world, as_user, asked):
    alice = as_user("alice")
    shot = SimpleUploadedFile("chat.jpg", jpeg_bytes(seed=7), content_type="image/jpeg")
    response = alice.post(
        f"/cases/{asked.public_id}/record/record_merchant_reply/",
        {
            "version": asked.version,
            "reply": "refused",
            "note": "客服说已过七天不退",
            "occurred_on": day(1),
            "occurred_time": "20:00",
            "channel": "platform_chat",
            "file": shot,
            "file_kind": "chat_record",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#selfhelp-title")
    asked.refresh_from_db()
    event = asked.events.get(type="record_merchant_reply")
    item = EvidenceItem.objects.get(case=asked, kind="chat_record")
    assert asked.status == "awaiting_consumer"
    assert event.payload["reply"] == "refused" and event.payload["evidence"] == [item.public_id]
    assert timezone.localtime(event.occurred_at).isoformat() == f"{day(1)}T20:00:00+08:00"
    page = alice.get(f"/cases/{asked.public_id}/").content.decode()
    assert "客服说已过七天不退" in page
    assert "/record/record_platform_step/" in page


def test_a_refusal_without_what_they_said_keeps_the_form_and_saves_nothing(world, as_user, asked):
    alice = as_user("alice")
    events = asked.events.count()
    shot = SimpleUploadedFile("chat.jpg", jpeg_bytes(seed=8), content_type="image/jpeg")
    response = alice.post(
        f"/cases/{asked.public_id}/record/record_merchant_reply/",
        {"version": asked.version, "reply": "refused", "occurred_on": day(1), "file": shot},
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert (
        '<a href="#record_merchant_reply-note">' in page and 'id="record_merchant_reply-note-error"' in page
    )
    assert 'value="refused" checked' in page  # the answer chosen stays chosen
    asked.refresh_from_db()
    assert asked.status == "awaiting_merchant" and asked.events.count() == events
    assert not EvidenceItem.objects.filter(case=asked, kind="chat_record").exists()  # the upload too


def test_an_offer_in_yuan_and_the_platforms_steps(world, as_user, asked):
    alice = as_user("alice")
    base = f"/cases/{asked.public_id}/record/"
    offer = alice.post(
        base + "record_merchant_reply/",
        {
            "version": asked.version,
            "reply": "offered",
            "remedy": "refund_only",
            "amount-1": "30",
            "note": "补偿30元",
            "occurred_on": day(1),
        },
    )
    assert offer.status_code == 302
    asked.refresh_from_db()
    assert asked.offer["amounts"] == [{"line_no": 1, "amount_fen": 3000}]
    applied = alice.post(
        base + "record_platform_step/",
        {"version": asked.version, "step": "applied", "reference": "TB-REF-1", "occurred_on": day(0)},
    )
    assert applied.status_code == 302
    asked.refresh_from_db()
    no_outcome = alice.post(base + "record_platform_step/", {"version": asked.version, "step": "decided"})
    assert (
        no_outcome.status_code == 422
        and 'href="#record_platform_step-outcome"' in no_outcome.content.decode()
    )
    decided = alice.post(
        base + "record_platform_step/",
        {"version": asked.version, "step": "decided", "outcome": "merchant_upheld", "note": "证据不足"},
    )
    assert decided.status_code == 302
    asked.refresh_from_db()
    assert (asked.status, asked.outcome, asked.decision["reference"]) == ("decided", "merchant_upheld", "")
    page = alice.get(f"/cases/{asked.public_id}/").content.decode()
    assert "TB-REF-1" in page  # the timeline names the platform's reference
    assert "outside-help" in page


def test_a_stale_form_is_refused(world, as_user, asked):
    response = as_user("alice").post(
        f"/cases/{asked.public_id}/record/record_merchant_reply/",
        {"version": asked.version - 1, "reply": "no_answer"},
    )
    assert response.status_code == 409
    asked.refresh_from_db()
    assert not asked.events.filter(type="record_merchant_reply").exists()


@pytest.mark.parametrize("who", ["charlie", "bob", "agnes"])
def test_other_people_get_404(world, as_user, asked, who):
    client = as_user(who)
    assert client.get(f"/cases/{asked.public_id}/").status_code == 404
    response = client.post(
        f"/cases/{asked.public_id}/record/record_merchant_reply/",
        {"reply": "no_answer", "version": asked.version},
    )
    assert response.status_code == 404
    assert not asked.events.filter(type="record_merchant_reply").exists()
    assert client.get(f"/file/{asked.public_id}/check/").status_code == 404
