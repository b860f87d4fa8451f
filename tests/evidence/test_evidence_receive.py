"""Receiving an upload: streamed, hashed, sniffed, limited while streaming, nothing left on refusal."""

from __future__ import annotations

import hashlib

import pytest
from django.utils import translation

from gongdao.evidence.errors import CODES, EvidenceRejected
from gongdao.evidence.storage import Limits, receive
from tests.evidence.evidence_samples import (
    LIMITS,
    MB,
    chunked,
    heic_bytes,
    jpeg_bytes,
    mov_bytes,
    mp4_bytes,
    pdf_bytes,
    png_bytes,
    text_bytes,
)

pytestmark = pytest.mark.unit


def counting(chunks, consumed):
    """Yield the chunks, counting in ``consumed`` how many were taken."""
    for chunk in chunks:
        consumed.append(len(chunk))
        yield chunk


def rejected(code, chunks, tmp_dir, **kwargs):
    kwargs.setdefault("kind", "other")
    kwargs.setdefault("limits", LIMITS)
    with pytest.raises(EvidenceRejected) as caught:
        receive(chunks, tmp_dir=tmp_dir, **kwargs)
    assert caught.value.code == code
    assert list(tmp_dir.iterdir()) == [], "a refused upload leaves nothing behind"
    return caught.value


@pytest.mark.parametrize(
    ("make", "kind", "content_type"),
    [
        (jpeg_bytes, "problem_photo", "image/jpeg"),
        (png_bytes, "chat_record", "image/png"),
        (heic_bytes, "problem_photo", "image/heic"),
        (mp4_bytes, "unboxing_video", "video/mp4"),
        (mov_bytes, "problem_video", "video/quicktime"),
        (pdf_bytes, "invoice", "application/pdf"),
        (text_bytes, "chat_record", "text/plain"),
    ],
)
def test_receives_and_hashes_each_accepted_type(tmp_dir, make, kind, content_type):
    data = make()
    got = receive(chunked(data, 1000), kind=kind, limits=LIMITS, tmp_dir=tmp_dir)
    assert got.content_type == content_type
    assert got.size == len(data)
    assert got.sha256 == hashlib.sha256(data).hexdigest()
    assert got.temp_path.parent == tmp_dir
    assert got.temp_path.read_bytes() == data


def test_large_video_in_many_chunks(tmp_dir):
    data = mp4_bytes(body=3 * MB)
    got = receive(chunked(data, 7777), kind="problem_video", limits=LIMITS, tmp_dir=tmp_dir)
    assert got.sha256 == hashlib.sha256(data).hexdigest()


def test_empty_file_is_refused(tmp_dir):
    error = rejected("empty_file", [], tmp_dir)
    with translation.override("en"):
        assert "empty" in str(error.message)
    rejected("empty_file", [b"", b""], tmp_dir)


def test_over_size_is_refused_while_streaming(tmp_dir):
    limits = Limits(image=100 * 1024, video=MB, document=MB)
    consumed: list[int] = []
    endless = (jpeg_bytes() + b"\0" * 64 * 1024 for _ in range(10_000))  # ~1 GB if read to the end
    error = rejected("too_large", counting(endless, consumed), tmp_dir, kind="problem_photo", limits=limits)
    assert len(consumed) <= 3, "stopped reading as soon as the limit was passed"
    with translation.override("en"):
        assert "0.10 MB" in str(error.message) and "image" in str(error.message)


def test_limit_is_that_of_the_sniffed_category(tmp_dir):
    limits = Limits(image=10, video=10 * MB, document=10)
    data = mp4_bytes(body=64 * 1024)
    got = receive(chunked(data), kind="problem_video", limits=limits, tmp_dir=tmp_dir)
    assert got.size == len(data)
    got.temp_path.unlink()
    rejected("too_large", chunked(jpeg_bytes()), tmp_dir, kind="problem_photo", limits=limits)


def test_exactly_at_the_limit_is_accepted(tmp_dir):
    data = pdf_bytes()
    limits = Limits(image=1, video=1, document=len(data))
    assert receive([data], kind="invoice", limits=limits, tmp_dir=tmp_dir).size == len(data)


def test_wrong_type_for_kind_is_refused(tmp_dir):
    error = rejected("type_not_allowed", chunked(pdf_bytes()), tmp_dir, kind="problem_photo")
    assert "PDF" in error.message and "JPEG" in error.message
    rejected("type_not_allowed", chunked(jpeg_bytes()), tmp_dir, kind="unboxing_video")
    rejected("type_not_allowed", [text_bytes()], tmp_dir, kind="invoice")


def test_unknown_binary_is_refused(tmp_dir):
    rejected("type_not_allowed", [b"\x00\x01binary" * 100], tmp_dir)
    rejected("type_not_allowed", [b"PK\x03\x04" + b"\0" * 100], tmp_dir)


