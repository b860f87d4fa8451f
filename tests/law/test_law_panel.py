"""The law advisor's panel on the case page: the consumer's web page and the agent's console page
show every entitlement (those that apply first) and the facts with their sources; the
questionnaire records the consumer's claims and the agent's findings; merchants and strangers do
not get it; an amount can be carried into the consumer's request; the dossiers use the same facts."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from gongdao.cases.actions import open_case, perform
from gongdao.cases.models import Case, CaseEvent
from gongdao.dossiers import queries as dossier_queries
from gongdao.law import actions, queries


def client_of(world, name: str, language: str = "en") -> Client:
    client = Client()
    client.force_login(getattr(world, name))
    client.cookies["django_language"] = language
    return client


def panel_of(html: str) -> str:
    match = re.search(r'<section[^>]*id="law".*?</section>', html, re.S)
    assert match, "no law panel on the page"
    return match.group(0)


@pytest.fixture
def rejected(world):
    """Alice's counterfeit complaint (¥199 + ¥50), rejected by the shop: her move."""
    case = open_case(
        world.order, world.actor("alice"), issue="counterfeit", remedy="return_and_refund", submit=True
    )
    perform(case, "reject", world.actor("bob"), reason="正品，有授权书。")
    case.refresh_from_db()
    return case


@pytest.fixture
def escalated(world, rejected):
    perform(rejected, "escalate", world.actor("alice"), reason="假货。")
    perform(rejected, "assign", world.actor("agnes"), assignee="me")
    rejected.refresh_from_db()
    return rejected


def test_the_consumer_sees_every_entitlement_eligible_first_with_facts_and_sources(world, rejected):
    actions.record_facts(rejected, world.actor("alice"), {"fraud": True})
    html = client_of(world, "alice").get(f"/cases/{rejected.public_id}/").content.decode()
    panel = panel_of(html)
    codes = re.findall(r'data-code="(\w+)"', panel)
    assert len(codes) == 13 and set(codes) == {e.code for e in queries.assess(rejected).entitlements}
    eligible = re.findall(r'class="entitlement (eligible|not-eligible)"', panel)
    assert eligible == sorted(eligible, key=lambda v: v != "eligible")  # those that apply come first
    fraud = re.search(r'id="law-fraud_damages".*?</li>', panel, re.S).group(0)
    assert "Applies" in fraud and "extra ¥747.00" in fraud and "Art. 55(1)" in fraud and "act by" in fraud
    assert 'data-fact="fraud" data-source="claimed"' in panel and "claimed by the consumer (event #" in panel
    assert 'data-fact="paid_fen" data-source="order"' in panel and "¥249.00" in panel
    assert "the day the case was opened" in panel
    assert f'action="/cases/{rejected.public_id}/law/"' in panel  # the questionnaire
    assert '<option value="yes" selected>' in panel  # her standing answer is shown


def test_the_panel_speaks_chinese_with_chinese_citations(world, rejected):
    actions.record_facts(rejected, world.actor("alice"), {"fraud": True})
    panel = panel_of(
        client_of(world, "alice", "zh-hans").get(f"/cases/{rejected.public_id}/").content.decode()
    )
    assert "欺诈三倍赔偿" in panel and "《消费者权益保护法》第五十五条第一款" in panel


def test_merchants_and_strangers_do_not_get_the_panel(world, rejected):
    bob = client_of(world, "bob")
    page = bob.get(f"/cases/{rejected.public_id}/")
    assert page.status_code == 200 and 'id="law"' not in page.content.decode()
    seq = rejected.seq
    assert bob.post(f"/cases/{rejected.public_id}/law/", {"law-fraud": "no"}).status_code == 404
    assert bob.post(f"/cases/{rejected.public_id}/law/ask/fraud_damages/").status_code == 404
    charlie = client_of(world, "charlie")
    assert charlie.get(f"/cases/{rejected.public_id}/").status_code == 404
    assert charlie.post(f"/cases/{rejected.public_id}/law/", {"law-fraud": "yes"}).status_code == 404
    mallory = client_of(world, "mallory")
    assert mallory.post(f"/cases/{rejected.public_id}/law/", {"law-fraud": "yes"}).status_code == 404
    rejected.refresh_from_db()
    assert rejected.seq == seq


