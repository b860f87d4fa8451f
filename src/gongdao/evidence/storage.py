"""Streamed, content-addressed storage of evidence files, on a local folder or S3.

An upload goes through two steps, so that a database row never points at a partial file:

1. ``receive(chunks, …)`` streams the bytes into a temporary file in ``tmp_dir`` while it
   computes the SHA-256, sniffs the type from the first bytes, refuses a type the evidence
   kind does not allow and refuses the upload as soon as it passes the size limit of its
   category; the file is fsynced. Any refusal or error removes the temporary file.
2. ``store.put(received)`` moves it to its content address ``ab/cd/<sha256>``; when ``put``
   returns the file is durable and complete. Only then may the caller commit its row.

A crash between the steps leaves a temporary file (removed by ``gc``) or a stored file that no
row references (reported by ``gc``, never deleted: it may be evidence whose row is being
committed). Identical content is stored once. File names given by uploaders are never used
for anything on disk: a stored path depends on the hash alone.
"""

from __future__ import annotations

import abc
import errno
import functools
import hashlib
import io
import logging
import os
import re
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from django.utils.translation import gettext_lazy as _

from gongdao.evidence.errors import EvidenceRejected
from gongdao.evidence.sniff import (
    SNIFF_BYTES,
    allowed_types_for,
    category_of,
    claim_matches,
    describe,
    normalise,
    sniff,
)

log = logging.getLogger(__name__)

CHUNK_SIZE = 64 * 1024
TEMP_PREFIX = "upload-"
TEMP_SUFFIX = ".part"
DEFAULT_TEMP_AGE = timedelta(hours=6)
_HASH = re.compile(r"[0-9a-f]{64}")
_PAIR = re.compile(r"[0-9a-f]{2}")
_CATEGORY_NAMES = {"image": _("image"), "video": _("video"), "document": _("document")}


@dataclass(frozen=True)
class Limits:
    """Largest upload per category, in bytes."""

    image: int
    video: int
    document: int

    @classmethod
    def from_settings(cls) -> Limits:
        from django.conf import settings

        return cls(
            image=settings.GONGDAO_MAX_IMAGE_BYTES,
            video=settings.GONGDAO_MAX_VIDEO_BYTES,
            document=settings.GONGDAO_MAX_DOCUMENT_BYTES,
        )

    def for_category(self, category: str) -> int:
        return getattr(self, category)


@dataclass(frozen=True)
class Received:
    """A fully received, fsynced upload waiting in a temporary file for ``Store.put``."""

    sha256: str
    size: int
    content_type: str
    temp_path: Path

    @property
    def category(self) -> str:
        return category_of(self.content_type) or ""


# --- receiving -------------------------------------------------------------------------------


def receive(
    chunks: Iterable[bytes],
    *,
    kind: str,
    limits: Limits,
    tmp_dir: Path,
    claimed_type: str | None = None,
    expected_size: int | None = None,
) -> Received:
    """Stream an upload to a temporary file; raise ``EvidenceRejected`` if it may not be kept.

    ``claimed_type`` is what the client said the file is (browser Content-Type); a claim the
    bytes contradict is refused as ``type_mismatch``. ``expected_size`` (e.g. a declared
    length) turns a short upload into ``truncated``; an error raised by ``chunks`` itself (a
    dropped connection: ``OSError``) is ``truncated`` too.
    """
    receiver = Receiver(kind=kind, limits=limits, tmp_dir=tmp_dir, claimed_type=claimed_type)
    try:
        for chunk in _pulled(chunks):
            receiver.write(chunk)
    except BaseException:
        receiver.abort()
        raise
    return receiver.finish(expected_size)


