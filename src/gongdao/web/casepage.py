"""The case page every role uses: where the case stands, whose move it is and by when, what this
viewer may do now (each action with its form), the record of what happened, the messages and
evidence, the decision. ``case_context`` is shared with the console app."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongdao import codes
from gongdao.cases import actions, facts, queries, workflow
from gongdao.cases.actors import Actor, of_user
from gongdao.cases.effects import Move
from gongdao.cases.models import Case
from gongdao.errors import Conflict, DomainError, NotFound
from gongdao.parties import permissions
from gongdao.parties.models import User
from gongdao.policy import queries as policy_queries
from gongdao.web import actionforms, evidence_ui, labels, lawpanel, selfhelp_panel
from gongdao.web.templatetags.gongdao import seller

HIDDEN_ACTIONS = ("close", "alert")  # only the worker takes these
CONDITIONS_SHOWN = ("escalate", "appeal")  # spelled out when not yet available
TEXT_KEYS = ("text", "message", "reason", "note", "reasons")


def get_case_or_404(request: HttpRequest, case_id: str) -> Case:
    try:
        return queries.get_case(of_user(request.user), case_id)
    except NotFound:
        raise Http404("No such case")


def _assignees(case: Case, actor: Actor, allowed: list[str]) -> list[tuple[str, Any]]:
    if "assign" not in allowed:
        return []
    roles = ("senior_agent",) if case.status == "appealed" else ("agent", "senior_agent")
    people = User.objects.filter(role__in=roles, is_active=True).exclude(pk=case.decided_by_id or 0)
    choices: list[tuple[str, Any]] = []
    me = actor.user
    if me is not None and me.role in roles and me.pk != case.decided_by_id:
        choices.append(("me", _("Me (%(name)s)") % {"name": me.display_name}))
    for person in people.select_related("profile").order_by("username"):
        if me is None or person.pk != me.pk:
            choices.append((person.public_id, person.display_name))
    return choices


def _conditions(case: Case, actor: Actor, sides: set[str], allowed: list[str], policy: Any) -> list[dict]:
    """Why escalate/appeal is not available yet, in the guard's own words."""
    rows = []
    for action in CONDITIONS_SHOWN:
        if action in allowed:
            continue
        transition = workflow.find(action, case.status, case.mode)
        if transition is None or transition.guard is None:
            continue
        mine = sides & set(transition.sides)
        if not mine:
            continue
        move = Move(case, action, actor, mine, {}, timezone.now(), policy, transition.target or case.status)
        try:
            transition.guard(move)
        except DomainError as exc:
            rows.append({"action": action, "message": exc.message})
    return rows


def _thread(events: list[Any], items_by_event: dict[int, list[Any]]) -> list[dict[str, Any]]:
    """Messages, and the words that came with actions, with the evidence added at that point."""
    rows = []
    for event in events:
        payload = event.payload or {}
        text = next((payload[k] for k in TEXT_KEYS if isinstance(payload.get(k), str) and payload[k]), "")
        if event.type == "case_opened" or event.type == "draft_updated":
            text = ""
        if event.type == "submit":
            text = ""
        items = items_by_event.get(event.pk, [])
        if text or items:
            rows.append({"event": event, "text": text, "items": items})
    return rows


def _decision(case: Case, policy: Any) -> dict[str, Any] | None:
    if not case.decision:
        return None
    decision = dict(case.decision)
    catalogue = getattr(policy, "rules", {}) or {}
    language = get_language()
    decision["cited"] = [
        {"id": rid, "title": catalogue[rid].title(language) if rid in catalogue else ""}
        for rid in decision.get("rules", [])
    ]
    decided_at = decision.get("decided_at")
    if decided_at:
        from datetime import datetime

        decision["decided_at_time"] = datetime.fromisoformat(decided_at)
    return decision


def _amount_rows(case_lines: list[Any], amounts: list[dict[str, int]] | None) -> list[dict[str, Any]]:
    by_no = {item["line_no"]: item["amount_fen"] for item in (amounts or [])}
    return [
        {"name": cl.order_line.name, "amount": by_no[cl.order_line.line_no]}
        for cl in case_lines
        if cl.order_line.line_no in by_no
    ]


