"""Images: bombs refused before decoding, capture time, location stripped for the other party."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from PIL import ExifTags, Image, ImageFile

from gongdao.evidence import media
from gongdao.evidence.errors import EvidenceRejected
from gongdao.evidence.sniff import sniff
from tests.evidence.evidence_samples import (
    encode,
    heic_bytes,
    jpeg_bytes,
    mp4_bytes,
    picture,
    png_bomb_bytes,
    png_bytes,
    webp_bytes,
)

pytestmark = pytest.mark.unit


def refused(code, path, func=media.check_image):
    with pytest.raises(EvidenceRejected) as caught:
        func(path)
    assert caught.value.code == code


def test_jpeg_capture_time_in_china_time_and_location(write):
    info = media.check_image(write(jpeg_bytes(taken="2024:05:01 14:30:00")))
    assert (info.width, info.height) == (160, 120)
    assert info.captured_at == datetime(2024, 5, 1, 6, 30, tzinfo=UTC)  # 14:30 in Shanghai
    assert info.has_location


def test_offset_time_original_wins_over_china_time(write):
    info = media.check_image(write(jpeg_bytes(taken="2024:05:01 14:30:00", offset="+02:00")))
    assert info.captured_at == datetime(2024, 5, 1, 12, 30, tzinfo=UTC)


@pytest.mark.parametrize("taken", [None, "0000:00:00 00:00:00", "yesterday", "    "])
def test_missing_or_bad_capture_time_is_none(write, taken):
    assert media.check_image(write(jpeg_bytes(taken=taken, gps=False))).captured_at is None


def test_no_gps_no_location(write):
    assert not media.check_image(write(jpeg_bytes(gps=False))).has_location


def test_rotated_photo_reports_displayed_size(write):
    info = media.check_image(write(jpeg_bytes(orientation=6)))
    assert (info.width, info.height) == (120, 160)


def test_png_and_webp(write):
    assert media.check_image(write(png_bytes())).captured_at is None
    assert media.check_image(write(webp_bytes())).width == 160


def test_heic_from_a_phone(write):
    info = media.check_image(write(heic_bytes(taken="2023:12:31 23:59:59")))
    assert info.captured_at == datetime(2023, 12, 31, 15, 59, 59, tzinfo=UTC)
    assert info.has_location


def test_png_claiming_ten_billion_pixels_is_a_bomb(write):
    refused("image_bomb", write(png_bomb_bytes()))


def test_image_above_our_cap_but_below_pillows_is_a_bomb(write, monkeypatch):
    path = write(png_bomb_bytes(8000, 8000))  # 64 MP: Pillow alone would decode it
    decoded = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: decoded.append(self))
    refused("image_bomb", path)
    assert decoded == [], "refused from the header, before decoding"


@pytest.mark.parametrize("func", [media.thumbnail, media.without_location, media.perceptual_hash])
def test_every_image_function_refuses_bombs(write, func):
    refused("image_bomb", write(png_bomb_bytes()), func)


def test_truncated_jpeg(write):
    data = jpeg_bytes(size=(640, 480))
    refused("truncated", write(data[: len(data) * 2 // 3]))


def test_jpeg_cut_inside_its_header_is_truncated(write):
    refused("truncated", write(jpeg_bytes()[:100]))


def test_truncated_png_and_heic(write):
    data = png_bytes(size=(400, 300))
    refused("truncated", write(data[: len(data) // 2]))
    data = heic_bytes(size=(400, 300))
    refused("truncated", write(data[: len(data) // 2], "cut.heic"))


@pytest.mark.parametrize("data", [b"not an image at all", mp4_bytes(), b"\x89PNG\r\n\x1a\n" + b"\xee" * 100])
def test_unreadable(write, data):
    refused("unreadable_image", write(data))


def exif_of(data: bytes) -> Image.Exif:
    with Image.open(io.BytesIO(data)) as img:
        return img.getexif()


def test_without_location_drops_gps_keeps_orientation_and_time(write):
    path = write(jpeg_bytes(orientation=6))
    clean = media.without_location(path)
    assert sniff(clean) == "image/jpeg"
    exif = exif_of(clean)
    assert exif.get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert exif[ExifTags.Base.Orientation] == 6
    assert exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] == "2024:05:01 14:30:00"
    assert not media.check_image(write(clean, "clean.jpg")).has_location
    with Image.open(io.BytesIO(clean)) as img:
        assert img.size == (160, 120)


def test_without_location_of_heic_is_a_jpeg_without_gps(write):
    clean = media.without_location(write(heic_bytes()))
    assert sniff(clean) == "image/jpeg"
    assert exif_of(clean).get_ifd(ExifTags.IFD.GPSInfo) == {}


def test_without_location_keeps_png_and_transparency(write):
    img = picture().convert("RGBA")
    img.putpixel((0, 0), (0, 0, 0, 0))
    clean = media.without_location(write(encode(img, "PNG")))
    assert sniff(clean) == "image/png"
    with Image.open(io.BytesIO(clean)) as out:
        assert out.mode == "RGBA" and out.getpixel((0, 0))[3] == 0


def test_thumbnail_is_small_upright_and_bare(write):
    thumb = media.thumbnail(write(jpeg_bytes(size=(1600, 1200), orientation=6)), max_side=320)
    assert sniff(thumb) == "image/jpeg"
    with Image.open(io.BytesIO(thumb)) as img:
        assert img.size == (240, 320), "rotated upright, longest side 320"
        assert not img.getexif()


def test_thumbnail_webp_of_transparent_png(write):
    img = picture().convert("RGBA")
    thumb = media.thumbnail(write(encode(img, "PNG")), max_side=64, fmt="WEBP")
    assert sniff(thumb) == "image/webp"
    with pytest.raises(ValueError):
        media.thumbnail(write(png_bytes()), fmt="GIF")


def test_phash_finds_the_same_photo_reencoded_and_resized(write):
    original = media.perceptual_hash(write(jpeg_bytes(seed=7, size=(640, 480))))
    smaller = encode(picture((640, 480), seed=7).resize((320, 240)), "PNG")
    again = media.perceptual_hash(write(smaller, "again.png"))
    other = media.perceptual_hash(write(jpeg_bytes(seed=8, size=(640, 480)), "other.jpg"))
    assert media.hamming(original, again) <= 3
    assert media.hamming(original, other) > 10
    assert -(2**63) <= original < 2**63


def test_phash_of_a_rotated_photo_is_that_of_the_upright_one(write):
    upright = picture((400, 300), seed=9).transpose(Image.Transpose.ROTATE_270)
    tagged = encode(picture((400, 300), seed=9), "JPEG", quality=95, exif=_orientation(6))
    assert (
        media.hamming(
            media.perceptual_hash(write(encode(upright, "JPEG", quality=95), "upright.jpg")),
            media.perceptual_hash(write(tagged, "tagged.jpg")),
        )
        <= 3
    )


def _orientation(value: int) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = value
    return exif.tobytes()


def test_location_in_xmp_counts_and_is_dropped(write):
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description exif:GPSLatitude="31,13.8N"/></x:xmpmeta>'
    path = write(encode(picture(), "JPEG", xmp=xmp))
    assert media.check_image(path).has_location
    clean = media.without_location(path)
    assert b"GPSLatitude" not in clean
    with Image.open(io.BytesIO(clean)) as img:
        assert "xmp" not in img.info
