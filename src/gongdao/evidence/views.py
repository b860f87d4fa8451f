"""Evidence over HTTP: the upload endpoint (several files, streamed; JSON per file for the web's
progress bars, or a plain form page without JavaScript), and the views that serve files,
thumbnails and signed receipts — only to viewers who may see the case (404 for anyone else).

Files are served with safe headers: ``attachment`` except for sniffed raster images and video,
``nosniff``, a restrictive CSP with ``sandbox``, and HTTP Range support so videos can be
scrubbed. The other party gets images with GPS data removed; the uploader's side and the
platform get the original bytes, which the SHA-256 covers.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
    StreamingHttpResponse,
    UnreadablePostError,
)
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from gongdao import codes
from gongdao.cases import queries as case_queries
from gongdao.cases.actors import Actor, of_user
from gongdao.cases.models import Case
from gongdao.errors import DomainError, InvalidInput, NotFound
from gongdao.evidence import queries, receipts, serving
from gongdao.evidence.actions import add_evidence, add_text_evidence
from gongdao.evidence.errors import EvidenceRejected
from gongdao.evidence.storage import get_store
from gongdao.evidence.upload import EvidenceUploadHandler, install
from gongdao.parties import permissions
from gongdao.policy import queries as policy_queries

log = logging.getLogger(__name__)

FILE_CSP = "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox"


# ---- serving -----------------------------------------------------------------------------------


def _item_or_404(request: HttpRequest, item_id: str) -> tuple[Any, set[str]]:
    actor = of_user(request.user)
    try:
        item = queries.get_item(actor, item_id)
    except NotFound:
        raise Http404("No such evidence")
    return item, permissions.sides(actor, item.case)


def _gets_original(item: Any, sides: set[str]) -> bool:
    """The uploader's side and the platform see the original; the other party a location-free copy."""
    return not item.has_location or item.side in sides or queries.sees_flags(sides)


@require_http_methods(["GET", "HEAD"])
def content(request: HttpRequest, item_id: str) -> HttpResponseBase:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    item, sides = _item_or_404(request, item_id)
    store = get_store()
    try:
        if _gets_original(item, sides) or not queries.is_image(item):
            size, content_type = store.size(item.sha256), item.content_type
            etag = f'"{item.sha256}"'

            def read(start: int, end: int) -> Iterator[bytes]:
                return store.read_range(item.sha256, start, end)

        else:
            path, content_type = serving.without_location(store, item.sha256)
            size, etag = path.stat().st_size, f'"no-location-{item.sha256}"'

            def read(start: int, end: int) -> Iterator[bytes]:
                return serving.file_chunks(path, start, end)

    except FileNotFoundError:
        log.error("evidence %s: stored file %s is missing", item.public_id, item.sha256)
        raise Http404("The file is missing")
    inline = content_type in queries.INLINE_TYPES
    return _ranged(request, read, size, content_type, etag, item.original_name, inline=inline)


def _ranged(
    request: HttpRequest,
    read: Callable[[int, int], Iterator[bytes]],
    size: int,
    content_type: str,
    etag: str,
    filename: str,
    *,
    inline: bool,
) -> HttpResponseBase:
    if etag in _etags(request.headers.get("If-None-Match")):
        response: HttpResponseBase = HttpResponse(status=304)
        return _file_headers(response, etag, filename, inline)
    header = request.headers.get("Range")
    if_range = request.headers.get("If-Range")
    if header and if_range and if_range.strip() != etag:
        header = None  # the client's copy is of other bytes: send them all
    try:
        wanted = serving.parse_range(header, size)
    except serving.Unsatisfiable:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return _file_headers(response, etag, filename, inline)
    part = wanted or serving.ByteRange(0, size)
    status = 206 if wanted else 200
    if content_type == "text/plain":
        content_type = "text/plain; charset=utf-8"
    if request.method == "HEAD":
        response = HttpResponse(status=status, content_type=content_type)
    else:
        response = StreamingHttpResponse(read(part.start, part.end), status=status, content_type=content_type)
    response["Content-Length"] = str(part.length)
    if wanted:
        response["Content-Range"] = part.content_range(size)
    return _file_headers(response, etag, filename, inline)