def case_context(
    request: HttpRequest,
    case: Case,
    *,
    failed: str = "",
    posted: dict[str, str] | None = None,
    field_errors: dict[str, Any] | None = None,
    error_summary: list[dict[str, Any]] | None = None,
    law_form: Any = None,
) -> dict[str, Any]:
    actor = of_user(request.user)
    sides = permissions.sides(actor, case)
    policy = policy_queries.parsed(case.policy)
    case_lines = facts.lines(case)
    facts.remember_lines(case, case_lines)  # (a page only reads: the law panel uses them too)
    allowed = [a for a in queries.allowed_actions(case, actor) if a not in HIDDEN_ACTIONS]
    assignees = _assignees(case, actor, allowed)
    remedies = policy.remedies_for(case.issue)
    evidence = evidence_ui.case_evidence(case, actor, sides)
    own_items = [
        (item.public_id, f"{codes.EVIDENCE_KINDS.get(item.kind, item.kind)}: {item.original_name}")
        for item in evidence["items"]
        if item.mine and not item.withdrawn_at
    ]
    forms = []
    for action in allowed:
        if case.status == "draft" and action == "submit":
            continue
        if case.mode == "self_help" and action in selfhelp_panel.PANEL_ACTIONS:
            continue  # the self-help panel has their forms
        mine = failed == action
        forms.append(
            {
                "action": action,
                "label": labels.ACTIONS.get(action, action),
                "explain": _explain(action, case.status, case.mode),
                "fields": actionforms.build_fields(
                    action,
                    case,
                    case_lines,
                    remedies,
                    assignees,
                    posted if mine else None,
                    field_errors if mine else None,
                    rules=getattr(policy, "rules", {}) or {},
                    items=own_items,
                ),
                "open": mine,
                "error": (field_errors or {}).get("_form", "") if mine else "",
                "danger": action in ("withdraw", "reject", "withdraw_evidence"),
            }
        )
    events = queries.timeline(case, actor)
    items_by_event: dict[int, list[Any]] = {}
    for item in evidence["items"]:
        if item.event_id:
            items_by_event.setdefault(item.event_id, []).append(item)
    your_move = queries.is_your_move(case, sides)
    can_message = actions.may_message(sides, case)
    return {
        "case": case,
        "sides": sides,
        "viewer_side": _viewer_side(sides),
        "case_lines": case_lines,
        "shop_name": seller(case),
        "stages": [
            {"number": n, "label": label, "state": _stage_state(n, case)}
            for n, (_code, label) in codes.STAGES.items()
        ],
        "your_move": your_move,
        "waiting_for": "" if your_move else case.next_actor,
        "forms": forms,
        "conditions": _conditions(case, actor, sides, allowed, policy),
        "events": events,
        "thread": _thread(events, items_by_event),
        "evidence": evidence,
        "deadlines": queries.pending_deadlines(case),
        "decision": _decision(case, policy),
        "decision_amounts": _amount_rows(case_lines, (case.decision or {}).get("amounts")),
        "offer_amounts": _amount_rows(case_lines, (case.offer or {}).get("amounts")),
        "can_message": can_message,
        "message_text": (posted or {}).get("text", "") if failed == "message" else "",
        "message_error": (field_errors or {}).get("text", "") if failed == "message" else "",
        "error_summary": error_summary or [],
        "filing_url": _filing_url(case) if case.status == "draft" and "consumer" in sides else "",
        "law": lawpanel.panel(request, case, form=law_form),
        "selfhelp": selfhelp_panel.panel(request, case),
    }


def _viewer_side(sides: set[str]) -> str:
    for side in ("consumer", "merchant", "assignee", "agent", "platform"):
        if side in sides:
            return side
    return ""


def _stage_state(number: int, case: Case) -> str:
    if number < case.stage or (number == case.stage and case.is_ended):
        return "done"
    if number == case.stage:
        return "current"
    return "todo"


def _explain(action: str, status: str, mode: str | None = None) -> str:
    transition = workflow.find(action, status, mode)
    return str(transition.explain) if transition else ""


def _filing_url(case: Case) -> str:
    try:
        return reverse("web:file_check", args=[case.public_id])
    except NoReverseMatch:
        return ""


@login_required
def case_detail(request: HttpRequest, case_id: str) -> HttpResponse:
    from gongdao.notify.actions import mark_case_read

    case = get_case_or_404(request, case_id)
    mark_case_read(request.user, case)  # opening a case reads its notices
    return render(request, "gongdao/case.html", case_context(request, case))


def _anchor(action: str, field: str | None, case_lines: list[Any]) -> str:
    if field and field.startswith("amount-"):
        return f"{action}-{field}"
    if field == "lines" and case_lines:
        return actionforms.line_input_id(action, case_lines[0].order_line.line_no)
    if field and field in actionforms.INPUTS.get(action, ()):
        return actionforms.field_id(action, field)
    return f"action-{action}"


@login_required
@require_POST
def case_act(request: HttpRequest, case_id: str, action: str) -> HttpResponse:
    case = get_case_or_404(request, case_id)
    if action not in workflow.ACTIONS or action in HIDDEN_ACTIONS:
        raise Http404("No such action")
    case_lines = list(case.lines.select_related("order_line"))
    try:
        data = actionforms.parse(action, request.POST, case_lines)
        actions.perform(case, action, of_user(request.user), expected_version=_version(request), **data)
    except DomainError as exc:
        case = get_case_or_404(request, case_id)
        anchor = _anchor(action, exc.field, case_lines)
        key = exc.field if exc.field and anchor != f"action-{action}" else "_form"
        context = case_context(
            request,
            case,
            failed=action,
            posted=actionforms.posted_values(action, request.POST, case_lines),
            field_errors={key: exc.message},
            error_summary=[{"href": "#" + anchor, "text": exc.message}],
        )
        status = 409 if isinstance(exc, Conflict) else exc.status
        return render(request, "gongdao/case.html", context, status=status)
    messages.success(request, _("Done: %(what)s.") % {"what": labels.EVENTS.get(action, action)})
    return redirect("web:case", case_id=case.public_id)


@login_required
@require_POST
def case_message(request: HttpRequest, case_id: str) -> HttpResponse:
    case = get_case_or_404(request, case_id)
    text = request.POST.get("text", "")
    try:
        actions.add_message(case, of_user(request.user), text)
    except DomainError as exc:
        case = get_case_or_404(request, case_id)
        context = case_context(
            request,
            case,
            failed="message",
            posted={"text": text},
            field_errors={"text": exc.message},
            error_summary=[{"href": "#message-text", "text": exc.message}],
        )
        return render(request, "gongdao/case.html", context, status=exc.status)
    messages.success(request, _("Your message is sent."))
    return redirect(reverse("web:case", args=[case.public_id]) + "#thread")


def _version(request: HttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None
