"""The upload endpoint ``evidence:upload``: several files per request, JSON per file for scripts,
a plain form without JavaScript, and each bad input leaving no row and no file."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from gongdao.cases.actions import perform
from gongdao.cases.models import Case
from gongdao.evidence.models import EvidenceItem
from gongdao.evidence.storage import address
from tests.evidence.conftest import files_under
from tests.evidence.evidence_samples import jpeg_bytes, mp4_bytes, pdf_bytes, png_bomb_bytes, png_bytes

XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest", "HTTP_ACCEPT": "application/json"}


@pytest.fixture
def login(world):
    def _login(name: str, **options) -> Client:
        client = Client(**options)
        client.force_login(getattr(world, name))
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return _login


def url(case) -> str:
    return reverse("evidence:upload", args=[case.public_id])


def photo(name="crack.jpg", data=None, content_type="image/jpeg"):
    return SimpleUploadedFile(name, jpeg_bytes() if data is None else data, content_type=content_type)


def nothing_left(case, data_dir, seq=None):
    case_now = Case.objects.get(pk=case.pk)
    assert EvidenceItem.objects.count() == 0
    assert case_now.seq == (case.seq if seq is None else seq)
    assert files_under(data_dir / "evidence") == []
    assert files_under(data_dir / "tmp") == []


def test_several_files_in_one_request_answer_json_per_file(world, cases, login, data_dir):
    case = cases.filed()
    files = [photo("a.jpg"), SimpleUploadedFile("b.png", png_bytes(), content_type="image/png")]
    response = login("alice").post(
        url(case), {"kind": "problem_photo", "description": "Box", "file": files}, **XHR
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["ok"] and [f["name"] for f in body["files"]] == ["a.jpg", "b.png"]
    first = body["files"][0]["item"]
    assert first["kind"] == "problem_photo" and first["description"] == "Box" and first["side"] == "consumer"
    assert first["links"]["content"] == f"/evidence/{first['id']}/content"
    assert "reuse_flags" not in first  # a party never sees reuse flags
    item = EvidenceItem.objects.get(public_id=first["id"])
    assert (data_dir / "evidence" / address(item.sha256)).exists()
    assert files_under(data_dir / "tmp") == []


def test_a_file_larger_than_djangos_memory_threshold_streams_to_the_store(
    world, cases, login, data_dir, settings
):
    case = cases.filed()
    video = SimpleUploadedFile("v.mp4", mp4_bytes(body=3 * 1024 * 1024), content_type="video/mp4")
    response = login("alice").post(url(case), {"kind": "problem_video", "file": video}, **XHR)
    assert response.status_code == 201, response.content
    assert response.json()["files"][0]["item"]["size"] > 3 * 1024 * 1024


def test_pasted_text_is_evidence_too(world, cases, login):
    case = cases.filed()
    response = login("alice").post(url(case), {"kind": "chat_record", "text": "商家：不退。"}, **XHR)
    assert response.status_code == 201
    assert response.json()["files"][0]["item"]["content_type"] == "text/plain"


def test_the_form_without_javascript_goes_back_to_next(world, cases, login):
    case = cases.filed()
    client = login("alice")
    page = client.get(url(case))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'enctype="multipart/form-data"' in html and 'name="file"' in html and "multiple" in html
    response = client.post(
        url(case), {"kind": "problem_photo", "file": photo(), "next": f"/cases/{case.public_id}/"}
    )
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.public_id}/"
    assert EvidenceItem.objects.filter(case=case).count() == 1
    offsite = client.post(
        url(case), {"kind": "problem_photo", "file": photo("b.jpg"), "next": "https://evil.example/"}
    )
    assert offsite.status_code == 302 and offsite["Location"] == url(case)


def test_the_form_shows_each_files_error_next_to_it(world, cases, login, data_dir):
    case = cases.filed()
    response = login("alice").post(
        url(case), {"kind": "problem_photo", "file": [photo("ok.jpg"), photo("empty.jpg", b"")]}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "empty.jpg" in html and "The file is empty" in html and "There is a problem" in html
    assert EvidenceItem.objects.filter(case=case).count() == 1  # the good file was kept


def test_the_upload_endpoint_enforces_csrf(world, cases, login, data_dir):
    case = cases.filed()
    response = login("alice", enforce_csrf_checks=True).post(
        url(case), {"kind": "problem_photo", "file": photo()}
    )
    assert response.status_code == 403
    nothing_left(case, data_dir)


def test_logged_out_scripts_get_401_and_pages_the_login(world, cases, data_dir):
    case = cases.filed()
    assert Client().post(url(case), {"kind": "problem_photo", "file": photo()}, **XHR).status_code == 401
    assert Client().get(url(case)).status_code == 302
    nothing_left(case, data_dir)


# ---- bad input through HTTP: a clear error, no row, no file -----------------------------------------


def refused(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["ok"] is False and body["code"] == code and body["message"]
    return body


def test_an_empty_file(world, cases, login, data_dir):
    case = cases.filed()
    response = login("alice").post(url(case), {"kind": "problem_photo", "file": photo(data=b"")}, **XHR)
    refused(response, 422, "empty_file")
    nothing_left(case, data_dir)


def test_an_oversize_file_is_refused_while_streaming(world, cases, login, data_dir, settings):
    settings.GONGDAO_MAX_IMAGE_BYTES = 200 * 1024
    case = cases.filed()
    big = jpeg_bytes(size=(2400, 1800))
    big += b"\0" * max(0, 400 * 1024 - len(big))
    response = login("alice").post(url(case), {"kind": "problem_photo", "file": photo(data=big)}, **XHR)
    body = refused(response, 413, "too_large")
    assert "0.20 MB" in body["message"] or "0.2" in body["message"]
    nothing_left(case, data_dir)


def test_an_oversize_file_stops_the_handler_at_the_limit(world, cases, data_dir, settings):
    """The handler refuses as soon as the limit is passed: later chunks are never written."""
    from django.core.files.uploadhandler import StopUpload

    from gongdao.evidence.errors import EvidenceRejected
    from gongdao.evidence.storage import Limits
    from gongdao.evidence.upload import EvidenceUploadHandler

    handler = EvidenceUploadHandler(limits=Limits(image=100_000, video=1, document=1))
    handler.handle_raw_input(None, {}, 10_000_000, b"x")
    handler.new_file("file", "big.jpg", "image/jpeg", None)
    data = jpeg_bytes() + b"\0" * 200_000
    with pytest.raises(StopUpload) as info:
        for start in range(0, len(data), 65536):
            handler.receive_data_chunk(data[start : start + 65536], start)
    assert info.value.connection_reset  # 10 MB still to come: not worth reading
    assert handler.seen <= 100_000 + 65536
    assert (
        isinstance(handler.uploads[0].error, EvidenceRejected)
        and handler.uploads[0].error.code == "too_large"
    )
    assert files_under(data_dir / "tmp") == []


def test_a_wrong_type_for_the_kind(world, cases, login, data_dir):
    case = cases.filed()
    pdf = SimpleUploadedFile("photo.pdf", pdf_bytes(), content_type="application/pdf")
    response = login("alice").post(url(case), {"kind": "problem_photo", "file": pdf}, **XHR)
    refused(response, 422, "type_not_allowed")
    nothing_left(case, data_dir)


def test_a_wrong_type_for_the_kind_in_the_query_is_refused_while_streaming(world, cases, login, data_dir):
    case = cases.filed()
    pdf = SimpleUploadedFile("photo.pdf", pdf_bytes(), content_type="application/pdf")
    response = login("alice").post(url(case) + "?kind=problem_photo", {"file": pdf}, **XHR)
    refused(response, 422, "type_not_allowed")
    nothing_left(case, data_dir)


def test_bytes_not_matching_the_claimed_type(world, cases, login, data_dir):
    case = cases.filed()
    fake = SimpleUploadedFile("clip.mp4", jpeg_bytes(), content_type="video/mp4")
    response = login("alice").post(url(case), {"kind": "problem_video", "file": fake}, **XHR)
    refused(response, 422, "type_mismatch")
    nothing_left(case, data_dir)


def test_an_image_bomb(world, cases, login, data_dir):
    case = cases.filed()
    bomb = SimpleUploadedFile("bomb.png", png_bomb_bytes(), content_type="image/png")
    response = login("alice").post(url(case), {"kind": "problem_photo", "file": bomb}, **XHR)
    refused(response, 422, "image_bomb")
    nothing_left(case, data_dir)


def multipart(
    parts: list[tuple[str, str | None, bytes]], boundary: str = "gongdaoBOUNDARY", close: bool = True
) -> bytes:
    body = b""
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"' + (
            f'; filename="{filename}"' if filename is not None else ""
        )
        body += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n".encode()
        if filename is not None:
            body += b"Content-Type: image/jpeg\r\n"
        body += b"\r\n" + data + b"\r\n"
    if close:
        body += f"--{boundary}--\r\n".encode()
    return body


def test_a_truncated_upload(world, cases, login, data_dir):
    case = cases.filed()
    data = jpeg_bytes(size=(640, 480))
    body = multipart([("kind", None, b"problem_photo"), ("file", "a.jpg", data[:20000])], close=False)
    response = login("alice").post(
        url(case), body, content_type="multipart/form-data; boundary=gongdaoBOUNDARY", **XHR
    )
    refused(response, 422, "truncated")
    nothing_left(case, data_dir)


def test_a_path_like_filename_never_becomes_a_path(world, cases, login, data_dir, tmp_path):
    """Django's parser keeps only the last part of a path-like name before any of our code runs;
    the stored file's place depends on its hash alone, so nothing is written at the path."""
    case = cases.filed()
    body = multipart([("kind", None, b"problem_photo"), ("file", "../../../escape.jpg", jpeg_bytes())])
    response = login("alice").post(
        url(case), body, content_type="multipart/form-data; boundary=gongdaoBOUNDARY", **XHR
    )
    assert response.status_code == 201
    item = EvidenceItem.objects.get(case=case)
    assert item.original_name == "escape.jpg"
    assert not list(tmp_path.rglob("escape.jpg")) and not (data_dir.parent / "escape.jpg").exists()
    assert [p.name for p in files_under(data_dir / "evidence")] == [item.sha256]