def test_the_consumer_answers_the_questionnaire_and_the_amount_appears(world, rejected):
    alice = client_of(world, "alice")
    response = alice.post(f"/cases/{rejected.public_id}/law/", {"law-fraud": "yes", "law-loss_fen": "12.50"})
    assert response.status_code == 302 and response["Location"].endswith("#law")
    event = CaseEvent.objects.filter(case=rejected, type="law_facts_recorded").get()
    assert event.payload == {"standing": "claimed", "facts": {"fraud": True, "loss_fen": 1250}}
    panel = panel_of(alice.get(f"/cases/{rejected.public_id}/").content.decode())
    assert "extra ¥747.00" in panel
    assert alice.post(f"/cases/{rejected.public_id}/law/", {"law-fraud": "yes", "law-loss_fen": "12.50"})
    assert CaseEvent.objects.filter(case=rejected, type="law_facts_recorded").count() == 1  # nothing changed


def test_an_answer_that_does_not_fit_is_shown_next_to_its_question(world, rejected):
    alice = client_of(world, "alice")
    response = alice.post(f"/cases/{rejected.public_id}/law/", {"law-problem_found_on": "2001-01-01"})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'href="#id_law-problem_found_on"' in html  # the error summary
    assert 'id="id_law-problem_found_on-error"' in html and "between the day of the order" in html
    assert not CaseEvent.objects.filter(case=rejected, type="law_facts_recorded").exists()


def test_the_agent_records_a_finding_on_the_console_that_overrides_the_claim(world, escalated):
    actions.record_facts(escalated, world.actor("alice"), {"fraud": True})
    agnes = client_of(world, "agnes")
    page = agnes.get(f"/console/agent/cases/{escalated.public_id}/")
    panel = panel_of(page.content.decode())
    assert "Record what the platform found" in panel and "extra ¥747.00" in panel
    assert f'action="/console/agent/cases/{escalated.public_id}/law/"' in panel
    assert 'data-carry="' not in panel  # only the consumer carries amounts into her request
    response = agnes.post(f"/console/agent/cases/{escalated.public_id}/law/", {"law-fraud": "no"})
    assert response.status_code == 302
    event = CaseEvent.objects.filter(case=escalated, type="law_facts_recorded").last()
    assert event.payload == {"standing": "found", "facts": {"fraud": False}}
    assert event.actor == f"user:{world.agnes.public_id}"
    panel = panel_of(agnes.get(f"/console/agent/cases/{escalated.public_id}/").content.decode())
    assert 'data-fact="fraud" data-source="found"' in panel
    assert "the consumer claimed: Yes; the platform found: No" in panel
    # The consumer sees both as well, and the finding counts.
    mine = panel_of(client_of(world, "alice").get(f"/cases/{escalated.public_id}/").content.decode())
    assert "the consumer claimed: Yes; the platform found: No" in mine
    assert "extra ¥747.00" not in mine


def test_a_bad_finding_rerenders_the_console_page_with_the_error(world, escalated):
    agnes = client_of(world, "agnes")
    response = agnes.post(f"/console/agent/cases/{escalated.public_id}/law/", {"law-loss_fen": "-3"})
    assert response.status_code == 422
    assert 'href="#id_law-loss_fen"' in response.content.decode()