def _etags(header: str | None) -> set[str]:
    return {tag.strip() for tag in (header or "").split(",") if tag.strip()}


def _file_headers(response: HttpResponseBase, etag: str, filename: str, inline: bool) -> HttpResponseBase:
    response["Content-Disposition"] = content_disposition_header(not inline, filename) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Referrer-Policy"] = "no-referrer"
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_http_methods(["GET", "HEAD"])
def thumbnail(request: HttpRequest, item_id: str) -> HttpResponseBase:
    """A small JPEG without metadata (so without location, for every viewer); made once per file."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    item, _sides = _item_or_404(request, item_id)
    if not queries.is_image(item):
        raise Http404("Only images have thumbnails")
    try:
        path = serving.thumbnail(get_store(), item.sha256)
    except FileNotFoundError:
        log.error("evidence %s: stored file %s is missing", item.public_id, item.sha256)
        raise Http404("The file is missing")
    except DomainError:
        raise Http404("No thumbnail for this file")
    size = path.stat().st_size

    def read(start: int, end: int) -> Iterator[bytes]:
        return serving.file_chunks(path, start, end)

    name = f"{item.public_id}-thumbnail.jpg"
    return _ranged(request, read, size, "image/jpeg", f'"thumb-{item.sha256}"', name, inline=True)


@require_GET
def receipt(request: HttpRequest, item_id: str) -> HttpResponse:
    """The signed receipt as a JSON file to keep."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    item, _sides = _item_or_404(request, item_id)
    body = json.dumps(receipts.document(item), ensure_ascii=False, indent=2)
    response = HttpResponse(body.encode("utf-8"), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"receipt-{item.public_id}.json")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# ---- upload ------------------------------------------------------------------------------------


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get(
        "X-Requested-With"
    ) == "XMLHttpRequest" or "application/json" in request.headers.get("Accept", "")


@csrf_exempt  # CSRF is checked in _receive, after the streaming handler is installed
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, case_id: str) -> HttpResponseBase:
    """GET: the plain upload page. POST (multipart): files ``file`` (several), ``kind``,
    ``description``, optional pasted ``text``; answers JSON per file, or the page again."""
    if not request.user.is_authenticated:
        if request.method == "POST" and _wants_json(request):
            message = _("Your session has ended. Log in again, then upload the files.")
            return JsonResponse({"ok": False, "code": "login_required", "message": message}, status=401)
        return redirect_to_login(request.get_full_path())
    actor = of_user(request.user)
    try:
        case = case_queries.get_case(actor, case_id)
    except NotFound:
        raise Http404("No such case")
    if request.method == "GET":
        return _page(request, case, actor)
    try:
        queries.adding_side(actor, case)  # refuse before a byte of the body is read
    except DomainError as exc:
        return _answer(request, case, actor, [], refused=exc)
    handler = install(request, kind=_stream_kind(request))
    try:
        return _receive(request, case=case, actor=actor, handler=handler)
    finally:
        handler.cleanup()


def _stream_kind(request: HttpRequest) -> str:
    """``?kind=`` lets types be refused while streaming; without it every evidence type streams."""
    kind = request.GET.get("kind", "")
    return kind if kind in codes.EVIDENCE_KINDS else "other"


@csrf_protect
def _receive(
    request: HttpRequest, *, case: Case, actor: Actor, handler: EvidenceUploadHandler
) -> HttpResponse:
    try:
        post = request.POST
    except (MultiPartParserError, UnreadablePostError, OSError) as exc:
        log.info("evidence upload to %s could not be read: %s", case.public_id, exc)
        return _answer(request, case, actor, [], refused=_unreadable(exc))
    form = {k: post.get(k, "") for k in ("kind", "description", "next")}
    kind = form["kind"] or request.GET.get("kind", "")
    description = form["description"]
    results = []
    for incoming in handler.uploads:
        if incoming.error is not None:
            results.append(_failure(incoming.name, incoming.error))
            continue
        try:
            item = add_evidence(
                case,
                actor,
                kind=kind,
                source=incoming.take(),
                filename=incoming.name,
                description=description,
                claimed_type=incoming.claimed_type,
            )
        except DomainError as exc:
            results.append(_failure(incoming.name, exc))
            continue
        results.append(_success(item, actor))
    text = post.get("text", "")
    if text.strip():
        try:
            item = add_text_evidence(case, actor, text=text, kind=kind, description=description)
        except DomainError as exc:
            results.append(_failure(_("Pasted text"), exc))
        else:
            results.append(_success(item, actor))
    if not results:
        error = InvalidInput("required", _("Choose at least one file to upload."), field="file")
        return _answer(request, case, actor, [], refused=error, form=form)
    return _answer(request, case, actor, results, form=form)


