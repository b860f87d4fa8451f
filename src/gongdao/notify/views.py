"""Inbox, notice preferences and one-click unsubscribe: thin views over queries and actions."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from gongdao.errors import DomainError, NotFound
from gongdao.notify import actions, compose, preferences, queries, unsubscribe
from gongdao.notify.categories import CATEGORIES, CHANNELS

PAGE_SIZE = 30


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    page = Paginator(queries.inbox(request.user, unread_only=unread_only), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "items": [(n, compose.describe(n)) for n in page.object_list],
        "unread_only": unread_only,
        "unread": queries.unread_count(request.user),
    }
    return render(request, "notify/inbox.html", context)


@login_required
def open_notice(request: HttpRequest, notice_id: str) -> HttpResponse:
    """Follow a notice to its case, marking it read on the way."""
    try:
        notice = actions.mark_read(request.user, notice_id)
    except NotFound:
        raise Http404("No such notice")
    return redirect(compose.describe(notice).path)


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect("notify:inbox")


@login_required
@require_POST
def read(request: HttpRequest, notice_id: str) -> HttpResponse:
    try:
        actions.mark_read(request.user, notice_id)
    except NotFound:
        raise Http404("No such notice")
    return _back(request)


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    actions.mark_all_read(request.user)
    return _back(request)


@login_required
@require_http_methods(["GET", "POST"])
def preference_page(request: HttpRequest) -> HttpResponse:
    rows = preferences.table(request.user)
    error = None
    if request.method == "POST":
        choices = {
            (row.category, channel): request.POST.get(preferences.field_name(row.category, channel)) == "on"
            for row in rows
            if not row.mandatory
            for channel in row.channels
        }
        try:
            actions.set_preferences(request.user, choices)
        except DomainError as exc:
            error = exc
        else:
            return redirect(reverse("notify:preferences") + "?saved=1")
    context = {
        "rows": [
            (
                row,
                [
                    (CHANNELS[channel], preferences.field_name(row.category, channel), on)
                    for channel, on in row.channels.items()
                ],
            )
            for row in rows
        ],
        "channels": CHANNELS,
        "saved": request.GET.get("saved") == "1",
        "error": error,
    }
    return render(request, "notify/preferences.html", context, status=422 if error else 200)


@csrf_exempt  # the signed token is the authority; mail clients POST here (RFC 8058 one-click)
@require_http_methods(["GET", "POST"])
def unsubscribe_page(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user, categories = unsubscribe.read_token(token)
    except DomainError as exc:
        status = 404 if isinstance(exc, NotFound) else 400
        return render(request, "notify/unsubscribe.html", {"error": exc}, status=status)
    with translation.override(compose.language_of(user)):
        done = request.method == "POST"
        if done:
            actions.unsubscribe(user, categories)
        context = {"done": done, "categories": [CATEGORIES[c] for c in categories], "token": token}
        return render(request, "notify/unsubscribe.html", context)