class Receiver:
    """The push side of ``receive``, for code that is handed chunks (a Django upload handler).

    ``write`` each chunk, then ``finish()``; a refusal raised by either has already removed
    the temporary file; call ``abort()`` if you give up for another reason.
    """

    def __init__(self, *, kind: str, limits: Limits, tmp_dir: Path, claimed_type: str | None = None) -> None:
        self._allowed = allowed_types_for(kind)
        self._limits, self._claimed = limits, claimed_type
        Path(tmp_dir).mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=tmp_dir)
        self.path = Path(name)
        self._out = os.fdopen(fd, "wb")
        self._sink = _Sink(self._out)
        self._head: list[bytes] = []
        self._head_size = 0
        self.content_type: str | None = None  # known once SNIFF_BYTES have arrived

    @property
    def size(self) -> int:
        return self._sink.size + self._head_size

    def write(self, chunk: bytes) -> None:
        if not chunk:
            return
        try:
            if self.content_type is not None:
                self._sink.write(chunk)
                return
            self._head.append(chunk)
            self._head_size += len(chunk)
            if self._head_size >= SNIFF_BYTES:
                self._decide(ended=False)
        except BaseException:
            self.abort()
            raise

    def _decide(self, *, ended: bool) -> None:
        head = b"".join(self._head)
        self._head, self._head_size = [], 0
        if not head:
            raise EvidenceRejected("empty_file")
        content_type = _admit(head, ended, self._allowed, self._claimed)
        self._sink.category = category_of(content_type) or ""
        self._sink.limit = self._limits.for_category(self._sink.category)
        self._sink.write(head)
        self.content_type = content_type

    def finish(self, expected_size: int | None = None) -> Received:
        """Check, fsync and close the temporary file; the upload is then ready for ``Store.put``."""
        try:
            if self.content_type is None:
                self._decide(ended=True)
            _check_complete(self._sink.size, expected_size)
            self._out.flush()
            os.fsync(self._out.fileno())
            self._out.close()
        except BaseException:
            self.abort()
            raise
        assert self.content_type is not None
        return Received(self._sink.digest.hexdigest(), self._sink.size, self.content_type, self.path)

    def abort(self) -> None:
        """Give up: close and remove the temporary file (safe to call more than once)."""
        self._out.close()
        self.path.unlink(missing_ok=True)


class _Sink:
    """Writes to the temporary file, hashing and counting; refuses to pass ``limit`` bytes."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.digest = hashlib.sha256()
        self.size = 0
        self.limit: int | None = None
        self.category = ""

    def write(self, data: bytes) -> None:
        self.size += len(data)
        if self.limit is not None and self.size > self.limit:
            raise EvidenceRejected(
                "too_large",
                limit_mb=_mb(self.limit),
                category=_CATEGORY_NAMES.get(self.category, self.category),
            )
        self.digest.update(data)
        self.out.write(data)


def _mb(limit: int) -> str:
    mb = limit / (1024 * 1024)
    return str(int(mb)) if mb.is_integer() else f"{mb:.2f}"


def _pulled(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The chunks; a source that fails mid-way (the client went away) is a truncated upload."""
    source = iter(chunks)
    while True:
        try:
            chunk = next(source)
        except StopIteration:
            return
        except OSError as exc:
            raise EvidenceRejected("truncated") from exc
        yield chunk


def _admit(head: bytes, ended: bool, allowed: tuple[str, ...], claimed_type: str | None) -> str:
    content_type = sniff(head, complete=ended)
    if not claim_matches(claimed_type, content_type):
        raise EvidenceRejected(
            "type_mismatch",
            claimed=describe([normalise(claimed_type) or ""]),
            content_type=describe([content_type]),
        )
    if content_type not in allowed:
        raise EvidenceRejected(
            "type_not_allowed", content_type=describe([content_type]), allowed=describe(allowed)
        )
    return content_type


def _check_complete(size: int, expected_size: int | None) -> None:
    if expected_size is not None and size != expected_size:
        raise EvidenceRejected("truncated")


# --- stores ----------------------------------------------------------------------------------


def check_hash(sha: str) -> str:
    """``sha`` if it is a lower-case hex SHA-256; ValueError otherwise (it may come from a URL)."""
    if not isinstance(sha, str) or not _HASH.fullmatch(sha):
        raise ValueError(f"not a SHA-256 hex digest: {sha!r}")
    return sha


def address(sha: str) -> str:
    """The relative location of a file: ``ab/cd/abcd…``."""
    check_hash(sha)
    return f"{sha[:2]}/{sha[2:4]}/{sha}"


def _check_range(start: int, end: int | None) -> None:
    if start < 0 or (end is not None and end < start):
        raise ValueError(f"bad byte range {start}..{end}")


