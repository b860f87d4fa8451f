"""The in-app inbox: unread count, list with links to the case, mark read, and opening a case
marks its notices read."""

from __future__ import annotations

from django.template import Context, Template
from django.test import RequestFactory

from gongdao import worker
from gongdao.cases.actions import add_message
from gongdao.notify import actions
from gongdao.notify.context import unread
from gongdao.notify.models import Notification
from tests.factories import OrderFactory
from tests.notify.helpers import file_case


def _two_notices(people):
    case = file_case(people)
    add_message(case, people.actor("alice"), "Photos attached.")
    worker.tick()
    return case


def test_inbox_lists_notices_with_links_to_the_case(people, client):
    case = _two_notices(people)
    client.force_login(people.bob)
    page = client.get("/inbox/")
    assert page.status_code == 200
    html = page.content.decode()
    for notice in Notification.objects.filter(user=people.bob):
        assert f"/inbox/{notice.public_id}/" in html
    assert case.public_id in html
    assert page.context["unread"] == 2


def test_unread_count_for_the_header(people, client):
    _two_notices(people)
    request = RequestFactory().get("/")
    request.user = people.bob
    context = unread(request)
    assert context["unread_count"]() == 2
    rendered = Template("{{ unread_count }}").render(Context(context))
    assert rendered == "2"
    request.user = people.mallory
    assert unread(request)["unread_count"]() == 0


def test_following_a_notice_marks_it_read_and_opens_the_case(people, client):
    case = _two_notices(people)
    notice = Notification.objects.filter(user=people.bob).first()
    client.force_login(people.bob)
    response = client.get(f"/inbox/{notice.public_id}/")
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.public_id}/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_mark_one_read_then_all(people, client):
    _two_notices(people)
    first, second = Notification.objects.filter(user=people.bob)
    client.force_login(people.bob)
    assert client.post(f"/inbox/{first.public_id}/read/", {"next": "/inbox/?show=unread"})["Location"] == (
        "/inbox/?show=unread"
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at and not second.read_at
    assert client.get("/inbox/?show=unread").context["unread"] == 1
    client.post("/inbox/read-all/")
    assert not Notification.objects.filter(user=people.bob, read_at__isnull=True).exists()


def test_mark_read_needs_a_post_and_refuses_an_outside_redirect(people, client):
    _two_notices(people)
    notice = Notification.objects.filter(user=people.bob).first()
    client.force_login(people.bob)
    assert client.get(f"/inbox/{notice.public_id}/read/").status_code == 405
    response = client.post(f"/inbox/{notice.public_id}/read/", {"next": "https://evil.example/"})
    assert response["Location"] == "/inbox/"


def test_another_persons_notice_is_not_found(people, client):
    _two_notices(people)
    notice = Notification.objects.filter(user=people.bob).first()
    client.force_login(people.mallory)
    assert client.get(f"/inbox/{notice.public_id}/").status_code == 404
    assert client.post(f"/inbox/{notice.public_id}/read/").status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None
    assert notice.public_id not in client.get("/inbox/").content.decode()


def test_opening_a_case_marks_its_notices_read(people):
    case = _two_notices(people)
    other = file_case(people, order=OrderFactory(shop=people.shop, consumer=people.alice))
    worker.tick()
    assert actions.mark_case_read(people.bob, case) == 2
    assert actions.mark_case_read(people.bob, case) == 0
    assert list(Notification.objects.filter(user=people.bob, read_at__isnull=True)) == list(
        Notification.objects.filter(user=people.bob, case=other)
    )


def test_inbox_needs_login(client):
    response = client.get("/inbox/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]
