"""Admin pages: the overview of open cases, and the platform's agents."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongdao.console import actions, forms, labels, queries
from gongdao.console.views.common import attach_error, gate, link_days, or_404
from gongdao.errors import DomainError
from gongdao.parties import permissions

admin_only = gate(permissions.is_admin)


@admin_only
def overview(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    shops = Paginator(queries.shops_overview(now), queries.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        **queries.overview(request.user, now),
        "shops": shops,
        "next_actors": labels.NEXT_ACTORS,
        "now": now,
    }
    return render(request, "console/admin/overview.html", context)


def _agents_page(
    request: HttpRequest, form: Any, *, status: int = 200, link: tuple[Any, str] | None = None
) -> HttpResponse:
    context = {
        "agents": queries.agent_list(),
        "form": form,
        "error_forms": [form],
        "link": link,
        "link_days": link_days(),
    }
    return render(request, "console/admin/agents.html", context, status=status)


@admin_only
def agents(request: HttpRequest) -> HttpResponse:
    form = forms.AgentForm(request.POST or None, prefix="agent")
    if request.method != "POST":
        return _agents_page(request, form)
    if not form.is_valid():
        return _agents_page(request, form, status=422)
    try:
        agent, link = actions.create_agent(request.user, **form.cleaned_data)
    except DomainError as exc:
        attach_error(form, exc)
        return _agents_page(request, form, status=exc.status)
    return _agents_page(request, forms.AgentForm(prefix="agent"), link=(agent, link))


@admin_only
@require_POST
def agent_deactivate(request: HttpRequest, user_id: str) -> HttpResponse:
    agent = or_404(lambda: queries.agent_user(user_id))
    try:
        actions.deactivate_agent(request.user, agent)
    except DomainError as exc:
        messages.error(request, f"{agent.display_name}: {exc}")
    else:
        messages.success(request, _("%(name)s can no longer sign in.") % {"name": agent.display_name})
    return redirect("console:agents")


@admin_only
@require_POST
def agent_link(request: HttpRequest, user_id: str) -> HttpResponse:
    agent = or_404(lambda: queries.agent_user(user_id))
    try:
        link = actions.new_link_for_agent(request.user, agent)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("console:agents")
    return _agents_page(request, forms.AgentForm(prefix="agent"), link=(agent, link))