def test_bytes_not_matching_the_claimed_type_are_refused(tmp_dir):
    error = rejected("type_mismatch", chunked(pdf_bytes()), tmp_dir, claimed_type="image/jpeg")
    assert "JPEG" in error.message and "PDF" in error.message


def test_compatible_claims_are_accepted(tmp_dir):
    got = receive(
        [jpeg_bytes()], kind="problem_photo", limits=LIMITS, tmp_dir=tmp_dir, claimed_type="image/jpg"
    )
    assert got.content_type == "image/jpeg"


def test_upload_shorter_than_declared_is_truncated(tmp_dir):
    data = jpeg_bytes()
    rejected("truncated", [data[:1000]], tmp_dir, expected_size=len(data))


def test_connection_dropped_mid_upload_is_truncated(tmp_dir):
    def dropping():
        yield jpeg_bytes()[:9000]
        raise ConnectionResetError("client went away")

    error = rejected("truncated", dropping(), tmp_dir)
    assert isinstance(error.__cause__, ConnectionResetError)


def test_any_other_failure_also_removes_the_temp_file(tmp_dir):
    def failing():
        yield pdf_bytes()
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        receive(failing(), kind="other", limits=LIMITS, tmp_dir=tmp_dir)
    assert list(tmp_dir.iterdir()) == []


def test_type_decided_from_at_least_8_kb(tmp_dir):
    """A first chunk of 2 bytes does not decide anything: sniffing waits for more."""
    data = jpeg_bytes()
    got = receive(chunked(data, 2), kind="problem_photo", limits=LIMITS, tmp_dir=tmp_dir)
    assert got.content_type == "image/jpeg"


def test_every_code_has_a_message():
    for code in CODES:
        params = {
            "limit_mb": 1,
            "category": "x",
            "content_type": "x",
            "allowed": "x",
            "claimed": "x",
            "max_mp": 1,
        }
        assert EvidenceRejected(code, **params).message
    with pytest.raises(ValueError):
        EvidenceRejected("no_such_code")


def test_rejection_is_an_invalid_input_domain_error():
    from gongdao.errors import InvalidInput

    error = EvidenceRejected("empty_file")
    assert isinstance(error, InvalidInput)
    assert error.status == 422 and error.code == "empty_file" and error.field == "file"


def test_type_refused_after_the_sniff_buffer_not_after_the_whole_file(tmp_dir):
    consumed: list[int] = []
    data = pdf_bytes() + b"%" * 100_000
    rejected("type_not_allowed", counting(chunked(data, 1000), consumed), tmp_dir, kind="problem_photo")
    assert len(consumed) == 9, "read 8 KB (9 chunks of 1000 bytes) to decide, then stopped"


# --- the push side, for Django upload handlers -----------------------------------------------


def test_receiver_takes_pushed_chunks(tmp_dir):
    from gongdao.evidence.storage import Receiver

    data = mp4_bytes(body=100 * 1024)
    receiver = Receiver(kind="problem_video", limits=LIMITS, tmp_dir=tmp_dir, claimed_type="video/mp4")
    for chunk in chunked(data, 3000):
        receiver.write(chunk)
    assert receiver.content_type == "video/mp4" and receiver.size == len(data)
    got = receiver.finish(expected_size=len(data))
    assert got.sha256 == hashlib.sha256(data).hexdigest() and got.temp_path.read_bytes() == data


def test_receiver_refuses_on_the_write_that_passes_the_limit(tmp_dir):
    from gongdao.evidence.storage import Receiver

    receiver = Receiver(
        kind="problem_photo", limits=Limits(image=20_000, video=1, document=1), tmp_dir=tmp_dir
    )
    receiver.write(jpeg_bytes(size=(640, 480))[:10_000])
    with pytest.raises(EvidenceRejected) as caught:
        receiver.write(b"\0" * 10_001)
    assert caught.value.code == "too_large"
    assert list(tmp_dir.iterdir()) == []


def test_receiver_abort_removes_the_temp_file(tmp_dir):
    from gongdao.evidence.storage import Receiver

    receiver = Receiver(kind="other", limits=LIMITS, tmp_dir=tmp_dir)
    receiver.write(b"some text")
    receiver.abort()
    receiver.abort()
    assert list(tmp_dir.iterdir()) == []


def test_receiver_finish_of_nothing_is_empty(tmp_dir):
    from gongdao.evidence.storage import Receiver

    receiver = Receiver(kind="other", limits=LIMITS, tmp_dir=tmp_dir)
    with pytest.raises(EvidenceRejected) as caught:
        receiver.finish()
    assert caught.value.code == "empty_file"
    assert list(tmp_dir.iterdir()) == []
