"""Fixtures for dossiers: a data dir of its own (store, signing key), cases built through the
product's write path with real evidence files, and a module-wide font check."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.evidence.conftest import Cases
from tests.evidence.evidence_samples import jpeg_bytes, png_bytes


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def data_dir(settings, tmp_path):
    from gongdao import keys

    folder = tmp_path / "data"
    folder.mkdir()
    settings.DATA_DIR = folder
    keys.create(folder)
    return folder


@pytest.fixture
def cases(world, data_dir):
    return Cases(world)


@pytest.fixture
def as_user(world: Any):
    def _client(name: str) -> Client:
        client = Client()
        client.force_login(getattr(world, name))
        return client

    return _client


def add_photo(
    case, world, who="alice", *, seed=1, kind="problem_photo", description="外包装破损，耳机左侧无声"
):
    import io

    from gongdao.evidence.actions import add_evidence

    data = jpeg_bytes(seed=seed) if kind != "chat_record" else png_bytes(seed=seed)
    name = "photo.jpg" if kind != "chat_record" else "chat.png"
    return add_evidence(
        case, world.actor(who), kind=kind, source=io.BytesIO(data), filename=name, description=description
    )


@pytest.fixture
def disputed(world, cases):
    """Alice's filed case about damaged headphones: evidence from both sides, a rejection with a
    reason, an escalation, a message, an internal note of the agent (platform only)."""
    from gongdao.cases.actions import add_message, add_note, perform

    case = cases.draft(issue="quality_defect", remedy="return_and_refund")
    add_photo(case, world, seed=1)
    add_photo(case, world, seed=2, kind="chat_record", description="与客服的聊天记录")
    perform(case, "submit", world.actor("alice"))
    perform(case, "reject", world.actor("bob"), reason="耳机经检测无质量问题，请联系 13900001111 客服。")
    add_message(case, world.actor("alice"), "左耳没有声音，已经拍了视频。")
    perform(case, "escalate", world.actor("alice"), reason="商家拒绝退货。")
    perform(case, "assign", world.actor("agnes"), assignee="me")
    add_note(case, world.actor("agnes"), "内部备注：商家此前有类似投诉。")
    case.refresh_from_db()
    return case
