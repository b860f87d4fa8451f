"""API benchmark (not a test): requests per second and p99 latency of

- ``GET /api/v1/cases/{id}`` (a case read as its merchant, with allowed actions and deadline),
- ``POST /api/v1/cases/{id}/messages`` (one transaction: event, projection, outbox row),

against the no-op ``GET /api/v1/ping`` on the same server in the same run. The server is
gunicorn with two sync workers running ``gongdao.wsgi`` (as ``gongdao serve --no-worker
--workers 2`` does, with persistent database connections), on a throw-away data dir on
127.0.0.1, on SQLite and on PostgreSQL. Goals (issue #6): reading ≥ 0.5 of the no-op rate,
posting ≥ 0.2 of it.

gunicorn is started directly, with the options ``gongdao serve --no-worker --workers 2`` gives
it (sync workers, the access log), as the first figures were measured (``serve`` then shared its
master's database connection with the forked workers; it closes it before forking now).

    /work/venv/bin/python bench/api_bench.py [--seconds 10] [--clients 4] [--rounds 2]
        [--database sqlite|postgresql|both]
        [--pg-url postgresql://postgres@127.0.0.1:5432/gongdao_api_bench] [--hold SECONDS]

The PostgreSQL database named in --pg-url is dropped and created afresh. Prints a Markdown
table for docs/benchmarks.md. Each client is a process with its own connection per request
(gunicorn's sync workers close connections after each answer).
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.apiseed import reset_postgres  # noqa: E402

GONGDAO = str(Path(sys.executable).parent / "gongdao")
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/gongdao_api_bench"

SEED = textwrap.dedent(
    """
    import json, os
    os.environ["DJANGO_SETTINGS_MODULE"] = "gongdao.settings"
    import django
    django.setup()
    from bench.apiseed import seed

    case, _key, secret = seed()
    print(json.dumps({"case": case.public_id, "key": secret}))
    """
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(database: str, pg_url: str, data_dir: Path) -> tuple[dict[str, str], dict[str, str]]:
    env = {**os.environ, "GONGDAO_DATA_DIR": str(data_dir), "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}
    env.pop("GONGDAO_DATABASE_URL", None)
    if database == "postgresql":
        reset_postgres(pg_url)
        env["GONGDAO_DATABASE_URL"] = pg_url
    subprocess.run([GONGDAO, "init"], env=env, check=True, stdout=subprocess.DEVNULL)
    seeded = subprocess.run(
        [sys.executable, "-c", SEED], env=env, check=True, capture_output=True, text=True, cwd=ROOT
    )
    return env, json.loads(seeded.stdout.strip().splitlines()[-1])


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [
                GUNICORN,
                "gongdao.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--access-logfile",
                "-",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=out,
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if request(port, "GET", "/api/v1/ping", {})[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not answer on /api/v1/ping within 60 s")


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def request(
    port: int, method: str, path: str, headers: dict[str, str], body: bytes | None = None
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers)
        answer = conn.getresponse()
        return answer.status, answer.read()
    finally:
        conn.close()


def client(
    port: int, method: str, path: str, headers: dict[str, str], seconds: float, queue: object, n: int
) -> None:
    latencies: list[float] = []
    errors: dict[int, int] = {}
    end = time.perf_counter() + seconds
    counter = 0
    while time.perf_counter() < end:
        counter += 1
        body = json.dumps({"text": f"bench message {n}-{counter}"}).encode() if method == "POST" else None
        began = time.perf_counter()
        try:
            status, _ = request(port, method, path, headers, body)
        except (OSError, http.client.HTTPException):
            status = 599
        latencies.append(time.perf_counter() - began)
        if status >= 400:
            errors[status] = errors.get(status, 0) + 1
    queue.put((latencies, errors))  # type: ignore[attr-defined]


def measure(port: int, method: str, path: str, headers: dict[str, str], seconds: float, clients: int) -> dict:
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    procs = [
        context.Process(target=client, args=(port, method, path, headers, seconds, queue, n))
        for n in range(clients)
    ]
    began = time.perf_counter()
    for proc in procs:
        proc.start()
    results = [queue.get(timeout=seconds + 120) for _ in procs]
    for proc in procs:
        proc.join()
    elapsed = time.perf_counter() - began
    latencies = sorted(x for lat, _errors in results for x in lat)
    errors: dict[int, int] = {}
    for _lat, counts in results:
        for status, count in counts.items():
            errors[status] = errors.get(status, 0) + count
    if errors:
        raise SystemExit(f"{method} {path}: error answers (status: count) {errors}")
    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "requests": len(latencies),
    }


def run(database: str, args: argparse.Namespace) -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="gongdao-api-bench-") as tmp:
        env, seeded = prepare(database, args.pg_url, Path(tmp) / "data")
        port = free_port()
        log = Path(tmp) / "server.log"
        server = start_server(env, port, log)
        auth = {"Authorization": f"Bearer {seeded['key']}"}
        case = f"/api/v1/cases/{seeded['case']}"
        endpoints = [
            ("no-op: GET /api/v1/ping", "GET", "/api/v1/ping", {}),
            ("GET /api/v1/cases/{id}", "GET", case, auth),
            (
                "POST /api/v1/cases/{id}/messages",
                "POST",
                f"{case}/messages",
                {**auth, "Content-Type": "application/json"},
            ),
        ]
        try:
            for _label, method, path, headers in endpoints:  # warm both workers and their connections
                measure(port, method, path, headers, 2, args.clients)
            rounds: dict[str, list[dict]] = {label: [] for label, *_ in endpoints}
            for _ in range(args.rounds):
                for label, method, path, headers in endpoints:
                    print(f"{database}: {label} …", file=sys.stderr, flush=True)
                    rounds[label].append(measure(port, method, path, headers, args.seconds, args.clients))
        except BaseException:
            print(log.read_text(errors="replace")[-3000:], file=sys.stderr)
            raise
        finally:
            stop_server(server)
    rows = []
    for label, results in rounds.items():
        rows.append(
            {
                "database": database,
                "endpoint": label,
                "rps": statistics.median(r["rps"] for r in results),
                "p50_ms": statistics.median(r["p50_ms"] for r in results),
                "p99_ms": statistics.median(r["p99_ms"] for r in results),
            }
        )
    noop = rows[0]["rps"]
    for row in rows:
        row["ratio"] = row["rps"] / noop
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per endpoint and round")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client processes")
    parser.add_argument("--rounds", type=int, default=2, help="rounds (the median is reported)")
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--pg-url", default=DEFAULT_PG)
    parser.add_argument(
        "--hold",
        help="GONGDAO_API_KEY_HOLD_SECONDS for the server (default: the setting's default, 1 s); "
        "0 counts every request in the key's row, as for a key past half its rate limit",
    )
    args = parser.parse_args()
    if args.hold is not None:
        os.environ["GONGDAO_API_KEY_HOLD_SECONDS"] = args.hold
    databases = ("sqlite", "postgresql") if args.database == "both" else (args.database,)
    rows = [row for database in databases for row in run(database, args)]
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"{args.clients} clients, {args.rounds} rounds of {args.seconds:g} s, median shown")
    print(f"GONGDAO_API_KEY_HOLD_SECONDS: {os.environ.get('GONGDAO_API_KEY_HOLD_SECONDS', '1 (default)')}\n")
    print("| database | endpoint | requests/s | p50 ms | p99 ms | of the no-op |")
    print("|---|---|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row['database']} | {row['endpoint']} | {row['rps']:.0f} | {row['p50_ms']:.1f} | "
            f"{row['p99_ms']:.1f} | {row['ratio']:.2f} |"
        )


if __name__ == "__main__":
    main()
