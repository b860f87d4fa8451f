"""Every page renders for the people who may see it."""

from __future__ import annotations


def test_pages_render(world, as_user, cases, client):
    case = cases.escalated()
    alice = as_user("alice")
    for url in ("/cases/", "/orders/", f"/cases/{case.public_id}/", "/account/", "/account/password/"):
        response = alice.get(url)
        assert response.status_code == 200, url
    assert client.get("/").status_code == 200
    for name in ("bob", "agnes", "ada"):
        assert as_user(name).get(f"/cases/{case.public_id}/").status_code == 200
