"""The outside merchant invited into a self-help case hears what a shop's staff would: by email,
with their invitation link as the way in (a guest has no login) and no links to pages that need
one; in their inbox while the invitation works; and nothing once it is revoked."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client

from gongdao import worker
from gongdao.cases.actions import add_message, open_case, perform
from gongdao.notify import emails
from gongdao.notify.models import Notification
from gongdao.selfhelp import invitations
from gongdao.selfhelp.declare import declare_purchase
from tests.notify.helpers import subject_of, text_of
from tests.selfhelp.conftest import attach, purchase

GUEST_EMAIL = "shop-owner@example.com"


def invited_case(people):
    alice = people.actor("alice")
    data = purchase(ordered_at="2026-02-20T10:00", paid_at=None, shipped_at=None, signed_at=None)
    case = open_case(declare_purchase(people.alice, data), alice, issue="late_delivery", remedy="refund_only")
    attach(case, alice)
    perform(case, "submit", alice, channel="phone")
    worker.tick()  # the filing was told before the merchant was invited
    invitation, token = invitations.invite(case, alice, name="惠聚家电", email=GUEST_EMAIL)
    worker.tick()
    return case, invitation, token


def test_the_invited_merchant_hears_by_email_with_their_invitation_link(people, clock, email_on):
    case, invitation, token = invited_case(people)
    add_message(case, people.actor("alice"), "请问什么时候发货？")
    worker.tick()
    [notice] = Notification.objects.filter(user=invitation.guest)
    assert notice.type == "case.message_added"
    clock.shift(emails.BATCH_WINDOW)
    worker.tick()
    invitation_email, *notices = email_on.mailbox.to(GUEST_EMAIL)  # the invitation, then notices
    assert "请您答复" in subject_of(invitation_email)
    assert len(notices) == 1 and subject_of(notices[0]) == f"【公道】案件 {case.public_id} 有新留言"
    body, html = text_of(notices[0]), text_of(notices[0], "html")
    link = invitations.link_url(invitation)
    assert link in body and f'href="{link}"' in html
    assert f"/cases/{case.public_id}/" not in body  # a page they could not open without a login
    assert "/inbox/" not in body and "/inbox/" not in html


def test_the_guest_sees_their_notices_in_their_inbox(people, clock):
    case, invitation, token = invited_case(people)
    add_message(case, people.actor("alice"), "请问什么时候发货？")
    worker.tick()
    client = Client()
    landing = client.get(invitations.link_path(token))
    assert landing.status_code == 200
    client.post(invitations.link_path(token))
    page = client.get("/inbox/")
    assert page.status_code == 200
    assert case.public_id in page.content.decode()
    assert 'href="/inbox/"' in client.get(f"/cases/{case.public_id}/").content.decode()


def test_once_the_invitation_is_revoked_the_merchant_hears_nothing_more(people, clock):
    case, invitation, _token = invited_case(people)
    invitations.revoke(invitation, people.actor("alice"))
    worker.tick()
    add_message(case, people.actor("alice"), "还在吗？")
    clock.shift(timedelta(minutes=1))
    worker.tick()
    assert not Notification.objects.filter(user=invitation.guest).exists()