def test_the_consumer_carries_the_fraud_damages_into_a_revised_request(world, rejected):
    actions.record_facts(rejected, world.actor("alice"), {"fraud": True})
    alice = client_of(world, "alice")
    response = alice.post(
        f"/cases/{rejected.public_id}/law/ask/fraud_damages/", {"version": str(rejected.version)}
    )
    assert response.status_code == 302
    case = Case.objects.get(pk=rejected.pk)
    assert case.status == "awaiting_merchant" and case.remedy == "compensation"
    assert case.requested_fen == 24900 + 74700
    assert {cl.order_line.line_no: cl.requested_fen for cl in case.lines.all()} == {1: 79600, 2: 20000}
    revise = case.events.get(type="revise")
    assert "Art. 55(1)" in revise.payload["statement"] and "¥996.00" in revise.payload["statement"]
    # Once asked, the button gives way to a note; and it is gone while the merchant has the move.
    panel = panel_of(alice.get(f"/cases/{case.public_id}/").content.decode())
    assert 'data-carry="fraud_damages"' not in panel


def test_a_draft_takes_the_amount_without_sending_anything(world):
    draft = open_case(world.order, world.actor("alice"), issue="counterfeit", remedy="refund_only")
    actions.record_facts(draft, world.actor("alice"), {"fraud": True})
    alice = client_of(world, "alice")
    panel = panel_of(alice.get(f"/cases/{draft.public_id}/").content.decode())
    assert "Ask for ¥996.00: the refund plus this" in panel
    assert alice.post(f"/cases/{draft.public_id}/law/ask/fraud_damages/").status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.remedy, draft.requested_fen) == ("draft", "compensation", 99600)
    assert draft.events.filter(type="draft_updated").exists()
    panel = panel_of(alice.get(f"/cases/{draft.public_id}/").content.decode())
    assert "Your request already asks for ¥996.00." in panel


def test_no_carrying_where_the_policy_offers_no_compensation_or_nothing_applies(world):
    case = open_case(world.order, world.actor("alice"), issue="quality_defect", remedy="return_and_refund")
    actions.record_facts(case, world.actor("alice"), {"fraud": True})
    alice = client_of(world, "alice")
    panel = panel_of(alice.get(f"/cases/{case.public_id}/").content.decode())
    assert 'data-carry="' not in panel and "offer no compensation for this kind of problem" in panel
    response = alice.post(f"/cases/{case.public_id}/law/ask/fraud_damages/", follow=True)
    assert "offer no compensation" in response.content.decode()
    response = alice.post(f"/cases/{case.public_id}/law/ask/food_damages/", follow=True)
    assert "this does not apply" in response.content.decode()
    case.refresh_from_db()
    assert case.remedy == "return_and_refund"


def test_the_dossier_uses_the_case_facts_and_says_who_asserted_them(world, escalated, settings, tmp_path):
    from gongdao import keys

    settings.DATA_DIR = tmp_path
    keys.create(tmp_path)
    actions.record_facts(escalated, world.actor("alice"), {"fraud": True})
    claim = "\n".join(i for b in dossier_queries.build(escalated, "12315").blocks for i in b.numbered)
    assert "赔偿金 ¥747.00（消费者主张：经营者存在欺诈行为）" in claim
    actions.record_facts(escalated, world.actor("agnes"), {"fraud": True})
    claim = "\n".join(i for b in dossier_queries.build(escalated, "12315").blocks for i in b.numbered)
    assert "（平台核实认定：经营者存在欺诈行为）" in claim
    actions.record_facts(escalated, world.actor("agnes"), {"fraud": False})
    claim = "\n".join(i for b in dossier_queries.build(escalated, "12315").blocks for i in b.numbered)
    assert "赔偿金" not in claim


def test_the_dossier_account_tells_the_claims_and_findings_with_their_events(world, escalated):
    claim = actions.record_facts(escalated, world.actor("alice"), {"fraud": True, "loss_fen": 1250})
    finding = actions.record_facts(escalated, world.actor("agnes"), {"category": "food"})
    text = dossier_queries.build(escalated, "12315").facts_text
    assert f"消费者主张：经营者存在欺诈：是；其他可证明的损失 ¥12.50（事件#{claim.seq}）" in text
    assert f"平台核实认定：商品类别：食品（事件#{finding.seq}）" in text
