"""A merchant's guest (signed in through an invitation link) sees their case and nothing else.

Every page already decides by ``parties.permissions`` (a guest has a side only on the case they
were invited to, while the invitation works); this middleware also keeps guests off the pages
that are not about a case at all (consoles, order lists, case list, account): they answer
404. Their inbox is open: it holds only their own notices, which are about their case. The API needs no such fence: every endpoint there is scoped by the same permissions.
A guest whose invitation was revoked or has expired is signed out at their next request and told
why (403 / 410)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongdao.errors import Forbidden

CASE_PATH = re.compile(r"^/cases/(?P<case>[^/]+)/")
# Always scoped by parties.permissions (the API too: a guest's session sees their case only);
# the first ones also work for a guest whose invitation has ended (a new link, files, the API).
ALWAYS_OPEN = ("/invite/", "/evidence/", "/static/", "/api/")
OPEN_PREFIXES = (*ALWAYS_OPEN, "/rules/", "/logout/", "/language/", "/inbox/")  # (their own notices)


class GuestScopeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or getattr(user, "role", "") != "merchant_guest":
            return self.get_response(request)
        return self.guest(request)

    def guest(self, request: HttpRequest) -> HttpResponse:
        from gongdao.selfhelp import invitations
        from gongdao.selfhelp.models import Invitation

        path = request.path_info
        user: Any = request.user
        cases = {inv.case.public_id for inv in invitations.active_for_guest(user)}
        if not cases and not path.startswith(ALWAYS_OPEN):
            latest = Invitation.objects.filter(guest=user).order_by("-created_at").first()
            logout(request)
            revoked = latest is not None and latest.revoked_at is not None
            error = Forbidden(
                "invitation_revoked" if revoked else "invitation_expired",
                _("The consumer has withdrawn this invitation. Contact them if you still want to answer.")
                if revoked
                else _("This invitation has expired. Ask the consumer for a new link."),
            )
            return render(
                request, "selfhelp/invitation_ended.html", {"error": error}, status=403 if revoked else 410
            )
        if path == "/" and cases:
            return redirect(reverse("web:case", args=[sorted(cases)[0]]))
        found = CASE_PATH.match(path)
        if found and found.group("case").strip().upper() in cases:
            return self.get_response(request)
        if path.startswith(OPEN_PREFIXES):
            return self.get_response(request)
        raise Http404("Not for a merchant's guest")
