"""Inviting the outside merchant by a signed link (issue 10, item 5): the link works only for its
case, expires, can be withdrawn (and a signed-in guest loses access at once), and what the guest
does is recorded as the merchant's."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.utils import timezone

from gongdao.cases.actions import add_message, open_case, perform
from gongdao.cases.verification import verify_case
from gongdao.errors import Forbidden, InvalidInput, NotAllowed, NotFound
from gongdao.evidence.actions import add_evidence
from gongdao.parties.permissions import visible_cases
from gongdao.selfhelp import invitations
from gongdao.selfhelp.declare import declare_purchase
from tests.evidence.evidence_samples import jpeg_bytes
from tests.selfhelp.conftest import NOW, purchase
from tests.selfhelp.people import filed


@pytest.fixture
def case(world: Any) -> Any:
    return filed(world)


@pytest.fixture
def invited(world: Any, case: Any) -> tuple[Any, str]:
    return invitations.invite(case, world.actor("alice"))


def signed_in(token: str) -> Client:
    """A browser that opened the link and pressed "Continue"."""
    client = Client()
    response = client.post(invitations.link_path(token))
    assert response.status_code == 302
    return client


def test_the_consumer_invites_the_merchant_and_it_is_on_the_record(world: Any, case: Any) -> None:
    invitation, token = invitations.invite(case, world.actor("alice"), email="", days=7)
    guest = invitation.guest
    assert guest.role == "merchant_guest" and not guest.has_usable_password()
    assert guest.display_name == "优品数码专营店"  # the outside merchant's name
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)
    assert signing.Signer(salt="gongdao.invitation").unsign(token) == invitation.public_id
    assert invitations.link_path(token) == f"/invite/{token}/"
    event = case.events.order_by("-seq").first()
    assert event.type == "invitation_created" and event.actor == f"user:{world.alice.public_id}"
    assert event.payload["invitation"] == invitation.public_id
    assert event.payload["guest"] == guest.public_id
    assert verify_case(case) == []  # hash-chained like every other change


def test_a_name_given_is_the_guests_name(world: Any, case: Any) -> None:
    invitation, _token = invitations.invite(case, world.actor("alice"), name="王经理")
    assert invitation.guest.display_name == "王经理"


def test_only_the_consumer_of_a_filed_open_self_help_case_can_invite(world: Any, case: Any) -> None:
    order = declare_purchase(world.alice, purchase(order_number="555"), now=NOW)
    draft = open_case(order, world.actor("alice"), issue="late_delivery", remedy="refund_only", now=NOW)
    with pytest.raises(NotAllowed) as err:
        invitations.invite(draft, world.actor("alice"))
    assert err.value.code == "not_filed"
    with pytest.raises(NotFound):
        invitations.invite(case, world.actor("charlie"))
    platform_case = open_case(
        world.order, world.actor("alice"), issue="other", remedy="refund_only", submit=True
    )
    with pytest.raises(NotAllowed) as err:
        invitations.invite(platform_case, world.actor("alice"))
    assert err.value.code == "not_self_help"
    for days in (0, 31, "x"):
        with pytest.raises(InvalidInput) as err:
            invitations.invite(case, world.actor("alice"), days=days)
        assert err.value.field == "days"
    with pytest.raises(InvalidInput) as err:
        invitations.invite(case, world.actor("alice"), email="not-an-address")
    assert err.value.field == "email"
    perform(case, "withdraw", world.actor("alice"))
    with pytest.raises(NotAllowed) as err:
        invitations.invite(case, world.actor("alice"))
    assert err.value.code == "case_ended"
    assert not case.invitations.exists()


def test_the_link_asks_before_signing_in_then_lands_on_the_case(world: Any, case: Any, invited: Any) -> None:
    invitation, token = invited
    client = Client()
    page = client.get(f"/invite/{token}/")
    assert page.status_code == 200
    assert case.public_id in page.content.decode()
    assert "_auth_user_id" not in client.session  # opening the link alone signs nobody in
    invitation.refresh_from_db()
    assert invitation.last_used_at is None
    response = client.post(f"/invite/{token}/")
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.public_id}/"
    page = client.get(response["Location"]).content.decode()
    assert "优品数码专营店" in page
    for action in ("accept", "offer", "reject"):
        assert f'action="/cases/{case.public_id}/act/{action}/"' in page
    assert f'action="/cases/{case.public_id}/message/"' in page
    assert "Alice" not in page and "A****" in page  # the consumer's name masked, as for merchants
    assert "13812345678" not in page
    invitation.refresh_from_db()
    assert invitation.last_used_at is not None


def test_a_signed_in_consumer_is_signed_out_before_becoming_the_guest(
    world: Any, case: Any, invited: Any
) -> None:
    _invitation, token = invited
    client = Client()
    client.force_login(world.alice)
    assert "alice" in client.get(f"/invite/{token}/").content.decode().lower()  # "you are signed in as"
    client.post(f"/invite/{token}/")
    assert client.session["_auth_user_id"] == str(_invitation.guest.pk)


def test_a_guests_reply_message_and_evidence_are_the_merchants(world: Any, case: Any, invited: Any) -> None:
    invitation, token = invited
    client = signed_in(token)
    response = client.post(f"/cases/{case.public_id}/message/", {"text": "您好，我们核实一下物流。"})
    assert response.status_code == 302
    item = add_evidence(
        case,
        invitations_actor(invitation),
        kind="logistics_record",
        source=io.BytesIO(jpeg_bytes(seed=9)),
        filename="物流.jpg",
    )
    assert item.side == "merchant"
    response = client.post(
        f"/cases/{case.public_id}/act/reject/", {"reason": "已按时发货，物流延误非我方原因。"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "awaiting_consumer"
    events = list(case.events.filter(type__in=("message_added", "evidence_added", "reject")).order_by("seq"))
    assert [e.type for e in events][-3:] == ["message_added", "evidence_added", "reject"]
    for event in events[-3:]:
        assert event.actor == f"user:{invitation.guest.public_id}"
        assert event.actor_role == "merchant_guest"
        assert not event.on_behalf_of
    assert verify_case(case) == []


def invitations_actor(invitation: Any) -> Any:
    from gongdao.cases.actors import of_user

    return of_user(invitation.guest)


def test_the_guest_sees_this_case_and_nothing_else(world: Any, case: Any, invited: Any) -> None:
    _invitation, token = invited
    other = filed(world, "alice", order_number="99999")
    charlies = filed(world, "charlie", order_number="77777")
    client = signed_in(token)
    assert client.get(f"/cases/{case.public_id}/").status_code == 200
    for path in (
        f"/cases/{other.public_id}/",
        f"/cases/{charlies.public_id}/",
        f"/cases/{other.public_id}/message/",
        "/cases/",
        "/orders/",
        "/console/",
        "/console/shop/",
        "/account/",
        "/association/",
        f"/api/v1/cases/{other.public_id}",
        f"/api/v1/cases/{charlies.public_id}/events",
    ):
        assert client.get(path).status_code == 404, path
    assert [c["id"] for c in client.get("/api/v1/cases").json()["items"]] == [case.public_id]
    assert client.get("/")["Location"] == f"/cases/{case.public_id}/"
    assert list(visible_cases(_invitation.guest)) == [case]
    with pytest.raises(NotFound):
        add_message(other, invitations_actor(_invitation), "hello")


def test_a_link_that_was_altered_or_made_up_is_not_found(world: Any, case: Any, invited: Any) -> None:
    invitation, token = invited
    public_id, _sep, signature = token.partition(":")
    forged = [
        f"{public_id}:{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}",
        signing.Signer(salt="something.else").sign(invitation.public_id),
        "N-00000000",
        "",
    ]
    for bad in forged:
        with pytest.raises(NotFound):
            invitations.redeem(bad)
    page = Client().get(f"/invite/{forged[0]}/")
    assert page.status_code == 404
    assert "链接" in page.content.decode()  # in the site's language: 这个链接无效


def test_an_expired_link_is_refused_and_a_signed_in_guest_loses_access(world: Any, case: Any) -> None:
    invitation, token = invitations.invite(case, world.actor("alice"), days=3)
    client = signed_in(token)
    later = invitation.expires_at + timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        with pytest.raises(Forbidden) as err:
            invitations.redeem(token)
        assert err.value.code == "invitation_expired"
        page = client.get(f"/cases/{case.public_id}/")
        assert page.status_code == 410
        assert "过期" in page.content.decode()
        assert "_auth_user_id" not in client.session  # signed out
        assert Client().get(f"/invite/{token}/").status_code == 410
        assert Client().post(f"/invite/{token}/").status_code == 410
        assert list(visible_cases(invitation.guest)) == []
        with pytest.raises(NotFound):
            perform(case, "accept", invitations_actor(invitation))


def test_a_withdrawn_link_stops_working_at_once(world: Any, case: Any, invited: Any) -> None:
    invitation, token = invited
    client = signed_in(token)
    invitations.revoke(invitation, world.actor("alice"))
    event = case.events.order_by("-seq").first()
    assert (event.type, event.payload["invitation"]) == ("invitation_revoked", invitation.public_id)
    page = client.post(f"/cases/{case.public_id}/act/accept/")
    assert page.status_code == 403
    assert "撤回" in page.content.decode()
    case.refresh_from_db()
    assert case.status == "awaiting_merchant"
    assert Client().get(f"/invite/{token}/").status_code == 403
    with pytest.raises(NotAllowed):
        invitations.revoke(invitation, world.actor("alice"))
    with pytest.raises(NotFound):
        invitations.revoke(invitation, world.actor("charlie"))
    assert verify_case(case) == []


def test_the_guest_cannot_manage_invitations(world: Any, case: Any, invited: Any) -> None:
    invitation, _token = invited
    with pytest.raises(Forbidden):
        invitations.invite(case, invitations_actor(invitation))
    with pytest.raises(Forbidden):
        invitations.revoke(invitation, invitations_actor(invitation))


# ---- the consumer's panel on the case page ---------------------------------------------------


def test_the_consumer_creates_copies_and_withdraws_a_link_on_the_case_page(world: Any, case: Any) -> None:
    client = Client()
    client.force_login(world.alice)
    url = f"/cases/{case.public_id}/"
    page = client.get(url).content.decode()
    assert 'id="invite"' in page and f'action="/cases/{case.public_id}/invitations/"' in page
    response = client.post(f"/cases/{case.public_id}/invitations/", {"invite-name": "", "invite-days": "10"})
    assert response.status_code == 302
    invitation = case.invitations.get()
    assert invitation.expires_at - invitation.created_at == timedelta(days=10)
    page = client.get(url).content.decode()
    assert invitations.link_url(invitation) in page and "data-copy=" in page
    bad = client.post(f"/cases/{case.public_id}/invitations/", {"invite-days": "45"})
    assert bad.status_code == 422
    assert 'id="id_invite-days-error"' in bad.content.decode()
    assert case.invitations.count() == 1
    client.post(f"/cases/{case.public_id}/invitations/{invitation.public_id}/revoke/")
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert invitations.link_url(invitation) not in client.get(url).content.decode()


def test_other_people_cannot_use_the_panel(world: Any, case: Any, invited: Any) -> None:
    invitation, _token = invited
    charlie = Client()
    charlie.force_login(world.charlie)
    assert charlie.post(f"/cases/{case.public_id}/invitations/", {"invite-days": "5"}).status_code == 404
    assert (
        charlie.post(f"/cases/{case.public_id}/invitations/{invitation.public_id}/revoke/").status_code == 404
    )
    invitation.refresh_from_db()
    assert invitation.revoked_at is None and case.invitations.count() == 1


def test_the_link_is_emailed_when_email_is_set_up(world: Any, case: Any, settings: Any) -> None:
    from tests.notify.conftest import SmtpServer, point_email_at

    server = SmtpServer()
    server.start()
    try:
        point_email_at(settings, server.port)
        invitation, token = invitations.invite(case, world.actor("alice"), email="shop@example.com")
        assert invitation.emailed and not invitation.email_error
        [message] = server.mailbox.to("shop@example.com")
        body = message.get_payload(decode=True).decode("utf-8")
        assert f"https://odr.example.com/invite/{token}/" in body
        assert case.public_id in body
        client = Client()
        client.force_login(world.alice)
        response = client.post(
            f"/cases/{case.public_id}/invitations/{invitation.public_id}/email/",
            {"email": "boss@example.com"},
        )
        assert response.status_code == 302
        assert len(server.mailbox.to("boss@example.com")) == 1
    finally:
        server.stop()


def test_without_email_the_link_is_still_made_and_the_reason_given(
    world: Any, case: Any, settings: Any
) -> None:
    settings.EMAIL_ENABLED = False
    invitation, _token = invitations.invite(case, world.actor("alice"), email="shop@example.com")
    assert not invitation.emailed and invitation.email_error
    assert case.invitations.filter(email="shop@example.com").exists()
    with pytest.raises(NotAllowed):
        invitations.send_link(invitation, "shop@example.com")


def test_an_expired_invitation_no_longer_lets_the_guest_see_the_case_even_without_a_request(
    world: Any, case: Any, invited: Any
) -> None:
    invitation, _token = invited
    assert list(visible_cases(invitation.guest)) == [case]
    with time_machine.travel(timezone.now() + timedelta(days=15), tick=False):
        assert list(visible_cases(invitation.guest)) == []
