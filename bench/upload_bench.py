"""Evidence upload benchmark (not a test): ingest throughput and the server's peak memory.

Runs a real server (``gongdao serve --no-worker --workers 1``) on a throw-away data dir on
127.0.0.1, logs in as a consumer and uploads through the real HTTP endpoint
(``POST /evidence/case/<id>/upload``, multipart, streamed by a client that sends 1 MB at a time):

1. throughput for a 200 MB video, against a plain Python loop that reads the same file, hashes it
   with hashlib and writes it to disk (fsync at the end), in the same run (goal: ≥ 0.5 of it);
2. the web worker's peak RSS (VmHWM from /proc) while uploading a 1 GB video, with
   GONGDAO_MAX_VIDEO_MB raised for the run (goal: < 150 MB).

    /work/venv/bin/python bench/upload_bench.py [--mb 200] [--big-mb 1024] [--runs 3]

Prints the figures and a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import platform
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
GONGDAO = str(Path(sys.executable).parent / "gongdao")
CHUNK = 1024 * 1024
BOUNDARY = "gongdao-bench-boundary-7e3a9c"
PASSWORD = "bench-password-1234"

SETUP = textwrap.dedent(
    """
    import os
    os.environ["DJANGO_SETTINGS_MODULE"] = "gongdao.settings"
    import django
    django.setup()
    from gongdao.cases.actions import open_case
    from gongdao.cases.actors import of_user
    from tests.factories import OrderFactory, ShopFactory, UserFactory

    alice = UserFactory(username="alice")
    alice.set_password(os.environ["BENCH_PASSWORD"])
    alice.save()
    order = OrderFactory(shop=ShopFactory(), consumer=alice)
    case = open_case(order, of_user(alice), issue="quality_defect", remedy="return_and_refund")
    print(case.public_id)
    """
)


def make_video(path: Path, mb: int) -> None:
    """An MP4 as a phone writes it (ftyp, then media data), ``mb`` MiB of incompressible bytes."""
    ftyp = b"isom" + struct.pack(">I", 512) + b"isomiso2avc1mp41"
    with open(path, "wb") as out:
        out.write(struct.pack(">I", 8 + len(ftyp)) + b"ftyp" + ftyp)
        out.write(struct.pack(">I", 8) + b"free")
        block = os.urandom(CHUNK)
        for i in range(mb):
            out.write(block[i % 251 :] + block[: i % 251])  # each MiB differs a little


def baseline(source: Path, folder: Path) -> float:
    """Seconds for the plain loop: read, SHA-256, write, fsync."""
    target = folder / "baseline.out"
    start = time.perf_counter()
    digest = hashlib.sha256()
    with open(source, "rb") as src, open(target, "wb") as out:
        while chunk := src.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    elapsed = time.perf_counter() - start
    digest.hexdigest()
    target.unlink()
    return elapsed


class Server:
    def __init__(self, data_dir: Path, port: int, max_video_mb: int) -> None:
        self.port = port
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("GONGDAO_")}
        self.env.update(
            GONGDAO_DATA_DIR=str(data_dir),
            GONGDAO_SECRET_KEY="bench-secret-key",
            GONGDAO_MAX_VIDEO_MB=str(max_video_mb),
            GONGDAO_BASE_URL=f"http://127.0.0.1:{port}",
            PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "src")]),
            BENCH_PASSWORD=PASSWORD,
        )
        self.process: subprocess.Popen | None = None

    def prepare(self) -> str:
        run = dict(env=self.env, cwd=ROOT, check=True, capture_output=True)
        subprocess.run([GONGDAO, "init"], **run)
        return subprocess.run([sys.executable, "-c", SETUP], **run).stdout.decode().strip()

    def start(self) -> None:
        command = [GONGDAO, "serve", "--no-worker", "--workers", "1", "--port", str(self.port)]
        self.log = open(Path(self.env["GONGDAO_DATA_DIR"]) / "server.log", "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            command, env=self.env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                if self.worker_pid():
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("server did not start")

    def worker_pid(self) -> int | None:
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return int(children[0]) if children else None

    def memory_mb(self, field: str = "VmHWM") -> float:
        """The web worker's resident memory now (VmRSS) or its high-water mark (VmHWM), in MiB."""
        for line in Path(f"/proc/{self.worker_pid()}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError(f"no {field}")

    def reset_peak(self) -> None:
        """Start the high-water mark afresh (Linux ≥ 4.0): the login's argon2 hash uses ~100 MB
        on its own, which is not the upload's doing."""
        Path(f"/proc/{self.worker_pid()}/clear_refs").write_text("5")

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.log.close()


def login(port: int) -> requests.Session:
    session = requests.Session()
    base = f"http://127.0.0.1:{port}"
    session.get(f"{base}/login/")
    response = session.post(
        f"{base}/login/",
        data={"username": "alice", "password": PASSWORD, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": f"{base}/login/"},
        allow_redirects=False,
    )
    if response.status_code != 302:
        raise RuntimeError(f"login failed: {response.status_code}")
    return session


def upload(port: int, session: requests.Session, case_id: str, video: Path) -> tuple[float, dict]:
    """Stream one multipart upload, 1 MB per send; seconds until the answer arrived, and the answer."""
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nproblem_video\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{video.name}"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    length = len(head) + video.stat().st_size + len(tail)
    cookies = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    start = time.perf_counter()
    conn.putrequest("POST", f"/evidence/case/{case_id}/upload")
    for name, value in {
        "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
        "Content-Length": str(length),
        "Cookie": cookies,
        "X-CSRFToken": session.cookies["csrftoken"],
        "X-Requested-With": "XMLHttpRequest",
        "Accept": "application/json",
    }.items():
        conn.putheader(name, value)
    conn.endheaders()
    conn.send(head)
    with open(video, "rb") as src:
        while chunk := src.read(CHUNK):
            conn.send(chunk)
    conn.send(tail)
    response = conn.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - start
    conn.close()
    if response.status != 201:
        raise RuntimeError(f"upload answered {response.status}: {body[:300]!r}")
    return elapsed, json.loads(body)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=int, default=200, help="size of the throughput video, MiB")
    parser.add_argument("--big-mb", type=int, default=1024, help="size of the memory video, MiB (0: skip)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="gongdao-bench-") as tmp:
        folder = Path(tmp)
        data_dir = folder / "data"
        data_dir.mkdir()
        video = folder / "unboxing.mp4"
        make_video(video, args.mb)
        server = Server(data_dir, free_port(), max_video_mb=max(args.mb, args.big_mb) + 100)
        case_id = server.prepare()
        server.start()
        try:
            session = login(server.port)
            peak_login = server.memory_mb("VmHWM")
            server.reset_peak()
            rss_idle = server.memory_mb("VmRSS")
            rows = []
            for run in range(args.runs):
                # Each run uploads different bytes (a fresh video), so no upload is deduplicated.
                if run:
                    make_video(video, args.mb)
                os.sync()  # neither side pays for writing back the video just made
                base = baseline(video, folder)
                os.sync()
                took, answer = upload(server.port, session, case_id, video)
                assert answer["files"][0]["item"]["size"] == video.stat().st_size
                rows.append((base, took))
                mb = video.stat().st_size / CHUNK
                print(
                    f"run {run + 1}: plain loop {mb / base:7.1f} MB/s   HTTP upload {mb / took:7.1f} MB/s   ratio {base / took:.2f}"
                )
            rss_after_200 = server.memory_mb("VmHWM")
            server.reset_peak()
            video.unlink()
            big = None
            if args.big_mb:
                big_video = folder / "long-unboxing.mp4"
                make_video(big_video, args.big_mb)
                os.sync()
                took, _answer = upload(server.port, session, case_id, big_video)
                big = (args.big_mb / took, server.memory_mb("VmHWM"))
                big_video.unlink()
        finally:
            server.stop()

    mb = args.mb
    base_med = statistics.median(b for b, _ in rows)
    up_med = statistics.median(t for _, t in rows)
    ratios = [b / t for b, t in rows]
    print()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPU, Python {platform.python_version()}, load {os.getloadavg()[0]:.1f}"
    )
    print("| measure | figure |")
    print("|---|---|")
    print(
        f"| plain loop (read + SHA-256 + write + fsync), {mb} MB, median of {args.runs} | {mb / base_med:.0f} MB/s |"
    )
    print(
        f"| HTTP upload through `evidence:upload`, {mb} MB, median of {args.runs} | {mb / up_med:.0f} MB/s |"
    )
    print(
        f"| ratio upload / plain loop (median; runs: {', '.join(f'{r:.2f}' for r in ratios)}) | {statistics.median(ratios):.2f} |"
    )
    print(
        f"| web worker RSS before uploading (VmRSS; peak while logging in: {peak_login:.0f} MB) | {rss_idle:.0f} MB |"
    )
    print(f"| web worker peak RSS (VmHWM) during the {mb} MB uploads | {rss_after_200:.0f} MB |")
    if big:
        print(f"| web worker peak RSS (VmHWM) during the {args.big_mb} MB upload | {big[1]:.0f} MB |")
        print(f"| HTTP upload, {args.big_mb} MB | {big[0]:.0f} MB/s |")


if __name__ == "__main__":
    main()
