"""Web views: thin — parse, call a query or action, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gongdao import codes
from gongdao.cases import actions, queries, workflow
from gongdao.cases.actors import of_user
from gongdao.errors import DomainError, NotFound
from gongdao.parties import permissions


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("web:login")
    return redirect("web:cases")


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    cases = queries.cases_for(request.user).order_by("due_at", "-updated_at")[:200]
    return render(request, "gongdao/cases.html", {"cases": cases, "statuses": codes.STATUSES})


def _case(request: HttpRequest, case_id: str) -> Any:
    try:
        return queries.get_case(of_user(request.user), case_id)
    except NotFound:
        raise Http404("No such case")


@login_required
def case_detail(request: HttpRequest, case_id: str) -> HttpResponse:
    actor = of_user(request.user)
    case = _case(request, case_id)
    sides = permissions.sides(actor, case)
    allowed = queries.allowed_actions(case, actor)
    context = {
        "case": case,
        "obj": queries.case_object(case, actor),
        "events": queries.timeline(case, actor),
        "deadlines": queries.pending_deadlines(case),
        "allowed": [(a, _explain(a, case.status)) for a in allowed],
        "your_move": queries.is_your_move(case, sides),
        "can_message": bool(sides & actions.MESSAGE_SIDES) and case.status != "draft",
        "stages": [(n, label) for n, (_code, label) in codes.STAGES.items()],
    }
    return render(request, "gongdao/case.html", context)


def _explain(action: str, status: str) -> str:
    transition = workflow.find(action, status)
    return str(transition.explain) if transition else ""


FORM_FIELDS = (
    "reason",
    "message",
    "statement",
    "note",
    "party",
    "outcome",
    "reasons",
    "remedy",
    "carrier",
    "tracking_number",
    "reference",
    "assignee",
    "problem",
    "comment",
)


def _form_data(request: HttpRequest) -> dict[str, Any]:
    data: dict[str, Any] = {k: request.POST[k] for k in FORM_FIELDS if request.POST.get(k)}
    if request.POST.get("amount_yuan"):
        from gongdao.money import parse_yuan

        try:
            data["amount_fen"] = parse_yuan(request.POST["amount_yuan"])
        except ValueError:
            data["amount_fen"] = None
    if request.POST.get("rating"):
        data["rating"] = int(request.POST["rating"]) if request.POST["rating"].isdigit() else None
    return data


@login_required
@require_POST
def case_act(request: HttpRequest, case_id: str, action: str) -> HttpResponse:
    case = _case(request, case_id)
    try:
        actions.perform(
            case, action, of_user(request.user), expected_version=_version(request), **_form_data(request)
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect("web:case", case_id=case.public_id)


@login_required
@require_POST
def case_message(request: HttpRequest, case_id: str) -> HttpResponse:
    case = _case(request, case_id)
    try:
        actions.add_message(case, of_user(request.user), request.POST.get("text", ""))
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect("web:case", case_id=case.public_id)


def _version(request: HttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None
