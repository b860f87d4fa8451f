"""`gongdao verify`: recomputes each case's hash chain, its frozen order snapshot and its signed
checkpoints; passes on untouched cases and fails, naming the event or thing, after tampering in
the database. A withheld payload (set to null) still verifies through its stored digest."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

import pytest
from click.testing import CliRunner

from gongdao.cases.actions import add_note
from gongdao.cases.models import Case, CaseEvent, Checkpoint
from gongdao.cli import main
from gongdao.orders.models import OrderLine
from tests.core.flow import Flow


def verify(*case_ids: str) -> Any:
    return CliRunner().invoke(main, ["verify", *case_ids])


def assert_fails_naming(*parts: str) -> None:
    result = verify()
    assert result.exit_code == 1, result.output
    assert "FAIL" in result.stderr
    for part in parts:
        assert part in result.stderr, result.stderr


@pytest.fixture
def case(flow: Flow) -> Case:
    """A case with a few events and checkpoints at each stage change."""
    case = flow.escalated()
    flow.do(case, "assign", "agnes")
    return case


def test_verify_passes_on_fresh_cases(case: Case, flow: Flow) -> None:
    flow.resolved()
    result = verify()
    assert result.exit_code == 0, result.output
    assert "ok: 2 case(s) verified" in result.output
    assert case.checkpoints.count() >= 3, "signed at opening and at each stage change"


def test_verify_checks_only_the_cases_named(case: Case) -> None:
    result = verify(case.public_id.lower())
    assert result.exit_code == 0 and "ok: 1 case(s) verified" in result.output
    missing = verify("C-NOSUCH00")
    assert missing.exit_code == 1 and "no such case: C-NOSUCH00" in missing.output


def test_altered_payload_is_named(case: Case) -> None:
    event = case.events.get(seq=3)  # the merchant's rejection
    CaseEvent.objects.filter(pk=event.pk).update(payload={**event.payload, "reason": "We agreed to refund."})
    assert_fails_naming(case.public_id, f"event 3 ({event.public_id})", "payload does not match its digest")


def test_altered_payload_digest_is_named(case: Case) -> None:
    event = case.events.get(seq=2)
    forged = CaseEvent.objects.filter(pk=event.pk)
    from gongdao.cases import chain

    forged.update(payload={**event.payload, "to": "withdrawn"})
    forged.update(payload_digest=chain.payload_digest(forged.get().payload))
    assert_fails_naming(f"event 2 ({event.public_id})", "hash does not match the event's fields")


def test_altered_event_time_is_named(case: Case) -> None:
    event = case.events.get(seq=4)
    CaseEvent.objects.filter(pk=event.pk).update(recorded_at=event.recorded_at - timedelta(days=1))
    assert_fails_naming(f"event 4 ({event.public_id})", "hash does not match")


def test_rewritten_chain_is_caught_by_the_signed_checkpoints(case: Case) -> None:
    """Recomputing every hash after a change keeps the chain whole, but not the signatures."""
    from gongdao.cases import chain
    from gongdao.cases.verification import event_dict

    events = list(case.events.order_by("seq"))
    events[1].payload = {**events[1].payload, "to": "withdrawn"}
    prev = chain.GENESIS
    for event in events:
        fields = event_dict(event)
        event.payload_digest = chain.payload_digest(event.payload)
        event.prev_hash = prev
        event.hash = chain.event_hash(
            prev_hash=prev,
            payload_digest=event.payload_digest,
            **{k: fields[k] for k in ("seq", "recorded_at", "occurred_at", "actor", "type", "visibility")},
        )
        event.save(update_fields=["payload", "payload_digest", "prev_hash", "hash"])
        prev = event.hash
    Case.objects.filter(pk=case.pk).update(head_hash=prev)
    assert_fails_naming(case.public_id, "checkpoint at event", "names a hash the chain lacks")


def test_altered_order_snapshot_is_named(case: Case) -> None:
    snapshot = {**case.order_snapshot, "shipping_fee_fen": 0}
    Case.objects.filter(pk=case.pk).update(order_snapshot=snapshot)
    opened = case.events.get(seq=1)
    assert_fails_naming(case.public_id, f"order snapshot differs from event 1 ({opened.public_id})")


def test_altered_paid_amount_of_an_order_line_is_named(case: Case) -> None:
    OrderLine.objects.filter(order=case.order, line_no=1).update(paid_fen=1)
    assert_fails_naming(case.public_id, f"order {case.order.public_id} line 1 differs from the snapshot")


def test_altered_checkpoint_signature_is_named(case: Case) -> None:
    checkpoint = case.checkpoints.order_by("seq").last()
    raw = bytearray(base64.b64decode(checkpoint.signature))
    raw[0] ^= 0xFF
    Checkpoint.objects.filter(pk=checkpoint.pk).update(signature=base64.b64encode(bytes(raw)).decode())
    assert_fails_naming(case.public_id, f"checkpoint signature at event {checkpoint.seq} does not verify")


def test_withheld_platform_only_payload_still_verifies(case: Case, world: Any) -> None:
    note = add_note(case, world.actor("agnes"), "The shop has three similar complaints this month.")
    assert note.visibility == "platform_only"
    CaseEvent.objects.filter(pk=note.pk).update(payload=None)
    result = verify(case.public_id)
    assert result.exit_code == 0, result.output


def test_withheld_payload_does_not_hide_a_forged_digest(case: Case, world: Any) -> None:
    note = add_note(case, world.actor("agnes"), "Internal.")
    CaseEvent.objects.filter(pk=note.pk).update(payload=None, payload_digest="0" * 64)
    assert_fails_naming(f"event {note.seq} ({note.public_id})")


def test_occurred_at_is_recorded_and_covered_by_the_hash(case: Case, flow: Flow) -> None:
    from gongdao.cases.actions import perform

    happened = flow.now - timedelta(days=2)
    event = perform(case, "assign", flow.actor("sam"), assignee="agnes", occurred_at=happened)
    event.refresh_from_db()
    assert event.occurred_at == happened and event.recorded_at > happened
    assert verify(case.public_id).exit_code == 0
    CaseEvent.objects.filter(pk=event.pk).update(occurred_at=happened + timedelta(hours=1))
    assert_fails_naming(f"event {event.seq} ({event.public_id})", "hash does not match")