def _unreadable(exc: Exception) -> DomainError:
    if isinstance(exc, MultiPartParserError) and "header size" in str(exc):
        # Django refuses a part whose headers pass 1 KB: in practice, a very long file name.
        return EvidenceRejected("filename_too_long")
    if isinstance(exc, MultiPartParserError):
        return InvalidInput(
            "bad_upload", _("The upload could not be read. Upload the files again."), field="file"
        )
    return EvidenceRejected("truncated")


def _success(item: Any, actor: Actor) -> dict[str, Any]:
    return {
        "name": item.original_name,
        "ok": True,
        "item": queries.item_object(item, permissions.sides(actor, item.case)),
    }


def _failure(name: str, exc: DomainError) -> dict[str, Any]:
    status = 413 if exc.code == "too_large" else exc.status
    return {
        "name": name,
        "ok": False,
        "code": exc.code,
        "message": str(exc.message),
        "field": exc.field,
        "status": status,
    }


def _answer(
    request: HttpRequest,
    case: Case,
    actor: Actor,
    results: list[dict[str, Any]],
    *,
    refused: DomainError | None = None,
    form: dict[str, str] | None = None,
) -> HttpResponse:
    """JSON for scripts; else back to ``next`` when all went well, or the page with the errors.

    ``form`` holds the posted fields once the body was read (never read it here: a refusal
    before reading must not make Django spool the upload)."""
    form = form or {}
    failures = [r for r in results if not r["ok"]]
    if refused is not None:
        first: dict[str, Any] | None = _failure("", refused)
    else:
        first = failures[0] if failures else None
    status = first["status"] if first else 201
    if _wants_json(request):
        body: dict[str, Any] = {"ok": first is None, "files": [_public(r) for r in results]}
        if first is not None:
            body.update(code=first["code"], message=first["message"], field=first["field"])
        return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    if first is None:
        count = len(results)
        messages.success(request, _("%(count)d item(s) of evidence added.") % {"count": count})
        return redirect(_next_url(request, case, form.get("next", "")))
    return _page(request, case, actor, results=results, refused=first, status=status, form=form)


def _public(result: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in result.items() if k != "status"}


def _next_url(request: HttpRequest, case: Case, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("evidence:upload", args=[case.public_id])


def _page(
    request: HttpRequest,
    case: Case,
    actor: Actor,
    *,
    results: list[dict[str, Any]] | None = None,
    refused: dict[str, Any] | None = None,
    status: int = 200,
    form: dict[str, str] | None = None,
) -> HttpResponse:
    form = form or {}
    policy = policy_queries.parsed(case.policy)
    rows = queries.checklist(case, policy)
    for row in rows:
        row["label"] = codes.EVIDENCE_KINDS[row["kind"]]
    needed = {row["kind"] for row in rows if row["required"] and not row["present"]}
    kinds = [
        {"code": code, "label": label, "needed": code in needed}
        for code, label in codes.EVIDENCE_KINDS.items()
    ]
    error_summary = []
    if refused is not None:
        error_summary = [
            {"href": "#upload-files", "text": r["message"]} for r in (results or []) if not r["ok"]
        ]
        if not error_summary:
            error_summary = [{"href": "#upload-files", "text": refused["message"]}]
    context = {
        "case": case,
        "checklist": rows,
        "kinds": kinds,
        "chosen_kind": form.get("kind") or request.GET.get("kind", ""),
        "description": form.get("description", ""),
        "items": queries.items_for(case, actor),
        "results": results or [],
        "may_add": queries.may_add(actor, case),
        "error_summary": error_summary,
        "case_url": _case_url(case),
    }
    return render(request, "evidence/upload.html", context, status=status)


def _case_url(case: Case) -> str:
    try:
        return reverse("web:case", args=[case.public_id])
    except Exception:
        return ""
