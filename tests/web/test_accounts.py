"""Accounts: sign-up, login (throttled), logout, profile, password change and reset (by email, or
by a link an administrator issues when email is off), language."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from django.core import mail
from django.test import Client

from gongdao.parties.models import Profile, User


def test_anonymous_start_page_is_the_login_page_with_sign_up_and_reset_links(db, client):
    response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'action="/login/"' in page
    assert 'href="/signup/"' in page and 'href="/password-reset/"' in page


def test_login_page_links_to_the_verification_page_only_when_it_exists(db, client, settings):
    from django.urls import NoReverseMatch, reverse

    try:
        url = reverse("dossiers:verify")
    except NoReverseMatch:
        url = None
    page = client.get("/login/").content.decode()
    if url:
        assert f'href="{url}"' in page
    else:
        assert "verify" not in page


def test_signing_up_makes_a_consumer_with_a_profile_and_logs_them_in(db, client):
    response = client.post(
        "/signup/",
        {
            "username": "xiaoming",
            "full_name": "王小明",
            "email": "xm@example.com",
            "password1": "a long and unusual pass phrase",
            "password2": "a long and unusual pass phrase",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="xiaoming")
    assert user.role == "consumer" and user.profile.full_name == "王小明"
    assert client.get("/orders/").status_code == 200


def test_sign_up_errors_are_summarised_and_keep_the_typed_values(db, client):
    response = client.post(
        "/signup/", {"username": "xiaoming", "email": "not-an-email", "password1": "a", "password2": "b"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in page
    assert '<a href="#id_email">' in page
    assert 'value="xiaoming"' in page and 'value="not-an-email"' in page
    assert not User.objects.filter(username="xiaoming").exists()


def test_logging_in_and_out(world, client):
    response = client.post("/login/", {"username": "alice", "password": "correct horse battery"})
    assert response.status_code == 302
    assert client.get("/cases/").status_code == 200
    assert client.post("/logout/").status_code == 302
    assert client.get("/cases/").status_code == 302


def test_a_wrong_password_is_summarised_without_saying_which_part_was_wrong(world, client):
    response = client.post("/login/", {"username": "alice", "password": "nope"})
    page = response.content.decode()
    assert 'class="error-summary"' in page and '<a href="#id_username">' in page
    assert 'value="alice"' in page


def test_logins_are_throttled_after_repeated_failures(world, client):
    for _ in range(5):
        client.post("/login/", {"username": "alice", "password": "wrong"})
    response = client.post("/login/", {"username": "alice", "password": "correct horse battery"})
    assert response.status_code == 429
    assert client.get("/cases/").status_code == 302


def test_profile_saves_name_phone_and_address(world, as_user):
    alice = as_user("alice")
    response = alice.post(
        "/account/",
        {
            "full_name": "王小明",
            "phone": "13900001111",
            "address": "上海市浦东新区世纪大道 1 号",
            "email": "",
        },
    )
    assert response.status_code == 302
    profile = Profile.objects.get(user=world.alice)
    assert (profile.full_name, profile.phone, profile.address) == (
        "王小明",
        "13900001111",
        "上海市浦东新区世纪大道 1 号",
    )


def test_a_bad_phone_number_is_refused_next_to_the_field(world, as_user):
    response = as_user("alice").post(
        "/account/", {"full_name": "A", "phone": "call me", "address": "", "email": ""}
    )
    page = response.content.decode()
    assert '<a href="#id_phone">' in page and 'id="id_phone-error"' in page
    assert 'value="call me"' in page
    assert Profile.objects.get(user=world.alice).phone == "13812345678"


def test_changing_the_password(world, as_user):
    alice = as_user("alice")
    response = alice.post(
        "/account/password/",
        {
            "old_password": "correct horse battery",
            "new_password1": "another long pass phrase",
            "new_password2": "another long pass phrase",
        },
    )
    assert response.status_code == 302
    world.alice.refresh_from_db()
    assert world.alice.check_password("another long pass phrase")


def test_password_reset_by_email_when_email_is_on(world, client, settings):
    settings.EMAIL_ENABLED = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = client.post("/password-reset/", {"email": "alice@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/password-reset/\S+/", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    set_page = client.get("/" + path, follow=True)
    assert set_page.status_code == 200
    form_url = set_page.redirect_chain[-1][0] if set_page.redirect_chain else "/" + path
    done = client.post(
        form_url, {"new_password1": "brand new pass phrase", "new_password2": "brand new pass phrase"}
    )
    assert done.status_code == 302
    world.alice.refresh_from_db()
    assert world.alice.check_password("brand new pass phrase")


def test_with_email_off_the_reset_page_sends_nothing_and_points_to_customer_service(world, client, settings):
    settings.EMAIL_ENABLED = False
    response = client.post("/password-reset/", {"email": "alice@example.com"})
    assert response.status_code == 200
    assert len(mail.outbox) == 0
    assert "<form" not in response.content.decode().split("<main")[1].split("</main>")[0]


def test_an_admin_issues_a_reset_link_that_works_once(world, as_user):
    response = as_user("ada").post("/staff/reset-link/", {"username": "alice"})
    link = re.search(r"<code>(\S+)</code>", response.content.decode()).group(1)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    client = Client()
    page = client.get(path, follow=True)
    url = page.redirect_chain[-1][0]
    assert (
        client.post(
            url, {"new_password1": "set by link phrase", "new_password2": "set by link phrase"}
        ).status_code
        == 302
    )
    world.alice.refresh_from_db()
    assert world.alice.check_password("set by link phrase")
    again = Client().get(path, follow=True)
    assert "<form" not in again.content.decode().split("<main")[1]


@pytest.mark.parametrize("who", ["alice", "bob", "agnes"])
def test_only_admins_issue_reset_links(world, as_user, who):
    assert as_user(who).get("/staff/reset-link/").status_code == 404


def test_reset_link_from_the_command_line(world, monkeypatch):
    from gongdao.cli import main

    monkeypatch.setattr("gongdao.cli.setup_django", lambda *a, **k: None)
    result = CliRunner().invoke(main, ["user", "reset-link", "alice"])
    assert result.exit_code == 0, result.output
    assert "/password-reset/" in result.output
    missing = CliRunner().invoke(main, ["user", "reset-link", "nobody"])
    assert missing.exit_code == 1 and "nobody" in missing.output


def test_language_is_chinese_by_default_whatever_the_browser_says(db, client):
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-Hans">' in page


def test_choosing_english_is_remembered_on_the_account(world, as_user):
    alice = as_user("alice")
    response = alice.post("/language/", {"language": "en", "next": "/orders/"})
    assert response.status_code == 302 and response["Location"] == "/orders/"
    world.alice.refresh_from_db()
    assert world.alice.language == "en"
    other_browser = Client()
    other_browser.force_login(world.alice)
    assert '<html lang="en">' in other_browser.get("/orders/").content.decode()


def test_language_switch_refuses_unknown_languages_and_outside_redirects(db, client):
    assert client.post("/language/", {"language": "fr"}).status_code == 400
    response = client.post("/language/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_security_headers_and_cookie_flags(world, client):
    response = client.post("/login/", {"username": "alice", "password": "correct horse battery"})
    session = response.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"
    page = client.get("/orders/")
    csp = page["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert page["X-Frame-Options"] == "DENY"


def test_every_form_carries_a_csrf_token(world, as_user, cases):
    case = cases.filed()
    for url in ("/orders/", f"/cases/{case.public_id}/", "/account/"):
        page = as_user("alice").get(url).content.decode()
        forms = page.count('method="post"')
        assert forms and page.count('name="csrfmiddlewaretoken"') >= forms
