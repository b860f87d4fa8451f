"""Fixtures for the web tests: the personas of tests/conftest.py, logged in; cases in a given
status, built through the product's own write path."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from gongdao.cases.actions import open_case, perform
from gongdao.cases.models import Case
from gongdao.evidence.models import EvidenceItem


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Argon2 is deliberately slow; the personas' passwords need no protection in a test run."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def as_user(world: Any):
    """A test client logged in as a persona: ``as_user("alice")``."""

    def _client(name: str) -> Client:
        client = Client()
        client.force_login(getattr(world, name))
        return client

    return _client


def add_item(case: Case, kind: str = "problem_photo", side: str = "consumer", name: str = "photo.jpg") -> Any:
    """An evidence row as the evidence app records it (these tests are about pages, not files)."""
    data = f"{case.public_id}-{kind}-{name}".encode()
    return EvidenceItem.objects.create(
        case=case,
        kind=kind,
        side=side,
        actor=f"user:{case.consumer.public_id}",
        uploaded_by=case.consumer if side == "consumer" else None,
        received_at=timezone.now(),
        original_name=name,
        size=len(data),
        content_type="image/jpeg",
        sha256=hashlib.sha256(data).hexdigest(),
    )


class Cases:
    def __init__(self, world: Any) -> None:
        self.world = world

    def filed(self, issue: str = "not_received", remedy: str = "refund_only", order: Any = None) -> Case:
        return open_case(
            order or self.world.order, self.world.actor("alice"), issue=issue, remedy=remedy, submit=True
        )

    def draft(self, issue: str = "damaged_in_transit", remedy: str = "return_and_refund") -> Case:
        return open_case(self.world.order, self.world.actor("alice"), issue=issue, remedy=remedy)

    def rejected(self) -> Case:
        case = self.filed()
        perform(case, "reject", self.world.actor("bob"), reason="Tracking says delivered.")
        return case

    def escalated(self) -> Case:
        case = self.rejected()
        perform(case, "escalate", self.world.actor("alice"), reason="I never got it.")
        return case

    def under_review(self) -> Case:
        case = self.escalated()
        perform(case, "assign", self.world.actor("agnes"), assignee="me")
        perform(case, "close_evidence", self.world.actor("agnes"))
        return case

    def decided(self) -> Case:
        case = self.under_review()
        perform(
            case,
            "decide",
            self.world.actor("agnes"),
            outcome="partially_upheld",
            remedy="refund_only",
            lines=[{"line_no": 1, "amount_fen": 10000}],
            reasons="The courier's record shows no signature.",
            rules=[],
        )
        return case


@pytest.fixture
def cases(world: Any) -> Cases:
    return Cases(world)
