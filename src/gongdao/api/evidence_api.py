"""Evidence: list a case's items, upload one (multipart, streamed through the evidence app's
upload handler and ``add_evidence``), and download an item's bytes.

The upload handler is armed by the URL envelope (``arm_upload``) before anything can read the
body, so every byte streams through it: hashed, sniffed and size-checked as it arrives, never
held in memory. Without an Idempotency-Key or a session, the case and the caller's right to add
evidence are checked before the body is read. Files are served like the web serves them: the
other party gets images without location data, as ``attachment`` unless a sniffed image or video.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.http.multipartparser import MultiPartParserError
from django.http.request import UnreadablePostError
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from ninja import Router
from ninja.responses import Status

from gongdao import codes
from gongdao.api.auth import READ, WRITE, actor_of, needs
from gongdao.api.common import load_case, responses
from gongdao.api.schemas import EvidenceOut
from gongdao.errors import DomainError, InvalidInput, NotFound
from gongdao.evidence import queries, serving
from gongdao.evidence.actions import add_evidence, add_text_evidence
from gongdao.evidence.storage import get_store
from gongdao.evidence.upload import EvidenceUploadHandler, install
from gongdao.parties import permissions

router = Router(tags=["evidence"])
FILE_CSP = "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox"
UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["kind"],
                "properties": {
                    "kind": {"type": "string", "enum": list(codes.EVIDENCE_KINDS)},
                    "file": {"type": "string", "format": "binary", "description": "One file."},
                    "text": {"type": "string", "maxLength": 100000, "description": "Or pasted text."},
                    "description": {"type": "string", "maxLength": 2000},
                },
            }
        }
    },
}


def arm_upload(request: HttpRequest) -> EvidenceUploadHandler | None:
    """Make a multipart body stream through the evidence upload handler (nothing is read yet)."""
    if request.method != "POST" or not (request.content_type or "").startswith("multipart/"):
        return None
    handler = getattr(request, "_gongdao_upload", None)
    if handler is None:
        kind = request.GET.get("kind", "")
        handler = install(request, kind=kind if kind in codes.EVIDENCE_KINDS else "other")
        request._gongdao_upload = handler  # type: ignore[attr-defined]
    return handler


def uploaded_parts(request: HttpRequest) -> list[str]:
    """What identifies the files of an armed multipart request: name and SHA-256 (or refusal)."""
    handler = getattr(request, "_gongdao_upload", None)
    if handler is None:
        return []
    return [
        f"{u.field}:{u.name}:{u.received.sha256 if u.received else (u.error.code if u.error else '')}"
        for u in handler.uploads
    ]


def item_out(item: Any, actor: Any) -> dict[str, Any]:
    obj = queries.item_object(item, permissions.sides(actor, item.case))
    obj["links"] = {
        "content": reverse("api:evidence_content", args=[item.case.public_id, item.public_id]),
    }
    obj.setdefault("reuse_flags", None)
    return obj


@router.get(
    "/cases/{case_id}/evidence",
    response=responses({200: list[EvidenceOut]}, 404),
    summary="The case's evidence, in the order it arrived (withdrawn items too)",
    auth=needs(READ),
)
def list_evidence(request: HttpRequest, case_id: str) -> Any:
    actor = actor_of(request)
    case = load_case(actor, case_id)
    return [item_out(item, actor) for item in queries.items_for(case, actor)]


@router.post(
    "/cases/{case_id}/evidence",
    response=responses({201: EvidenceOut}, 404, 409, 413, 415),
    summary="Add evidence: one file (multipart/form-data) or pasted text",
    description=(
        "Form fields: `kind` (an evidence kind), `file` (one file) or `text`, optional "
        "`description`. The file is hashed and time-stamped on receipt; its SHA-256 goes into the "
        "case's event log. Add `?kind=` to the URL to refuse a wrong type while it streams. "
        "Size limits: images 20 MB, videos 500 MB, documents 50 MB (settings)."
    ),
    auth=needs(WRITE),
    openapi_extra={"requestBody": UPLOAD_BODY},
)
def upload_evidence(request: HttpRequest, case_id: str) -> Any:
    actor = actor_of(request)
    case = load_case(actor, case_id)
    queries.adding_side(actor, case)  # refuse before the body is read
    handler = arm_upload(request)
    if handler is None:
        raise UnsupportedMediaType(
            "unsupported_media_type", _("Send the evidence as multipart/form-data."), field="file"
        )
    try:
        post = request.POST
    except (MultiPartParserError, UnreadablePostError, OSError):
        raise InvalidInput(
            "bad_upload", _("The upload could not be read. Upload the file again."), field="file"
        )
    kind, description, text = post.get("kind", ""), post.get("description", ""), post.get("text", "")
    for name, value in (("kind", kind), ("description", description), ("text", text)):
        if "\x00" in value:
            raise InvalidInput(
                "invalid_text", _("Text cannot contain the NUL character (\\u0000)."), field=name
            )
    files = handler.uploads
    if len(files) + bool(text.strip()) != 1:
        raise InvalidInput("one_item", _("Send exactly one file, or pasted text, per request."), field="file")
    if text.strip():
        item = add_text_evidence(case, actor, text=text, kind=kind or "chat_record", description=description)
    else:
        upload = files[0]
        if upload.error is not None:
            raise _sized(upload.error)
        item = add_evidence(
            case,
            actor,
            kind=kind,
            source=upload.take(),
            filename=upload.name,
            description=description,
            claimed_type=upload.claimed_type,
        )
    return Status(201, item_out(item, actor))


class UnsupportedMediaType(DomainError):
    status = 415


class TooLarge(DomainError):
    status = 413


def _sized(error: DomainError) -> DomainError:
    """An over-size file answers 413 (the code and sentence stay the evidence app's)."""
    if error.code != "too_large":
        return error
    return TooLarge(error.code, error.message, field="file", **error.extra)


@router.get(
    "/cases/{case_id}/evidence/{evidence_id}/content",
    response=responses({200: None, 206: None, 304: None, 416: None}, 404),
    openapi_extra={
        "responses": {
            status: {
                "description": text,
                "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
            }
            for status, text in ((200, "The bytes"), (206, "Part of the bytes (Range)"))
        }
    },
    summary="The bytes of an evidence item (HTTP Range supported)",
    description=(
        "The uploader's side and the platform get the original bytes (their SHA-256 is on record); "
        "the other party gets images with location data removed."
    ),
    auth=needs(READ),
)
def evidence_content(request: HttpRequest, case_id: str, evidence_id: str) -> HttpResponseBase:
    actor = actor_of(request)
    case = load_case(actor, case_id)
    item = queries.get_item(actor, evidence_id)
    if item.case_id != case.pk:
        raise NotFound("evidence_not_found", _("No such evidence."))
    sides = permissions.sides(actor, case)
    store = get_store()
    original = not item.has_location or item.side in sides or queries.sees_flags(sides)
    try:
        if original or not queries.is_image(item):
            size, content_type, etag = store.size(item.sha256), item.content_type, f'"{item.sha256}"'

            def read(start: int, end: int) -> Iterator[bytes]:
                return store.read_range(item.sha256, start, end)

        else:
            path, content_type = serving.without_location(store, item.sha256)
            size, etag = path.stat().st_size, f'"no-location-{item.sha256}"'

            def read(start: int, end: int) -> Iterator[bytes]:
                return serving.file_chunks(path, start, end)

    except FileNotFoundError:
        raise NotFound("file_missing", _("The file of this evidence is missing; the platform has been told."))
    return _ranged(request, read, size, content_type, etag, item.original_name)


def _ranged(
    request: HttpRequest, read: Any, size: int, content_type: str, etag: str, name: str
) -> HttpResponseBase:
    inline = content_type in queries.INLINE_TYPES
    if etag in {t.strip() for t in request.headers.get("If-None-Match", "").split(",")}:
        return _headers(HttpResponse(status=304), etag, name, inline)
    header = request.headers.get("Range")
    if header and (request.headers.get("If-Range") or etag).strip() != etag:
        header = None
    try:
        wanted = serving.parse_range(header, size)
    except serving.Unsatisfiable:
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        return _headers(refused, etag, name, inline)
    part = wanted or serving.ByteRange(0, size)
    if content_type == "text/plain":
        content_type = "text/plain; charset=utf-8"
    response = StreamingHttpResponse(
        read(part.start, part.end), status=206 if wanted else 200, content_type=content_type
    )
    response["Content-Length"] = str(part.length)
    if wanted:
        response["Content-Range"] = part.content_range(size)
    return _headers(response, etag, name, inline)


def _headers(response: HttpResponseBase, etag: str, name: str, inline: bool) -> HttpResponseBase:
    response["Content-Disposition"] = content_disposition_header(not inline, name) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["Cache-Control"] = "private, max-age=300"
    return response
