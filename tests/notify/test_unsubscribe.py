"""One-click unsubscribe from optional emails: works without login, cannot be forged, and never
switches off mandatory notices."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import signing
from django.test import Client

from gongdao import worker
from gongdao.cases.actions import add_message
from gongdao.notify import emails, unsubscribe
from gongdao.notify.models import Notification, Preference
from gongdao.notify.preferences import wants
from tests.notify.helpers import act, file_case, text_of


def _message_email(people, clock, email_on):
    """Bob gets an email with a message from Alice (optional) in it; returns that email."""
    case = file_case(people)
    clock.shift(timedelta(hours=1))
    add_message(case, people.actor("alice"), "Please call me back.")
    worker.tick()
    clock.shift(emails.BATCH_WINDOW)
    worker.tick()
    [message] = email_on.mailbox.to("bob@example.com")
    return case, message


def _link(message) -> str:
    [url] = re.findall(r"https://odr\.example\.com(/unsubscribe/[^/\s]+/)", text_of(message))
    return url


def test_unsubscribe_link_works_without_login(people, clock, email_on):
    case, message = _message_email(people, clock, email_on)
    path = _link(message)
    assert "".join(message["List-Unsubscribe"].split()) == f"<https://odr.example.com{path}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    anonymous = Client(enforce_csrf_checks=True)
    page = anonymous.get(path)
    assert page.status_code == 200
    assert wants(people.bob, "messages", "email")  # a GET (a link scanner) changes nothing

    done = anonymous.post(path)  # the one-click POST a mail client sends: no session, no CSRF token
    assert done.status_code == 200
    assert not wants(people.bob, "messages", "email")
    assert wants(people.bob, "messages", "in_app")

    add_message(case, people.actor("alice"), "Hello again?")
    worker.tick()
    clock.shift(emails.BATCH_WINDOW)
    worker.tick()
    assert len(email_on.mailbox.to("bob@example.com")) == 1  # no new email …
    assert (
        Notification.objects.filter(user=people.bob, type="case.message_added").count() == 2
    )  # … inbox has it


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # the signature changed
        lambda t: t.replace(t.split(":")[0], t.split(":")[0][::-1]),  # the payload changed
        lambda t: "not-a-token",
    ],
)
def test_an_altered_link_changes_nothing(people, clock, email_on, tamper):
    _case, message = _message_email(people, clock, email_on)
    token = _link(message).split("/")[2]
    visitor = Client()
    visitor.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = visitor.post(f"/unsubscribe/{tamper(token)}/")
    assert response.status_code == 400
    assert "This unsubscribe link is not valid." in response.content.decode()
    assert not Preference.objects.exists()


def test_a_link_for_someone_else_cannot_be_made_without_the_secret_key(people):
    forged = signing.dumps(
        {"u": people.bob.public_id, "c": ["messages"]}, key="guessed", salt=unsubscribe.SALT
    )
    response = Client().post(f"/unsubscribe/{forged}/")
    assert response.status_code == 400
    assert wants(people.bob, "messages", "email")


def test_mandatory_notices_cannot_be_unsubscribed(people):
    with pytest.raises(ValueError):
        unsubscribe.make_token(people.bob, ["your_move"])
    signed = signing.dumps({"u": people.bob.public_id, "c": ["your_move"]}, salt=unsubscribe.SALT)
    assert Client().post(f"/unsubscribe/{signed}/").status_code == 400
    assert not Preference.objects.exists()


def test_an_email_with_only_mandatory_notices_has_no_unsubscribe_link(people, clock, email_on):
    case = file_case(people)
    act(people, case, "reject", "bob", reason="No defect.")
    worker.tick()
    clock.shift(emails.BATCH_WINDOW)
    worker.tick()
    [message] = email_on.mailbox.to("alice@example.com")
    assert message["List-Unsubscribe"] is None
    assert "/unsubscribe/" not in text_of(message)
    assert "cannot be switched off" in text_of(message)
