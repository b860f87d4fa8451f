"""The consumer's edits of a dossier — the facts text and the answers — are recorded as case
events; an unchanged save records nothing; bad answers are refused and change nothing."""

from __future__ import annotations

import pytest

from gongdao.cases.verification import verify_case
from gongdao.dossiers import actions, queries
from gongdao.dossiers.models import DossierDraft
from gongdao.errors import InvalidInput, NotAllowed


def test_editing_the_facts_is_recorded_and_used(world, disputed):
    event = actions.save_draft(
        disputed, world.actor("alice"), "12315", facts_text="我于收货当天发现左耳无声。"
    )
    assert event.type == "dossier_edited" and event.actor == f"user:{world.alice.public_id}"
    assert event.payload["facts_text"] == "我于收货当天发现左耳无声。" and event.payload["target"] == "12315"
    dossier = queries.build(disputed, "12315")
    assert dossier.facts_edited and "我于收货当天发现左耳无声。" in dossier.facts_text
    facts = next(b for b in dossier.blocks if b.heading == "事实与理由")
    assert f"（事件#{event.seq}）" in facts.paragraphs[0]
    assert (
        actions.save_draft(disputed, world.actor("alice"), "12315", facts_text="我于收货当天发现左耳无声。")
        is None
    )
    back = actions.save_draft(disputed, world.actor("alice"), "12315", facts_text="")
    assert back.payload["facts_text"] is None
    assert not queries.build(disputed, "12315").facts_edited
    disputed.refresh_from_db()
    assert verify_case(disputed) == []


def test_answers_are_merged_validated_and_recorded(world, disputed):
    actions.save_draft(disputed, world.actor("alice"), "internet_court", answers={"delivery_city": "杭州"})
    claim = actions.save_draft(disputed, world.actor("alice"), "internet_court", answers={"fraud": True})
    draft = DossierDraft.objects.get(case=disputed, target="internet_court")
    assert draft.answers["delivery_city"] == "杭州" and draft.answers["fraud"] is None
    assert draft.event.payload["answers"] == draft.answers
    # A law fact is the case's, not the dossier's: the consumer's claim, used by every dossier.
    assert claim.type == "law_facts_recorded"
    assert claim.payload == {"standing": "claimed", "facts": {"fraud": True}}
    assert "赔偿金" in "".join(
        item for b in queries.build(disputed, "12315").blocks for item in b.numbered + b.paragraphs
    )
    seq = disputed.seq
    with pytest.raises(InvalidInput) as exc:
        actions.save_draft(
            disputed, world.actor("alice"), "internet_court", answers={"problem_found_on": "2000-01-01"}
        )
    assert exc.value.field == "problem_found_on"  # before the order
    with pytest.raises(InvalidInput):
        actions.save_draft(disputed, world.actor("alice"), "internet_court", facts_text="x" * 10_001)
    with pytest.raises(NotAllowed):
        actions.save_draft(disputed, world.actor("bob"), "12315", facts_text="商家的说法")
    disputed.refresh_from_db()
    assert disputed.seq == seq


def test_complainant_details_go_into_the_profile_not_the_case(world, disputed):
    world.alice.profile.phone = ""
    world.alice.profile.save()
    assert [m.code for m in queries.build(disputed, "12315").missing] == ["phone"]
    seq = disputed.seq
    changed = actions.complete_profile(disputed, world.actor("alice"), phone="13912345678")
    assert changed == ["phone"]
    disputed.refresh_from_db()
    assert disputed.seq == seq  # personal data is never copied into case payloads
    assert queries.build(disputed, "12315").ready
    with pytest.raises(InvalidInput) as exc:
        actions.complete_profile(disputed, world.actor("alice"), id_number="12345")
    assert exc.value.field == "id_number"
    with pytest.raises(InvalidInput):
        actions.complete_profile(disputed, world.actor("alice"), phone="call me")
