"""add_evidence, the one upload function: what it records, and each bad input leaving nothing behind."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from gongdao import keys
from gongdao.cases.actions import perform
from gongdao.cases.models import Case, CaseEvent, Outbox
from gongdao.cases.verification import verify_case
from gongdao.errors import DomainError, InvalidInput, NotAllowed, NotFound
from gongdao.evidence import receipts
from gongdao.evidence.actions import add_evidence, add_text_evidence, collect_garbage, withdraw_evidence
from gongdao.evidence.models import EvidenceItem
from gongdao.evidence.queries import checklist, may_add
from gongdao.evidence.storage import address
from gongdao.policy.queries import parsed
from tests.evidence.conftest import files_under
from tests.evidence.evidence_samples import (
    jpeg_bytes,
    mp4_bytes,
    pdf_bytes,
    png_bomb_bytes,
    text_bytes,
)


def add(case, actor, data=None, *, kind="problem_photo", filename="crack.jpg", **options):
    return add_evidence(
        case,
        actor,
        kind=kind,
        source=io.BytesIO(jpeg_bytes() if data is None else data),
        filename=filename,
        **options,
    )


def test_a_photo_is_stored_by_hash_recorded_as_an_event_and_receipted(world, cases, data_dir):
    case = cases.draft()
    seq = case.seq
    data = jpeg_bytes(taken="2024:05:01 14:30:00")
    item = add(case, world.actor("alice"), data, description="The crack on the left earpiece.")

    import hashlib

    sha = hashlib.sha256(data).hexdigest()
    assert (item.sha256, item.size, item.content_type, item.side) == (
        sha,
        len(data),
        "image/jpeg",
        "consumer",
    )
    assert item.original_name == "crack.jpg" and item.uploaded_by == world.alice
    assert item.captured_at.isoformat() == "2024-05-01T06:30:00+00:00"  # China time in EXIF
    assert item.has_location and item.phash is not None and item.phash_band0 is not None
    assert (data_dir / "evidence" / address(sha)).read_bytes() == data
    assert files_under(data_dir / "tmp") == []

    event = CaseEvent.objects.get(case=case, seq=seq + 1)
    assert event.type == "evidence_added" and item.event == event
    assert event.payload["sha256"] == sha and event.payload["item"] == item.public_id
    assert Case.objects.get(pk=case.pk).head_hash == event.hash
    assert receipts.row_holds(item)
    assert verify_case(Case.objects.get(pk=case.pk)) == []
    assert not Outbox.objects.filter(case=case, type="case.evidence_added").exists()  # a draft is private


def test_evidence_on_a_filed_case_notifies_the_other_parties(world, cases):
    case = cases.filed()
    item = add(case, world.actor("bob"), kind="logistics_record", data=pdf_bytes(), filename="waybill.pdf")
    assert item.side == "merchant"
    row = Outbox.objects.get(case=case, type="case.evidence_added")
    assert row.event == item.event and row.exclude_user == world.bob.public_id


def test_identical_content_is_stored_once(world, cases, data_dir):
    case = cases.filed()
    first = add(case, world.actor("alice"), filename="a.jpg")
    second = add(case, world.actor("alice"), filename="b.jpg")
    assert first.sha256 == second.sha256 and first.pk != second.pk
    assert len(files_under(data_dir / "evidence")) == 1


def test_text_evidence_is_kept_as_utf8_through_the_same_path(world, cases, data_dir):
    case = cases.filed()
    text = "2024-05-01 买家：杯子碎了。\n2024-05-01 商家：不退。\n"
    item = add_text_evidence(case, world.actor("alice"), text=text, kind="chat_record")
    assert item.content_type == "text/plain" and item.original_name == "chat_record.txt"
    assert (data_dir / "evidence" / address(item.sha256)).read_text(encoding="utf-8") == text
    assert item.event.payload["sha256"] == item.sha256


@pytest.mark.parametrize("text", ["", "   ", "bad\x00byte"])
def test_text_evidence_refuses_empty_or_binary_text(world, cases, data_dir, text):
    case = cases.filed()
    with pytest.raises(InvalidInput) as info:
        add_text_evidence(case, world.actor("alice"), text=text)
    assert info.value.field == "text"
    assert EvidenceItem.objects.count() == 0 and files_under(data_dir) == [data_dir / "signing_key.pem"]


def test_a_video_and_a_pdf_are_accepted_for_their_kinds(world, cases):
    case = cases.filed()
    video = add(case, world.actor("alice"), mp4_bytes(body=64 * 1024), kind="problem_video", filename="v.mp4")
    pdf = add(case, world.actor("alice"), pdf_bytes(), kind="test_report", filename="lab.pdf")
    assert (video.content_type, pdf.content_type) == ("video/mp4", "application/pdf")
    assert video.phash is None and video.captured_at is None


def test_the_checklist_counts_evidence_and_filing_needs_the_required_kinds(world, cases):
    case = cases.draft(issue="damaged_in_transit")
    policy = parsed(case.policy)
    with pytest.raises(NotAllowed) as info:
        perform(case, "submit", world.actor("alice"))
    assert info.value.code == "evidence_missing" and info.value.extra["missing"] == ["problem_photo"]
    add(case, world.actor("alice"))
    rows = {row["kind"]: row for row in checklist(case, policy)}
    assert rows["problem_photo"] == {"kind": "problem_photo", "required": True, "present": True}
    assert rows["order_record"]["present"]  # the order snapshot
    perform(case, "submit", world.actor("alice"))
    assert case.status == "awaiting_merchant"


# ---- bad input: a clear error, and nothing left behind --------------------------------------------


def nothing_left(case, data_dir, seq):
    case = Case.objects.get(pk=case.pk)
    assert EvidenceItem.objects.count() == 0
    assert case.seq == seq and not case.events.filter(type="evidence_added").exists()
    assert files_under(data_dir / "evidence") == []
    assert files_under(data_dir / "tmp") == []


class Counted:
    """A source that counts how much of it was read (to show a refusal comes while streaming)."""

    def __init__(self, data: bytes, chunk: int = 64 * 1024) -> None:
        self.data, self.chunk, self.read_bytes = data, chunk, 0

    def __iter__(self):
        for start in range(0, len(self.data), self.chunk):
            self.read_bytes = start + self.chunk
            yield self.data[start : start + self.chunk]


def test_an_empty_file_is_refused(world, cases, data_dir):
    case = cases.filed()
    with pytest.raises(InvalidInput) as info:
        add(case, world.actor("alice"), b"")
    assert info.value.code == "empty_file"
    nothing_left(case, data_dir, case.seq)


def test_an_oversize_file_is_refused_while_streaming(world, cases, data_dir, settings):
    settings.GONGDAO_MAX_VIDEO_BYTES = 256 * 1024
    case = cases.filed()
    source = Counted(mp4_bytes(body=4 * 1024 * 1024))
    with pytest.raises(InvalidInput) as info:
        add_evidence(case, world.actor("alice"), kind="problem_video", source=source, filename="big.mp4")
    assert info.value.code == "too_large" and "0.25 MB" in str(info.value.message)
    assert source.read_bytes <= 256 * 1024 + 64 * 1024  # stopped at the limit, not after 4 MB
    nothing_left(case, data_dir, case.seq)


def test_a_wrong_type_for_the_kind_is_refused(world, cases, data_dir):
    case = cases.filed()
    with pytest.raises(InvalidInput) as info:
        add(case, world.actor("alice"), pdf_bytes(), kind="problem_photo", filename="photo.pdf")
    assert info.value.code == "type_not_allowed"
    assert "PDF" in str(info.value.message) and "JPEG" in str(info.value.message)
    nothing_left(case, data_dir, case.seq)


def test_bytes_that_do_not_match_the_claimed_type_are_refused(world, cases, data_dir):
    case = cases.filed()
    with pytest.raises(InvalidInput) as info:
        add(case, world.actor("alice"), jpeg_bytes(), claimed_type="video/mp4", filename="clip.mp4")
    assert info.value.code == "type_mismatch"
    nothing_left(case, data_dir, case.seq)


def test_an_image_bomb_is_refused_before_decoding(world, cases, data_dir):
    case = cases.filed()
    with pytest.raises(InvalidInput) as info:
        add(case, world.actor("alice"), png_bomb_bytes(), filename="bomb.png")
    assert info.value.code == "image_bomb"
    nothing_left(case, data_dir, case.seq)


def test_a_truncated_upload_is_refused(world, cases, data_dir):
    case = cases.filed()
    data = jpeg_bytes()
    with pytest.raises(InvalidInput) as info:
        add(case, world.actor("alice"), data[: len(data) // 2], expected_size=len(data))
    assert info.value.code == "truncated"
    nothing_left(case, data_dir, case.seq)


def test_a_connection_dropped_mid_upload_is_truncated(world, cases, data_dir):
    case = cases.filed()

    def dropped():
        yield jpeg_bytes()[:10000]
        raise ConnectionResetError("client went away")

    with pytest.raises(InvalidInput) as info:
        add_evidence(case, world.actor("alice"), kind="problem_photo", source=dropped(), filename="a.jpg")
    assert info.value.code == "truncated"
    nothing_left(case, data_dir, case.seq)


def test_a_truncated_image_with_a_whole_header_is_refused(world, cases, data_dir):
    case = cases.filed()
    data = jpeg_bytes(size=(640, 480))
    with pytest.raises(InvalidInput) as info:
        add(case, world.actor("alice"), data[: len(data) - 2000])
    assert info.value.code in ("truncated", "unreadable_image")
    nothing_left(case, data_dir, case.seq)


@pytest.mark.parametrize(
    "name", ["../../etc/passwd", "..\\..\\boot.ini", "photos/crack.jpg", "..", "a\x00.jpg"]
)
def test_a_path_like_filename_is_refused(world, cases, data_dir, name, tmp_path):
    case = cases.filed()
    with pytest.raises(InvalidInput) as info:
        add(case, world.actor("alice"), filename=name)
    assert info.value.code == "bad_filename"
    nothing_left(case, data_dir, case.seq)


def test_a_10000_character_filename_is_refused(world, cases, data_dir):
    case = cases.filed()
    with pytest.raises(InvalidInput) as info:
        add(case, world.actor("alice"), filename="a" * 9996 + ".jpg")
    assert info.value.code == "filename_too_long"
    nothing_left(case, data_dir, case.seq)


def test_a_255_character_chinese_filename_is_kept_as_given(world, cases):
    case = cases.filed()
    name = "裂" * 251 + ".jpg"
    assert add(case, world.actor("alice"), filename=name).original_name == name


def test_an_unknown_kind_and_a_long_description_are_refused(world, cases, data_dir):
    case = cases.filed()
    with pytest.raises(InvalidInput) as info:
        add(case, world.actor("alice"), kind="selfie")
    assert (info.value.code, info.value.field) == ("unknown_kind", "kind")
    with pytest.raises(InvalidInput) as info:
        add(case, world.actor("alice"), description="x" * 2001)
    assert info.value.field == "description"
    nothing_left(case, data_dir, case.seq)


@pytest.mark.parametrize("who", ["charlie", "mallory"])
def test_a_case_the_uploader_may_not_touch_is_not_found(world, cases, data_dir, who):
    case = cases.filed()
    with pytest.raises(NotFound):
        add(case, world.actor(who))
    nothing_left(case, data_dir, case.seq)


def test_a_case_under_review_refuses_parties_evidence_until_asked(world, cases, data_dir):
    case = cases.under_review()
    with pytest.raises(NotAllowed) as info:
        add(case, world.actor("alice"))
    assert info.value.code == "evidence_window_closed"
    nothing_left(case, data_dir, case.seq)


def test_an_ended_case_refuses_everyone(world, cases, data_dir):
    case = cases.withdrawn()
    for who in ("alice", "bob", "agnes"):
        with pytest.raises(NotAllowed) as info:
            add(case, world.actor(who))
        assert info.value.code == "case_ended"
    nothing_left(case, data_dir, case.seq)


def test_the_source_is_not_read_when_the_window_is_closed(world, cases, data_dir):
    case = cases.under_review()
    source = Counted(jpeg_bytes())
    with pytest.raises(NotAllowed):
        add_evidence(case, world.actor("alice"), kind="problem_photo", source=source, filename="a.jpg")
    assert source.read_bytes == 0


# ---- who may add evidence, and when ---------------------------------------------------------------


def test_on_a_draft_only_the_consumer_adds(world, cases):
    case = cases.draft()
    assert may_add(world.actor("alice"), case)
    assert not may_add(world.actor("bob"), case) and not may_add(world.actor("agnes"), case)
    with pytest.raises(NotFound):  # a draft is the consumer's alone: others do not see it
        add(case, world.actor("bob"))
    with pytest.raises(NotAllowed) as info:
        add(case, world.actor("ada"))
    assert info.value.code == "not_filed"


def test_during_negotiation_and_the_evidence_period_both_parties_add(world, cases):
    case = cases.evidence_period()
    assert add(case, world.actor("alice")).side == "consumer"
    assert (
        add(case, world.actor("bob"), pdf_bytes(), kind="logistics_record", filename="w.pdf").side
        == "merchant"
    )
    assert add(case, world.actor("agnes"), pdf_bytes(), kind="other", filename="note.pdf").side == "platform"


def test_under_review_only_the_party_asked_adds_while_the_window_is_open(world, cases):
    case = cases.under_review()
    perform(
        case, "request_evidence", world.actor("agnes"), party="merchant", note="The signed waybill, please."
    )
    assert may_add(world.actor("bob"), case) and not may_add(world.actor("alice"), case)
    add(case, world.actor("bob"), pdf_bytes(), kind="logistics_record", filename="waybill.pdf")
    perform(case, "close_evidence", world.actor("agnes"))
    with pytest.raises(NotAllowed) as info:
        add(case, world.actor("bob"), pdf_bytes(), kind="logistics_record", filename="late.pdf")
    assert info.value.code == "evidence_window_closed"


def test_a_request_to_both_parties_opens_the_window_for_both(world, cases):
    case = cases.under_review()
    perform(case, "request_evidence", world.actor("agnes"), party="both", note="Photos of the box.")
    assert may_add(world.actor("alice"), case) and may_add(world.actor("bob"), case)


def test_agents_add_evidence_at_any_time_before_the_case_ends(world, cases):
    case = cases.under_review()
    assert (
        add(case, world.actor("agnes"), pdf_bytes(), kind="other", filename="call-notes.pdf").side
        == "platform"
    )


def test_the_window_closing_while_the_file_arrives_refuses_it_and_gc_reports_the_file(world, cases, data_dir):
    case = cases.under_review()
    perform(case, "request_evidence", world.actor("agnes"), party="consumer", note="A photo of the label.")
    data = jpeg_bytes()

    def slow():
        yield data[:9000]
        other = Case.objects.get(pk=case.pk)
        perform(other, "close_evidence", world.actor("agnes"))  # meanwhile, the window closes
        yield data[9000:]

    seq = Case.objects.get(pk=case.pk).seq
    with pytest.raises(NotAllowed) as info:
        add_evidence(case, world.actor("alice"), kind="problem_photo", source=slow(), filename="a.jpg")
    assert info.value.code == "evidence_window_closed"
    fresh = Case.objects.get(pk=case.pk)
    assert EvidenceItem.objects.count() == 0 and fresh.seq == seq + 1  # the close_evidence event only
    report = collect_garbage(older_than=timedelta(0))
    assert len(report.unreferenced) == 1 and report.stored == 1  # reported, never served, never deleted


# ---- withdrawal -------------------------------------------------------------------------------------


def test_withdrawing_keeps_the_item_and_its_file_on_record(world, cases, data_dir):
    case = cases.filed()
    item = add(case, world.actor("alice"))
    event = withdraw_evidence(case, world.actor("alice"), item.public_id, reason="Wrong photo.")
    item.refresh_from_db()
    assert event.type == "evidence_withdrawn" and event.payload["sha256"] == item.sha256
    assert item.withdrawn_at == event.recorded_at
    assert (data_dir / "evidence" / address(item.sha256)).exists()
    assert "problem_photo" not in {r["kind"] for r in checklist(case, parsed(case.policy)) if r["present"]}
    assert verify_case(Case.objects.get(pk=case.pk)) == []


def test_a_party_withdraws_only_its_own_items(world, cases):
    case = cases.filed()
    item = add(case, world.actor("alice"))
    with pytest.raises(DomainError):
        withdraw_evidence(case, world.actor("bob"), item.public_id)
    add(case, world.actor("bob"), pdf_bytes(), kind="logistics_record", filename="w.pdf")
    with pytest.raises(InvalidInput) as info:
        withdraw_evidence(case, world.actor("bob"), item.public_id)
    assert info.value.code == "unknown_evidence"
    item.refresh_from_db()
    assert item.withdrawn_at is None


def test_withdraw_evidence_is_offered_only_to_a_side_with_evidence(world, cases):
    from gongdao.cases.queries import allowed_actions

    case = cases.filed()
    assert "withdraw_evidence" not in allowed_actions(case, world.actor("alice"))
    add(case, world.actor("alice"))
    assert "withdraw_evidence" in allowed_actions(case, world.actor("alice"))
    assert "withdraw_evidence" not in allowed_actions(case, world.actor("bob"))


# ---- receipts -----------------------------------------------------------------------------------------


def test_the_receipt_verifies_with_the_public_key_and_fails_when_altered(world, cases, data_dir):
    case = cases.filed()
    item = add(case, world.actor("alice"))
    doc = receipts.document(item)
    public = keys.public_raw(keys.private_key())
    assert doc["receipt"] == {
        "case": case.public_id,
        "item": item.public_id,
        "sha256": item.sha256,
        "received_at": doc["receipt"]["received_at"],
        "event_hash": item.event.hash,
    }
    assert keys.decode_public(doc["public_key"]) == public
    assert receipts.verify(doc, public)
    forged = {**doc, "receipt": {**doc["receipt"], "sha256": "0" * 64}}
    assert not receipts.verify(forged, public)
    other_key = keys.public_raw(keys._load.__wrapped__(_other_key(data_dir)))
    assert not receipts.verify(doc, other_key)


def _other_key(data_dir):
    folder = data_dir / "other"
    keys.create(folder)
    return keys.key_path(folder)


def test_text_source_types_are_checked(world, cases):
    case = cases.filed()
    with pytest.raises(TypeError):
        add_evidence(case, world.actor("alice"), kind="chat_record", source="not bytes", filename="a.txt")
    item = add_evidence(
        case, world.actor("alice"), kind="chat_record", source=[text_bytes()], filename="chat.txt"
    )
    assert item.content_type == "text/plain"
