"""A Django upload handler that streams each file of a multipart request through
``storage.Receiver``: hashed, sniffed and size-checked as the bytes arrive, into the evidence
temp folder, with flat memory. Django's default handlers would first spool the whole file to a
temporary file of their own (or to memory below 2.5 MB), so limits would bite only afterwards.

Use it before anything reads ``request.POST`` (CSRF included: wrap the view in ``csrf_exempt``
and check CSRF in an inner ``csrf_protect`` view, as Django's docs describe)::

    handler = install(request, kind=None)
    try:
        ... request.POST ...; for upload in handler.uploads: add_evidence(..., source=upload.received)
    finally:
        handler.cleanup()

The kind is a form field, which arrives as part of the same body, so while streaming the
handler admits every type evidence may have (``kind="other"``) unless the caller knows the kind
(e.g. from the query string); ``add_evidence`` then checks the type against the kind. The size
limit depends on the sniffed category, not on the kind, so it is always enforced while streaming.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gongdao.errors import DomainError, InvalidInput
from gongdao.evidence.actions import MAX_NAME
from gongdao.evidence.errors import EvidenceRejected
from gongdao.evidence.storage import Limits, Received, Receiver, get_tmp_dir

MAX_FILES = 20
UPLOAD_CHUNK_SIZE = 1024 * 1024
# After an over-size file, read and discard at most this much of the rest of the request so the
# client gets the answer; beyond it the connection is closed instead.
DRAIN_LIMIT = 8 * 1024 * 1024


@dataclass
class Upload:
    """One file of the request: received (ready for ``add_evidence``), or refused with ``error``."""

    field: str
    name: str
    claimed_type: str
    received: Received | None = None
    error: DomainError | None = None
    taken: bool = False  # handed to add_evidence, which now owns the temporary file

    def take(self) -> Received:
        assert self.received is not None
        self.taken = True
        return self.received


class EvidenceUploadHandler(FileUploadHandler):
    # Django's parser reads the body in pieces of the smallest handler chunk size. 1 MiB, not the
    # usual 64 KiB: gunicorn's request reader costs per call, and at 64 KiB it, not the disk or
    # the hash, would bound the upload (measured: 9 MB/s against 47 MB/s; bench/upload_bench.py).
    chunk_size = UPLOAD_CHUNK_SIZE

    def __init__(
        self,
        request: HttpRequest | None = None,
        *,
        kind: str = "other",
        limits: Limits | None = None,
        tmp_dir: Path | None = None,
    ) -> None:
        super().__init__(request)
        self.kind = kind
        self.limits = limits or Limits.from_settings()
        self.tmp_dir = tmp_dir or get_tmp_dir()
        self.uploads: list[Upload] = []
        self.request_length = 0
        self.seen = 0
        self._receiver: Receiver | None = None
        self._current: Upload | None = None

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: Any = None
    ) -> None:
        self.request_length = content_length or 0
        return None  # the multipart parser does the parsing; this handler takes the files

    def new_file(self, field_name: str, file_name: str, content_type: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, file_name, content_type, *args, **kwargs)
        upload = Upload(field=field_name, name=file_name, claimed_type=content_type or "")
        self.uploads.append(upload)
        self._current = upload
        if len(self.uploads) > MAX_FILES:
            upload.error = _too_many()
            raise SkipFile
        if len(file_name) > MAX_NAME:
            upload.error = EvidenceRejected("filename_too_long")
            raise SkipFile
        self._receiver = Receiver(
            kind=self.kind, limits=self.limits, tmp_dir=self.tmp_dir, claimed_type=content_type or None
        )

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.seen += len(raw_data)
        receiver, upload = self._receiver, self._current
        if receiver is None or upload is None:
            raise SkipFile
        try:
            receiver.write(raw_data)
        except EvidenceRejected as exc:  # the receiver has removed its temporary file
            self._receiver = None
            upload.error = exc
            if exc.code == "too_large":
                raise StopUpload(connection_reset=self.request_length - self.seen > DRAIN_LIMIT)
            raise SkipFile
        return None  # the bytes are ours; no later handler gets them

    def file_complete(self, file_size: int) -> Upload | None:  # type: ignore[override]
        # Django files whatever a handler returns under request.FILES; ours is the Upload.
        receiver, upload = self._receiver, self._current
        self._receiver = None
        if receiver is None or upload is None:
            return None
        try:
            upload.received = receiver.finish()
        except EvidenceRejected as exc:
            upload.error = exc
            return None
        return upload

    def upload_interrupted(self) -> None:
        """The request ended inside a file (the client went away): that file is truncated."""
        if self._receiver is not None:
            self._receiver.abort()
            self._receiver = None
        if self._current is not None and self._current.received is None and self._current.error is None:
            self._current.error = EvidenceRejected("truncated")

    def upload_complete(self) -> None:
        if self._receiver is not None:  # stopped mid-file (StopUpload)
            self._receiver.abort()
            self._receiver = None
        return None

    def cleanup(self) -> None:
        """Remove every temporary file not handed to ``add_evidence`` (call in ``finally``)."""
        if self._receiver is not None:
            self._receiver.abort()
            self._receiver = None
        for upload in self.uploads:
            if upload.received is not None and not upload.taken:
                upload.received.temp_path.unlink(missing_ok=True)


def _too_many() -> DomainError:
    return InvalidInput(
        "too_many_files",
        _("Upload at most %(count)d files at a time.") % {"count": MAX_FILES},
        field="file",
    )


def install(request: HttpRequest, *, kind: str = "other") -> EvidenceUploadHandler:
    """Make ``request``'s files stream through a new handler (before ``request.POST`` is read)."""
    handler = EvidenceUploadHandler(request, kind=kind)
    request.upload_handlers = [handler]
    return handler
