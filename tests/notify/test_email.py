"""Email over a real SMTP server on loopback: batching, the reader's language, a server that is
down and then back, refusals, and email switched off."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from gongdao import worker
from gongdao.cases.actions import add_message
from gongdao.notify import emails
from gongdao.notify.models import EmailAttempt, Notification, OutgoingEmail
from tests.notify.conftest import START, point_email_at
from tests.notify.helpers import act, file_case, subject_of, text_of


def test_several_changes_within_minutes_make_one_email(people, clock, email_on):
    case = file_case(people)
    worker.tick()
    clock.shift(timedelta(minutes=1))
    add_message(case, people.actor("alice"), "Here is a video of the crackle.")
    worker.tick()
    clock.shift(timedelta(minutes=1))
    add_message(case, people.actor("alice"), "It happens on both phones I tried.")
    worker.tick()
    assert len(email_on.mailbox) == 0  # still inside the batch window

    clock.move_to(START + emails.BATCH_WINDOW)
    worker.tick()
    [message] = email_on.mailbox.to("bob@example.com")
    body = text_of(message)
    assert body.count(case.public_id) >= 3
    assert "3" in subject_of(message)
    assert OutgoingEmail.objects.get(user=people.bob).notices == 3

    clock.shift(timedelta(minutes=10))
    add_message(case, people.actor("alice"), "Any news?")
    worker.tick()
    clock.shift(emails.BATCH_WINDOW)
    worker.tick()
    assert len(email_on.mailbox.to("bob@example.com")) == 2  # a later change is a new email


def test_email_names_case_what_happened_what_to_do_by_when_with_a_link(people, clock, email_on):
    case = file_case(people)
    clock.shift(timedelta(hours=1))
    act(
        people,
        case,
        "offer",
        "bob",
        remedy="partial_refund",
        lines=[{"line_no": 1, "amount_fen": 5000}],
        message="Half back?",
    )
    worker.tick()
    clock.shift(emails.BATCH_WINDOW)
    worker.tick()
    [message] = email_on.mailbox.to("alice@example.com")  # Alice reads English
    body, html = text_of(message), text_of(message, "html")
    assert case.public_id in subject_of(message)
    assert "The merchant made an offer." in body
    assert "Accept the merchant's offer, revise your request, or ask the platform to step in." in body
    # consumer_reply: 7 days from the offer at 11:00 China time on 2 March.
    assert "By: 2026-03-09 11:00 (Asia/Shanghai)" in body
    assert f"https://odr.example.com/cases/{case.public_id}/" in body
    assert f'href="https://odr.example.com/cases/{case.public_id}/"' in html
    assert message["Auto-Submitted"] == "auto-generated"


def test_email_is_in_the_readers_language(people, clock, email_on):
    case = file_case(people)  # Bob has no language of his own: the platform's (zh-hans)
    worker.tick()
    clock.shift(emails.BATCH_WINDOW)
    worker.tick()
    [message] = email_on.mailbox.to("bob@example.com")
    body = text_of(message)
    assert case.public_id in body
    assert "新投诉" in subject_of(message)
    assert "2026-03-04 10:00 (Asia/Shanghai)" in body  # 48 hours to answer
    assert "Answer the request" not in body


def test_server_down_then_back_email_arrives_after_a_retry_with_both_attempts_logged(
    people, clock, settings, smtp_down
):
    point_email_at(settings, smtp_down.port)
    case = file_case(people)
    worker.tick()
    clock.shift(emails.BATCH_WINDOW)
    result = worker.tick()
    assert (result.emailed, result.email_failures) == (0, 1)
    email = OutgoingEmail.objects.get(user=people.bob)
    assert email.state == "pending" and email.attempts == 1
    [first] = EmailAttempt.objects.filter(email=email)
    assert first.state == "failed" and "127.0.0.1" in first.error and first.finished_at

    smtp_down.start()
    clock.shift(timedelta(seconds=30))  # not yet: the retry waits a minute
    worker.tick()
    assert len(smtp_down.mailbox) == 0

    clock.shift(timedelta(seconds=30))
    result = worker.tick()
    assert result.emailed == 1
    [message] = smtp_down.mailbox.to("bob@example.com")
    assert case.public_id in text_of(message)
    email.refresh_from_db()
    assert (email.state, email.attempts) == ("sent", 2)
    log = list(EmailAttempt.objects.filter(email=email).order_by("number").values_list("number", "state"))
    assert log == [(1, "failed"), (2, "sent")]
    assert EmailAttempt.objects.get(email=email, number=2).reply.startswith("250")


def test_retries_back_off_and_give_up_after_the_last_attempt(people, clock, settings, smtp_down):
    point_email_at(settings, smtp_down.port)
    file_case(people)
    worker.tick()
    clock.shift(emails.BATCH_WINDOW)
    waits = []
    for _ in range(emails.MAX_ATTEMPTS):
        worker.send_emails()
        email = OutgoingEmail.objects.get(user=people.bob)
        waits.append(email.next_attempt_at - timezone.now())
        clock.move_to(email.next_attempt_at)
    assert waits[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert email.state == "failed"
    assert EmailAttempt.objects.filter(email=email, state="failed").count() == emails.MAX_ATTEMPTS
    assert Notification.objects.filter(user=people.bob).exists()  # the inbox keeps the notice


def test_a_refused_recipient_is_not_retried(people, clock, email_on):
    email_on.recorder.refuse.add("bob@example.com")
    file_case(people)
    worker.tick()
    clock.shift(emails.BATCH_WINDOW)
    worker.tick()
    email = OutgoingEmail.objects.get(user=people.bob)
    assert email.state == "failed"
    [attempt] = email.attempt_log.all()
    assert "550" in attempt.error


def test_two_workers_never_send_one_email_twice(people, clock, email_on):
    file_case(people)
    worker.tick()
    clock.shift(emails.BATCH_WINDOW)
    now = timezone.now()
    seen_by_a, seen_by_b = emails.due(now), emails.due(now)
    assert seen_by_a == seen_by_b and len(seen_by_a) == 1
    outcomes = [emails.send(i, now) for i in seen_by_a] + [emails.send(i, now) for i in seen_by_b]
    assert outcomes == ["sent", "taken"]
    assert len(email_on.mailbox) == 1


def test_a_notice_joins_no_email_once_it_is_claimed(people, clock, email_on):
    case = file_case(people)
    worker.tick()
    clock.shift(emails.BATCH_WINDOW)
    [email_id] = emails.due(timezone.now())
    assert emails.claim(email_id, timezone.now())  # a sender has sealed it
    add_message(case, people.actor("alice"), "One more thing.")
    worker.deliver_outbox()
    late = Notification.objects.get(user=people.bob, type="case.message_added")
    assert late.email_id is not None and late.email_id != email_id


def test_email_off_keeps_the_inbox(people, clock, settings):
    settings.EMAIL_ENABLED = False
    file_case(people)
    worker.tick()
    clock.shift(emails.BATCH_WINDOW)
    worker.tick()
    assert Notification.objects.filter(user=people.bob, type="case.filed").exists()
    assert not OutgoingEmail.objects.exists()


def test_people_without_an_address_get_no_email(people, clock, email_on):
    people.bob.email = ""
    people.bob.save(update_fields=["email"])
    file_case(people)
    worker.tick()
    clock.shift(emails.BATCH_WINDOW)
    worker.tick()
    assert Notification.objects.filter(user=people.bob).exists()
    assert not OutgoingEmail.objects.exists()


def test_a_reminder_email_says_how_long_is_left_and_what_happens_then(people, clock, email_on):
    people.bob.language = "en"
    people.bob.save(update_fields=["language"])
    case = file_case(people)
    worker.tick()
    clock.shift(emails.BATCH_WINDOW)
    worker.tick()  # the email about the new complaint
    clock.move_to(START + timedelta(hours=46))
    worker.tick()
    clock.shift(emails.BATCH_WINDOW)
    worker.tick()
    messages = email_on.mailbox.to("bob@example.com")
    reminder = next(m for m in messages if "Reminder" in subject_of(m))
    body = text_of(reminder)
    assert subject_of(reminder) == (
        f"[Gongdao] Reminder: The merchant's answer on case {case.public_id} is due 2026-03-04 10:00 (Asia/Shanghai)"
    )
    assert "The merchant's answer is due in 2 hours, at 2026-03-04 10:00 (Asia/Shanghai)." in body
    assert "If nothing happens by then, the case goes to the platform." in body
