"""A process uploading through add_evidence is killed (SIGKILL) mid-way: no row points at a missing
or partial file, no event records it, nothing is served; gc removes or reports what is left."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.crash

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(
    """
    import os, sys, time
    os.environ["DJANGO_SETTINGS_MODULE"] = "gongdao.settings"
    import django
    django.setup()
    from django.conf import settings
    from gongdao.cases.actions import open_case
    from gongdao.cases.actors import of_user
    from gongdao.cases.models import Case
    from gongdao.evidence import reuse
    from gongdao.evidence.actions import add_evidence
    from tests.evidence.evidence_samples import jpeg_bytes

    mode = sys.argv[1]
    if mode == "setup":
        from django.core.management import call_command
        from gongdao import keys
        from gongdao.policy.queries import ensure_default
        from tests.factories import OrderFactory, ShopFactory, UserFactory

        call_command("migrate", verbosity=0)
        ensure_default()
        keys.create(settings.DATA_DIR)
        alice = UserFactory(username="alice")
        order = OrderFactory(shop=ShopFactory(), consumer=alice)
        case = open_case(order, of_user(alice), issue="not_received", remedy="refund_only", submit=True)
        print(case.public_id, flush=True)
        sys.exit(0)

    case = Case.objects.get(public_id=sys.argv[2])
    alice = of_user(case.consumer)
    data = jpeg_bytes(size=(640, 480))

    if mode == "streaming":
        def slow():
            yield data[:20000]
            print("streaming", flush=True)
            while True:
                time.sleep(0.05)
                yield b"\\0" * 1024
        add_evidence(case, alice, kind="problem_photo", source=slow(), filename="a.jpg")

    if mode == "committing":
        def stuck(item, now):
            print("committing", item.sha256, flush=True)  # the row and event exist, uncommitted
            while True:
                time.sleep(1)
        reuse.flag = stuck
        import io
        add_evidence(case, alice, kind="problem_photo", source=io.BytesIO(data), filename="a.jpg")
    """
)


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GONGDAO_")}
    env.update(
        GONGDAO_DATA_DIR=str(data_dir),
        GONGDAO_SECRET_KEY="crash-test-secret",
        PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "src")]),
    )
    return env


def _run_until(data_dir: Path, args: list[str], marker: str) -> str:
    """Start the writer, wait for its line starting with ``marker``, kill it with SIGKILL."""
    command = [sys.executable, "-c", SCRIPT, *args]
    with subprocess.Popen(command, stdout=subprocess.PIPE, env=_env(data_dir), cwd=ROOT) as writer:
        try:
            line = writer.stdout.readline().decode()
        finally:
            writer.send_signal(signal.SIGKILL)
    assert line.startswith(marker), line
    return line


def _evidence_rows(data_dir: Path) -> tuple[int, int]:
    with sqlite3.connect(data_dir / "gongdao.sqlite3") as db:
        items = db.execute("SELECT count(*) FROM evidence_evidenceitem").fetchone()[0]
        events = db.execute("SELECT count(*) FROM cases_caseevent WHERE type = 'evidence_added'").fetchone()[
            0
        ]
    return items, events


def _stored(data_dir: Path) -> list[str]:
    root = data_dir / "evidence"
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _gc(data_dir: Path) -> dict:
    result = subprocess.run(
        [str(Path(sys.executable).parent / "gongdao"), "storage", "gc", "--older-than", "0", "--json"],
        env=_env(data_dir),
        cwd=ROOT,
        capture_output=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_killed_while_streaming_or_committing_leaves_no_row_and_nothing_visible(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    setup = subprocess.run(
        [sys.executable, "-c", SCRIPT, "setup"], env=_env(data_dir), cwd=ROOT, capture_output=True, check=True
    )
    case_id = setup.stdout.decode().strip()

    # 1. Killed while the bytes stream in: a temp file only, nothing stored, no row.
    _run_until(data_dir, ["streaming", case_id], "streaming")
    assert _evidence_rows(data_dir) == (0, 0)
    assert _stored(data_dir) == []
    leftovers = list((data_dir / "tmp").iterdir())
    assert len(leftovers) == 1 and leftovers[0].name.startswith("upload-")

    # 2. Killed inside the transaction, after the file reached the store: the row and the event
    #    were never committed; the stored file is referenced by nothing, so nothing serves it.
    line = _run_until(data_dir, ["committing", case_id], "committing")
    sha = line.split()[1]
    assert _evidence_rows(data_dir) == (0, 0)
    assert _stored(data_dir) == [sha]

    report = _gc(data_dir)
    assert report["temp_removed"] == [str(leftovers[0])]
    assert report["unreferenced"] == [sha]
    assert list((data_dir / "tmp").iterdir()) == []


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_client_that_disconnects_mid_upload_leaves_nothing_on_a_real_server(tmp_path):
    """gunicorn, as `gongdao serve` runs it: the client sends 3 of 20 MB and goes away."""
    import http.client
    import socket
    import time

    import requests

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    env = _env(data_dir)
    setup = subprocess.run(
        [sys.executable, "-c", SCRIPT, "setup"], env=env, cwd=ROOT, capture_output=True, check=True
    )
    case_id = setup.stdout.decode().strip()
    port = _free_port()
    gongdao = str(Path(sys.executable).parent / "gongdao")
    with open(tmp_path / "server.log", "wb") as log:
        server = subprocess.Popen(
            [gongdao, "serve", "--no-worker", "--workers", "1", "--port", str(port)],
            env={**env, "GONGDAO_BASE_URL": f"http://127.0.0.1:{port}"},
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 120
            while True:
                try:
                    session = requests.Session()
                    session.get(f"{base}/login/", timeout=30)
                    break
                except (requests.ConnectionError, requests.Timeout):  # starting, or slow on a busy machine
                    assert time.monotonic() < deadline, "server did not start"
                    time.sleep(0.3)
            login = session.post(
                f"{base}/login/",
                data={
                    "username": "alice",
                    "password": "correct horse battery",
                    "csrfmiddlewaretoken": session.cookies["csrftoken"],
                },
                allow_redirects=False,
            )
            assert login.status_code == 302
            boundary = "crash-boundary"
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nproblem_video\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="v.mp4"\r\n'
                "Content-Type: video/mp4\r\n\r\n"
            ).encode()
            from tests.evidence.evidence_samples import mp4_bytes

            conn = http.client.HTTPConnection("127.0.0.1", port)
            conn.putrequest("POST", f"/evidence/case/{case_id}/upload")
            conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
            conn.putheader("Content-Length", str(len(head) + 20 * 1024 * 1024))
            conn.putheader("Cookie", "; ".join(f"{c.name}={c.value}" for c in session.cookies))
            conn.putheader("X-CSRFToken", session.cookies["csrftoken"])
            conn.endheaders()
            conn.send(head + mp4_bytes(body=3 * 1024 * 1024))
            conn.sock.shutdown(socket.SHUT_RDWR)
            conn.close()
            deadline = time.monotonic() + 60
            while "POST /evidence/" not in (tmp_path / "server.log").read_text(errors="replace"):
                assert time.monotonic() < deadline, "the server never finished the request"
                time.sleep(0.2)
            assert session.get(f"{base}/evidence/case/{case_id}/upload", timeout=30).status_code == 200
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    assert _evidence_rows(data_dir) == (0, 0)
    assert _stored(data_dir) == []
    assert list((data_dir / "tmp").iterdir()) == []
