"""The content type comes from the bytes, never from the name or the browser's word."""

from __future__ import annotations

import pytest

from gongdao import codes
from gongdao.evidence.sniff import (
    KIND_TYPES,
    SNIFF_BYTES,
    allowed_types_for,
    category_of,
    claim_matches,
    normalise,
    sniff,
)
from tests.evidence.evidence_samples import (
    heic_bytes,
    jpeg_bytes,
    mov_bytes,
    mp4_bytes,
    pdf_bytes,
    png_bytes,
    text_bytes,
    webp_bytes,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (jpeg_bytes(), "image/jpeg"),
        (png_bytes(), "image/png"),
        (heic_bytes(), "image/heic"),
        (webp_bytes(), "image/webp"),
        (mp4_bytes(), "video/mp4"),
        (mp4_bytes(brand=b"mp42", compatible=(b"mp42", b"isom")), "video/mp4"),
        (mov_bytes(), "video/quicktime"),
        (pdf_bytes(), "application/pdf"),
        (text_bytes(), "text/plain"),
    ],
    ids=["jpeg", "png", "heic", "webp", "mp4", "mp4-mp42", "mov", "pdf", "text"],
)
def test_sniffs_what_phones_and_scanners_produce(data, expected):
    assert sniff(data[:SNIFF_BYTES], complete=len(data) <= SNIFF_BYTES) == expected


def test_heif_brands_without_heic_are_heif():
    from tests.evidence.evidence_samples import box

    data = box(b"ftyp", b"mif1" + b"\0\0\0\0" + b"mif1miaf") + box(b"meta", b"\0" * 32)
    assert sniff(data) == "image/heif"


def test_ten_bit_iphone_heic_brand_is_heic():
    from tests.evidence.evidence_samples import box

    assert sniff(box(b"ftyp", b"heix\0\0\0\0mif1heix") + b"\0" * 16) == "image/heic"


def test_text_starting_like_a_bitmap_is_still_text():
    assert sniff(b"BMW order 12345 delivered late\n") == "text/plain"


def test_binary_and_unknown_bytes_are_not_text():
    assert sniff(b"\x00\x01\x02\x03 binary") == "application/octet-stream"
    assert sniff(b"BM\x00\x00\x00\x00") == "image/bmp"
    assert sniff(b"PK\x03\x04" + b"\0" * 40) == "application/zip"


def test_utf8_character_cut_at_the_sniff_boundary_is_still_text():
    data = ("买" * 5000).encode()  # 3 bytes each: 8192 falls inside a character
    assert sniff(data[:SNIFF_BYTES]) == "text/plain"


def test_cut_character_at_the_very_end_of_a_whole_file_is_not_text():
    assert sniff("买".encode()[:2], complete=True) != "text/plain"


def test_gbk_text_is_not_taken_for_utf8():
    assert sniff("收到的杯子是碎的".encode("gbk"), complete=True) != "text/plain"


def test_categories():
    assert category_of("image/heic") == "image"
    assert category_of("video/quicktime") == "video"
    assert category_of("text/plain") == "document"
    assert category_of("image/bmp") is None


def test_every_evidence_kind_of_the_design_has_allowed_types():
    assert sorted(KIND_TYPES) == sorted(codes.EVIDENCE_KINDS)
    assert allowed_types_for("problem_photo") == (
        "image/jpeg",
        "image/png",
        "image/heic",
        "image/heif",
        "image/webp",
    )
    assert set(allowed_types_for("problem_video")) == {"video/mp4", "video/quicktime"}
    assert "text/plain" in allowed_types_for("chat_record")
    assert "text/plain" not in allowed_types_for("invoice")
    assert "application/pdf" in allowed_types_for("authorization")
    assert len(allowed_types_for("other")) == 9


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(KeyError):
        allowed_types_for("selfie")


@pytest.mark.parametrize(
    ("claimed", "sniffed", "ok"),
    [
        (None, "image/jpeg", True),
        ("application/octet-stream", "image/jpeg", True),
        ("image/jpg", "image/jpeg", True),
        ("IMAGE/JPEG; charset=binary", "image/jpeg", True),
        ("image/heif", "image/heic", True),
        ("video/quicktime", "video/mp4", True),
        ("text/csv", "text/plain", True),
        ("image/jpeg", "application/pdf", False),
        ("image/png", "image/jpeg", False),
        ("application/pdf", "text/plain", False),
    ],
)
def test_claimed_type_against_sniffed(claimed, sniffed, ok):
    assert claim_matches(claimed, sniffed) is ok


def test_normalise():
    assert normalise("") is None
    assert normalise("image/pjpeg") == "image/jpeg"
