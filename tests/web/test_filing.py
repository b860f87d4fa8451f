"""The guided path 我要维权: one question per page, a draft that survives, check answers, file."""

from __future__ import annotations

import re

import pytest

from gongdao.cases.models import Case, CaseEvent
from gongdao.cases.verification import verify_case
from tests.web.conftest import add_item


def start(client, world, issue="damaged_in_transit"):
    response = client.post(f"/orders/{world.order.public_id}/complain/", {"issue": issue})
    assert response.status_code == 302, response.content[:500]
    return Case.objects.get(order=world.order, status="draft")


def test_the_first_question_lists_every_issue_in_plain_words(world, as_user):
    page = as_user("alice").get(f"/orders/{world.order.public_id}/complain/").content.decode()
    assert "<h1>" in page and 'class="back-link"' in page
    assert page.count('type="radio" id="issue-') == 13
    assert "包裹一直没到" in page  # plain words, in Chinese by default


def test_continuing_without_an_answer_shows_the_error_summary_linked_to_the_field(world, as_user):
    response = as_user("alice").post(f"/orders/{world.order.public_id}/complain/", {})
    page = response.content.decode()
    assert response.status_code == 422
    assert 'class="error-summary"' in page and "data-focus" in page
    summary_link = re.search(r'error-summary.*?<a href="#([^"]+)">([^<]+)</a>', page, re.S)
    field_id, text = summary_link.groups()
    assert f'id="{field_id}"' in page
    # the same words next to the field
    assert page.count(text.strip()) >= 2
    assert not Case.objects.exists()


def test_the_first_answer_opens_a_draft_that_survives_closing_the_tab(world, as_user):
    alice = as_user("alice")
    case = start(alice, world)
    assert case.issue == "damaged_in_transit" and case.status == "draft"
    # coming back later: the orders page offers to continue, and starting again resumes the draft
    assert f"/file/{case.public_id}/check/" in alice.get("/orders/").content.decode()
    again = alice.get(f"/orders/{world.order.public_id}/complain/")
    assert again.status_code == 302 and again["Location"] == f"/file/{case.public_id}/issue/"
    assert Case.objects.filter(order=world.order).count() == 1


def test_checklist_ticks_the_order_record_and_advises_on_each_missing_kind(world, as_user):
    alice = as_user("alice")
    case = start(alice, world)
    page = alice.get(f"/file/{case.public_id}/evidence/").content.decode()
    assert 'class="task-list"' in page
    assert "tag-done" in page  # the order record, recorded automatically
    assert "tag-todo" in page  # the photo of the problem is still needed
    assert "tag-optional" in page
    add_item(case, "problem_photo")
    page = alice.get(f"/file/{case.public_id}/evidence/").content.decode()
    assert "tag-todo" not in page


