"""The outside-help pages: the case page's section, choosing a target, filling in what is missing,
editing the facts, downloading, recording referrals; the public verification page."""

from __future__ import annotations

import io
import zipfile
from datetime import date

from django.template.loader import render_to_string
from django.test import RequestFactory

from gongdao import keys
from gongdao.dossiers import views
from gongdao.dossiers.models import DossierDraft, Referral
from gongdao.parties.models import Profile


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def test_case_section_shows_referrals_and_the_way_to_the_dossiers(world, disputed):
    request = RequestFactory().get("/")
    request.user = world.alice
    html = render_to_string("dossiers/case_section.html", {"case": disputed, "request": request})
    assert f"/cases/{disputed.public_id}/outside-help/" in html
    Referral.objects.all().delete()
    from gongdao.dossiers import actions

    actions.record_referral(
        disputed, world.actor("alice"), target="12315", filed_on=date.today(), reference="A-1"
    )
    html = render_to_string("dossiers/case_section.html", {"case": disputed, "request": request})
    from gongdao.dossiers import queries

    expected = queries.referral_views(disputed)[0].expected[0]
    assert "A-1" in html and expected.due.isoformat() in html and "第十四条" in html
    request.user = world.bob
    merchant = render_to_string("dossiers/case_section.html", {"case": disputed, "request": request})
    assert "A-1" in merchant and "/outside-help/" not in merchant  # sees the referral, not the dossiers
    request.user = world.charlie
    assert (
        render_to_string("dossiers/case_section.html", {"case": disputed, "request": request}).strip() == ""
    )


def test_overview_and_target_pages(world, disputed, as_user):
    alice = as_user("alice")
    html = page(alice, f"/cases/{disputed.public_id}/outside-help/")
    for target in ("12315", "regulator_report", "tax", "media", "internet_court"):
        assert f"/outside-help/{target}/" in html
    html = page(alice, f"/cases/{disputed.public_id}/outside-help/12315/")
    assert "消费投诉书" in html and "杭州市余杭区市场监督管理局" in html and "投诉人姓名" in html
    assert "?format=pdf" in html and "?format=zip" in html
    assert page(alice, f"/cases/{disputed.public_id}/outside-help/nowhere/", 404)


def test_missing_details_are_filled_into_the_profile(world, disputed, as_user):
    Profile.objects.filter(user=world.alice).update(address="")
    alice = as_user("alice")
    url = f"/cases/{disputed.public_id}/outside-help/12315/"
    html = page(alice, url)
    assert 'id="missing"' in html and "download/?format=zip" not in html
    bad = alice.post(url + "details/", {"full_name": "Alice", "phone": "call me", "address": "上海市"})
    assert bad.status_code == 422 and "error-summary" in bad.content.decode()
    assert Profile.objects.get(user=world.alice).address == ""
    ok = alice.post(
        url + "details/",
        {"full_name": "Alice", "phone": "13812345678", "address": "上海市浦东新区世纪大道 100 号"},
    )
    assert ok.status_code == 302
    assert Profile.objects.get(user=world.alice).address == "上海市浦东新区世纪大道 100 号"
    assert "download/?format=zip" in page(alice, url)


def test_saving_answers_and_facts_records_an_event(world, disputed, as_user):
    alice = as_user("alice")
    url = f"/cases/{disputed.public_id}/outside-help/internet_court/"
    response = alice.post(
        url + "draft/",
        {
            "delivery_city": "杭州",
            "defendant_domicile": "浙江省杭州市余杭区",
            "category": "general",
            "facts_text": "我自己的陈述。",
        },
    )
    assert response.status_code == 302
    draft = DossierDraft.objects.get(case=disputed, target="internet_court")
    assert draft.facts_text == "我自己的陈述。" and draft.answers["delivery_city"] == "杭州"
    assert draft.event.type == "dossier_edited"
    html = page(alice, url)
    assert "杭州互联网法院" in html and "我自己的陈述。" in html
    alice.post(
        url + "draft/",
        {
            "delivery_city": "杭州",
            "defendant_domicile": "浙江省杭州市余杭区",
            "category": "general",
            "reset": "1",
        },
    )
    draft.refresh_from_db()
    assert draft.facts_text == ""
    seq = disputed.events.count()
    shown = views._generated(disputed, "internet_court")  # the generated text, as the textarea shows it
    unchanged = alice.post(
        url + "draft/",
        {
            "delivery_city": "杭州",
            "defendant_domicile": "浙江省杭州市余杭区",
            "category": "general",
            "facts_text": shown.replace("\n", "\r\n"),
        },
    )
    assert unchanged.status_code == 302
    draft.refresh_from_db()
    assert draft.facts_text == "" and disputed.events.count() == seq  # not an edit: nothing recorded


