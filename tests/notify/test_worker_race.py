"""Several worker processes at once on one database: each reminder, notice and email goes out
once. Real processes (``gongdao tick``) on a file SQLite database seeded by ``gongdao demo``,
sending to a real SMTP server on loopback."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

GONGDAO = str(Path(sys.executable).with_name("gongdao"))
WORKERS = 4


def _env(data_dir: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GONGDAO_", "DJANGO_"))}
    env.update(
        GONGDAO_DATA_DIR=str(data_dir),
        GONGDAO_EMAIL_HOST="127.0.0.1",
        GONGDAO_EMAIL_PORT=str(port),
        GONGDAO_BASE_URL="http://127.0.0.1:8000",
    )
    return env


@pytest.mark.crash
def test_workers_racing_send_each_reminder_and_email_once(tmp_path, smtp_server):
    data_dir = tmp_path / "demo"
    env = _env(data_dir, smtp_server.port)
    seeded = subprocess.run(
        [GONGDAO, "demo", "--no-serve", "--data-dir", str(data_dir)], env=env, capture_output=True, text=True
    )
    assert seeded.returncode == 0, seeded.stderr
    at = (datetime.now(UTC) + timedelta(hours=47)).isoformat()
    for _round in range(2):
        racers = [
            subprocess.Popen(
                [GONGDAO, "tick", "--at", at], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
            for _ in range(WORKERS)
        ]
        for racer in racers:
            _out, err = racer.communicate(timeout=300)
            assert racer.returncode == 0, err.decode()

    db = sqlite3.connect(data_dir / "gongdao.sqlite3")
    sent_reminders = db.execute("select count(*) from notify_reminder where state='sent'").fetchone()[0]
    reminder_rows = db.execute("select count(*) from cases_outbox where type='deadline.reminder'").fetchone()[
        0
    ]
    linked = db.execute(
        "select count(distinct outbox_id) from notify_reminder where state='sent' and outbox_id is not null"
    ).fetchone()[0]
    assert sent_reminders > 0, "the demo should have reminders due within 47 hours"
    assert sent_reminders == reminder_rows == linked

    shown = db.execute("select count(*) from notify_notification where shown").fetchone()[0]
    pushes = db.execute("select count(*) from cases_outbox where type='notification.created'").fetchone()[0]
    assert shown > 0 and pushes == shown

    emails = db.execute("select id, to_address from notify_outgoingemail where state='sent'").fetchall()
    arrived = Counter(rcpt for rcpts, _message in smtp_server.recorder.messages for rcpt in rcpts)
    assert emails and arrived == Counter(address for _id, address in emails)
    attempts = db.execute(
        "select email_id, count(*) from notify_emailattempt where state='sent' group by email_id"
    ).fetchall()
    assert sorted(attempts) == sorted((email_id, 1) for email_id, _address in emails)
    queued = db.execute("select count(*) from notify_notification where email_id is not null").fetchone()[0]
    in_emails = db.execute("select coalesce(sum(notices), 0) from notify_outgoingemail").fetchone()[0]
    assert queued == in_emails
