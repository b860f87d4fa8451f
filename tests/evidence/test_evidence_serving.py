"""Serving evidence: who gets which bytes, with which headers; byte ranges; thumbnails; receipts."""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from PIL import ExifTags, Image

from gongdao import keys
from gongdao.evidence import media, receipts, serving
from gongdao.evidence.actions import add_evidence, add_text_evidence
from tests.evidence.evidence_samples import heic_bytes, jpeg_bytes, mp4_bytes, pdf_bytes


@pytest.fixture
def login(world):
    def _login(name: str) -> Client:
        client = Client()
        client.force_login(getattr(world, name))
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return _login


def add(case, actor, data, kind="problem_photo", filename="crack.jpg"):
    return add_evidence(case, actor, kind=kind, source=io.BytesIO(data), filename=filename)


def content_url(item) -> str:
    return reverse("evidence:content", args=[item.public_id])


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def has_gps(data: bytes) -> bool:
    with Image.open(io.BytesIO(data)) as img:
        return ExifTags.IFD.GPSInfo in img.getexif()


@pytest.fixture
def photo_case(world, cases):
    """Alice's filed case with her photo that carries GPS coordinates."""
    case = cases.filed()
    data = jpeg_bytes(gps=True)
    return case, add(case, world.actor("alice"), data), data


# ---- access -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["charlie", "mallory"])
@pytest.mark.parametrize("view", ["content", "thumbnail", "receipt"])
def test_a_party_of_another_case_gets_404(photo_case, login, who, view):
    _case, item, _data = photo_case
    assert login(who).get(reverse(f"evidence:{view}", args=[item.public_id])).status_code == 404


def test_an_unknown_item_is_404_and_a_logged_out_visitor_is_sent_to_log_in(photo_case, login):
    _case, item, _data = photo_case
    assert login("alice").get(reverse("evidence:content", args=["E-00000000"])).status_code == 404
    response = Client().get(content_url(item))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_uploader_and_the_platform_get_the_original_bytes(photo_case, login):
    _case, item, data = photo_case
    for who in ("alice", "agnes", "ada"):
        response = login(who).get(content_url(item))
        assert response.status_code == 200
        got = body(response)
        assert got == data and hashlib.sha256(got).hexdigest() == item.sha256
        assert has_gps(got)


def test_the_other_party_gets_the_image_without_location(photo_case, login):
    _case, item, data = photo_case
    response = login("bob").get(content_url(item))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    got = body(response)
    assert got != data and not has_gps(got)
    with Image.open(io.BytesIO(got)) as img:
        exif = img.getexif().get_ifd(ExifTags.IFD.Exif)
        assert exif.get(ExifTags.Base.DateTimeOriginal) == "2024:05:01 14:30:00"  # capture time kept
    assert int(response["Content-Length"]) == len(got)


def test_a_heic_photo_reaches_the_other_party_as_a_jpeg_without_location(world, cases, login):
    case = cases.filed()
    item = add(case, world.actor("alice"), heic_bytes(gps=True), filename="IMG_0001.HEIC")
    assert item.content_type == "image/heic" and item.has_location
    response = login("bob").get(content_url(item))
    got = body(response)
    assert response["Content-Type"] == "image/jpeg" and got[:3] == b"\xff\xd8\xff" and not has_gps(got)


def test_a_photo_without_location_reaches_the_other_party_unchanged(world, cases, login):
    case = cases.filed()
    data = jpeg_bytes(gps=False)
    item = add(case, world.actor("alice"), data)
    assert body(login("bob").get(content_url(item))) == data


def test_the_merchants_photo_reaches_the_consumer_without_location(world, cases, login):
    case = cases.filed()
    item = add(case, world.actor("bob"), jpeg_bytes(seed=5, gps=True), filename="packing.jpg")
    assert not has_gps(body(login("alice").get(content_url(item))))
    assert has_gps(body(login("bob").get(content_url(item))))


# ---- headers ------------------------------------------------------------------------------------


def test_images_are_inline_with_safe_headers(photo_case, login):
    _case, item, _data = photo_case
    response = login("alice").get(content_url(item))
    assert response["Content-Disposition"].startswith("inline")
    assert 'filename="crack.jpg"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "sandbox" in csp and "script-src" not in csp
    assert response["Accept-Ranges"] == "bytes" and response["ETag"] == f'"{item.sha256}"'


def test_pdfs_and_text_are_attachments(world, cases, login):
    case = cases.filed()
    pdf = add(case, world.actor("alice"), pdf_bytes(), kind="logistics_record", filename="运单.pdf")
    text = add_text_evidence(case, world.actor("alice"), text="<script>alert(1)</script>")
    for item, content_type in ((pdf, "application/pdf"), (text, "text/plain; charset=utf-8")):
        response = login("bob").get(content_url(item))
        assert response["Content-Disposition"].startswith("attachment")
        assert response["Content-Type"] == content_type and response["X-Content-Type-Options"] == "nosniff"
    assert (
        "filename*=utf-8''%E8%BF%90%E5%8D%95.pdf" in login("bob").get(content_url(pdf))["Content-Disposition"]
    )


