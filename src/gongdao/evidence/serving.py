"""What the serving views need besides the store: derived copies cached by hash (thumbnails and
location-free images, generated once), a local path for image processing whatever the backend,
and HTTP byte ranges.

Derived copies live under ``DATA_DIR/cache/<variant>/ab/cd/<sha256>``; they are written to a
temporary file and renamed into place, so a reader never sees half a copy, and may be deleted at
any time (they are made again on the next request). The original bytes are never changed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings

from gongdao.evidence import media, sniff
from gongdao.evidence.storage import (
    TEMP_PREFIX,
    TEMP_SUFFIX,
    LocalStore,
    Store,
    _remove_old_files,
    address,
    get_tmp_dir,
)

THUMBNAIL_SIDE = 320
VARIANTS = ("thumbnails", "no-location")


def cache_root() -> Path:
    return Path(settings.DATA_DIR) / "cache"


@contextmanager
def local_file(store: Store, sha: str) -> Iterator[Path]:
    """A path to the file's bytes: the stored file itself, or a temporary copy from S3."""
    if isinstance(store, LocalStore):
        path = store.path_for(sha)
        if not path.is_file():
            raise FileNotFoundError(sha)
        yield path
        return
    tmp_dir = get_tmp_dir()
    tmp_dir.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=tmp_dir)
    try:
        with os.fdopen(fd, "wb") as out, store.open(sha) as src:
            shutil.copyfileobj(src, out, 1024 * 1024)
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


def _cached(variant: str, sha: str, make: Callable[[], bytes]) -> Path:
    path = cache_root() / variant / address(sha)
    if path.is_file():
        return path
    data = make()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return path


def thumbnail(store: Store, sha: str) -> Path:
    """A JPEG at most 320 pixels wide and high, without metadata."""

    def make() -> bytes:
        with local_file(store, sha) as path:
            return media.thumbnail(path, THUMBNAIL_SIDE)

    return _cached("thumbnails", sha, make)


def without_location(store: Store, sha: str) -> tuple[Path, str]:
    """The image re-encoded without GPS data (for the other party), and its content type."""

    def make() -> bytes:
        with local_file(store, sha) as path:
            return media.without_location(path)

    path = _cached("no-location", sha, make)
    with open(path, "rb") as fh:
        head = fh.read(sniff.SNIFF_BYTES)
    return path, sniff.sniff(head)


def file_chunks(path: Path, start: int, end: int, chunk_size: int = 64 * 1024) -> Iterator[bytes]:
    """Bytes ``[start, end)`` of a local file."""
    with open(path, "rb") as fh:
        fh.seek(start)
        remaining = end - start
        while remaining > 0:
            chunk = fh.read(min(chunk_size, remaining))
            if not chunk:
                return
            remaining -= len(chunk)
            yield chunk


def remove_stale_temp_files(older_than: timedelta) -> list[str]:
    """Half-written cache copies left by a killed process (for ``gongdao storage gc``)."""
    removed: list[str] = []
    root = cache_root()
    for variant in VARIANTS:
        folder = root / variant
        if not folder.is_dir():
            continue
        for parent in sorted({p.parent for p in folder.glob(f"*/*/{TEMP_PREFIX}*{TEMP_SUFFIX}")}):
            removed += _remove_old_files(parent, f"{TEMP_PREFIX}*{TEMP_SUFFIX}", older_than)
    return removed


# ---- HTTP ranges --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # exclusive

    @property
    def length(self) -> int:
        return self.end - self.start

    def content_range(self, size: int) -> str:
        return f"bytes {self.start}-{self.end - 1}/{size}"


class Unsatisfiable(Exception):
    """A well-formed range that lies wholly past the end of the file (416)."""


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The one byte range asked for by a ``Range`` header (RFC 9110 §14), or None for the whole file.

    A header we do not understand, or several ranges, is ignored (the whole file is a valid
    answer). ``Unsatisfiable`` when the range starts at or past the end.
    """
    if not header:
        return None
    unit, _, spec = header.strip().partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, dash, last = spec.strip().partition("-")
    first, last = first.strip(), last.strip()
    if not dash or (first and not first.isdigit()) or (last and not last.isdigit()):
        return None
    if not first:  # a suffix: the last N bytes
        if not last:
            return None
        suffix = int(last)
        if suffix == 0:
            raise Unsatisfiable
        return ByteRange(max(0, size - suffix), size)
    start = int(first)
    end = size if not last else min(int(last) + 1, size)
    if last and int(last) < start:
        return None
    if start >= size:
        raise Unsatisfiable
    return ByteRange(start, end)
