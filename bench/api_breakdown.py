"""Where an API request's time goes, in-process (not a test): Django's test client against a
throw-away data dir, the same case and merchant's token as bench/api_bench.py, best of five
batches of 60 calls, ms per call. Prints the rows of docs/benchmarks.md's breakdown table.

    /work/venv/bin/python bench/api_breakdown.py [sqlite|postgresql]
        [--pg-url postgresql://postgres@127.0.0.1:5432/gongdao_api_breakdown]

The PostgreSQL database named in --pg-url is dropped and created afresh.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.apiseed import reset_postgres  # noqa: E402

GONGDAO = str(Path(sys.executable).parent / "gongdao")


def best(call: Any, batch: int = 60, batches: int = 5) -> float:
    for _ in range(5):
        call()
    fastest = float("inf")
    for _ in range(batches):
        began = time.perf_counter()
        for _ in range(batch):
            call()
        fastest = min(fastest, (time.perf_counter() - began) / batch)
    return fastest * 1000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("database", nargs="?", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/gongdao_api_breakdown")
    args = parser.parse_args()
    os.environ["GONGDAO_DATA_DIR"] = tempfile.mkdtemp(prefix="gongdao-api-breakdown-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "gongdao.settings"
    os.environ.pop("GONGDAO_DATABASE_URL", None)
    if args.database == "postgresql":
        reset_postgres(args.pg_url)
        os.environ["GONGDAO_DATABASE_URL"] = args.pg_url
    subprocess.run([GONGDAO, "init"], check=True, stdout=subprocess.DEVNULL, env=os.environ)

    import django

    django.setup()
    from bench.apiseed import seed
    from django.conf import settings
    from django.test import Client

    from gongdao.api import apikeys
    from gongdao.api.auth import key_actor
    from gongdao.api.common import load_case
    from gongdao.api.schemas import CaseOut
    from gongdao.cases import queries
    from gongdao.cases.actions import add_message

    case, key, secret = seed()
    actor = key_actor(key)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_HOST="127.0.0.1")
    anonymous = Client(HTTP_HOST="127.0.0.1")
    url = f"/api/v1/cases/{case.public_id}"
    loaded = load_case(actor, case.public_id, reads=True)
    case_object = queries.case_object(loaded, actor)
    sent = iter(range(10**9))

    def post() -> None:
        body = json.dumps({"text": f"bench message {next(sent)}"})
        assert client.post(f"{url}/messages", body, content_type="application/json").status_code == 201

    def read_and_count() -> None:
        settings.GONGDAO_API_KEY_HOLD_SECONDS = 0
        try:
            apikeys.authenticate(secret)
        finally:
            del settings.GONGDAO_API_KEY_HOLD_SECONDS

    def message() -> None:
        add_message(load_case(actor, case.public_id), actor, f"bench message {next(sent)}")

    rows = [
        ("whole request `GET /api/v1/ping`", lambda: anonymous.get("/api/v1/ping")),
        ("whole request `GET /api/v1/cases/{id}`", lambda: client.get(url)),
        ("whole request `POST /api/v1/cases/{id}/messages`", post),
        (
            "the key, held by this process (`apikeys.authenticate` within the hold)",
            lambda: apikeys.authenticate(secret),
        ),
        ("the key read and counted in its row (`apikeys.authenticate`, hold 0)", read_and_count),
        (
            "the case with its related rows, lines and facts (`load_case(…, reads=True)`)",
            lambda: load_case(actor, case.public_id, reads=True),
        ),
        ("`cases.queries.case_object` on the loaded case", lambda: queries.case_object(loaded, actor)),
        ("— of which `allowed_actions`", lambda: queries.allowed_actions(loaded, actor)),
        ("response schema validation (pydantic)", lambda: CaseOut.model_validate(case_object).model_dump()),
        ("loading the case + `add_message` (claim, event, outbox row, head; one transaction)", message),
    ]
    print(f"| part | {args.database} ms |\n|---|---:|")
    for label, call in rows:
        print(f"| {label} | {best(call):.2f} |")


if __name__ == "__main__":
    main()
