"""The content-addressed store, with the same behaviour on a local folder and on S3 (SeaweedFS)."""

from __future__ import annotations

import hashlib
import os
import time
from datetime import timedelta
from pathlib import Path

import pytest

from gongdao.evidence.storage import LocalStore, S3Store, address, gc, receive, rehash
from tests.evidence.evidence_samples import (
    LIMITS,
    MB,
    ON_SEAWEEDFS,
    chunked,
    jpeg_bytes,
    mp4_bytes,
    pdf_bytes,
    text_bytes,
)

pytestmark = pytest.mark.unit


def put(store, data: bytes, tmp_dir: Path, kind: str = "other") -> str:
    received = receive(chunked(data), kind=kind, limits=LIMITS, tmp_dir=tmp_dir)
    store.put(received)
    assert not received.temp_path.exists(), "the temp file is gone once the file is in place"
    return received.sha256


def tamper(store, sha: str, position: int) -> None:
    """Change one byte of a stored file behind the store's back."""
    data = bytearray(b"".join(store.read_range(sha)))
    data[position] ^= 0x01
    if isinstance(store, LocalStore):
        path = store.path_for(sha)
        os.chmod(path, 0o600)
        path.write_bytes(bytes(data))
    else:
        store.client.put_object(Bucket=store.bucket, Key=store.key_for(sha), Body=bytes(data))


def test_put_then_read_back(store, tmp_dir):
    data = jpeg_bytes()
    sha = put(store, data, tmp_dir)
    assert sha == hashlib.sha256(data).hexdigest()
    assert store.exists(sha)
    assert store.size(sha) == len(data)
    assert b"".join(store.read_range(sha)) == data
    with store.open(sha) as fh:
        assert fh.read() == data


def test_identical_content_is_stored_once(store, tmp_dir):
    data = pdf_bytes()
    first = put(store, data, tmp_dir)
    second = put(store, data, tmp_dir)
    assert first == second
    assert list(store.iter_hashes()) == [first]


def test_iter_hashes_lists_every_stored_file(store, tmp_dir):
    shas = {put(store, data, tmp_dir) for data in (jpeg_bytes(), pdf_bytes(), text_bytes())}
    assert set(store.iter_hashes()) == shas


def test_missing_file(store):
    sha = "0" * 64
    assert not store.exists(sha)
    with pytest.raises(FileNotFoundError):
        store.size(sha)
    with pytest.raises(FileNotFoundError):
        store.read_range(sha)
    with pytest.raises(FileNotFoundError):
        store.open(sha)
    assert rehash(store, sha) is None


@pytest.mark.parametrize("bad", ["../../etc/passwd", "A" * 64, "0" * 63, "", "ab/cd/" + "0" * 58])
def test_only_hashes_name_files(store, bad):
    with pytest.raises(ValueError):
        store.exists(bad)


@pytest.mark.parametrize(
    ("start", "end"),
    [(0, 1), (0, 100), (10, 20), (4000, None), (0, None), (5, 5), (0, 10**9)],
)
def test_read_range(store, tmp_dir, start, end):
    data = mp4_bytes(body=200 * 1024)
    sha = put(store, data, tmp_dir)
    assert b"".join(store.read_range(sha, start, end)) == data[start:end]


def test_read_range_past_the_end_is_empty(store, tmp_dir):
    data = pdf_bytes()
    sha = put(store, data, tmp_dir)
    assert b"".join(store.read_range(sha, len(data) + 10, len(data) + 20)) == b""


def test_read_range_refuses_backwards_ranges(store, tmp_dir):
    sha = put(store, pdf_bytes(), tmp_dir)
    with pytest.raises(ValueError):
        store.read_range(sha, 10, 5)


def test_open_is_seekable(store, tmp_dir):
    data = mp4_bytes(body=300 * 1024)
    sha = put(store, data, tmp_dir)
    with store.open(sha) as fh:
        assert fh.seekable()
        fh.seek(1000)
        assert fh.read(10) == data[1000:1010]
        fh.seek(-5, os.SEEK_END)
        assert fh.read() == data[-5:]
        fh.seek(0)
        assert fh.read(4) == data[:4]