class Store(abc.ABC):
    """Where evidence files live, by SHA-256. Byte ranges are half-open: ``[start, end)``."""

    @abc.abstractmethod
    def put(self, received: Received) -> None:
        """Move a received upload into place; on return it is complete and durable."""

    @abc.abstractmethod
    def exists(self, sha: str) -> bool: ...

    @abc.abstractmethod
    def size(self, sha: str) -> int:
        """Size in bytes; FileNotFoundError if the file is missing."""

    @abc.abstractmethod
    def open(self, sha: str) -> BinaryIO:
        """A seekable binary reader; FileNotFoundError if missing. Close it after use."""

    @abc.abstractmethod
    def read_range(self, sha: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        """Chunks of bytes ``[start, end)`` (``end=None``: to the end), for HTTP Range answers.

        FileNotFoundError is raised by the call itself, before any chunk, if the file is missing;
        reading stops at the end of the file.
        """

    @abc.abstractmethod
    def iter_hashes(self) -> Iterator[str]:
        """Every stored file's SHA-256."""

    def delete_temp_leftovers(self, tmp_dir: Path, older_than: timedelta = DEFAULT_TEMP_AGE) -> list[str]:
        """Remove upload temp files untouched for ``older_than``; return what was removed."""
        return _remove_old_files(Path(tmp_dir), f"{TEMP_PREFIX}*{TEMP_SUFFIX}", older_than)


def _remove_old_files(folder: Path, pattern: str, older_than: timedelta) -> list[str]:
    if not folder.is_dir():
        return []
    cutoff = time.time() - older_than.total_seconds()
    removed = []
    for path in sorted(folder.glob(pattern)):
        try:
            if path.is_file() and path.stat().st_mtime <= cutoff:
                path.unlink()
                removed.append(str(path))
        except FileNotFoundError:
            continue
    return removed


def _chunks_of(fh: BinaryIO, start: int, end: int | None) -> Iterator[bytes]:
    with fh:
        fh.seek(start)
        remaining = None if end is None else end - start
        while remaining is None or remaining > 0:
            chunk = fh.read(CHUNK_SIZE if remaining is None else min(CHUNK_SIZE, remaining))
            if not chunk:
                return
            if remaining is not None:
                remaining -= len(chunk)
            yield chunk


# --- local folder ----------------------------------------------------------------------------


class LocalStore(Store):
    """Files at ``root/ab/cd/<sha256>``, moved in with ``os.replace`` after fsync, read-only."""

    INCOMING = ".incoming"

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_for(self, sha: str) -> Path:
        return self.root / address(sha)

    def put(self, received: Received) -> None:
        dest = self.path_for(received.sha256)
        existing = _file_size(dest)
        if existing == received.size:
            received.temp_path.unlink(missing_ok=True)
            return
        if existing is not None:
            log.warning("evidence file %s had %s bytes, not %s: replacing it", dest, existing, received.size)
        _make_dirs(self.root, dest.parent)
        os.chmod(received.temp_path, 0o440)
        try:
            os.replace(received.temp_path, dest)
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            self._copy_in(received.temp_path, dest)
        _fsync_dir(dest.parent)

    def _copy_in(self, source: Path, dest: Path) -> None:
        """``tmp_dir`` is on another file system: copy next to the store, then rename."""
        incoming = self.root / self.INCOMING
        _make_dirs(self.root, incoming)
        fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=incoming)
        try:
            with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
                for chunk in _chunks_of(src, 0, None):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(name, 0o440)
            os.replace(name, dest)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise
        source.unlink()

    def exists(self, sha: str) -> bool:
        return self.path_for(sha).is_file()

    def size(self, sha: str) -> int:
        return self.path_for(sha).stat().st_size

    def open(self, sha: str) -> BinaryIO:
        return open(self.path_for(sha), "rb")  # noqa: SIM115 - the caller closes it

    def read_range(self, sha: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        _check_range(start, end)
        return _chunks_of(self.open(sha), start, end)

    def iter_hashes(self) -> Iterator[str]:
        for first in _subdirs(self.root):
            for second in _subdirs(first):
                for entry in sorted(os.scandir(second), key=lambda e: e.name):
                    name = entry.name
                    if _HASH.fullmatch(name) and name[:2] == first.name and name[2:4] == second.name:
                        yield name

    def delete_temp_leftovers(self, tmp_dir: Path, older_than: timedelta = DEFAULT_TEMP_AGE) -> list[str]:
        removed = super().delete_temp_leftovers(tmp_dir, older_than)
        pattern = f"{TEMP_PREFIX}*{TEMP_SUFFIX}"
        return removed + _remove_old_files(self.root / self.INCOMING, pattern, older_than)


def _file_size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return None


def _subdirs(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if _PAIR.fullmatch(p.name) and p.is_dir())


def _make_dirs(root: Path, folder: Path) -> None:
    """Create ``folder`` (inside ``root``) and fsync each parent that gained an entry."""
    root.mkdir(parents=True, exist_ok=True)
    current = root
    for part in folder.relative_to(root).parts:
        current = current / part
        try:
            current.mkdir()
        except FileExistsError:
            continue
        _fsync_dir(current.parent)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- S3-compatible object storage ------------------------------------------------------------


class S3Store(Store):
    """Objects at key ``ab/cd/<sha256>`` in one bucket, through boto3.

    Uploads stream from the temporary file (multipart above ``multipart_threshold``); an
    object already there with the same size is not uploaded again. Path-style addressing,
    which S3-compatible servers (SeaweedFS, MinIO, Ceph) all support. ``prefix`` (e.g.
    ``"evidence/"``) puts the keys under a folder of a shared bucket.
    """

    def __init__(
        self,
        endpoint_url: str | None,
        bucket: str,
        access_key: str | None,
        secret_key: str | None,
        region: str | None = "us-east-1",
        *,
        multipart_threshold: int = 64 * 1024 * 1024,
        multipart_chunksize: int = 16 * 1024 * 1024,
        prefix: str = "",
    ) -> None:
        import boto3
        from boto3.s3.transfer import TransferConfig
        from botocore.config import Config

        self.bucket = bucket
        self.prefix = prefix
        self.region = region or "us-east-1"
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            region_name=self.region,
            config=Config(
                s3={"addressing_style": "path"},
                retries={"max_attempts": 5, "mode": "standard"},
                signature_version="s3v4",
            ),
        )
        self.transfer = TransferConfig(
            multipart_threshold=multipart_threshold,
            multipart_chunksize=multipart_chunksize,
            max_concurrency=4,
        )

    def key_for(self, sha: str) -> str:
        return self.prefix + address(sha)

    def ensure_bucket(self) -> None:
        """Create the bucket if it does not exist (for ``gongdao init`` and tests)."""
        if self._bucket_exists():
            return
        kwargs = {}
        if self.region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": self.region}
        try:
            self.client.create_bucket(Bucket=self.bucket, **kwargs)
        except self.client.exceptions.BucketAlreadyOwnedByYou:
            return

    def _bucket_exists(self) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError as exc:
            if _is_missing(exc):
                return False
            raise
        return True

    def put(self, received: Received) -> None:
        key = self.key_for(received.sha256)
        if self._head_size(key) == received.size:
            received.temp_path.unlink(missing_ok=True)
            return
        self.client.upload_file(
            str(received.temp_path),
            self.bucket,
            key,
            ExtraArgs={"ContentType": received.content_type},
            Config=self.transfer,
        )
        stored = self._head_size(key)
        if stored != received.size:
            raise OSError(f"S3 object {key} has {stored} bytes after upload, expected {received.size}")
        received.temp_path.unlink(missing_ok=True)

    def _head_size(self, key: str) -> int | None:
        from botocore.exceptions import ClientError

        try:
            return self.client.head_object(Bucket=self.bucket, Key=key)["ContentLength"]
        except ClientError as exc:
            if _is_missing(exc):
                return None
            raise

    def exists(self, sha: str) -> bool:
        return self._head_size(self.key_for(sha)) is not None

    def size(self, sha: str) -> int:
        size = self._head_size(self.key_for(sha))
        if size is None:
            raise FileNotFoundError(errno.ENOENT, "no such evidence file", sha)
        return size

    def open(self, sha: str) -> BinaryIO:
        return io.BufferedReader(_S3Reader(self, sha, self.size(sha)), buffer_size=1024 * 1024)

    def read_range(self, sha: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        _check_range(start, end)
        if end == start:
            self.size(sha)  # still FileNotFoundError for a missing file
            return iter(())
        body = self._body(sha, start, end)
        return body.iter_chunks(CHUNK_SIZE) if body is not None else iter(())

    def _body(self, sha: str, start: int, end: int | None) -> Any:  # StreamingBody | None
        """The object's body from ``start`` (None past the end); FileNotFoundError if missing."""
        from botocore.exceptions import ClientError

        kwargs = {}
        if start or end is not None:
            kwargs["Range"] = f"bytes={start}-{'' if end is None else end - 1}"
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self.key_for(sha), **kwargs)["Body"]
        except ClientError as exc:
            if _is_missing(exc):
                raise FileNotFoundError(errno.ENOENT, "no such evidence file", sha) from exc
            if _error_code(exc) == "InvalidRange":
                return None
            raise

    def iter_hashes(self) -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix)
        for page in pages:
            for item in page.get("Contents", []):
                sha = item["Key"].rsplit("/", 1)[-1]
                if _HASH.fullmatch(sha) and item["Key"] == self.key_for(sha):
                    yield sha

    def delete_temp_leftovers(self, tmp_dir: Path, older_than: timedelta = DEFAULT_TEMP_AGE) -> list[str]:
        """Temp files, and multipart uploads a killed process never completed nor aborted."""
        removed = super().delete_temp_leftovers(tmp_dir, older_than)
        cutoff = datetime.now(UTC) - older_than
        uploads = self.client.get_paginator("list_multipart_uploads")
        pages = uploads.paginate(Bucket=self.bucket, Prefix=self.prefix)
        for page in pages:
            for upload in page.get("Uploads", []):
                if upload["Initiated"] <= cutoff:
                    self.client.abort_multipart_upload(
                        Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"]
                    )
                    removed.append(f"s3://{self.bucket}/{upload['Key']}?uploadId={upload['UploadId']}")
        return removed


