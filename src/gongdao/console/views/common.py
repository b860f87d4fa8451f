"""Helpers every console view shares: role gates (answering 403), case lookup (answering 404
for cases the viewer may not see), and turning domain errors into form errors."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import url_has_allowed_host_and_scheme

from gongdao.cases import queries as case_queries
from gongdao.cases import workflow
from gongdao.cases.actors import of_user
from gongdao.cases.models import Case
from gongdao.errors import DomainError, NotFound

View = Callable[..., HttpResponse]


def gate(check: Callable[[Any], bool]) -> Callable[[View], View]:
    """Signed in (else the login page), and ``check(user)`` (else 403)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorate


def case_or_404(request: HttpRequest, case_id: str) -> Case:
    try:
        return case_queries.get_case(of_user(request.user), case_id)
    except NotFound:
        raise Http404("No such case")


def or_404(lookup: Callable[[], Any]) -> Any:
    try:
        return lookup()
    except NotFound:
        raise Http404


def attach_error(form: forms.BaseForm, exc: DomainError) -> None:
    """Show a refusal next to the field it is about, or at the top of the form."""
    field = exc.field if exc.field in form.fields else None
    if field is None and exc.field == "lines" and hasattr(form, "line_field_names"):
        names = form.line_field_names()
        field = names[0] if len(names) == 1 else None
    form.add_error(field, str(exc))


def expected_version(request: HttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


def next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def explain(action: str, status: str) -> Any:
    """The workflow table's one-line "what happens next" for this action in this status."""
    transition = workflow.find(action, status)
    return transition.explain if transition else ""


def link_days() -> int:
    """How many days a set-password link works (Django's PASSWORD_RESET_TIMEOUT)."""
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
