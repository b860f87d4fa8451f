"""The signed dossier bundle: a ZIP streamed member by member, never built in memory.

Members, in order: ``dossier.pdf``; each evidence file as ``evidence/NN-E-XXXXXXXX.ext`` (stored
as received, re-hashed while streamed: a stored file that no longer matches its SHA-256 stops
the export); ``manifest.json`` (RFC 8785 canonical JSON listing every other member with its
SHA-256, the case summary, the event chain and the signed checkpoints); ``manifest.sig`` (the
platform's Ed25519 signature over the manifest bytes, base64). docs/dossier-format.md is the
specification; verify.py checks it without Gongdao's database.

Pure apart from the callables passed in (opening a stored file, signing): no Django here.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, BinaryIO

from gongdao.cases import chain

FORMAT = "gongdao-dossier/1"
PDF_NAME = "dossier.pdf"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
CHUNK = 64 * 1024
_EXTENSION = re.compile(r"\.([A-Za-z0-9]{1,8})$")
EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/heic": "heic",
    "image/heif": "heif",
    "video/mp4": "mp4",
    "video/quicktime": "mov",
    "application/pdf": "pdf",
    "text/plain": "txt",
}


class BundleError(RuntimeError):
    """The bundle cannot be completed (e.g. a stored file no longer matches its hash)."""


@dataclass(frozen=True)
class EvidenceFile:
    """An evidence file to include: where to read it and what the record says it is."""

    item: str
    kind: str
    name: str
    content_type: str
    size: int
    sha256: str
    event: str
    open: Callable[[], BinaryIO]

    def path(self, number: int) -> str:
        match = _EXTENSION.search(self.name or "")
        ext = match.group(1).lower() if match else EXTENSIONS.get(self.content_type, "bin")
        return f"evidence/{number:02d}-{self.item}.{ext}"


@dataclass
class Manifest:
    """Everything the manifest says except the files, which are added as they are written."""

    dossier: str
    target: str
    generated_at: datetime
    case: dict[str, Any]
    signer: dict[str, str]
    events: list[dict[str, Any]]
    checkpoints: list[dict[str, Any]]
    files: list[dict[str, Any]] = field(default_factory=list)

    def document(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "dossier": self.dossier,
            "target": self.target,
            "generated_at": chain.timestamp(self.generated_at),
            "case": self.case,
            "signer": self.signer,
            "files": self.files,
            "events": self.events,
            "checkpoints": self.checkpoints,
        }

    def to_bytes(self) -> bytes:
        return chain.canonical(self.document())


class _Pipe:
    """A write-only stream whose bytes are taken away after each step: memory stays flat."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def _info(name: str, when: datetime, size: int, compress: bool) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.file_size = size  # lets zipfile choose ZIP64 up front for large files
    info.external_attr = 0o644 << 16
    return info


def stream(
    pdf: bytes,
    evidence: Iterable[EvidenceFile],
    manifest: Manifest,
    sign: Callable[[bytes], str],
) -> Iterator[bytes]:
    """Yield the ZIP's bytes. ``sign(manifest_bytes)`` returns the base64 Ed25519 signature."""
    pipe = _Pipe()
    when = manifest.generated_at
    with zipfile.ZipFile(pipe, "w", allowZip64=True) as zf:
        with zf.open(_info(PDF_NAME, when, len(pdf), True), "w") as out:
            out.write(pdf)
        manifest.files.append(
            {
                "path": PDF_NAME,
                "role": "document",
                "sha256": hashlib.sha256(pdf).hexdigest(),
                "size": len(pdf),
            }
        )
        yield pipe.take()
        for number, item in enumerate(evidence, 1):
            path = item.path(number)
            digest, size = hashlib.sha256(), 0
            with item.open() as source, zf.open(_info(path, when, item.size, False), "w") as out:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
                    yield pipe.take()
            if digest.hexdigest() != item.sha256 or size != item.size:
                raise BundleError(f"stored file of {item.item} no longer matches its SHA-256: export stopped")
            manifest.files.append(
                {
                    "path": path,
                    "role": "evidence",
                    "sha256": item.sha256,
                    "size": size,
                    "item": item.item,
                    "kind": item.kind,
                    "name": item.name,
                    "content_type": item.content_type,
                    "event": item.event,
                }
            )
        body = manifest.to_bytes()
        zf.writestr(_info(MANIFEST, when, len(body), True), body)
        zf.writestr(_info(SIGNATURE, when, 0, False), sign(body).encode("ascii"))
    yield pipe.take()
