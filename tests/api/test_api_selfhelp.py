"""Self-help mode through the API: declare a purchase, file on it, record the outside merchant's
and platform's steps with the dates they happened, and read them back in the timeline."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.evidence.evidence_samples import jpeg_bytes


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Path:
    from gongdao import keys

    folder = tmp_path / "data"
    folder.mkdir()
    settings.DATA_DIR = folder
    keys.create(folder)
    return folder


def china_day(days_ago: int) -> str:
    return (timezone.localtime() - timedelta(days=days_ago)).date().isoformat()


def purchase(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "platform": "pinduoduo",
        "shop": {"name": "好物优选百货店", "region": "广东省汕头市"},
        "order_number": "251118-604427133901",
        "ordered_at": f"{china_day(10)}T21:15",
        "signed_at": f"{china_day(6)}T14:00",
        "carrier": "韵达快递",
        "tracking_number": "YD4300112233",
        "lines": [{"name": "电动牙刷 声波款", "spec": "白色", "unit_price_fen": 8990, "paid_fen": 6990}],
    }
    data.update(overrides)
    return data


def upload(caller: Any, case_id: str, kind: str, seed: int = 1) -> str:
    response = caller.upload(
        f"/cases/{case_id}/evidence",
        {"kind": kind, "file": SimpleUploadedFile(f"{kind}.jpg", jpeg_bytes(seed=seed), "image/jpeg")},
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def declared_case(api: Any) -> str:
    """Alice declares a Pinduoduo purchase, files on it and says she asked the shop."""
    order = api.alice.post("/purchases", purchase())
    assert order.status_code == 201, order.content
    filed = api.alice.post(
        "/cases", {"order": order.json()["id"], "issue": "quality_defect", "remedy": "return_and_refund"}
    )
    assert filed.status_code == 201, filed.content
    case_id = filed.json()["id"]
    upload(api.alice, case_id, "order_record")
    upload(api.alice, case_id, "problem_photo", seed=3)
    asked = api.alice.post(
        f"/cases/{case_id}/actions/submit", {"channel": "platform_chat", "occurred_at": china_day(3)}
    )
    assert asked.status_code == 200, asked.content
    return case_id


def test_a_declared_purchase_is_an_order_of_the_caller(api: Any, world: Any) -> None:
    response = api.alice.post("/purchases", purchase())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id"].startswith("O-") and body["source"] == "declared"
    assert body["consumer"] == world.alice.public_id and body["shop"] is None
    assert body["platform"] == "pinduoduo" and body["outside_shop"]["name"] == "好物优选百货店"
    assert body["lines"][0]["paid_fen"] == 6990 and body["paid_fen"] == 6990
    assert response["Location"] == f"/api/v1/orders/{body['id']}"
    assert api.alice.get(f"/orders/{body['id']}").status_code == 200
    assert api.charlie.get(f"/orders/{body['id']}").status_code == 404
    again = api.alice.post("/purchases", purchase())
    assert again.status_code == 409 and again.json()["code"] == "order_already_declared"
    assert again.json()["order"] == body["id"]


def test_the_whole_self_help_path_with_dates_in_the_timeline(api: Any, world: Any) -> None:
    case_id = declared_case(api)
    case = api.alice.get(f"/cases/{case_id}").json()
    assert case["mode"] == "self_help" and case["status"] == "awaiting_merchant"
    assert case["shop_name"] == "好物优选百货店"
    assert "record_merchant_reply" in case["allowed_actions"]
    shot = upload(api.alice, case_id, "chat_record", seed=2)
    refused = api.alice.post(
        f"/cases/{case_id}/actions/record_merchant_reply",
        {
            "reply": "refused",
            "note": "客服说牙刷属于个人卫生用品，拆封不退。",
            "channel": "platform_chat",
            "occurred_at": f"{china_day(2)}T20:30",
            "evidence": [shot],
        },
    )
    assert refused.status_code == 200, refused.content
    assert refused.json()["case"]["status"] == "awaiting_consumer"
    applied = api.alice.post(
        f"/cases/{case_id}/actions/record_platform_step",
        {"step": "applied", "reference": "PDD-2611-7781", "occurred_at": china_day(1)},
    )
    assert applied.status_code == 200, applied.content
    decided = api.alice.post(
        f"/cases/{case_id}/actions/record_platform_step",
        {"step": "decided", "outcome": "merchant_upheld", "note": "平台认定商家处理无误。"},
    )
    assert decided.status_code == 200, decided.content
    case = decided.json()["case"]
    assert case["status"] == "decided" and case["outcome"] == "merchant_upheld"
    assert case["decision"]["outcome"] == "merchant_upheld"

    recorded = [e for e in api.alice.get(f"/cases/{case_id}/events").json() if e["payload"]]
    reply = next(e for e in recorded if e["payload"].get("reply") == "refused")
    assert reply["occurred_at"].startswith(f"{china_day(2)}T12:30:00")  # 20:30 China time, in UTC
    assert reply["recorded_at"] > reply["occurred_at"]
    assert reply["payload"]["evidence"] == [shot] and reply["payload"]["channel"] == "platform_chat"
    assert reply["on_behalf_of"] == ""
    step = next(e for e in recorded if e["payload"].get("step") == "applied")
    assert step["payload"]["reference"] == "PDD-2611-7781"
    assert step["occurred_at"].startswith(f"{china_day(1)}T04:00:00")  # a date: noon China time
    verification = api.alice.get(f"/cases/{case_id}/verification").json()
    assert verification["ok"], verification["findings"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"lines": [{"name": "牙刷", "unit_price_fen": -1}]}, "lines.0.unit_price_fen"),
        ({"lines": [{"name": "牙刷", "unit_price_fen": 100, "paid_fen": 200}]}, "lines.0.paid_fen"),
        ({"ordered_at": "2026-02-30"}, "ordered_at"),
        ({"ordered_at": "yesterday"}, "ordered_at"),
        ({"platform": "ebay"}, "platform"),
        ({"shop": {"name": ""}}, "shop.name"),
        ({"shop": {"name": "店", "credit_code": "123"}}, "shop.credit_code"),
        ({"shipped_at": "2020-01-01"}, "shipped_at"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_bad_purchase_names_the_field(api: Any, world: Any, body: dict[str, Any], field: str) -> None:
    response = api.alice.post("/purchases", purchase(**body))
    assert response.status_code == 422, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_a_bad_recorded_step_names_the_field(api: Any, world: Any) -> None:
    case_id = declared_case(api)
    for body, field in [
        ({"reply": "maybe"}, "reply"),
        ({"reply": "refused"}, "note"),
        ({"reply": "no_answer", "occurred_at": "2026-13-01"}, "occurred_at"),
        ({"reply": "no_answer", "occurred_at": china_day(-3)}, "occurred_at"),
        ({"reply": "no_answer", "evidence": ["E-00000000"]}, "evidence"),
        ({"reply": "no_answer", "channel": "pigeon"}, "channel"),
    ]:
        response = api.alice.post(f"/cases/{case_id}/actions/record_merchant_reply", body)
        assert response.status_code == 422, (body, response.content)
        assert [e["field"] for e in response.json()["errors"]] == [field], body


def test_only_a_person_declares_purchases(api: Any, world: Any) -> None:
    platform = api.platform()
    refused = platform.post("/purchases", purchase())
    assert refused.status_code == 403 and refused.json()["code"] == "personal_caller_required"
    assert "个人令牌" in refused.json()["detail"]  # Chinese unless Accept-Language says otherwise
    read_only = api.personal("alice", scopes="cases:read")
    assert read_only.post("/purchases", purchase()).json()["code"] == "insufficient_scope"
    merchant = api.bob.post("/purchases", purchase())
    assert merchant.status_code == 403 and merchant.json()["code"] == "not_your_member"
    for_someone = api.charlie.post(f"/purchases?consumer={world.alice.public_id}", purchase())
    assert for_someone.status_code == 403 and for_someone.json()["errors"][0]["field"] == "consumer"


def test_the_web_session_declares_with_its_csrf_token(api: Any, world: Any) -> None:
    session = api.session("alice")
    assert session.post("/purchases", purchase()).json()["code"] == "csrf_failed"
    session.client.get("/api/v1/docs")  # renders the token: sets the csrftoken cookie
    token = session.client.cookies["csrftoken"].value
    response = session.post("/purchases", purchase(), **{"X-CSRFToken": token})
    assert response.status_code == 201, response.content


def test_another_consumers_key_gets_404(api: Any, world: Any) -> None:
    case_id = declared_case(api)
    for path in (f"/cases/{case_id}", f"/cases/{case_id}/events"):
        assert api.charlie.get(path).status_code == 404
    step = api.charlie.post(f"/cases/{case_id}/actions/record_merchant_reply", {"reply": "no_answer"})
    assert step.status_code == 404
    # neither the platform's agents nor its keys see a consumer's self-help case
    assert api.agnes.get(f"/cases/{case_id}").status_code == 404
    assert api.platform().get(f"/cases/{case_id}").status_code == 404
    assert case_id not in [c["id"] for c in api.agnes.get("/cases").json()["items"]]


def test_the_openapi_document_types_the_recorded_steps(api: Any, world: Any) -> None:
    from gongdao.selfhelp import effects

    schemas = api.anonymous().get("/openapi.json").json()["components"]["schemas"]
    fields = schemas["ActionIn"]["properties"]
    for name in ("reply", "step", "channel", "occurred_at", "evidence", "outcome", "reference", "note"):
        assert name in fields, name
    assert schemas["Reply"]["enum"] == list(effects.REPLIES)
    assert schemas["PlatformStep"]["enum"] == list(effects.PLATFORM_STEPS)
    assert schemas["Channel"]["enum"] == list(effects.CHANNELS)
    assert "record_merchant_reply" in schemas["Action"]["enum"]
    assert "on_behalf_of" in schemas["EventOut"]["properties"]
    assert schemas["CaseOut"]["properties"]["mode"]


def test_association_staff_act_on_behalf_of_the_member(api: Any, world: Any) -> None:
    from gongdao.api import apikeys
    from gongdao.cases.models import Case
    from gongdao.evidence.models import EvidenceItem
    from gongdao.parties.models import Association, Authorization
    from tests.api.conftest import Caller
    from tests.factories import UserFactory

    case_id = declared_case(api)
    case = Case.objects.get(public_id=case_id)
    letter = upload(api.alice, case_id, "authorization", seed=4)
    association = Association.objects.create(name="汕头市消费者委员会", region="广东省汕头市")
    staff = UserFactory(username="lin", role="association_staff", association=association)
    _key, secret = apikeys.create_key("Lin's app", "cases:read,cases:write", user=staff)
    lin = Caller(api.anonymous().client, secret)
    assert lin.get(f"/cases/{case_id}").status_code == 404  # not authorised yet
    Authorization.objects.create(
        association=association,
        staff=staff,
        consumer=world.alice,
        case=case,
        document=EvidenceItem.objects.get(public_id=letter),
        staff_name="林晓",
        staff_id_number="440507199001011234",
        granted_at=timezone.now(),
    )
    recorded = lin.post(
        f"/cases/{case_id}/actions/record_merchant_reply", {"reply": "no_answer", "channel": "phone"}
    )
    assert recorded.status_code == 200, recorded.content
    event = recorded.json()["event"]
    assert event["on_behalf_of"] == world.alice.public_id == event["payload"]["on_behalf_of"]
    timeline = lin.get(f"/cases/{case_id}/events").json()
    assert timeline[-1]["on_behalf_of"] == world.alice.public_id
    # a member's purchase is declared for the member, never for the staff member
    order = lin.post(
        f"/purchases?consumer={world.alice.public_id}", purchase(order_number="251120-000000000002")
    )
    assert order.status_code == 201, order.content
    assert order.json()["consumer"] == world.alice.public_id
    assert lin.post("/purchases", purchase()).json()["code"] == "not_your_member"


def test_the_consumer_invites_the_merchant_who_answers_until_revoked(api: Any, world: Any) -> None:
    from django.test import Client

    from gongdao.parties.models import User
    from tests.api.conftest import Caller

    case_id = declared_case(api)
    created = api.alice.post(f"/cases/{case_id}/invitations", {"name": "店长 陈", "days": 7})
    assert created.status_code == 201, created.content
    invitation = created.json()
    assert invitation["id"].startswith("N-") and invitation["status"] == "active"
    assert "/invite/" in invitation["link"] and invitation["name"] == "店长 陈"
    assert invitation["emailed"] is False
    listed = api.alice.get(f"/cases/{case_id}/invitations").json()
    assert [row["id"] for row in listed] == [invitation["id"]] and "link" not in listed[0]
    # the guest answers as the merchant, through the API with their session
    client = Client()
    client.force_login(User.objects.get(public_id=invitation["guest"]))
    guest = Caller(client)
    case = guest.get(f"/cases/{case_id}").json()
    assert case["mode"] == "self_help" and "offer" in case["allowed_actions"]
    offered = guest.post(
        f"/cases/{case_id}/actions/offer",
        {"remedy": "partial_refund", "lines": [{"line_no": 1, "amount_fen": 2000}], "message": "补偿 20 元"},
    )
    assert offered.status_code == 200, offered.content
    assert offered.json()["event"]["actor_role"] == "merchant_guest"
    assert api.alice.get(f"/cases/{case_id}").json()["offer"]["amounts"] == [
        {"line_no": 1, "amount_fen": 2000}
    ]
    # nobody else sees or manages the invitations
    assert api.charlie.get(f"/cases/{case_id}/invitations").status_code == 404
    assert guest.get(f"/cases/{case_id}/invitations").json()["code"] == "consumer_only"
    revoked = api.alice.post(f"/cases/{case_id}/invitations/{invitation['id']}/revoke")
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert guest.get(f"/cases/{case_id}").status_code == 404
    again = api.alice.post(f"/cases/{case_id}/invitations/{invitation['id']}/revoke")
    assert again.status_code == 409 and again.json()["code"] == "already_revoked"
    assert api.alice.post(f"/cases/{case_id}/invitations/N-00000000/revoke").status_code == 404
    types = [e["type"] for e in api.alice.get(f"/cases/{case_id}/events").json()]
    assert "invitation_created" in types and "invitation_revoked" in types


def test_only_a_filed_self_help_case_invites(api: Any, world: Any) -> None:
    platform_case = api.alice.post(
        "/cases", {"order": world.order.public_id, "issue": "not_received", "remedy": "refund_only"}
    ).json()["id"]
    refused = api.alice.post(f"/cases/{platform_case}/invitations", {})
    assert refused.status_code == 409 and refused.json()["code"] == "not_self_help"
    order = api.alice.post("/purchases", purchase()).json()["id"]
    draft = api.alice.post("/cases", {"order": order, "issue": "not_received", "remedy": "refund_only"})
    refused = api.alice.post(f"/cases/{draft.json()['id']}/invitations", {})
    assert refused.status_code == 409 and refused.json()["code"] == "not_filed"
    too_long = api.alice.post(f"/cases/{draft.json()['id']}/invitations", {"days": 90})
    assert too_long.status_code == 422 and too_long.json()["errors"][0]["field"] == "days"
