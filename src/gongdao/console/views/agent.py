"""Agent workbench: the queues, claiming and assigning, the review page with both parties side by
side, internal notes, requests for evidence, and the decision with its confirm step."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongdao import codes
from gongdao.cases import actions as case_actions
from gongdao.cases import queries as case_queries
from gongdao.cases import workflow
from gongdao.cases.actors import of_user
from gongdao.console import forms, labels, preview, queries
from gongdao.console.views.common import (
    attach_error,
    case_or_404,
    expected_version,
    explain,
    gate,
    next_url,
)
from gongdao.errors import DomainError
from gongdao.parties import permissions
from gongdao.policy import queries as policy_queries
from gongdao.web import lawpanel

agent_only = gate(permissions.is_agent)

# Moves offered on the review page besides assigning, notes, evidence requests and deciding.
OTHER_ACTS = {
    "close_evidence": forms.EmptyForm,
    "pause_deadline": forms.ReasonForm,
    "resume_deadline": forms.EmptyForm,
    "record_advance_payout": forms.EmptyForm,
}
DECISION_ACTIONS = ("decide", "decide_appeal")
QUEUE_LABELS = {
    "unassigned": gettext_lazy("Unassigned escalations"),
    "mine": gettext_lazy("Mine"),
    "due_soon": gettext_lazy("Due within 24 hours"),
    "appeals": gettext_lazy("Appeals"),
}


def may_take(user: Any, case: Any) -> bool:
    """Whether the workflow lets this agent give the case to an agent now (themselves included)."""
    transition = workflow.find("assign", case.status)
    if transition is None or not permissions.user_sides(user, case) & set(transition.sides):
        return False
    return case.status != "appealed" or permissions.is_senior_agent(user)


def may_claim(user: Any, case: Any) -> bool:
    if case.status == "appealed":
        return permissions.may_claim_appeal(user, case)
    return case.assignee_id != user.id and may_take(user, case)


# ---- queues -------------------------------------------------------------------------------


@agent_only
def queue(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    name = request.GET.get("queue") or "unassigned"
    if name not in queries.QUEUES:
        raise Http404
    page = Paginator(queries.agent_queue(request.user, name, now), queries.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    everyone = list(queries.agents())
    rows = []
    for case in page:
        choices = [u for u in queries.assignable(case, everyone) if u.pk != case.assignee_id]
        rows.append(
            {
                "case": case,
                "may_claim": may_claim(request.user, case),
                "assignees": choices if may_take(request.user, case) else [],
            }
        )
    context = {
        "queue": name,
        "queues": [(q, QUEUE_LABELS[q]) for q in queries.QUEUES],
        "counts": queries.agent_counts(request.user, now),
        "page": page,
        "rows": rows,
        "now": now,
        "here": f"{reverse('console:agent_queue')}?queue={name}",
    }
    return render(request, "console/agent/queue.html", context)


@agent_only
@require_POST
def assign(request: HttpRequest, case_id: str) -> HttpResponse:
    case = case_or_404(request, case_id)
    back = next_url(request, reverse("console:review", args=[case.public_id]))
    assignee = (request.POST.get("assignee") or "").strip()
    if not assignee:
        messages.error(request, _("Choose an agent."))
        return redirect(back)
    try:
        case_actions.perform(
            case,
            "assign",
            of_user(request.user),
            expected_version=expected_version(request),
            assignee=assignee,
        )
    except DomainError as exc:
        messages.error(request, f"{case.public_id}: {exc}")
        return redirect(back)
    if case.assignee_id == request.user.id:
        messages.success(request, _("%(case)s is now yours.") % {"case": case.public_id})
    else:
        messages.success(
            request,
            _("%(case)s was given to %(agent)s.")
            % {"case": case.public_id, "agent": case.assignee.display_name if case.assignee else ""},
        )
    return redirect(back)


# ---- the review page ----------------------------------------------------------------------


def _decision_form(case: Any, data: Any = None) -> forms.DecisionForm:
    policy = policy_queries.parsed(case.policy)
    lines = list(case.lines.select_related("order_line"))
    return forms.DecisionForm(
        data,
        prefix="decision",
        lines=lines,
        remedies=policy.remedies_for(case.issue),
        rules=queries.rule_options(policy),
        requested={cl.order_line.line_no: cl.requested_fen for cl in lines},
    )


def _review_page(
    request: HttpRequest, case: Any, *, bound: tuple[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    actor = of_user(request.user)
    allowed = case_queries.allowed_actions(case, actor)
    bound_name, bound_form = bound if bound else ("", None)

    def form_for(name: str, make: Any) -> Any:
        return bound_form if bound_name == name else make()

    decision_action = next((a for a in DECISION_ACTIONS if a in allowed), "")
    others = [
        {
            "action": a,
            "label": labels.ACTIONS[a],
            "explain": explain(a, case.status),
            "form": form_for(a, lambda a=a: OTHER_ACTS[a](prefix=a)),
        }
        for a in OTHER_ACTS
        if a in allowed
    ]
    events = case_queries.timeline(case, actor)
    policy = policy_queries.parsed(case.policy)
    context = {
        "case": case,
        "lines": list(case.lines.select_related("order_line")),
        "snapshot": case.order_snapshot or {},
        "events": events,
        "notes": [e for e in events if e.type == "note_added"],
        "statements": queries.statements(events),
        "evidence": queries.evidence_by_side(case, actor),
        "deadlines": case_queries.pending_deadlines(case),
        "note_form": form_for("note", lambda: forms.NoteForm(prefix="note")),
        "request_form": form_for("request_evidence", lambda: forms.EvidenceRequestForm(prefix="request"))
        if "request_evidence" in allowed
        else None,
        "decision_action": decision_action,
        "decision_form": form_for("decision", lambda: _decision_form(case)) if decision_action else None,
        "others": others,
        "may_claim": may_claim(request.user, case),
        "assignees": [u for u in queries.assignable(case, list(queries.agents())) if u.pk != case.assignee_id]
        if may_take(request.user, case)
        else [],
        "rules": {r.id: r for r in queries.rule_options(policy)},
        "now": timezone.now(),
        "law": lawpanel.panel(
            request,
            case,
            form=bound_form if bound_name == "law" else None,
            post_url=reverse("console:law_facts", args=[case.public_id]),
        ),
    }
    context["error_forms"] = [
        f
        for f in (
            context["note_form"],
            context["request_form"],
            context["decision_form"],
            bound_form if bound_name == "law" else None,
            *(o["form"] for o in others),
        )
        if f is not None
    ]
    return render(request, "console/agent/review.html", context, status=status)


@agent_only
def review(request: HttpRequest, case_id: str) -> HttpResponse:
    return _review_page(request, case_or_404(request, case_id))


@agent_only
@require_POST
def note(request: HttpRequest, case_id: str) -> HttpResponse:
    case = case_or_404(request, case_id)
    form = forms.NoteForm(request.POST, prefix="note")
    if not form.is_valid():
        return _review_page(request, case, bound=("note", form), status=422)
    try:
        case_actions.add_note(case, of_user(request.user), form.cleaned_data["text"])
    except DomainError as exc:
        attach_error(form, exc)
        return _review_page(request, case, bound=("note", form), status=exc.status)
    messages.success(request, _("The note was added. Only platform staff see it."))
    return redirect("console:review", case_id=case.public_id)


@agent_only
@require_POST
def law_facts(request: HttpRequest, case_id: str) -> HttpResponse:
    """The agent's answers to the law questionnaire: recorded as the platform's findings."""
    case = case_or_404(request, case_id)
    form = lawpanel.LawFactsForm(request.POST)
    if not lawpanel.save(request, case, form):
        return _review_page(request, case, bound=("law", form), status=422)
    return redirect(reverse("console:review", args=[case.public_id]) + "#law")


def _perform_form(
    request: HttpRequest, case: Any, action: str, name: str, form: Any, done: str
) -> HttpResponse:
    if not form.is_valid():
        return _review_page(request, case, bound=(name, form), status=422)
    try:
        case_actions.perform(
            case,
            action,
            of_user(request.user),
            expected_version=expected_version(request),
            **form.action_data(),
        )
    except DomainError as exc:
        attach_error(form, exc)
        return _review_page(request, case, bound=(name, form), status=exc.status)
    messages.success(request, done)
    return redirect("console:review", case_id=case.public_id)


@agent_only
@require_POST
def request_evidence(request: HttpRequest, case_id: str) -> HttpResponse:
    case = case_or_404(request, case_id)
    form = forms.EvidenceRequestForm(request.POST, prefix="request")
    return _perform_form(
        request, case, "request_evidence", "request_evidence", form, _("The request was sent.")
    )


@agent_only
@require_POST
def act(request: HttpRequest, case_id: str, action: str) -> HttpResponse:
    if action not in OTHER_ACTS:
        raise Http404
    case = case_or_404(request, case_id)
    form = OTHER_ACTS[action](request.POST, prefix=action)
    done = _("Done: %(action)s.") % {"action": labels.ACTIONS[action]}
    return _perform_form(request, case, action, action, form, done)


# ---- deciding, with a confirm step --------------------------------------------------------


@agent_only
@require_POST
def decide(request: HttpRequest, case_id: str) -> HttpResponse:
    case = case_or_404(request, case_id)
    actor = of_user(request.user)
    allowed = case_queries.allowed_actions(case, actor)
    action = next((a for a in DECISION_ACTIONS if a in allowed), None)
    form = _decision_form(case, request.POST)
    if action is None:
        messages.error(request, _("You cannot decide this case now."))
        return redirect("console:review", case_id=case.public_id)
    if not form.is_valid():
        return _review_page(request, case, bound=("decision", form), status=422)
    if request.POST.get("change"):
        return _review_page(request, case, bound=("decision", form))
    data = form.action_data()
    try:
        if request.POST.get("confirm") == "yes":
            case_actions.perform(case, action, actor, expected_version=expected_version(request), **data)
            messages.success(request, _("The decision was recorded and both parties were told."))
            return redirect("console:review", case_id=case.public_id)
        outcome = preview.dry_run(case, action, actor, expected_version=expected_version(request), **data)
    except DomainError as exc:
        attach_error(form, exc)
        return _review_page(request, case, bound=("decision", form), status=exc.status)
    return render(
        request, "console/agent/decision_confirm.html", _confirm_context(request, case, action, form, outcome)
    )


def _confirm_context(
    request: HttpRequest, case: Any, action: str, form: Any, outcome: preview.Preview
) -> dict[str, Any]:
    decision = outcome.payload.get("decision", {})
    names = {cl.order_line.line_no: cl.order_line.name for cl in case.lines.select_related("order_line")}
    rules = {r.id: r for r in queries.rule_options(policy_queries.parsed(case.policy))}
    hidden = [(k, v) for k, values in request.POST.lists() if k.startswith("decision-") for v in values]
    return {
        "case": case,
        "action": action,
        "action_label": labels.ACTIONS[action],
        "decision": decision,
        "outcome_label": codes.OUTCOMES.get(decision.get("outcome", ""), ""),
        "amounts": [
            (a["line_no"], names.get(a["line_no"], ""), a["amount_fen"]) for a in decision.get("amounts", [])
        ],
        "rules": [rules.get(r) or queries.RuleOption(r, "", "") for r in decision.get("rules", [])],
        "preview": outcome,
        "refund": outcome.payload.get("refund"),
        "hidden": hidden,
        "version": expected_version(request) or case.version,
        "explain": explain(action, case.status),
    }