def test_rehash_detects_one_changed_byte(store, tmp_dir):
    data = jpeg_bytes()
    sha = put(store, data, tmp_dir)
    assert rehash(store, sha) == sha
    tamper(store, sha, len(data) // 2)
    assert rehash(store, sha) not in (sha, None)


def test_gc_removes_old_temp_files_and_reports_unreferenced(store, tmp_dir):
    kept = put(store, jpeg_bytes(), tmp_dir)
    orphan = put(store, pdf_bytes(), tmp_dir)
    old = tmp_dir / "upload-crashed.part"
    old.write_bytes(b"half an upload")
    os.utime(old, (time.time() - 7 * 3600,) * 2)
    fresh = tmp_dir / "upload-in-progress.part"
    fresh.write_bytes(b"still arriving")
    unrelated = tmp_dir / "notes.txt"
    unrelated.write_text("not ours")

    report = gc(store, {kept}, tmp_dir)

    assert report.temp_removed == [str(old)]
    assert report.unreferenced == [orphan]
    assert fresh.exists() and unrelated.exists()
    assert store.exists(orphan), "gc reports unreferenced files, it never deletes them"


def test_gc_with_a_missing_tmp_dir(store, tmp_path):
    assert gc(store, set(), tmp_path / "nowhere").temp_removed == []


# --- local folder only -----------------------------------------------------------------------


def test_local_layout_depends_on_the_hash_only(tmp_path, tmp_dir):
    store = LocalStore(tmp_path / "evidence")
    sha = put(store, jpeg_bytes(), tmp_dir)
    files = [p for p in (tmp_path / "evidence").rglob("*") if p.is_file()]
    assert files == [tmp_path / "evidence" / sha[:2] / sha[2:4] / sha]
    assert store.path_for(sha).relative_to(store.root).as_posix() == address(sha)
    assert oct(files[0].stat().st_mode & 0o777) == "0o440"


def test_local_put_across_file_systems_copies_then_renames(tmp_path, tmp_dir, monkeypatch):
    import errno

    store = LocalStore(tmp_path / "evidence")
    received = receive([jpeg_bytes()], kind="other", limits=LIMITS, tmp_dir=tmp_dir)
    real_replace = os.replace

    def replace(src, dst):
        if Path(src).parent == tmp_dir:
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    store.put(received)
    assert store.path_for(received.sha256).read_bytes() == jpeg_bytes()
    assert not received.temp_path.exists()
    assert list((store.root / ".incoming").iterdir()) == []


def test_local_put_repairs_a_damaged_copy(tmp_path, tmp_dir):
    store = LocalStore(tmp_path / "evidence")
    sha = put(store, jpeg_bytes(), tmp_dir)
    path = store.path_for(sha)
    os.chmod(path, 0o600)
    path.write_bytes(b"short")
    put(store, jpeg_bytes(), tmp_dir)
    assert rehash(store, sha) == sha


def test_local_iter_hashes_ignores_stray_files(tmp_path, tmp_dir):
    store = LocalStore(tmp_path / "evidence")
    sha = put(store, jpeg_bytes(), tmp_dir)
    (store.root / sha[:2] / sha[2:4] / "notes.txt").write_text("x")
    (store.root / "zz").mkdir()
    (store.root / sha[:2] / sha[2:4] / ("f" * 64)).write_text("misplaced")
    assert list(store.iter_hashes()) == [sha]


# --- S3 only ---------------------------------------------------------------------------------


@pytest.fixture
def s3(seaweedfs):
    import uuid

    return seaweedfs.store(prefix=f"t-{uuid.uuid4().hex[:12]}/", multipart_threshold=5 * MB)


@ON_SEAWEEDFS
def test_s3_large_file_goes_up_in_parts(s3: S3Store, tmp_dir):
    data = mp4_bytes(body=11 * MB)
    sha = put(s3, data, tmp_dir)
    head = s3.client.head_object(Bucket=s3.bucket, Key=s3.key_for(sha))
    assert head["ContentLength"] == len(data)
    assert "-" in head["ETag"], "a multipart upload's ETag is <md5>-<parts>"
    assert rehash(s3, sha) == sha


@ON_SEAWEEDFS
def test_s3_existing_object_is_not_uploaded_again(s3: S3Store, tmp_dir, monkeypatch):
    data = jpeg_bytes()
    put(s3, data, tmp_dir)
    monkeypatch.setattr(s3.client, "upload_file", lambda *a, **k: pytest.fail("uploaded twice"))
    put(s3, data, tmp_dir)


@ON_SEAWEEDFS
def test_s3_gc_aborts_abandoned_multipart_uploads(s3: S3Store, tmp_dir):
    key = s3.key_for("a" * 64)
    upload = s3.client.create_multipart_upload(Bucket=s3.bucket, Key=key)
    assert gc(s3, set(), tmp_dir, older_than=timedelta(hours=1)).temp_removed == []
    report = gc(s3, set(), tmp_dir, older_than=timedelta(0))
    assert report.temp_removed == [f"s3://{s3.bucket}/{key}?uploadId={upload['UploadId']}"]
    left = s3.client.list_multipart_uploads(Bucket=s3.bucket, Prefix=s3.prefix).get("Uploads", [])
    assert left == []


# --- configured store ------------------------------------------------------------------------


def test_get_store_local_from_settings(settings, tmp_path):
    from gongdao.evidence.storage import Limits, get_store, get_tmp_dir

    settings.DATA_DIR = tmp_path
    settings.GONGDAO_STORAGE = "local"
    store = get_store()
    assert isinstance(store, LocalStore) and store.root == tmp_path / "evidence"
    assert get_tmp_dir() == tmp_path / "tmp"
    settings.GONGDAO_MAX_IMAGE_BYTES = 7
    assert Limits.from_settings().image == 7


def test_get_store_s3_from_settings(settings):
    from gongdao.evidence.storage import get_store

    settings.GONGDAO_STORAGE = "s3"
    settings.GONGDAO_S3 = {
        "endpoint_url": "http://127.0.0.1:9",
        "bucket_name": "evidence",
        "access_key": "k",
        "secret_key": "s",
        "region_name": "us-east-1",
    }
    store = get_store()
    assert isinstance(store, S3Store) and store.bucket == "evidence"
    assert get_store() is store, "one client per configuration"
