"""Rate limits per key, health, the law advisor, verification and the OpenAPI document."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import time_machine
from django.utils import timezone

from gongdao import codes
from gongdao.api.models import ApiKey
from gongdao.cases import workflow


def test_a_key_over_its_rate_limit_gets_429_with_retry_after(api: Any, world: Any, settings: Any) -> None:
    settings.GONGDAO_API_RATE_LIMIT = 3
    start = timezone.now().replace(second=10, microsecond=0) + timedelta(minutes=1)
    caller = api.platform()
    with time_machine.travel(start, tick=False):
        statuses = [caller.get("/cases").status_code for _ in range(4)]
        refused = caller.get("/cases")
    assert statuses == [200, 200, 200, 429]
    assert refused["Retry-After"] == "50"
    assert refused.json()["code"] == "rate_limited"
    with time_machine.travel(start + timedelta(seconds=51), tick=False):
        allowed = caller.get("/cases")
    assert allowed.status_code == 200
    assert allowed["RateLimit-Limit"] == "3" and allowed["RateLimit-Remaining"] == "2"


def test_each_key_has_its_own_budget_and_may_have_its_own_limit(api: Any, world: Any, settings: Any) -> None:
    settings.GONGDAO_API_RATE_LIMIT = 2
    busy, other = api.platform(), api.shop()
    ApiKey.objects.filter(kind="shop").update(rate_limit=5)
    with time_machine.travel(timezone.now().replace(second=0) + timedelta(minutes=1), tick=False):
        assert [busy.get("/cases").status_code for _ in range(3)] == [200, 200, 429]
        assert [other.get("/cases").status_code for _ in range(5)] == [200] * 5


def test_health_reports_database_and_storage(api: Any, world: Any) -> None:
    response = api.anonymous().get("/health")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "storage": "ok",
        "version": response.json()["version"],
    }


def test_health_is_503_when_storage_is_unreachable(api: Any, world: Any, monkeypatch: Any) -> None:
    from gongdao.evidence import storage

    class Broken:
        def exists(self, sha: str) -> bool:
            raise ConnectionError("no route to host")

    monkeypatch.setattr(storage, "get_store", lambda: Broken())
    response = api.anonymous().get("/health")
    assert response.status_code == 503
    assert response.json()["storage"] == "unreachable" and response.json()["status"] == "unavailable"


def test_law_assess(api: Any, world: Any) -> None:
    facts = {
        "category": "general",
        "issue": "quality_defect",
        "unit_price_fen": 10000,
        "quantity": 1,
        "paid_fen": 10000,
        "ordered_on": "2025-03-01",
        "signed_on": "2025-03-03",
        "problem_found_on": "2025-03-04",
        "today": "2025-03-05",
        "fraud": True,
    }
    response = api.alice.post("/law/assess", facts)
    assert response.status_code == 200, response.content
    by_code = {e["code"]: e for e in response.json()}
    assert by_code["fraud_damages"]["eligible"] is True
    assert by_code["fraud_damages"]["amount_fen"] == 50000
    assert by_code["fraud_damages"]["basis"]


def test_law_assess_names_the_bad_fact(api: Any, world: Any) -> None:
    response = api.alice.post("/law/assess", {"category": "general", "issue": "quality_defect"})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_facts"
    assert response.json()["errors"][0]["field"] == "unit_price_fen"


def test_verification_finds_tampering(api: Any, world: Any, flow: Any) -> None:
    from gongdao.cases.models import CaseEvent

    case = flow.awaiting_merchant()
    assert api.alice.get(f"/cases/{case.public_id}/verification").json()["ok"] is True
    CaseEvent.objects.filter(case=case, seq=1).update(type="tampered")
    body = api.alice.get(f"/cases/{case.public_id}/verification").json()
    assert body["ok"] is False and body["findings"]
    assert body["public_key"] and body["key_fingerprint"] and body["checkpoints"]


def test_the_openapi_enums_come_from_the_code(api: Any, world: Any) -> None:
    schemas = api.anonymous().get("/openapi.json").json()["components"]["schemas"]
    assert schemas["Action"]["enum"] == list(workflow.ACTIONS)
    assert schemas["Status"]["enum"] == list(codes.STATUSES)
    assert schemas["EventType"]["enum"] == list(codes.EVENT_TYPES)
    assert schemas["IssueType"]["enum"] == list(codes.ISSUE_TYPES)


def test_every_operation_is_documented(api: Any, world: Any) -> None:
    document = api.anonymous().get("/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary"), (method, path)
            errors = {s for s in operation["responses"] if int(s) >= 400 and int(s) != 503}
            for status in errors:
                response = operation["responses"][status]
                if status == "416":  # a byte range past the end: no body, Content-Range says why
                    continue
                assert "application/problem+json" in response["content"], (method, path, status)
            if method == "post" and operation.get("security"):
                assert any(p["name"] == "Idempotency-Key" for p in operation["parameters"]), path


def test_docs_list_every_operation_and_setting(api: Any, world: Any) -> None:
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
    document = api.anonymous().get("/openapi.json").json()
    for path, operations in document["paths"].items():
        for method in operations:
            assert f"`{method.upper()} {path}" in docs, f"{method.upper()} {path} is not in docs/api.md"
    for action in workflow.ACTIONS:
        assert f"`{action}`" in docs, action
    for event_type in codes.EVENT_TYPES:
        assert f"`{event_type}`" in docs, event_type
    assert "GONGDAO_API_RATE_LIMIT" in docs