def _error_code(exc: Exception) -> str:
    return str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))


def _is_missing(exc: Exception) -> bool:
    return _error_code(exc) in {"404", "NoSuchKey", "NotFound", "NoSuchBucket"}


class _S3Reader(io.RawIOBase):
    """A seekable reader over one object: a streamed GET from the position, renewed on seek."""

    def __init__(self, store: S3Store, sha: str, size: int) -> None:
        self._store, self._sha, self._size = store, sha, size
        self._pos = 0
        self._body: Any = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        if base + offset != self._pos:
            self._drop_body()
        self._pos = base + offset
        return self._pos

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if self._pos >= self._size:
            return 0
        if self._body is None:
            self._body = self._store._body(self._sha, self._pos, None)
        data = self._body.read(len(buffer)) if self._body is not None else b""
        buffer[: len(data)] = data
        self._pos += len(data)
        return len(data)

    def _drop_body(self) -> None:
        if self._body is not None:
            self._body.close()
            self._body = None

    def close(self) -> None:
        self._drop_body()
        super().close()


# --- maintenance -----------------------------------------------------------------------------


@dataclass(frozen=True)
class GcReport:
    temp_removed: list[str]
    unreferenced: list[str]


def gc(
    store: Store, referenced: set[str], tmp_dir: Path, *, older_than: timedelta = DEFAULT_TEMP_AGE
) -> GcReport:
    """Remove leftover temporary files; report (never delete) stored files no row references."""
    removed = store.delete_temp_leftovers(Path(tmp_dir), older_than)
    unreferenced = [sha for sha in store.iter_hashes() if sha not in referenced]
    return GcReport(temp_removed=removed, unreferenced=unreferenced)


