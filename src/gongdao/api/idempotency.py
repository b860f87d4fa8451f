"""``Idempotency-Key`` on POST: the same key with the same request gets the original response;
the same key with a different request gets 422; a request still running under that key gets 409.

The record is claimed (inserted) and completed in one transaction with the operation's own
writes, so a response is on record exactly when its effects are: a crash in between leaves
neither, and the retry runs afresh. Records are kept 24 hours per caller.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongdao.api import problems
from gongdao.api.models import IdempotencyRecord

HEADER = "Idempotency-Key"
RETENTION = timedelta(hours=24)
REPLAYED_HEADERS = ("Content-Type", "ETag", "Location", "Content-Language")
NOT_KEPT = (401, 403, 409, 412, 429)  # the request did not run, or may succeed when retried


def owner_of(request: HttpRequest) -> str | None:
    key = getattr(request, "_gongdao_key", None)
    if key is not None:
        return key.public_id
    if getattr(request, "_gongdao_auth_error", None) is not None:
        return None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user.public_id
    return None


def fingerprint(request: HttpRequest) -> str:
    """What makes two requests "the same": method, path, query and body bytes. A multipart body
    is hashed by its parts (names, values, file names and file contents), because its boundary
    changes from one try to the next (file contents by the SHA-256 taken while they streamed)."""
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.get_full_path()}\n".encode())
    content_type = request.content_type or ""
    if content_type.startswith("multipart/"):
        from gongdao.api.evidence_api import uploaded_parts

        for name in sorted(request.POST):
            for value in request.POST.getlist(name):
                digest.update(f"field {name}={value}\n".encode())
        for part in uploaded_parts(request):  # streamed and hashed by the evidence upload handler
            digest.update(f"file {part}\n".encode())
    else:
        digest.update(request.body)
    return digest.hexdigest()


def _valid_key(value: str) -> bool:
    return 0 < len(value) <= 255 and all(33 <= ord(c) <= 126 for c in value)


def run(request: HttpRequest, call: Callable[[], HttpResponse]) -> HttpResponse:
    if request.method != "POST" or HEADER not in request.headers:
        return call()
    key = request.headers[HEADER]
    if not _valid_key(key):
        return problems.problem(
            400,
            "invalid_idempotency_key",
            _("An Idempotency-Key is 1 to 255 visible ASCII characters, e.g. a UUID."),
            errors=[{"field": HEADER, "in": "header", "code": "invalid", "detail": ""}],
        )
    owner = owner_of(request)
    if owner is None:
        return call()  # the operation answers 401
    try:
        digest = fingerprint(request)
    except Exception:  # an unreadable body: let the operation report it
        return call()
    with transaction.atomic():
        record, fresh = _claim(owner, key, digest, request.path)
        if not fresh:
            return _answer_existing(record, digest)
        response = call()
        if response.status_code >= 500 or response.status_code in NOT_KEPT or response.streaming:
            record.delete()
        else:
            record.status_code = response.status_code
            record.headers = {h: response[h] for h in REPLAYED_HEADERS if h in response}
            record.body = response.content.decode("utf-8", "replace")
            record.save(update_fields=["status_code", "headers", "body"])
    return response


def _claim(owner: str, key: str, digest: str, path: str) -> tuple[IdempotencyRecord, bool]:
    now = timezone.now()
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(
                owner=owner, key=key, fingerprint=digest, path=path[:300], created_at=now
            )
    except IntegrityError:
        record = IdempotencyRecord.objects.select_for_update().get(owner=owner, key=key)
        if record.created_at >= now - RETENTION:
            return record, False
        record.fingerprint, record.path, record.created_at = digest, path[:300], now
        record.status_code, record.headers, record.body = None, {}, ""
        record.save()
        return record, True
    IdempotencyRecord.objects.filter(owner=owner, created_at__lt=now - RETENTION).delete()
    return record, True


def _answer_existing(record: IdempotencyRecord, digest: str) -> HttpResponse:
    if record.fingerprint != digest:
        return problems.problem(
            422,
            "idempotency_key_reused",
            _("This Idempotency-Key was used with a different request. Use a new key for a new request."),
            errors=[{"field": HEADER, "in": "header", "code": "reused", "detail": ""}],
        )
    if record.status_code is None:
        return problems.problem(
            409,
            "idempotency_in_progress",
            _("A request with this Idempotency-Key is still being processed. Try again shortly."),
            headers={"Retry-After": "1"},
        )
    response = HttpResponse(record.body, status=record.status_code)
    for name, value in record.headers.items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response
