"""The merchant's action panel on /console/shop/cases/<id>/: every move goes through perform."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from gongdao.cases.actions import add_note
from gongdao.console import queries
from gongdao.console.models import CannedReply
from tests.core.flow import State, assert_unchanged
from tests.factories import UserFactory


def page(client, case):
    return client.get(reverse("console:shop_case", args=[case.public_id]))


def act(client, case, action, data=None, version=None):
    case.refresh_from_db()
    payload = {"version": case.version if version is None else version, **(data or {})}
    return client.post(reverse("console:shop_act", args=[case.public_id, action]), payload)


def test_panel_offers_what_the_shop_may_do_now(login, flow):
    case = flow.awaiting_merchant()
    html = page(login("bob"), case).content.decode()
    for action in ("accept", "offer", "reject"):
        assert f'id="form-{action}"' in html
    assert 'id="form-confirm_refund"' not in html
    assert reverse("web:case", args=[case.public_id]) in html


def test_merchant_sees_the_consumers_name_masked(login, flow, world):
    case = flow.awaiting_merchant()
    html = page(login("bob"), case).content.decode()
    assert "A****" in html  # Alice's profile name, masked
    assert world.alice.profile.phone not in html


def test_accept(login, flow):
    case = flow.awaiting_merchant()
    response = act(login("bob"), case, "accept")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "fulfilling"
    assert case.agreed_fen == case.requested_fen


def test_offer_a_partial_amount_typed_in_yuan(login, flow):
    case = flow.awaiting_merchant()
    data = {
        "offer-remedy": "partial_refund",
        "offer-amount_1": "50.5",
        "offer-message": "Half, with apologies.",
    }
    assert act(login("bob"), case, "offer", data).status_code == 302
    case.refresh_from_db()
    assert case.status == "awaiting_consumer"
    assert case.offer["remedy"] == "partial_refund"
    assert case.offer["amounts"] == [{"line_no": 1, "amount_fen": 5050}]
    assert case.offer["message"] == "Half, with apologies."


def test_offer_for_each_line(login, flow):
    case = flow.awaiting_merchant()
    data = {"offer-remedy": "partial_refund", "offer-amount_1": "¥20", "offer-amount_2": "5.00"}
    assert act(login("bob"), case, "offer", data).status_code == 302
    case.refresh_from_db()
    assert case.offer["amounts"] == [{"line_no": 1, "amount_fen": 2000}, {"line_no": 2, "amount_fen": 500}]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("12.345", "Enter an amount in yuan, like 12.30."),
        ("twelve", "Enter an amount in yuan, like 12.30."),
        ("-3", "The amount cannot be negative."),
        ("300", "At most ¥199.00 can be refunded on this line."),
        ("", "Give the amount you offer for at least one line."),
    ],
)
def test_a_bad_offer_is_refused_next_to_the_field_and_changes_nothing(login, flow, amount, message):
    case = flow.awaiting_merchant()
    before = State.of(case)
    data = {"offer-remedy": "partial_refund", "offer-amount_1": amount, "offer-message": "Our offer"}
    response = act(login("bob"), case, "offer", data)
    assert response.status_code in (409, 422)
    html = response.content.decode()
    assert message in html
    assert "data-error-summary" in html
    assert f'value="{amount}"' in html  # what was typed is kept
    assert "Our offer</textarea>" in html
    case.refresh_from_db()
    assert_unchanged(case, before)


def test_reject_needs_a_reason(login, flow):
    case = flow.awaiting_merchant()
    before = State.of(case)
    response = act(login("bob"), case, "reject", {"reject-reason": "   "})
    assert response.status_code == 422
    assert 'href="#id_reject-reason"' in response.content.decode()
    case.refresh_from_db()
    assert_unchanged(case, before)
    assert act(login("bob"), case, "reject", {"reject-reason": "Delivered on time."}).status_code == 302
    case.refresh_from_db()
    assert case.status == "awaiting_consumer"


def test_return_received_then_refund_confirmed(login, flow):
    case = flow.fulfilling(remedy="return_and_refund")
    flow.do(case, "ship_return", "alice", carrier="圆通", tracking_number="YT1")
    bob = login("bob")
    html = page(bob, case).content.decode()
    assert 'id="form-confirm_return"' in html and 'id="form-report_return_problem"' in html
    assert act(bob, case, "confirm_return").status_code == 302
    assert act(bob, case, "confirm_refund", {"confirm_refund-reference": "PAY-42"}).status_code == 302
    case.refresh_from_db()
    assert case.status == "resolved"
    assert case.refunded_fen == case.agreed_fen
    assert case.events.get(type="confirm_refund").payload["reference"] == "PAY-42"


@pytest.mark.parametrize("problem", ["damaged", "empty", "missing_items"])
def test_report_a_problem_with_the_returned_goods(login, flow, problem):
    case = flow.fulfilling(remedy="return_and_refund")
    flow.do(case, "ship_return", "alice", carrier="圆通", tracking_number="YT1")
    data = {"report_return_problem-problem": problem, "report_return_problem-reason": "Opened it on camera."}
    assert act(login("bob"), case, "report_return_problem", data).status_code == 302
    case.refresh_from_db()
    assert case.status == "escalated"
    assert case.events.get(type="report_return_problem").payload["problem"] == problem


def test_report_needs_a_known_problem(login, flow):
    case = flow.fulfilling(remedy="return_and_refund")
    flow.do(case, "ship_return", "alice", carrier="圆通", tracking_number="YT1")
    data = {"report_return_problem-problem": "stolen", "report_return_problem-reason": "?"}
    assert act(login("bob"), case, "report_return_problem", data).status_code == 422
    case.refresh_from_db()
    assert case.status == "fulfilling"


def test_a_stale_page_gets_a_conflict_and_changes_nothing(login, flow):
    case = flow.awaiting_merchant()
    stale = case.version
    flow.do(case, "reject", "bob", reason="No.")
    flow.do(case, "revise", "alice", statement="Please reconsider.")
    before = State.of(case)
    response = act(login("bob"), case, "accept", version=stale)
    assert response.status_code == 409
    assert "Someone else changed this case just now" in response.content.decode()
    case.refresh_from_db()
    assert_unchanged(case, before)


def test_an_action_not_open_now_is_refused(login, flow):
    case = flow.rejected()
    response = act(login("bob"), case, "accept")
    assert response.status_code == 409
    case.refresh_from_db()
    assert case.status == "awaiting_consumer"


def test_an_unknown_action_is_404(login, flow):
    case = flow.awaiting_merchant()
    assert act(login("bob"), case, "decide").status_code == 404
    assert act(login("bob"), case, "nonsense").status_code == 404


def test_get_on_an_action_url_is_refused(login, flow):
    case = flow.awaiting_merchant()
    url = reverse("console:shop_act", args=[case.public_id, "accept"])
    assert login("bob").get(url).status_code == 405


def test_message_the_consumer(login, flow):
    case = flow.awaiting_merchant()
    url = reverse("console:shop_message", args=[case.public_id])
    assert login("bob").post(url, {"message-text": "We are checking the warehouse."}).status_code == 302
    assert case.events.filter(type="message_added", payload__text="We are checking the warehouse.").exists()
    assert login("bob").post(url, {"message-text": ""}).status_code == 422


def test_internal_notes_never_reach_the_merchant(login, flow, world):
    case = flow.evidence_period()
    add_note(case, world.actor("agnes"), "Shop has three similar complaints this month.")
    assert "three similar complaints" not in page(login("bob"), case).content.decode()


def test_canned_replies_are_offered_next_to_the_text_fields(login, flow, world):
    CannedReply.objects.create(shop=world.shop, title="Delay", text="Sorry <b>for</b> the delay.")
    CannedReply.objects.create(shop=world.other_shop, title="Other shop", text="Not ours.")
    case = flow.awaiting_merchant()
    html = page(login("bob"), case).content.decode()
    for target in ("id_offer-message", "id_reject-reason", "id_message-text"):
        assert f'data-target="{target}"' in html
    assert 'data-text="Sorry &lt;b&gt;for&lt;/b&gt; the delay."' in html
    assert "Not ours." not in html


def test_opening_a_case_marks_it_seen_for_the_whole_shop(login, flow, world):
    case = flow.awaiting_merchant()
    colleague = UserFactory(username="betty", role="merchant_staff", shop=world.shop)
    assert queries.shop_cases(colleague).get(pk=case.pk).seen is False
    with time_machine.travel(flow.now + timedelta(minutes=1), tick=False):
        page(login("bob"), case)
    assert queries.shop_cases(colleague).get(pk=case.pk).seen is True


# ---- refusing with evidence -------------------------------------------------------------------


def upload(name, data, content_type):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


def test_refuse_with_evidence_attaches_the_files_then_refuses(login, flow, data_dir):
    from tests.evidence.evidence_samples import jpeg_bytes, pdf_bytes

    case = flow.awaiting_merchant()
    files = [
        upload("shipping-photo.jpg", jpeg_bytes(seed=3), "image/jpeg"),
        upload("chat.pdf", pdf_bytes(), "application/pdf"),
    ]
    data = {"reject-reason": "Packed intact, see photo.", "reject-kind": "other", "reject-evidence": files}
    assert act(login("bob"), case, "reject", data).status_code == 302
    case.refresh_from_db()
    assert case.status == "awaiting_consumer"
    items = list(case.evidence.order_by("pk"))
    assert [(i.original_name, i.side) for i in items] == [
        ("shipping-photo.jpg", "merchant"),
        ("chat.pdf", "merchant"),
    ]
    types = list(case.events.order_by("seq").values_list("type", flat=True))
    assert types[-3:] == ["evidence_added", "evidence_added", "reject"]


def test_a_refused_file_stops_the_refusal_and_stores_nothing(login, flow, data_dir):
    from tests.evidence.evidence_samples import pdf_bytes

    case = flow.awaiting_merchant()
    before = State.of(case)
    files = [upload("not-a-photo.jpg", pdf_bytes(), "image/jpeg")]
    data = {"reject-reason": "See photo.", "reject-kind": "problem_photo", "reject-evidence": files}
    response = act(login("bob"), case, "reject", data)
    assert response.status_code == 422
    assert "not-a-photo.jpg" in response.content.decode()
    case.refresh_from_db()
    assert_unchanged(case, before)
    assert not case.evidence.exists()
    assert (
        not [p for p in (data_dir / "evidence").rglob("*") if p.is_file()]
        if (data_dir / "evidence").exists()
        else True
    )


def test_a_refusal_without_a_reason_stores_no_file(login, flow, data_dir):
    from tests.evidence.evidence_samples import jpeg_bytes

    case = flow.awaiting_merchant()
    data = {
        "reject-reason": "",
        "reject-kind": "other",
        "reject-evidence": [upload("a.jpg", jpeg_bytes(), "image/jpeg")],
    }
    assert act(login("bob"), case, "reject", data).status_code == 422
    assert not case.evidence.exists()


def test_a_stale_refusal_with_files_stores_no_file(login, flow, data_dir):
    from tests.evidence.evidence_samples import jpeg_bytes

    case = flow.awaiting_merchant()
    stale = case.version
    flow.do(case, "reject", "bob", reason="No.")
    flow.do(case, "revise", "alice", statement="Please.")
    data = {
        "reject-reason": "Still no.",
        "reject-kind": "other",
        "reject-evidence": [upload("a.jpg", jpeg_bytes(), "image/jpeg")],
    }
    assert act(login("bob"), case, "reject", data, version=stale).status_code == 409
    assert not case.evidence.exists()
