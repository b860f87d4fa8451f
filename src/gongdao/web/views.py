"""Web views: thin — parse, call a query or action, render. The case page lives in casepage.py,
the guided path in filing.py, accounts in accounts.py."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from gongdao.cases import queries
from gongdao.cases.models import Case
from gongdao.orders.models import OrderLine
from gongdao.parties import permissions
from gongdao.web.accounts import LoginView

ROLE_HOMES = {
    "merchant_staff": "console:home",
    "merchant_admin": "console:home",
    "agent": "console:home",
    "senior_agent": "console:home",
    "admin": "console:home",
    "association_staff": "selfhelp:association",
}


def home(request: HttpRequest) -> HttpResponseBase:
    """Anonymous visitors get the login page; others their own start page."""
    if not request.user.is_authenticated:
        return LoginView.as_view()(request)
    target = ROLE_HOMES.get(getattr(request.user, "role", ""))
    if target:
        try:
            return redirect(reverse(target))
        except NoReverseMatch:
            pass
    return redirect("web:cases")


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    cases = list(queries.cases_for(request.user).order_by("-updated_at")[:200])
    active = [c for c in cases if not c.is_ended]
    ended = [c for c in cases if c.is_ended]
    return render(request, "gongdao/cases.html", {"active": active, "ended": ended, "count": len(cases)})


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    open_cases = Prefetch(
        "cases",
        queryset=Case.objects.exclude(status__in=("resolved", "closed", "withdrawn")).order_by("-created_at"),
        to_attr="open_cases",
    )
    orders = list(
        permissions.visible_orders(request.user)
        .filter(consumer=request.user)
        .select_related("shop", "outside_shop")
        .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.order_by("line_no")), open_cases)
        .order_by("-ordered_at")[:100]
    )
    return render(request, "gongdao/orders.html", {"orders": orders})
