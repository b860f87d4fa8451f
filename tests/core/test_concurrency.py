"""Races: two conflicting actions at once (each thread with its own database connection) → one
wins and the other gets a conflict error; several workers firing due deadlines at once never
fire one deadline twice."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections

from gongdao import worker
from gongdao.cases.actions import perform
from gongdao.cases.models import Case, CaseEvent, Deadline
from gongdao.errors import Conflict
from tests.core.flow import Flow

pytestmark = pytest.mark.crash
ROOT = Path(__file__).resolve().parents[2]
IN_MEMORY_SQLITE = (
    "pytest's SQLite test database is in memory with a shared cache, whose table locks fail at "
    "once instead of waiting; the SQLite races run against a real WAL file (the *_sqlite_file tests)"
)


def needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(IN_MEMORY_SQLITE + "; run with GONGDAO_DATABASE_URL=postgresql://… for this one")


def run_together(*jobs: Callable[[], Any]) -> list[Any]:
    """Run the jobs in threads released at the same moment; each returns its value or exception."""
    start = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(index: int, job: Callable[[], Any]) -> None:
        try:
            start.wait(timeout=30)
            results[index] = job()
        except Exception as exc:
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
        assert not thread.is_alive(), "a racing thread hung"
    return results


def _acting(case_pk: int, action: str, actor: Any, **data: Any) -> Callable[[], Any]:
    case = Case.objects.get(pk=case_pk)  # each side read the case before either acts

    def act() -> Any:
        return perform(case, action, actor, **data)

    return act


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("accept", "bob", {}), ("withdraw", "alice", {"reason": "Changed my mind."})),
        (("reject", "bob", {"reason": "No."}), ("accept", "bob", {})),
    ],
    ids=["merchant-accepts-while-consumer-withdraws", "double-click-reject-and-accept"],
)
def test_two_conflicting_actions_one_wins_the_other_gets_a_conflict(
    transactional_db: Any, world: Any, first: tuple, second: tuple
) -> None:
    needs_postgresql()
    case = Flow(world).awaiting_merchant()
    seq = case.seq
    jobs = [_acting(case.pk, action, world.actor(who), **data) for action, who, data in (first, second)]
    results = run_together(*jobs)
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1, results
    assert isinstance(errors[0], Conflict) and errors[0].code == "conflict", repr(errors[0])
    won = next(r for r in results if not isinstance(r, Exception))
    case.refresh_from_db()
    assert case.seq == seq + 1 and case.head_hash == won.hash
    assert CaseEvent.objects.filter(case=case).count() == seq + 1
    assert case.status == won.payload["to"]


def test_many_parties_acting_at_once_leave_a_whole_chain(transactional_db: Any, world: Any) -> None:
    needs_postgresql()
    case = Flow(world).rejected()
    jobs = [_acting(case.pk, "escalate", world.actor("alice"), reason=f"try {n}") for n in range(4)]
    jobs.append(_acting(case.pk, "withdraw", world.actor("alice")))
    results = run_together(*jobs)
    assert sum(not isinstance(r, Exception) for r in results) == 1, results
    assert all(isinstance(r, Conflict) for r in results if isinstance(r, Exception)), results
    from gongdao.cases.verification import verify_case

    case.refresh_from_db()
    assert verify_case(case) == []


WORKERS = 4
DUE = 30


def test_workers_never_fire_one_deadline_twice(transactional_db: Any, world: Any) -> None:
    needs_postgresql()
    flow = Flow(world)
    cases = [flow.awaiting_merchant() for _ in range(DUE)]
    latest = Deadline.objects.filter(kind="merchant_response").order_by("-due_at").first().due_at
    at = latest + timedelta(seconds=1)
    results = run_together(*[lambda: worker.fire_deadlines(at, limit=DUE) for _ in range(WORKERS)])
    for result in results:
        assert not isinstance(result, Exception), repr(result)
    assert sum(r.fired for r in results) == DUE
    assert sum(r.retried for r in results) == 0
    escalations = Counter(
        CaseEvent.objects.filter(type="escalate", actor="system").values_list("case_id", flat=True)
    )
    assert escalations == Counter({case.pk: 1 for case in cases})
    assert set(Case.objects.values_list("status", flat=True)) == {"escalated"}
    assert Deadline.objects.filter(kind="merchant_response", state="fired").count() == DUE


# ---- the same races on a real SQLite file ------------------------------------------------------


def _race_script(data_dir: Path, *args: str) -> Any:
    env = {k: v for k, v in os.environ.items() if k != "GONGDAO_DATABASE_URL"}
    done = subprocess.run(
        [sys.executable, "-m", "tests.core.sqlite_race", str(data_dir), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir migrated once; each test races in a copy of it."""
    data_dir = tmp_path_factory.mktemp("sqlite-race-template")
    assert _race_script(data_dir, "migrate") == "migrated"
    return data_dir


@pytest.fixture
def data_dir(migrated: Path, tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(migrated, target)
    return target


def test_two_conflicting_actions_on_a_sqlite_file_one_wins(data_dir: Path) -> None:
    first, second, status, events = _race_script(data_dir, "conflict")
    outcomes = sorted([first, second])
    assert outcomes[0] == "Conflict:conflict" and outcomes[1].startswith("ok:"), outcomes
    assert status == "status:" + outcomes[1].removeprefix("ok:")
    assert events == "events:3", "opened, submitted, and the winner's event"


def test_two_worker_processes_on_a_sqlite_file_fire_each_deadline_once(data_dir: Path) -> None:
    due = _race_script(data_dir, "seed", str(DUE))
    env = {k: v for k, v in os.environ.items() if k != "GONGDAO_DATABASE_URL"}
    env["GONGDAO_DATA_DIR"] = str(data_dir)
    gongdao = str(Path(sys.executable).with_name("gongdao"))
    ticks = [
        subprocess.Popen(
            [gongdao, "tick", "--at", due], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [tick.communicate(timeout=300) for tick in ticks]
    for tick, (out, err) in zip(ticks, outputs, strict=True):
        assert tick.returncode == 0, err
    fired = [int(out.split("deadlines fired ")[1].split(",")[0]) for out, _ in outputs]
    assert sum(fired) == DUE, outputs
    counts = _race_script(data_dir, "escalations")
    assert len(counts) == DUE and set(counts.values()) == {1}
