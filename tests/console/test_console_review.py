"""The agent's review page: both sides side by side, evidence, order snapshot, notes, requests."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse

from gongdao.cases.actions import add_note
from gongdao.evidence.actions import add_evidence
from tests.core.flow import State, assert_unchanged
from tests.evidence.evidence_samples import jpeg_bytes, mp4_bytes, pdf_bytes


def review(client, case):
    response = client.get(reverse("console:review", args=[case.public_id]))
    assert response.status_code == 200
    return response.content.decode()


def column(html: str, side: str) -> str:
    start = html.index(f'class="side side-{side}"')
    end = (
        html.index('<div class="side side-merchant"', start)
        if side == "consumer"
        else html.index("</section>", start)
    )
    return html[start:end]


def add(case, actor, data, name, kind):
    return add_evidence(case, actor, kind=kind, source=io.BytesIO(data), filename=name)


@pytest.fixture
def disputed(flow, world, data_dir):
    """Under review: Alice's photo and video on one side, the shop's PDF on the other."""
    case = flow.escalated()
    add(case, world.actor("alice"), jpeg_bytes(seed=5), "cracked.jpg", "problem_photo")
    add(case, world.actor("alice"), mp4_bytes(), "unboxing.mp4", "unboxing_video")
    add(case, world.actor("bob"), pdf_bytes(), "qc-report.pdf", "test_report")
    flow.do(case, "assign", "agnes")
    flow.do(case, "close_evidence", "agnes")
    return case


def test_both_sides_statements_and_evidence_side_by_side(login, disputed):
    html = review(login("agnes"), disputed)
    consumer, merchant = column(html, "consumer"), column(html, "merchant")
    assert "The item is not what the shop page promised." in consumer
    assert "The shop refuses to help." in consumer  # the escalation reason
    assert "The photos do not show a defect." in merchant  # the refusal
    assert "cracked.jpg" in consumer and "unboxing.mp4" in consumer and "qc-report.pdf" not in consumer
    assert "qc-report.pdf" in merchant and "cracked.jpg" not in merchant


def test_images_zoom_videos_play_pdfs_link(login, disputed):
    html = review(login("agnes"), disputed)
    photo = disputed.evidence.get(original_name="cracked.jpg")
    video = disputed.evidence.get(original_name="unboxing.mp4")
    pdf = disputed.evidence.get(original_name="qc-report.pdf")
    assert re.search(
        rf'<a href="{reverse("evidence:content", args=[photo.public_id])}" class="zoom" data-zoom><img src="{reverse("evidence:thumbnail", args=[photo.public_id])}"',
        html,
    )
    assert (
        f'<video controls preload="metadata" src="{reverse("evidence:content", args=[video.public_id])}">'
        in html
    )
    assert f'<a href="{reverse("evidence:content", args=[pdf.public_id])}" class="file">' in html
    assert photo.sha256 in html and pdf.sha256 in html


def test_reuse_flags_are_shown_to_agents_only(login, flow, world, data_dir):
    photo = jpeg_bytes(seed=9)
    first = flow.escalated()
    add(first, world.actor("alice"), photo, "same.jpg", "problem_photo")
    from tests.factories import OrderFactory

    second = flow.open(order=OrderFactory(shop=world.shop, consumer=world.alice))
    flow.do(second, "reject", "bob", reason="No.")
    add(second, world.actor("alice"), photo, "same-again.jpg", "problem_photo")
    flow.do(second, "escalate", "alice", reason="Please look.")
    html = review(login("agnes"), second)
    assert 'data-flag="same_file"' in html
    assert reverse("console:review", args=[first.public_id]) in html
    bob_view = login("bob").get(reverse("console:shop_case", args=[second.public_id])).content.decode()
    assert "data-flag=" not in bob_view


def test_order_snapshot_and_lines(login, disputed):
    html = review(login("agnes"), disputed)
    snapshot = disputed.order_snapshot
    assert snapshot["external_id"] in html
    assert snapshot["logistics"]["tracking_number"] in html
    assert "Bluetooth headphones" in html and "¥199.00" in html


def test_internal_notes_are_added_and_shown_to_the_platform_only(login, disputed, world):
    agnes = login("agnes")
    url = reverse("console:note", args=[disputed.public_id])
    assert agnes.post(url, {"note-text": "Seller has 3 similar cases."}).status_code == 302
    event = disputed.events.get(type="note_added")
    assert event.visibility == "platform_only"
    assert "Seller has 3 similar cases." in review(login("sam"), disputed)
    shop_view = login("bob").get(reverse("console:shop_case", args=[disputed.public_id])).content.decode()
    assert "Seller has 3 similar cases." not in shop_view
    assert agnes.post(url, {"note-text": "  "}).status_code == 422


def test_request_more_evidence_from_a_party(login, disputed):
    agnes = login("agnes")
    disputed.refresh_from_db()
    url = reverse("console:request_evidence", args=[disputed.public_id])
    data = {
        "version": disputed.version,
        "request-party": "merchant",
        "request-note": "The QC report's lab stamp.",
    }
    assert agnes.post(url, data).status_code == 302
    disputed.refresh_from_db()
    assert disputed.evidence_requested_from == "merchant"
    assert disputed.deadlines.filter(kind="extra_evidence", state="pending", party="merchant").exists()


def test_request_for_evidence_needs_a_party_and_a_note(login, disputed):
    before = State.of(disputed)
    url = reverse("console:request_evidence", args=[disputed.public_id])
    response = login("agnes").post(
        url, {"version": disputed.version, "request-party": "nobody", "request-note": ""}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'href="#id_request-party"' in html and 'href="#id_request-note"' in html
    disputed.refresh_from_db()
    assert_unchanged(disputed, before)


def test_only_the_assigned_agent_requests_evidence_or_decides(login, disputed):
    html = review(login("sara"), disputed)
    assert 'id="form-request"' not in html and 'id="form-decision"' not in html
    before = State.of(disputed)
    url = reverse("console:request_evidence", args=[disputed.public_id])
    data = {"version": disputed.version, "request-party": "consumer", "request-note": "More photos."}
    assert login("sara").post(url, data).status_code == 409
    disputed.refresh_from_db()
    assert_unchanged(disputed, before)
    html = review(login("agnes"), disputed)
    assert 'id="form-request"' in html and 'id="form-decision"' in html


def test_close_the_evidence_period_from_the_review_page(login, flow):
    case = flow.evidence_period(agent="agnes")
    url = reverse("console:agent_act", args=[case.public_id, "close_evidence"])
    assert login("agnes").post(url, {"version": case.version}).status_code == 302
    case.refresh_from_db()
    assert case.status == "under_review"
    assert (
        login("agnes").post(reverse("console:agent_act", args=[case.public_id, "decide"])).status_code == 404
    )


def test_pause_needs_a_reason(login, flow):
    case = flow.evidence_period(agent="agnes")
    url = reverse("console:agent_act", args=[case.public_id, "pause_deadline"])
    assert login("agnes").post(url, {"version": case.version, "pause_deadline-reason": ""}).status_code == 422
    ok = login("agnes").post(url, {"version": case.version, "pause_deadline-reason": "Lab test under way."})
    assert ok.status_code == 302
    assert case.deadlines.filter(state="paused").exists()


def test_the_timeline_shows_platform_only_events_to_agents(login, disputed, world):
    add_note(disputed, world.actor("agnes"), "Check the courier's damage report.")
    html = review(login("agnes"), disputed)
    assert 'class="internal"' in html and "Check the courier&#x27;s damage report." in html


def test_review_page_query_count_does_not_grow_with_evidence(
    login, flow, world, data_dir, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = flow.escalated()
    for n in range(3):
        add(case, world.actor("alice"), jpeg_bytes(seed=20 + n), f"p{n}.jpg", "problem_photo")
    agnes = login("agnes")
    review(agnes, case)
    with CaptureQueriesContext(connection) as ctx:
        review(agnes, case)
    few = len(ctx.captured_queries)
    for n in range(12):
        add(case, world.actor("alice"), jpeg_bytes(seed=40 + n), f"q{n}.jpg", "problem_photo")
        add_note(case, world.actor("agnes"), f"note {n}")
    with django_assert_max_num_queries(few):
        html = review(agnes, case)
    assert html.count('class="ev-item"') == 15
