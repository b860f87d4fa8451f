"""Races against a real SQLite file (WAL, BEGIN IMMEDIATE, busy timeout), as `gongdao serve` and
`gongdao worker` use it. pytest's SQLite test database lives in memory with a shared cache, whose
table locks fail at once instead of waiting, so test_concurrency.py runs this module in a
subprocess with its own data dir:

    python -m tests.core.sqlite_race DATA_DIR migrate          → a fresh data dir, migrated once
    python -m tests.core.sqlite_race DATA_DIR conflict          → JSON: what each of two racers got
    python -m tests.core.sqlite_race DATA_DIR seed N            → JSON: when all N deadlines are due
    python -m tests.core.sqlite_race DATA_DIR escalations       → JSON: escalate events per case
"""

from __future__ import annotations

import json
import os
import sys
import threading
from datetime import UTC, datetime, timedelta
from typing import Any


def setup(data_dir: str, *, migrate_first: bool) -> None:
    os.environ["GONGDAO_DATA_DIR"] = data_dir
    os.environ.pop("GONGDAO_DATABASE_URL", None)
    os.environ.setdefault("GONGDAO_SECRET_KEY", "race-test-secret")
    os.environ["DJANGO_SETTINGS_MODULE"] = "gongdao.settings"
    import django

    django.setup()
    from django.conf import settings

    from gongdao import keys
    from gongdao.cli import migrate

    keys.create(settings.DATA_DIR)
    if migrate_first:
        migrate()


def _parties() -> dict[str, Any]:
    from gongdao.parties.models import Shop, User

    shop, _ = Shop.objects.get_or_create(name="Race shop", defaults={"region": "上海市"})
    alice, _ = User.objects.get_or_create(username="alice", defaults={"role": "consumer"})
    bob, _ = User.objects.get_or_create(username="bob", defaults={"role": "merchant_staff", "shop": shop})
    return {"shop": shop, "alice": alice, "bob": bob}


def _open(people: dict[str, Any], n: int, now: datetime) -> Any:
    from gongdao.cases.actions import open_case
    from gongdao.cases.actors import of_user
    from gongdao.orders.models import Order, OrderLine

    order = Order.objects.create(
        external_id=f"RACE-{n}-{now.timestamp()}",
        shop=people["shop"],
        consumer=people["alice"],
        ordered_at=now - timedelta(days=3),
    )
    OrderLine.objects.create(order=order, line_no=1, name="Kettle", unit_price_fen=9900, paid_fen=9900)
    return open_case(
        order, of_user(people["alice"]), issue="other", remedy="refund_only", submit=True, now=now
    )


def conflict() -> list[str]:
    from django.db import connections

    from gongdao.cases.actions import perform
    from gongdao.cases.actors import of_user
    from gongdao.cases.models import Case
    from gongdao.errors import DomainError

    people = _parties()
    case = _open(people, 0, datetime.now(UTC))
    racers = [
        ("accept", of_user(people["bob"]), {}),
        ("withdraw", of_user(people["alice"]), {"reason": "Changed my mind."}),
    ]
    copies = [Case.objects.get(pk=case.pk) for _ in racers]  # both read before either acts
    barrier = threading.Barrier(len(racers))
    results = [""] * len(racers)

    def race(index: int) -> None:
        action, actor, data = racers[index]
        try:
            barrier.wait(timeout=30)
            results[index] = "ok:" + perform(copies[index], action, actor, **data).payload["to"]
        except DomainError as exc:
            results[index] = f"{type(exc).__name__}:{exc.code}"
        except Exception as exc:
            results[index] = f"{type(exc).__name__}:{exc}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=race, args=(i,)) for i in range(len(racers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    case.refresh_from_db()
    return [*results, f"status:{case.status}", f"events:{case.events.count()}"]


def seed(n: int) -> str:
    from gongdao.cases.models import Deadline

    people = _parties()
    now = datetime.now(UTC)
    for index in range(n):
        _open(people, index, now)
    latest = Deadline.objects.filter(state="pending").order_by("-due_at").first().due_at
    return (latest + timedelta(seconds=1)).isoformat()


def escalations() -> dict[str, int]:
    from django.db.models import Count

    from gongdao.cases.models import CaseEvent

    rows = CaseEvent.objects.filter(type="escalate", actor="system").values("case_id").annotate(n=Count("id"))
    return {str(row["case_id"]): row["n"] for row in rows}


def main(argv: list[str]) -> None:
    data_dir, command, *rest = argv
    setup(data_dir, migrate_first=command == "migrate")
    if command == "migrate":
        result: Any = "migrated"
    elif command == "conflict":
        result = conflict()
    elif command == "seed":
        result = seed(int(rest[0]))
    elif command == "escalations":
        result = escalations()
    else:
        raise SystemExit(f"unknown command {command!r}")
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
