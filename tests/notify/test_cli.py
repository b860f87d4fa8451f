"""``gongdao notify test --to ADDRESS``: the real command, in its own process, with the email
settings from the environment, against a real SMTP server on loopback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.notify.conftest import free_port
from tests.notify.helpers import subject_of, text_of

GONGDAO = str(Path(sys.executable).with_name("gongdao"))


def run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("GONGDAO_")}
    environ.update({"GONGDAO_DATA_DIR": str(tmp_path / "data"), "GONGDAO_LANGUAGE": "en", **env})
    return subprocess.run(
        [GONGDAO, "notify", "test", *args], capture_output=True, text=True, env=environ, timeout=60
    )


def test_reports_the_smtp_conversation_and_success(tmp_path, smtp_server):
    done = run(
        tmp_path,
        "--to",
        "ops@example.com",
        GONGDAO_EMAIL_HOST="127.0.0.1",
        GONGDAO_EMAIL_PORT=str(smtp_server.port),
    )
    assert done.returncode == 0, done.stderr
    assert "-> MAIL FROM:<noreply@localhost>" in done.stdout
    assert "-> RCPT TO:<ops@example.com>" in done.stdout
    assert (
        f"ok: test email to ops@example.com accepted by 127.0.0.1:{smtp_server.port} (none): 250"
        in done.stdout
    )
    [message] = smtp_server.mailbox.to("ops@example.com")
    assert subject_of(message) == "[Gongdao] Test email"
    assert "This is a test email from Gongdao." in text_of(message)


def test_fails_clearly_when_no_server_listens(tmp_path):
    port = free_port()
    done = run(
        tmp_path, "--to", "ops@example.com", GONGDAO_EMAIL_HOST="127.0.0.1", GONGDAO_EMAIL_PORT=str(port)
    )
    assert done.returncode == 1
    assert f"test email failed: cannot talk to 127.0.0.1:{port} (none): Connection refused" in done.stderr


def test_reports_a_refusal(tmp_path, smtp_server):
    smtp_server.recorder.refuse.add("nobody@example.com")
    done = run(
        tmp_path,
        "--to",
        "nobody@example.com",
        GONGDAO_EMAIL_HOST="127.0.0.1",
        GONGDAO_EMAIL_PORT=str(smtp_server.port),
    )
    assert done.returncode == 1
    assert "test email refused: RCPT TO refused: 550 5.1.1 no such mailbox here" in done.stderr


def test_says_when_email_is_off_or_the_address_is_bad(tmp_path):
    off = run(tmp_path, "--to", "ops@example.com")
    assert off.returncode == 1 and "email is off: set GONGDAO_EMAIL_HOST" in off.stderr
    bad = run(tmp_path, "--to", "not-an-address", GONGDAO_EMAIL_HOST="127.0.0.1")
    assert bad.returncode == 1 and "--to: not an email address" in bad.stderr
