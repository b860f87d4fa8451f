"""The API's outside-help operations: the dossier as a streamed ZIP or a PDF by Accept or
?format=, the preview, the consumer's draft, referrals; another consumer gets 404."""

from __future__ import annotations

import io
import json
from datetime import date

from django.test import Client

from gongdao.api import apikeys
from gongdao.dossiers import verify

BASE = "/api/v1"


class Caller:
    def __init__(self, user, scopes="cases:read,cases:write"):
        _key, self.secret = apikeys.create_key(f"{user.username}'s app", scopes, user=user)
        self.client = Client()

    def headers(self, extra):
        return {"Authorization": f"Bearer {self.secret}", **extra}

    def get(self, path, params=None, **headers):
        return self.client.get(BASE + path, params or {}, headers=self.headers(headers))

    def send(self, method, path, body):
        return getattr(self.client, method)(
            BASE + path, json.dumps(body), content_type="application/json", headers=self.headers({})
        )


def test_zip_by_default_and_pdf_by_accept_or_format(world, disputed):
    alice = Caller(world.alice)
    path = f"/cases/{disputed.public_id}/dossiers/12315"
    response = alice.get(path)
    assert (
        response.status_code == 200 and response.streaming and response["Content-Type"] == "application/zip"
    )
    assert response["X-Dossier-Id"].startswith("D-")
    body = b"".join(response.streaming_content)
    assert verify.verify(io.BytesIO(body)).ok
    pdf = alice.get(path, Accept="application/pdf")
    assert (
        pdf.status_code == 200
        and pdf["Content-Type"] == "application/pdf"
        and pdf.content.startswith(b"%PDF-")
    )
    assert alice.get(path, {"format": "pdf"}).content.startswith(b"%PDF-")


def test_another_consumer_gets_404_and_the_merchant_403(world, disputed):
    path = f"/cases/{disputed.public_id}/dossiers/12315"
    charlie = Caller(world.charlie).get(path)
    assert charlie.status_code == 404 and charlie["Content-Type"].startswith("application/problem+json")
    assert Caller(world.bob).get(path).status_code == 403
    assert Caller(world.alice).get(f"/cases/{disputed.public_id}/dossiers/nowhere/preview").status_code == 422


def test_incomplete_dossier_answers_422_listing_what_is_missing(world, disputed):
    response = Caller(world.alice).get(f"/cases/{disputed.public_id}/dossiers/internet_court")
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "dossier_incomplete"
    assert set(problem["missing"]) == {"id_number", "delivery_city", "defendant_domicile"}


def test_preview_and_draft(world, disputed):
    alice = Caller(world.alice)
    path = f"/cases/{disputed.public_id}/dossiers/internet_court"
    saved = alice.send(
        "put",
        path + "/draft",
        {"answers": {"delivery_city": "广州", "defendant_domicile": "广东省广州市番禺区"}},
    )
    assert saved.status_code == 200, saved.content
    body = saved.json()
    assert body["addressee"] == "广州互联网法院" and {m["field"] for m in body["missing"]} == {"id_number"}
    bad = alice.send("put", path + "/draft", {"answers": {"fraud": "yes"}})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "fraud"
    assert alice.send("put", path + "/draft", {"colour": "red"}).status_code == 422
    preview = alice.get(f"/cases/{disputed.public_id}/dossiers/12315/preview").json()
    assert preview["ready"] and preview["title"] == "消费投诉书" and preview["paste_fields"]


def test_referrals_flow_and_stage_4(world, disputed):
    alice = Caller(world.alice)
    base = f"/cases/{disputed.public_id}/referrals"
    assert alice.get(base).json() == []
    created = alice.send(
        "post", base, {"target": "12315", "filed_on": date.today().isoformat(), "reference": "Z-1"}
    )
    assert created.status_code == 201, created.content
    referral = created.json()
    assert (
        referral["number"] == 1
        and referral["status"] == "filed"
        and referral["expected"][0]["kind"] == "referral_acceptance"
    )
    disputed.refresh_from_db()
    assert disputed.stage == 4
    updated = alice.send(
        "post", base + "/1/updates", {"status": "refused", "outcome": "已由法院受理，不予受理。"}
    )
    assert updated.status_code == 200 and updated.json()["status"] == "refused"
    assert alice.send("post", base + "/1/updates", {"status": "accepted"}).status_code == 409
    assert alice.send("post", base + "/9/updates", {"status": "closed"}).status_code == 404
    assert Caller(world.charlie).get(base).status_code == 404
    assert (
        Caller(world.bob)
        .send("post", base, {"target": "12315", "filed_on": date.today().isoformat()})
        .status_code
        == 409
    )
    assert [r["number"] for r in Caller(world.bob).get(base).json()] == [1]


def test_the_real_api_mounts_the_outside_help_operations(client):
    document = client.get(BASE + "/openapi.json").json()
    paths = document["paths"]
    assert {
        "/api/v1/cases/{case_id}/dossiers/{target}",
        "/api/v1/cases/{case_id}/dossiers/{target}/preview",
        "/api/v1/cases/{case_id}/dossiers/{target}/draft",
        "/api/v1/cases/{case_id}/referrals",
        "/api/v1/cases/{case_id}/referrals/{number}/updates",
    } <= set(paths)
    download = paths["/api/v1/cases/{case_id}/dossiers/{target}"]["get"]
    assert set(download["responses"]["200"]["content"]) == {"application/zip", "application/pdf"}
    assert download["tags"] == ["outside help"]
