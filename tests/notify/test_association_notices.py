"""Issue 5's "an association acting for the consumer": staff holding a power of attorney on a case
hear what the consumer hears, in-app and by email, told whom they act for; once the power is
withdrawn they hear nothing more. Driven by an invited merchant answering a self-help case."""

from __future__ import annotations

from datetime import timedelta

from django.utils import translation

from gongdao import worker
from gongdao.cases.actions import add_message, open_case, perform
from gongdao.cases.actors import of_user
from gongdao.notify import compose, emails
from gongdao.notify.models import Notification
from gongdao.parties import associations
from gongdao.selfhelp import invitations
from gongdao.selfhelp.declare import declare_purchase
from tests.notify.helpers import text_of
from tests.selfhelp.conftest import attach, purchase
from tests.selfhelp.people import STELLA_ID, stella


def self_help_case(people, clock):
    """Alice's self-help case, filed at the test clock's time, with Stella authorised and the
    merchant invited (returns the case, Stella and the guest's actor)."""
    alice = people.actor("alice")
    data = purchase(ordered_at="2026-02-20T10:00", paid_at=None, shipped_at=None, signed_at=None)
    order = declare_purchase(people.alice, data)
    case = open_case(order, alice, issue="late_delivery", remedy="refund_only")
    attach(case, alice)
    perform(case, "submit", alice, channel="phone")
    worker.tick()  # what Alice did before she gave the power of attorney
    staff = stella()
    staff.language = "en"
    staff.save(update_fields=["language"])
    document = attach(case, alice, kind="authorization", seed=5)
    associations.authorize(
        case, alice, staff=staff, document=document, staff_name="王思琪", staff_id_number=STELLA_ID
    )
    invitation, _token = invitations.invite(case, alice)
    return case, staff, of_user(invitation.guest)


def test_staff_acting_for_the_consumer_hear_what_the_consumer_hears(people, clock, email_on):
    case, staff, guest = self_help_case(people, clock)
    worker.tick()
    add_message(case, guest, "我们已经联系快递了。")
    worker.tick()
    perform(case, "reject", guest, reason="物流延误不归我们负责。")
    worker.tick()
    for_alice = list(Notification.objects.filter(user=people.alice).values_list("type", "category"))
    for_staff = list(Notification.objects.filter(user=staff).values_list("type", "category"))
    assert (
        for_staff == for_alice == [("case.status_changed", "your_move"), ("case.message_added", "messages")]
    )
    notice = Notification.objects.filter(user=staff, type="case.status_changed").get()
    assert notice.data["acting_for"] == people.alice.public_id
    assert notice.data["your_move"] is True
    with translation.override("en"):
        text = compose.describe(notice)
    assert text.title.startswith("For Alice: ")
    assert "you act for Alice" in text.happened
    assert "acting_for" not in Notification.objects.filter(user=people.alice).first().data

    clock.shift(emails.BATCH_WINDOW)
    worker.tick()
    [message] = email_on.mailbox.to("stella@example.com")
    body = text_of(message)
    assert "For Alice:" in body and case.public_id in body and "you act for Alice" in body


def test_after_the_power_is_withdrawn_staff_hear_nothing_more(people, clock, email_on):
    case, staff, guest = self_help_case(people, clock)
    [authorization] = associations.for_case(case)
    associations.revoke_authorization(authorization, people.actor("alice"))
    worker.tick()
    add_message(case, guest, "请问还需要什么材料？")
    clock.shift(timedelta(minutes=1))
    worker.tick()
    assert Notification.objects.filter(user=people.alice, type="case.message_added").exists()
    assert not Notification.objects.filter(user=staff).exists()


def test_staff_hear_in_chinese_by_default_whom_they_act_for(people, clock):
    case, staff, guest = self_help_case(people, clock)
    staff.language = ""
    staff.save(update_fields=["language"])
    add_message(case, guest, "您好")
    worker.tick()
    notice = Notification.objects.get(user=staff)
    with compose.reader_locale(staff):
        text = compose.describe(notice)
    assert text.title.startswith("代 Alice：")