@pytest.mark.parametrize("length", [300, 10_000])
def test_a_very_long_filename(world, cases, login, data_dir, length):
    """300 characters: our handler refuses it; 10,000: Django's parser cannot read the part's
    headers (over 1 KB) and the answer says why."""
    case = cases.filed()
    body = multipart([("kind", None, b"problem_photo"), ("file", "a" * (length - 4) + ".jpg", jpeg_bytes())])
    response = login("alice").post(
        url(case), body, content_type="multipart/form-data; boundary=gongdaoBOUNDARY", **XHR
    )
    refused(response, 422, "filename_too_long")
    nothing_left(case, data_dir)


@pytest.mark.parametrize("who", ["charlie", "mallory"])
def test_a_case_the_uploader_may_not_touch_is_404(world, cases, login, data_dir, who):
    case = cases.filed()
    response = login(who).post(url(case), {"kind": "problem_photo", "file": photo()}, **XHR)
    assert response.status_code == 404
    assert login(who).get(url(case)).status_code == 404
    nothing_left(case, data_dir)


def test_a_case_whose_evidence_window_is_closed(world, cases, login, data_dir):
    case = cases.under_review()
    response = login("alice").post(url(case), {"kind": "problem_photo", "file": photo()}, **XHR)
    refused(response, 409, "evidence_window_closed")
    nothing_left(case, data_dir)
    page = login("alice").get(url(case)).content.decode()
    assert "Evidence cannot be added to this case now." in page


