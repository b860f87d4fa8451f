"""Dossier export benchmark (not a test): exporting the streamed ZIP of a case with 1 GB of
evidence must keep the exporting process under 150 MB peak RSS.

On a throw-away data dir (SQLite, local store) a case gets four 256 MiB videos (and a photo) through
``add_evidence`` (streamed, as uploads are). Then:

1. a fresh process (as the CLI) runs ``export.prepare`` (signs the head, builds the content,
   renders the PDF with the embedded CJK font) and writes ``zip_chunks()`` to a file; its peak RSS
   is VmHWM from /proc — with the compact font copy (built first with
   ``python -m gongdao.dossiers.fonts``, as every export after the first on a machine uses it), and
   once with the full font face for comparison;
2. ``gongdao verify-dossier`` checks the 1 GB bundle in another fresh process (its peak RSS too);
3. a real server (``gongdao serve --no-worker --workers 1``) serves the ZIP from the outside-help
   page to a logged-in consumer; the gunicorn worker's VmHWM is reset after the login (argon2) and
   read after the download — with the compact copy, and again with an empty font cache (full face).

    /work/venv/bin/python bench/dossier_bench.py [--mb 1024] [--parts 4]

Prints the figures and a Markdown table for docs/benchmarks.md; exits 1 if the goal is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GONGDAO = str(Path(sys.executable).parent / "gongdao")
MIB = 1024 * 1024
GOAL_MB = 150
PASSWORD = "bench-password-1234"

SETUP = textwrap.dedent(
    """
    import os, sys, json
    os.environ["DJANGO_SETTINGS_MODULE"] = "gongdao.settings"
    import django
    django.setup()
    from gongdao import keys
    from django.conf import settings
    from gongdao.cli import migrate
    keys.create(settings.DATA_DIR)
    migrate()
    from gongdao.cases.actions import open_case, perform
    from gongdao.cases.actors import of_user
    from gongdao.evidence.actions import add_evidence
    from tests.evidence.evidence_samples import jpeg_bytes
    from tests.factories import OrderFactory, ShopFactory, UserFactory
    import io

    alice = UserFactory(username="alice")
    alice.set_password(os.environ["BENCH_PASSWORD"])
    alice.save()
    order = OrderFactory(shop=ShopFactory(), consumer=alice)
    case = open_case(order, of_user(alice), issue="quality_defect", remedy="return_and_refund")
    for path in sys.argv[1:]:
        with open(path, "rb") as source:
            add_evidence(case, of_user(alice), kind="problem_video", source=source, filename=os.path.basename(path),
                         description="开箱及故障视频")
        os.unlink(path)
    add_evidence(case, of_user(alice), kind="problem_photo", source=io.BytesIO(jpeg_bytes()), filename="photo.jpg")
    perform(case, "submit", of_user(alice))
    print(json.dumps({"case": case.public_id}))
    """
)

EXPORT = textwrap.dedent(
    """
    import os, sys, json, time
    os.environ["DJANGO_SETTINGS_MODULE"] = "gongdao.settings"
    import django
    django.setup()
    from gongdao.cases.actors import OPERATOR
    from gongdao.dossiers import export, queries

    if sys.argv[3] == "full":  # the first export on a machine, before the compact font exists
        from gongdao.dossiers import fonts

        fonts.for_text = lambda characters: fonts.find()

    def rss_kb(field):
        for line in open("/proc/self/status"):
            if line.startswith(field + ":"):
                return int(line.split()[1])

    case = queries.case_for(OPERATOR, sys.argv[1])
    start = time.perf_counter()
    result = export.prepare(case, OPERATOR, "12315")
    prepared = time.perf_counter()
    after_prepare = rss_kb("VmRSS")
    written, highest = 0, 0
    with open(sys.argv[2], "wb") as out:
        for n, chunk in enumerate(result.zip_chunks()):
            out.write(chunk)
            written += len(chunk)
            if n % 256 == 0:
                highest = max(highest, rss_kb("VmRSS"))
    done = time.perf_counter()
    print(json.dumps({
        "prepare_s": prepared - start, "stream_s": done - prepared, "bytes": written, "pdf_bytes": len(result.pdf),
        "rss_after_prepare_kb": after_prepare, "rss_max_sampled_kb": max(highest, rss_kb("VmRSS")), "hwm_kb": rss_kb("VmHWM"),
    }))
    """
)


def make_video(path: Path, mib: int) -> None:
    """An MP4 as a phone writes it (ftyp, then media data) with ``mib`` MiB of incompressible bytes."""
    ftyp = b"isom" + struct.pack(">I", 512) + b"isomiso2avc1mp41"
    block = os.urandom(MIB)
    with open(path, "wb") as out:
        out.write(struct.pack(">I", 8 + len(ftyp)) + b"ftyp" + ftyp)
        out.write(struct.pack(">I", 8) + b"free")
        for i in range(mib):
            out.write(block[i % 251 :] + block[: i % 251])


def run(code: str, *args: str, env: dict[str, str]) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        sys.exit(f"step failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def verify_hwm(bundle: Path, env: dict[str, str]) -> tuple[float, int, str]:
    """Seconds, peak RSS (KiB) and verdict line of `gongdao verify-dossier` on the bundle."""
    wrapper = (
        "import resource, subprocess, sys, time; t=time.perf_counter(); "
        "p=subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "print(p.stdout.strip().splitlines()[-1]); print(time.perf_counter()-t); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(p.returncode)"
    )
    bare = {"PATH": env["PATH"], "HOME": env["HOME"], "LANG": "C.UTF-8"}
    out = subprocess.run(
        [sys.executable, "-c", wrapper, GONGDAO, "verify-dossier", str(bundle)],
        capture_output=True,
        text=True,
        env=bare,
    )
    verdict, seconds, kib = out.stdout.strip().splitlines()[-3:]
    return float(seconds), int(kib), verdict


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field}")


def without_compact_font(env: dict[str, str], folder: Path) -> dict[str, str]:
    """An environment whose font cache holds no compact copy and a fresh build lock, so that the
    server uses the full face and starts no background build (the first export on a machine)."""
    cache = folder / "empty-cache"
    probe = subprocess.run(
        [sys.executable, "-c", "from gongdao.dossiers import fonts; print(fonts.compact_path(fonts.find()))"],
        env={**env, "XDG_CACHE_HOME": str(cache)},
        capture_output=True,
        text=True,
        check=True,
    )
    compact = Path(probe.stdout.strip())
    compact.with_name(compact.name + ".building").touch()
    return {**env, "XDG_CACHE_HOME": str(cache)}


def download_over_http(env: dict[str, str], case: str, folder: Path) -> dict:
    """The same export through the web page in a real server (gunicorn, one worker): the worker's
    RSS when idle after logging in, and its peak (VmHWM, reset after the login) during the download."""
    import requests

    port = free_port()
    server_env = {**env, "GONGDAO_BASE_URL": f"http://127.0.0.1:{port}"}
    log = open(folder / f"server-{port}.log", "wb")  # noqa: SIM115
    command = [GONGDAO, "serve", "--no-worker", "--workers", "1", "--port", str(port)]
    process = subprocess.Popen(command, env=server_env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        worker = None
        deadline = time.monotonic() + 120
        while worker is None and time.monotonic() < deadline:
            children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                worker = int(children[0]) if children else None
            except OSError:
                time.sleep(0.2)
        if worker is None:
            sys.exit("server did not start")
        base = f"http://127.0.0.1:{port}"
        session = requests.Session()
        session.get(f"{base}/login/")
        login = session.post(
            f"{base}/login/",
            data={
                "username": "alice",
                "password": PASSWORD,
                "csrfmiddlewaretoken": session.cookies["csrftoken"],
            },
            headers={"Referer": f"{base}/login/"},
            allow_redirects=False,
        )
        assert login.status_code == 302, login.status_code
        session.get(f"{base}/cases/{case}/outside-help/12315/")  # the page, as a consumer would open it first
        Path(f"/proc/{worker}/clear_refs").write_text(
            "5"
        )  # the login's argon2 hash is not the export's doing
        idle = status_kb(worker, "VmRSS")
        start = time.perf_counter()
        written = 0
        with session.get(
            f"{base}/cases/{case}/outside-help/12315/download/?format=zip", stream=True
        ) as response:
            assert response.status_code == 200, response.status_code
            with open(folder / "web.zip", "wb") as out:
                for chunk in response.iter_content(MIB):
                    out.write(chunk)
                    written += len(chunk)
        return {
            "idle_kb": idle,
            "hwm_kb": status_kb(worker, "VmHWM"),
            "seconds": time.perf_counter() - start,
            "bytes": written,
        }
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, default=1024, help="MiB of evidence in total")
    parser.add_argument("--parts", type=int, default=4, help="number of video files")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gongdao-dossier-bench-") as tmp:
        folder = Path(tmp)
        env = {
            **os.environ,
            "GONGDAO_DATA_DIR": str(folder / "data"),
            "PYTHONPATH": str(ROOT),
            "BENCH_PASSWORD": PASSWORD,
        }
        env.pop("GONGDAO_DATABASE_URL", None)
        videos = []
        for i in range(args.parts):
            path = folder / f"video-{i + 1}.mp4"
            make_video(path, args.mb // args.parts)
            videos.append(str(path))
        started = time.perf_counter()
        case = run(SETUP, *videos, env=env)["case"]
        print(f"case {case}: {args.mb} MiB of evidence ingested in {time.perf_counter() - started:.1f} s")
        build = subprocess.run(
            [sys.executable, "-m", "gongdao.dossiers.fonts"], env=env, capture_output=True, text=True
        )
        print(build.stdout.strip() or build.stderr.strip())
        bundle = folder / "dossier.zip"
        full = run(EXPORT, case, str(bundle), "full", env=env)
        figures = run(EXPORT, case, str(bundle), "compact", env=env)
        seconds, verify_kib, verdict = verify_hwm(bundle, env)
        size = bundle.stat().st_size
        bundle.unlink()
        web = download_over_http(env, case, folder)
        (folder / "web.zip").unlink()
        web_full = download_over_http(without_compact_font(env, folder), case, folder)
    hwm_mb = figures["hwm_kb"] / 1024
    web_mb = web["hwm_kb"] / 1024
    rate = figures["bytes"] / MIB / figures["stream_s"]
    print(json.dumps(figures, indent=2))
    print(f"verify-dossier: {verdict} ({seconds:.1f} s, peak RSS {verify_kib / 1024:.0f} MB)")
    print()
    print("| measure | result | goal |")
    print("|---|---|---|")
    print(
        f"| exporting process, peak RSS (VmHWM), {args.mb} MiB of evidence in {args.parts} files | **{hwm_mb:.0f} MB** | < {GOAL_MB} MB |"
    )
    print(
        f"| web worker (gunicorn, 1 worker) downloading the ZIP from the outside-help page: idle RSS after login → peak (VmHWM) | {web['idle_kb'] / 1024:.0f} MB → **{web_mb:.0f} MB** | < {GOAL_MB} MB |"
    )
    print(
        f"| the same two, first export on a machine (full font face: the compact copy is not built yet) | {full['hwm_kb'] / 1024:.0f} MB; web worker {web_full['idle_kb'] / 1024:.0f} → {web_full['hwm_kb'] / 1024:.0f} MB | — |"
    )
    print(
        f"| RSS after prepare (PDF rendered, font loaded) / highest while streaming | {figures['rss_after_prepare_kb'] / 1024:.0f} MB / {figures['rss_max_sampled_kb'] / 1024:.0f} MB | — |"
    )
    print(
        f"| prepare (sign head, content, PDF of {figures['pdf_bytes'] // 1024} KB) | {figures['prepare_s']:.1f} s | — |"
    )
    print(
        f"| streaming the ZIP ({size / MIB:.0f} MiB written) | {figures['stream_s']:.1f} s ({rate:.0f} MiB/s) | — |"
    )
    print(
        f"| `gongdao verify-dossier` on that ZIP | {seconds:.1f} s, peak RSS {verify_kib / 1024:.0f} MB | — |"
    )
    print()
    print(f"machine: {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs")
    if max(hwm_mb, web_mb) >= GOAL_MB:
        sys.exit(f"goal missed: peak RSS {max(hwm_mb, web_mb):.0f} MB ≥ {GOAL_MB} MB")


if __name__ == "__main__":
    main()