def test_downloads_stream_the_zip_and_serve_the_pdf(world, disputed, as_user):
    alice = as_user("alice")
    base = f"/cases/{disputed.public_id}/outside-help/12315/download/"
    response = alice.get(base + "?format=zip")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/zip" and "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(body)) as zf:
        assert "manifest.json" in zf.namelist()
    pdf = alice.get(base + "?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert alice.get(base + "?format=docx").status_code == 404


def test_referrals_are_recorded_and_updated_on_the_page(world, disputed, as_user):
    alice = as_user("alice")
    base = f"/cases/{disputed.public_id}/outside-help/"
    bad = alice.post(base + "referrals/", {"target": "12315", "status": "filed", "filed_on": ""})
    assert bad.status_code == 422 and not Referral.objects.exists()
    today = date.today().isoformat()
    assert (
        alice.post(
            base + "referrals/", {"target": "12315", "status": "filed", "filed_on": today, "reference": "Z-9"}
        ).status_code
        == 302
    )
    disputed.refresh_from_db()
    assert disputed.stage == 4
    html = page(alice, base)
    assert "Z-9" in html and "referral-1" in html
    assert (
        alice.post(base + "referrals/1/", {"r1-status": "accepted", "r1-occurred_on": today}).status_code
        == 302
    )
    assert Referral.objects.get().status == "accepted"
    wrong = alice.post(base + "referrals/1/", {"r1-status": "drafted"})
    assert wrong.status_code == 422
    assert (
        as_user("bob").post(base + "referrals/1/", {"r1-status": "resolved"}).status_code == 409
    )  # consumer only


def test_verify_page_gives_the_verdict_without_login(world, disputed, client, settings):
    from gongdao.dossiers import export

    bundle = b"".join(export.prepare(disputed, world.actor("alice"), "12315").zip_chunks())
    assert client.get("/verify-dossier/").status_code == 200
    response = client.post("/verify-dossier/", {"dossier": _upload("d.zip", bundle)})
    html = response.content.decode()
    assert response.status_code == 200 and "VERIFIED, signer unconfirmed" in html
    own = keys.fingerprint(keys.public_raw(keys.private_key()))
    assert own in html  # the signer is this platform's key, and the page says so
    broken = bytearray(bundle)
    broken[200] ^= 0xFF
    failed = client.post("/verify-dossier/", {"dossier": _upload("d.zip", bytes(broken))}).content.decode()
    assert "FAILED:" in failed
    assert client.post("/verify-dossier/", {}).status_code == 422


def test_verify_page_refuses_a_file_over_the_limit(client, monkeypatch, db):
    monkeypatch.setattr(views, "VERIFY_UPLOAD_LIMIT", 1024)
    response = client.post("/verify-dossier/", {"dossier": _upload("big.zip", b"x" * 200_000)})
    assert response.status_code == 413 and "gongdao verify-dossier" in response.content.decode()


def test_signing_key_is_published(client, data_dir, db):
    body = client.get("/.well-known/gongdao-signing-key.json").json()
    public = keys.public_raw(keys.private_key())
    assert body["public_key"] == keys.encode_public(public) and body["fingerprint"] == keys.fingerprint(
        public
    )


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/zip")


def test_the_case_page_shows_the_outside_help_section_to_those_who_may_export(
    world, disputed, cases, as_user
):
    link = f"/cases/{disputed.public_id}/outside-help/"
    alice = page(as_user("alice"), f"/cases/{disputed.public_id}/")
    assert 'id="outside-help"' in alice and link in alice
    agent = page(as_user("agnes"), f"/console/agent/cases/{disputed.public_id}/")
    assert 'id="outside-help"' in agent and link in agent
    assert 'id="outside-help"' not in page(as_user("bob"), f"/cases/{disputed.public_id}/")  # nothing filed
    from gongdao.dossiers import actions

    actions.record_referral(
        disputed, world.actor("alice"), target="12315", filed_on=date.today(), reference="Z-77"
    )
    merchant = page(as_user("bob"), f"/cases/{disputed.public_id}/")
    assert "Z-77" in merchant and link not in merchant  # the referral, not the dossiers
    from tests.factories import OrderFactory

    draft = cases.draft(order=OrderFactory(shop=world.shop, consumer=world.alice))
    assert 'id="outside-help"' not in page(as_user("alice"), f"/cases/{draft.public_id}/")
