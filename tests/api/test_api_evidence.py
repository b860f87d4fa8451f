"""Evidence through the API: multipart upload through the evidence app's upload function, the
list, and the bytes (original for the uploader's side, location-free for the other party)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongdao.evidence.models import EvidenceItem
from tests.evidence.evidence_samples import jpeg_bytes, mp4_bytes


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Path:
    from gongdao import keys

    folder = tmp_path / "data"
    folder.mkdir()
    settings.DATA_DIR = folder
    keys.create(folder)
    return folder


def photo(data: bytes | None = None, name: str = "crack.jpg", content_type: str = "image/jpeg") -> Any:
    return SimpleUploadedFile(
        name, data if data is not None else jpeg_bytes(gps=True), content_type=content_type
    )


def draft(api: Any, world: Any) -> str:
    response = api.alice.post(
        "/cases",
        {"order": world.order.public_id, "issue": "damaged_in_transit", "remedy": "return_and_refund"},
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_file_with_a_photo_then_submit(api: Any, world: Any) -> None:
    case_id = draft(api, world)
    refused = api.alice.post(f"/cases/{case_id}/actions/submit")
    assert refused.status_code == 409 and refused.json()["code"] == "evidence_missing"
    data = jpeg_bytes(gps=True)
    uploaded = api.alice.upload(
        f"/cases/{case_id}/evidence",
        {"kind": "problem_photo", "file": photo(data), "description": "外壳裂开"},
    )
    assert uploaded.status_code == 201, uploaded.content
    item = uploaded.json()
    assert item["sha256"] == hashlib.sha256(data).hexdigest() and item["side"] == "consumer"
    assert item["kind"] == "problem_photo" and item["event_hash"]
    assert item["links"]["content"] == f"/api/v1/cases/{case_id}/evidence/{item['id']}/content"
    submitted = api.alice.post(f"/cases/{case_id}/actions/submit")
    assert submitted.status_code == 200 and submitted.json()["case"]["status"] == "awaiting_merchant"
    events = api.bob.get(f"/cases/{case_id}/events").json()
    assert any(e["type"] == "evidence_added" and e["payload"]["sha256"] == item["sha256"] for e in events)


def test_each_side_gets_the_bytes_it_may_see(api: Any, world: Any) -> None:
    case_id = draft(api, world)
    data = jpeg_bytes(gps=True)
    item = api.alice.upload(
        f"/cases/{case_id}/evidence", {"kind": "problem_photo", "file": photo(data)}
    ).json()
    api.alice.post(f"/cases/{case_id}/actions/submit")
    url = item["links"]["content"]
    own = api.alice.get(url)
    assert own.status_code == 200 and b"".join(own.streaming_content) == data
    assert own["X-Content-Type-Options"] == "nosniff" and "sandbox" in own["Content-Security-Policy"]
    merchant = api.bob.get(url)
    stripped = b"".join(merchant.streaming_content)
    assert merchant.status_code == 200 and stripped != data and stripped[:2] == b"\xff\xd8"
    assert b"GPS" not in stripped
    assert api.charlie.get(url).status_code == 404
    assert api.mallory.get(f"/cases/{case_id}/evidence").status_code == 404
    listed = api.bob.get(f"/cases/{case_id}/evidence").json()
    assert [i["id"] for i in listed] == [item["id"]] and listed[0]["reuse_flags"] is None
    assert api.agnes.get(f"/cases/{case_id}/evidence").json()[0]["reuse_flags"] == []


def test_a_range_of_a_video(api: Any, world: Any) -> None:
    case_id = draft(api, world)
    video = mp4_bytes()
    item = api.alice.upload(
        f"/cases/{case_id}/evidence",
        {"kind": "unboxing_video", "file": SimpleUploadedFile("box.mp4", video, content_type="video/mp4")},
    ).json()
    part = api.alice.get(item["links"]["content"], **{"Range": "bytes=0-99"})
    assert part.status_code == 206 and part["Content-Range"] == f"bytes 0-99/{len(video)}"
    assert b"".join(part.streaming_content) == video[:100]


def test_pasted_text_is_evidence_too(api: Any, world: Any) -> None:
    case_id = draft(api, world)
    response = api.alice.upload(f"/cases/{case_id}/evidence", {"kind": "chat_record", "text": "客服：不退。"})
    assert response.status_code == 201 and response.json()["content_type"].startswith("text/plain")


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ({"kind": "problem_photo", "file": photo(b"%PDF-1.4 not a photo", "x.jpg")}, 422, "type_mismatch"),
        ({"kind": "problem_photo", "file": photo(b"", "empty.jpg")}, 422, "empty_file"),
        ({"kind": "telepathy", "file": photo()}, 422, "unknown_kind"),
        ({"kind": "problem_photo"}, 422, "one_item"),
        ({"kind": "problem_photo", "file": [photo(), photo(jpeg_bytes(seed=5), "b.jpg")]}, 422, "one_item"),
    ],
)
def test_bad_uploads_are_refused_and_leave_nothing(
    api: Any, world: Any, data_dir: Path, fields: dict, status: int, code: str
) -> None:
    case_id = draft(api, world)
    response = api.alice.upload(f"/cases/{case_id}/evidence", fields)
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert not EvidenceItem.objects.exists()
    assert (
        not [p for p in (data_dir / "tmp").rglob("*") if p.is_file()] if (data_dir / "tmp").exists() else True
    )


def test_an_oversize_file_is_413(api: Any, world: Any, settings: Any) -> None:
    settings.GONGDAO_MAX_IMAGE_BYTES = 1000
    case_id = draft(api, world)
    response = api.alice.upload(
        f"/cases/{case_id}/evidence", {"kind": "problem_photo", "file": photo(jpeg_bytes(size=(400, 300)))}
    )
    assert response.status_code == 413 and response.json()["code"] == "too_large"


def test_json_is_not_an_upload(api: Any, world: Any) -> None:
    case_id = draft(api, world)
    response = api.alice.post(f"/cases/{case_id}/evidence", {"kind": "problem_photo"})
    assert response.status_code == 415


def test_only_the_consumer_adds_evidence_to_a_draft(api: Any, world: Any) -> None:
    case_id = draft(api, world)
    response = api.bob.upload(f"/cases/{case_id}/evidence", {"kind": "problem_photo", "file": photo()})
    assert response.status_code == 404  # the shop does not see a draft at all
    assert (
        api.charlie.upload(
            f"/cases/{case_id}/evidence", {"kind": "problem_photo", "file": photo()}
        ).status_code
        == 404
    )


def test_a_retried_upload_is_stored_once(api: Any, world: Any) -> None:
    case_id = draft(api, world)
    data = jpeg_bytes(seed=9)
    path = f"/cases/{case_id}/evidence"
    first = api.alice.upload(
        path, {"kind": "problem_photo", "file": photo(data)}, **{"Idempotency-Key": "u1"}
    )
    again = api.alice.upload(
        path, {"kind": "problem_photo", "file": photo(data)}, **{"Idempotency-Key": "u1"}
    )
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    other = api.alice.upload(
        path, {"kind": "problem_photo", "file": photo(jpeg_bytes(seed=10))}, **{"Idempotency-Key": "u1"}
    )
    assert other.status_code == 422
    assert EvidenceItem.objects.count() == 1


def test_a_session_upload_needs_the_csrf_token(api: Any, world: Any) -> None:
    case_id = draft(api, world)
    session = api.session("alice")
    refused = session.upload(f"/cases/{case_id}/evidence", {"kind": "problem_photo", "file": photo()})
    assert refused.status_code == 403
    session.client.get("/api/v1/docs")
    token = session.client.cookies["csrftoken"].value
    accepted = session.upload(
        f"/cases/{case_id}/evidence", {"kind": "problem_photo", "file": photo()}, **{"X-CSRFToken": token}
    )
    assert accepted.status_code == 201, accepted.content
