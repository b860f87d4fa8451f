"""Fixtures for the notification tests: a fixed clock (time_machine), a real SMTP server on
loopback (aiosmtpd) that can be stopped and started on the same port, and email settings
pointing at it."""

from __future__ import annotations

import email
import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from gongdao import worker
from tests.notify.helpers import Mailbox

# Monday 2026-03-02 10:00 in Shanghai.
START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Recorder:
    """aiosmtpd handler: keeps every message; refuses recipients listed in ``refuse``."""

    messages: list[tuple[list[str], Message]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), email.message_from_bytes(envelope.original_content)))
        return "250 2.0.0 queued"


class SmtpServer:
    """A real SMTP server on 127.0.0.1; ``stop()`` and ``start()`` keep the port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.recorder = Recorder()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def mailbox(self) -> Mailbox:
        return Mailbox(self.recorder.messages)


@pytest.fixture
def smtp_server():
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def smtp_down():
    """An SMTP server that is not running yet (its port is free); the test starts it."""
    server = SmtpServer()
    try:
        yield server
    finally:
        server.stop()


def point_email_at(settings: Any, port: int) -> None:
    settings.EMAIL_ENABLED = True
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.BASE_URL = "https://odr.example.com"
    settings.DEFAULT_FROM_EMAIL = "Gongdao <noreply@odr.example.com>"


@pytest.fixture
def email_on(settings, smtp_server):
    point_email_at(settings, smtp_server.port)
    return smtp_server


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The personas' passwords are hashed with a fast hasher here (argon2 is slow on purpose)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clock(time_machine):
    """The test's clock, stopped at START; move it with clock.shift(...) or clock.move_to(...)."""
    time_machine.move_to(START, tick=False)
    return time_machine


@pytest.fixture
def people(clock, world):
    """The personas, made at START (after the clock stopped)."""
    world.alice.language = "en"
    world.alice.save(update_fields=["language"])
    return world


@pytest.fixture
def tick():
    """One worker pass at the current (moved) time."""
    return worker.tick