def test_the_request_page_refuses_a_missing_amount_and_keeps_what_was_typed(world, as_user):
    alice = as_user("alice")
    case = start(alice, world)
    statement = "耳机到货时左耳壳开裂，外箱有明显压痕。"
    response = alice.post(
        f"/file/{case.public_id}/request/",
        {"remedy": "refund_only", "line-1": "on", "amount-1": "", "statement": statement},
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert '<a href="#amount-1">' in page
    assert statement in page
    assert 'aria-invalid="true"' in page


def test_the_request_page_refuses_more_than_was_paid(world, as_user):
    alice = as_user("alice")
    case = start(alice, world)
    response = alice.post(
        f"/file/{case.public_id}/request/",
        {"remedy": "refund_only", "line-1": "on", "amount-1": "500", "statement": "x"},
    )
    assert response.status_code == 422
    assert "¥199.00" in response.content.decode()
    case.refresh_from_db()
    assert case.remedy != "refund_only" or case.requested_fen != 50000


def test_the_request_is_saved_on_the_draft_with_an_event(world, as_user):
    alice = as_user("alice")
    case = start(alice, world)
    response = alice.post(
        f"/file/{case.public_id}/request/",
        {"remedy": "partial_refund", "line-1": "on", "amount-1": "60.50", "statement": "请退部分货款。"},
    )
    assert response.status_code == 302 and response["Location"] == f"/file/{case.public_id}/check/"
    case.refresh_from_db()
    assert (case.remedy, case.requested_fen, case.statement) == ("partial_refund", 6050, "请退部分货款。")
    assert [cl.order_line.line_no for cl in case.lines.all()] == [1]
    assert CaseEvent.objects.filter(case=case, type="draft_updated").count() == 1
    assert verify_case(case) == []


def test_the_message_to_the_merchant_is_drafted_from_the_facts(world, as_user):
    alice = as_user("alice")
    case = start(alice, world)
    page = alice.get(f"/file/{case.public_id}/request/").content.decode()
    assert world.order.external_id in page
    assert "Bluetooth headphones" in page


def test_autosave_keeps_the_statement_without_leaving_the_page(world, as_user):
    alice = as_user("alice")
    case = start(alice, world)
    response = alice.post(
        f"/file/{case.public_id}/request/",
        {
            "remedy": "return_and_refund",
            "line-1": "on",
            "amount-1": "199",
            "statement": "半句话",
            "autosave": "1",
        },
    )
    assert response.status_code == 200 and response.json()["saved"] is True
    case.refresh_from_db()
    assert case.statement == "半句话"
    bad = alice.post(
        f"/file/{case.public_id}/request/",
        {"remedy": "return_and_refund", "line-1": "on", "amount-1": "abc", "statement": "x", "autosave": "1"},
    )
    assert bad.status_code == 422 and bad.json()["saved"] is False


def test_check_answers_has_a_change_link_for_each_answer_that_comes_back(world, as_user):
    alice = as_user("alice")
    case = start(alice, world)
    page = alice.get(f"/file/{case.public_id}/check/").content.decode()
    for step in ("issue", "upload", "request"):
        assert f"/file/{case.public_id}/{step}/?change=1" in page
    response = alice.post(f"/file/{case.public_id}/issue/", {"issue": "quality_defect", "change": "1"})
    assert response["Location"] == f"/file/{case.public_id}/check/"
    case.refresh_from_db()
    assert case.issue == "quality_defect"


def test_filing_without_required_evidence_is_refused_with_the_reason(world, as_user):
    alice = as_user("alice")
    case = start(alice, world)
    response = alice.post(f"/file/{case.public_id}/check/", {"version": case.version})
    assert response.status_code == 409
    assert '<a href="#answer-evidence">' in response.content.decode()
    case.refresh_from_db()
    assert case.status == "draft"


def test_filing_sends_the_case_to_the_merchant(world, as_user):
    alice = as_user("alice")
    case = start(alice, world)
    add_item(case, "problem_photo")
    case.refresh_from_db()
    response = alice.post(f"/file/{case.public_id}/check/", {"version": case.version})
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.public_id}/"
    case.refresh_from_db()
    assert case.status == "awaiting_merchant" and case.due_at is not None
    # the path's pages now lead to the case page
    assert alice.get(f"/file/{case.public_id}/request/")["Location"] == f"/cases/{case.public_id}/"


@pytest.mark.parametrize("who", ["charlie", "bob", "mallory"])
def test_someone_elses_draft_answers_404(world, as_user, who):
    case = start(as_user("alice"), world)
    client = as_user(who)
    for step in ("issue", "evidence", "upload", "request", "check"):
        assert client.get(f"/file/{case.public_id}/{step}/").status_code == 404
    assert client.get(f"/orders/{world.order.public_id}/complain/").status_code == 404


def test_an_unedited_drafted_message_follows_the_changed_answers(world, as_user):
    alice = as_user("alice")
    case = start(alice, world)
    drafted = re.search(
        r'<textarea id="statement"[^>]*>([^<]*)</textarea>',
        alice.get(f"/file/{case.public_id}/request/").content.decode(),
    ).group(1)
    import html

    response = alice.post(
        f"/file/{case.public_id}/request/",
        {"remedy": "partial_refund", "line-1": "on", "amount-1": "30", "statement": html.unescape(drafted)},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert "¥30.00" in case.statement and "Charging case" not in case.statement
    # an edited message is kept as written
    alice.post(
        f"/file/{case.public_id}/request/",
        {"remedy": "partial_refund", "line-1": "on", "amount-1": "40", "statement": "我自己写的话"},
    )
    case.refresh_from_db()
    assert case.statement == "我自己写的话"
