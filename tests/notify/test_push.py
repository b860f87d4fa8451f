"""``notification.created`` events: every notice shown in the inbox is also an outbox row the
platform's webhook receives, to push it through its own app or SMS."""

from __future__ import annotations

from gongdao import worker
from gongdao.cases.actions import add_message
from gongdao.cases.models import Outbox
from gongdao.notify import actions
from gongdao.notify.models import Notification
from tests.notify.helpers import act, file_case


def pushes() -> list[Outbox]:
    return list(Outbox.objects.filter(type="notification.created").order_by("id"))


def test_each_notice_becomes_a_notification_created_event_in_the_readers_language(people, settings):
    settings.BASE_URL = "https://odr.example.com"
    case = file_case(people)
    act(people, case, "reject", "bob", reason="No defect found.")
    worker.tick()
    by_user = {row.data["user"]: row for row in pushes()}
    assert set(by_user) == {people.bob.public_id, people.alice.public_id}

    alice = by_user[people.alice.public_id].data
    notice = Notification.objects.get(user=people.alice)
    assert alice["notification"] == notice.public_id
    assert alice["case"] == case.public_id and alice["language"] == "en"
    assert alice["title"] == f"Case {case.public_id}: Awaiting the consumer"
    assert alice["body"] == "The merchant rejected the request."
    assert alice["todo"].startswith("Accept the merchant's offer")
    assert alice["due"].endswith("(Asia/Shanghai)") and alice["due_at"]
    assert alice["url"] == f"https://odr.example.com/cases/{case.public_id}/"
    assert (alice["category"], alice["mandatory"]) == ("your_move", True)
    assert by_user[people.bob.public_id].data["language"] == "zh-hans"
    assert all(row.audience == [] and row.case_id == case.id for row in pushes())


def test_pushes_are_written_once_and_tell_nobody_in_the_inbox(people):
    file_case(people)
    worker.tick()
    worker.tick()  # the notification.created rows themselves are delivered: no notices from them
    assert len(pushes()) == 1
    assert Outbox.objects.get(type="notification.created").state == "done"
    assert not Notification.objects.filter(type="notification.created").exists()


def test_no_push_for_a_notice_kept_out_of_the_inbox(people):
    actions.set_preferences(people.bob, {("messages", "in_app"): False})
    case = file_case(people)
    add_message(case, people.actor("alice"), "Photos attached.")
    worker.tick()
    assert [row.data["type"] for row in pushes()] == ["case.filed"]
