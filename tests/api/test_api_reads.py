"""The API's hot paths stay a fixed handful of SQL statements (bench/api_bench.py measures them):
reading a case is the key's count and one statement for the case with its lines and the facts
its guards need, however many lines, items of evidence and deadlines it has; posting a message
adds one short transaction. And the case read that way is the case the core builds through the
ORM: the same lines, the same allowed actions, for every caller and status."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongdao.api import apikeys
from gongdao.api.auth import key_actor
from gongdao.cases import queries
from gongdao.cases.models import Case
from tests.web.conftest import add_item


def key_statements() -> int:
    """The key's count and last use (one UPDATE … RETURNING); on SQLite the personal token's
    user in a second statement, on PostgreSQL in the same one."""
    return 1 if connection.vendor == "postgresql" else 2


def a_busy_case(flow: Any) -> Case:
    """Four lines, evidence from both parties and the platform (one item withdrawn), a paused
    and a pending deadline."""
    order = flow.order(lines=[("耳机", 29900), ("耳塞套", 1900), ("充电盒", 9900), ("数据线", 2900)])
    case = flow.escalated(order=order)
    flow.do(case, "assign", "agnes")
    flow.do(case, "pause_deadline", "agnes", reason="等待检测报告")
    add_item(case, side="consumer")
    add_item(case, side="merchant", name="shipping.jpg")
    gone = add_item(case, side="platform", name="note.jpg")
    gone.withdrawn_at = gone.received_at
    gone.save()
    return case


@pytest.mark.parametrize("who", ["bob", "agnes", "alice"])
@pytest.mark.parametrize("hold", [0, 60])
def test_reading_a_case_is_one_statement_after_the_key(
    api: Any, flow: Any, who: str, hold: int, settings: Any, django_assert_num_queries: Any
) -> None:
    """With the key read and counted (hold 0: every request), or held by this process."""
    settings.GONGDAO_API_KEY_HOLD_SECONDS = hold
    case = a_busy_case(flow)
    caller = getattr(api, who)
    caller.get(f"/cases/{case.public_id}")
    with django_assert_num_queries((0 if hold else key_statements()) + 1):
        response = caller.get(f"/cases/{case.public_id}")
    assert response.status_code == 200
    body = response.json()
    assert len(body["lines"]) == 4
    allowed = set(body["allowed_actions"])
    if who == "agnes":  # every deadline paused; the platform's only item withdrawn
        assert "resume_deadline" in allowed
        assert not allowed & {"pause_deadline", "withdraw_evidence"}
    else:
        assert "withdraw_evidence" in allowed


def statement(sql: str) -> str:
    """``UPDATE cases_case``, ``INSERT cases_caseevent``, ``SELECT cases_case`` (its first table)."""
    verb = sql.split(" ", 1)[0]
    table = re.search(r'(?:UPDATE|INTO|FROM) "?(\w+)"?', sql)
    return f"{verb} {table.group(1) if table else '?'}"


def test_posting_a_message_is_a_handful_of_statements(api: Any, flow: Any) -> None:
    case = a_busy_case(flow)
    bob = api.bob
    with CaptureQueriesContext(connection) as captured:
        response = bob.post(f"/cases/{case.public_id}/messages", {"text": "已寄出检测样品"})
    assert response.status_code == 201
    control = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK", "BEGIN", "COMMIT")
    done = [statement(q["sql"]) for q in captured if not q["sql"].startswith(control)]
    # the key's count with its user: one statement on PostgreSQL (WITH … UPDATE), two on SQLite
    key = (
        ["WITH api_apikey"]
        if connection.vendor == "postgresql"
        else ["UPDATE api_apikey", "SELECT parties_user"]
    )
    assert done == [
        *key,
        "SELECT cases_case",  # the case with its related rows, in one statement
        "UPDATE cases_case",  # claim: lock the row, move the version on, read the chain head
        "INSERT cases_caseevent",
        "INSERT cases_outbox",
        "UPDATE cases_case",  # the new chain head
    ], captured.captured_queries


def key_of(caller: Any) -> Any:
    return key_actor(apikeys.find(caller.key))


CALLERS = ("alice", "bob", "agnes", "ada", "platform", "shop")


def callers(api: Any) -> dict[str, Any]:
    return {
        "alice": api.alice,
        "bob": api.bob,
        "agnes": api.agnes,
        "ada": api.ada,
        "platform": api.platform(),
        "shop": api.shop(),
    }


@pytest.mark.parametrize(
    "status",
    ["awaiting_merchant", "offered", "escalated", "under_review", "decided", "fulfilling", "resolved"],
)
def test_the_case_object_read_in_one_statement_is_the_one_the_core_builds(
    api: Any, flow: Any, status: str
) -> None:
    case = getattr(flow, status)()
    if case.status not in ("resolved",):
        add_item(case, side="consumer")
        add_item(case, side="merchant", name="reply.jpg")
    for who, caller in callers(api).items():
        response = caller.get(f"/cases/{case.public_id}")
        assert response.status_code == 200, (who, response.content)
        got = response.json()
        core = queries.case_object(Case.objects.get(pk=case.pk), key_of(caller))
        for key in ("lines", "allowed_actions", "your_move", "next_actor", "steps", "version", "status"):
            assert got[key] == core[key], (who, key)


def test_listing_cases_reads_lines_and_facts_per_page_not_per_case(api: Any, flow: Any) -> None:
    agnes = api.agnes
    for _ in range(2):
        a_busy_case(flow)
    agnes.get("/cases")
    with CaptureQueriesContext(connection) as few:
        assert len(agnes.get("/cases").json()["items"]) == 2
    for _ in range(4):
        a_busy_case(flow)
    with CaptureQueriesContext(connection) as more:
        page = agnes.get("/cases").json()["items"]
    assert len(page) == 6
    assert len(more) == len(few)
    for item in page:  # each with its own lines and allowed actions
        core = queries.case_object(Case.objects.get(public_id=item["id"]), key_of(agnes))
        assert item["lines"] == core["lines"] and item["allowed_actions"] == core["allowed_actions"]


def test_a_case_read_names_its_policy_by_digest_and_reads_the_document_once(
    api: Any, flow: Any, settings: Any
) -> None:
    """The policy document (about 14 KB) is not read with every case: the statement carries the
    version's digest, and a process reads and parses each document once."""
    from gongdao.policy import queries as policy_queries
    from gongdao.policy.models import PolicyVersion

    settings.GONGDAO_API_KEY_HOLD_SECONDS = 0
    case = flow.awaiting_merchant()
    policy_queries._parsed_by_digest.clear()
    with CaptureQueriesContext(connection) as first:
        assert api.bob.get(f"/cases/{case.public_id}").status_code == 200
    assert [statement(q["sql"]) for q in first.captured_queries][-1] == "SELECT policy_policyversion"
    with CaptureQueriesContext(connection) as again:
        body = api.bob.get(f"/cases/{case.public_id}").json()
    assert len(again.captured_queries) == key_statements() + 1
    assert not any("document" in q["sql"] for q in again.captured_queries)
    version = PolicyVersion.objects.get(pk=case.policy_id)
    assert body["policy_version"] == version.version
    assert policy_queries._parsed_by_digest[version.sha256] is policy_queries.parsed(version)