def test_after_the_agent_asks_the_party_can_upload(world, cases, login):
    case = cases.under_review()
    perform(case, "request_evidence", world.actor("agnes"), party="consumer", note="The label, please.")
    response = login("alice").post(url(case), {"kind": "problem_photo", "file": photo()}, **XHR)
    assert response.status_code == 201


def test_no_file_at_all(world, cases, login, data_dir):
    case = cases.filed()
    refused(login("alice").post(url(case), {"kind": "problem_photo"}, **XHR), 422, "required")
    nothing_left(case, data_dir)


def test_an_unknown_kind_refuses_every_file_and_keeps_none(world, cases, login, data_dir):
    case = cases.filed()
    response = login("alice").post(
        url(case), {"kind": "selfie", "file": [photo("a.jpg"), photo("b.jpg")]}, **XHR
    )
    body = refused(response, 422, "unknown_kind")
    assert [f["ok"] for f in body["files"]] == [False, False]
    nothing_left(case, data_dir)


def test_refusals_are_in_chinese_by_default(world, cases, data_dir):
    case = cases.filed()
    client = Client()
    client.force_login(world.alice)
    response = client.post(url(case), {"kind": "problem_photo", "file": photo(data=b"")}, **XHR)
    assert response.status_code == 422 and response.json()["message"].startswith("文件是空的")