def rehash(store: Store, sha: str) -> str | None:
    """The SHA-256 of the bytes stored under ``sha`` now (None if the file is missing)."""
    try:
        chunks = store.read_range(sha)
    except FileNotFoundError:
        return None
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


# --- configured store ------------------------------------------------------------------------


def get_store() -> Store:
    """The store chosen by settings: ``DATA_DIR/evidence`` or the configured S3 bucket."""
    from django.conf import settings

    if settings.GONGDAO_STORAGE == "s3":
        s3 = settings.GONGDAO_S3
        return _s3_store(
            s3["endpoint_url"], s3["bucket_name"], s3["access_key"], s3["secret_key"], s3["region_name"]
        )
    return LocalStore(Path(settings.DATA_DIR) / "evidence")


def get_tmp_dir() -> Path:
    """Where uploads are received: ``DATA_DIR/tmp`` (local disk even when the store is S3)."""
    from django.conf import settings

    return Path(settings.DATA_DIR) / "tmp"


@functools.lru_cache(maxsize=4)
def _s3_store(
    endpoint_url: str | None, bucket: str, access_key: str | None, secret_key: str | None, region: str | None
) -> S3Store:
    # One client per configuration: boto3 clients are thread-safe and costly to build.
    return S3Store(endpoint_url, bucket, access_key, secret_key, region)
