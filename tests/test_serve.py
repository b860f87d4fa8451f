"""`gongdao serve` as an operator runs it: gunicorn with forked web workers and the deadline
worker beside them must answer requests (a fork while a worker thread held a lock once left
every web worker deadlocked, with the port open and nothing answering)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.crash


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_answers_requests_with_its_worker_running(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "GONGDAO_DATA_DIR": str(tmp_path / "data")}
    # SQLite in the data dir by default; in the PostgreSQL run, the configured server (forked
    # workers sharing the master's connection once broke there).
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from gongdao.cli import main; main()",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "2",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        answered = None
        while time.monotonic() < deadline and answered is None:
            if proc.poll() is not None:
                output = proc.stdout.read().decode() if proc.stdout else ""
                pytest.fail(f"gongdao serve exited with {proc.returncode}:\n{output}")
            try:
                for _ in range(4):  # more requests than web workers: each must answer
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=10) as resp:
                        answered = resp.status
            except OSError:
                time.sleep(0.5)
        assert answered == 200
        # -ww: ps cuts the command line at the terminal width otherwise ("worke" in CI)
        children = subprocess.run(
            ["ps", "-ww", "-o", "args=", "--ppid", str(proc.pid)], capture_output=True, text=True
        ).stdout
        assert "worker" in children, children  # the deadline worker runs beside the web workers
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