def test_a_missing_stored_file_is_404_not_a_crash(photo_case, login, data_dir):
    _case, item, _data = photo_case
    path = data_dir / "evidence" / item.sha256[:2] / item.sha256[2:4] / item.sha256
    path.chmod(0o600)
    path.unlink()
    assert login("alice").get(content_url(item)).status_code == 404


def test_a_matching_etag_answers_304(photo_case, login):
    _case, item, _data = photo_case
    response = login("alice").get(content_url(item), HTTP_IF_NONE_MATCH=f'"{item.sha256}"')
    assert response.status_code == 304


# ---- byte ranges (videos are scrubbed) --------------------------------------------------------


@pytest.fixture
def video(world, cases):
    case = cases.filed()
    data = mp4_bytes(body=256 * 1024)
    return add(case, world.actor("alice"), data, kind="problem_video", filename="unboxing.mp4"), data


def test_a_video_is_inline_and_a_range_gets_206_with_those_bytes(video, login):
    item, data = video
    response = login("bob").get(content_url(item), HTTP_RANGE="bytes=100-1099")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 100-1099/{len(data)}"
    assert response["Content-Length"] == "1000" and body(response) == data[100:1100]
    assert response["Content-Disposition"].startswith("inline") and response["Content-Type"] == "video/mp4"


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=1000-", 1000, None),
        ("bytes=-500", -500, None),
        ("bytes=0-0", 0, 1),
        ("bytes=10-99999999", 10, None),
    ],
)
def test_open_suffix_and_overlong_ranges(video, login, header, start, end):
    item, data = video
    response = login("alice").get(content_url(item), HTTP_RANGE=header)
    assert response.status_code == 206 and body(response) == data[start:end]


def test_a_range_past_the_end_is_416(video, login):
    item, data = video
    response = login("alice").get(content_url(item), HTTP_RANGE=f"bytes={len(data)}-")
    assert response.status_code == 416 and response["Content-Range"] == f"bytes */{len(data)}"


@pytest.mark.parametrize("header", ["bytes=0-10,20-30", "items=0-10", "bytes=abc-", "bytes=50-10"])
def test_ranges_we_do_not_serve_get_the_whole_file(video, login, header):
    item, data = video
    response = login("alice").get(content_url(item), HTTP_RANGE=header)
    assert response.status_code == 200 and body(response) == data


def test_if_range_with_another_etag_gets_the_whole_file(video, login):
    item, data = video
    client = login("alice")
    stale = client.get(content_url(item), HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"something-else"')
    assert stale.status_code == 200 and body(stale) == data
    fresh = client.get(content_url(item), HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=f'"{item.sha256}"')
    assert fresh.status_code == 206 and body(fresh) == data[:10]


def test_head_answers_the_length_without_a_body(video, login):
    item, data = video
    response = login("alice").head(content_url(item))
    assert response.status_code == 200 and response["Content-Length"] == str(len(data))


def test_the_range_parser_on_its_own():
    assert serving.parse_range(None, 10) is None
    assert serving.parse_range("bytes=2-4", 10) == serving.ByteRange(2, 5)
    assert serving.parse_range("bytes=-3", 10) == serving.ByteRange(7, 10)
    assert serving.parse_range("bytes=-30", 10) == serving.ByteRange(0, 10)
    with pytest.raises(serving.Unsatisfiable):
        serving.parse_range("bytes=10-", 10)
    with pytest.raises(serving.Unsatisfiable):
        serving.parse_range("bytes=-0", 10)


# ---- thumbnails -----------------------------------------------------------------------------------


def test_a_thumbnail_is_small_without_metadata_and_made_once(photo_case, login, monkeypatch, data_dir):
    _case, item, _data = photo_case
    made = []
    real = media.thumbnail
    monkeypatch.setattr(media, "thumbnail", lambda *a, **k: made.append(1) or real(*a, **k))
    url = reverse("evidence:thumbnail", args=[item.public_id])
    first = login("bob").get(url)
    assert first.status_code == 200 and first["Content-Type"] == "image/jpeg"
    got = body(first)
    with Image.open(io.BytesIO(got)) as img:
        assert max(img.size) <= 320 and not img.getexif()
    assert body(login("alice").get(url)) == got
    assert made == [1]  # generated once, then served from the cache by hash
    assert (data_dir / "cache" / "thumbnails" / item.sha256[:2] / item.sha256[2:4] / item.sha256).exists()


def test_only_images_have_thumbnails(video, login):
    item, _data = video
    assert login("alice").get(reverse("evidence:thumbnail", args=[item.public_id])).status_code == 404


# ---- receipts ------------------------------------------------------------------------------------


def test_the_receipt_downloads_as_json_and_verifies_with_the_public_key(photo_case, login):
    case, item, data = photo_case
    response = login("alice").get(reverse("evidence:receipt", args=[item.public_id]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    doc = json.loads(response.content)
    assert doc["receipt"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert doc["receipt"]["case"] == case.public_id and doc["receipt"]["event_hash"] == item.event.hash
    public = keys.public_raw(keys.private_key())
    assert receipts.verify(doc, public)
    assert receipts.verify(doc, keys.decode_public(doc["public_key"]))
    doc["receipt"]["received_at"] = "2020-01-01T00:00:00.000000Z"
    assert not receipts.verify(doc, public)
