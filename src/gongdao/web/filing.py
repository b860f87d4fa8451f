"""The guided path "我要维权" (GOV.UK question pages): one question per page, a back link, a heading
and a continue button; answers live on a draft case from the first answer on, so a closed tab
loses nothing; a check-your-answers page with change links; then the case is filed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongdao import codes
from gongdao.cases import actions
from gongdao.cases.actors import of_user
from gongdao.cases.effects import MONEY_REMEDIES
from gongdao.cases.models import Case
from gongdao.display import local_time
from gongdao.errors import DomainError, InvalidInput
from gongdao.money import parse_yuan
from gongdao.orders.queries import refundable
from gongdao.parties import permissions
from gongdao.policy import queries as policy_queries
from gongdao.selfhelp.effects import CHANNELS
from gongdao.web import drafts, errors, evidence_ui, labels, selfhelp_panel, selfhelp_views
from gongdao.web.casepage import get_case_or_404
from gongdao.web.forms import IssueForm

STEPS = ("issue", "evidence", "upload", "request", "check")
STEP_TITLES = {
    "issue": gettext_lazy("What went wrong"),
    "evidence": gettext_lazy("Evidence checklist"),
    "upload": gettext_lazy("Upload evidence"),
    "request": gettext_lazy("What you want"),
    "check": gettext_lazy("Check and file"),
}
URL_NAMES = {
    "issue": "web:file_issue",
    "evidence": "web:file_evidence",
    "upload": "web:file_upload",
    "request": "web:file_request",
    "check": "web:file_check",
}


def _order_or_404(request: HttpRequest, order_id: str) -> Any:
    order = (
        permissions.visible_orders(request.user)
        .filter(public_id=order_id.strip().upper(), consumer=request.user)
        .select_related("shop", "outside_shop")
        .first()
    )
    if order is None:
        raise Http404("No such order")
    return order


def _draft_or_redirect(request: HttpRequest, case_id: str) -> tuple[Case | None, HttpResponse | None]:
    case = get_case_or_404(request, case_id)
    if "consumer" not in permissions.sides(of_user(request.user), case):
        raise Http404("No such case")
    if case.status != "draft":
        return None, redirect("web:case", case_id=case.public_id)
    return case, None


def _step_url(step: str, case: Case) -> str:
    return reverse(URL_NAMES[step], args=[case.public_id])


def _next(step: str, case: Case, request: HttpRequest) -> HttpResponse:
    if request.POST.get("change") or request.GET.get("change"):
        return redirect(_step_url("check", case))
    return redirect(_step_url(STEPS[STEPS.index(step) + 1], case))


def _base(step: str, order: Any, case: Case | None, request: HttpRequest) -> dict[str, Any]:
    index = STEPS.index(step)
    change = bool(request.GET.get("change") or request.POST.get("change"))
    if change and case is not None:
        back = _step_url("check", case)
    elif index == 0:
        back = reverse("web:orders")
    else:
        back = _step_url(STEPS[index - 1], case) if case is not None else reverse("web:orders")
    return {
        "step": step,
        "step_number": index + 1,
        "step_count": len(STEPS),
        "step_title": STEP_TITLES[step],
        "order": order,
        "case": case,
        "back_url": back,
        "change": change,
    }


# ---- step 1: what went wrong --------------------------------------------------------------


@login_required
def start(request: HttpRequest, order_id: str) -> HttpResponse:
    order = _order_or_404(request, order_id)
    draft = drafts.current_draft(order, request.user)
    if draft is not None:
        return redirect(_step_url("issue", draft))
    form = IssueForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            case = drafts.start(order, of_user(request.user), form.cleaned_data["issue"])
        except DomainError as exc:
            form.add_error("issue", exc.message)
        else:
            return redirect(_step_url("evidence", case))
    return _render_issue(request, form, order, None)


@login_required
def issue(request: HttpRequest, case_id: str) -> HttpResponse:
    case, away = _draft_or_redirect(request, case_id)
    if away:
        return away
    assert case is not None
    form = IssueForm(request.POST if request.method == "POST" else None, initial={"issue": case.issue})
    if request.method == "POST" and form.is_valid():
        try:
            drafts.update_draft(case, of_user(request.user), issue=form.cleaned_data["issue"])
        except DomainError as exc:
            form.add_error("issue", exc.message)
        else:
            return _next("issue", case, request)
    return _render_issue(request, form, case.order, case)


def _render_issue(request: HttpRequest, form: IssueForm, order: Any, case: Case | None) -> HttpResponse:
    first = next(iter(codes.ISSUE_TYPES))
    context = _base("issue", order, case, request)
    context.update(
        {
            "form": form,
            "choices": form.issue_choices(),
            "selected": form["issue"].value() or "",
            "error_summary": errors.from_form(form, {"issue": f"issue-{first}"}) if form.is_bound else [],
        }
    )
    return render(request, "gongdao/filing/issue.html", context, status=422 if form.errors else 200)


# ---- step 2: the evidence checklist -------------------------------------------------------


@login_required
def evidence(request: HttpRequest, case_id: str) -> HttpResponse:
    case, away = _draft_or_redirect(request, case_id)
    if away:
        return away
    assert case is not None
    context = _base("evidence", case.order, case, request)
    context["rows"] = evidence_ui.checklist_rows(case)
    return render(request, "gongdao/filing/evidence.html", context)


# ---- step 3: upload -----------------------------------------------------------------------


@login_required
def upload(request: HttpRequest, case_id: str) -> HttpResponse:
    case, away = _draft_or_redirect(request, case_id)
    if away:
        return away
    assert case is not None
    context = _base("upload", case.order, case, request)
    rows = evidence_ui.checklist_rows(case)
    context.update(
        {
            "rows": rows,
            "kinds": evidence_ui.upload_kinds(rows),
            "upload_url": evidence_ui.upload_url(case),
            "items": evidence_ui.case_evidence(case, of_user(request.user), {"consumer"})["items"],
            "next_url": _step_url("check" if context["change"] else "request", case),
        }
    )
    return render(request, "gongdao/filing/upload.html", context)


# ---- step 4: what you want ----------------------------------------------------------------


def _line_rows(case: Case, post: Any | None) -> list[dict[str, Any]]:
    requested = {cl.order_line_id: cl.requested_fen for cl in case.lines.all()}
    rows = []
    for line in case.order.lines.all():
        if line.case_lines.filter(is_open=True).exclude(case=case).exists():
            continue
        if post is not None:
            included = post.get(f"line-{line.line_no}") == "on"
            amount = post.get(f"amount-{line.line_no}", "")
        else:
            included = line.pk in requested
            fen = requested.get(line.pk) or 0
            amount = f"{fen // 100}.{fen % 100:02d}" if fen else ""
        rows.append(
            {
                "line": line,
                "no": line.line_no,
                "included": included,
                "amount": amount,
                "refundable": refundable(line),
            }
        )
    return rows


def _parse_request(post: Any, rows: list[dict[str, Any]], remedies: tuple[str, ...]) -> tuple[str, list]:
    remedy = post.get("remedy", "")
    if remedy not in remedies:
        raise InvalidInput("invalid_remedy", _("Choose what you want."), field="remedy")
    chosen = [row for row in rows if row["included"]]
    if not chosen:
        raise InvalidInput("lines_required", _("Choose at least one item of the order."), field="lines")
    lines = []
    for row in chosen:
        fen = 0
        if remedy in MONEY_REMEDIES:
            text = (row["amount"] or "").strip()
            if not text:
                raise InvalidInput(
                    "amount_required",
                    _("Enter the amount you want for “%(item)s”, like 12.30.") % {"item": row["line"].name},
                    field=f"amount-{row['no']}",
                )
            try:
                fen = parse_yuan(text)
            except ValueError:
                raise InvalidInput(
                    "invalid_amount",
                    _("Enter the amount for “%(item)s” in yuan, like 12.30.") % {"item": row["line"].name},
                    field=f"amount-{row['no']}",
                )
        lines.append({"line_no": row["no"], "amount_fen": fen})
    return remedy, lines


def _untouched(case: Case, statement: str) -> bool:
    """The statement is still the one drafted from the draft's saved answers, word for word."""
    amounts = {cl.order_line.line_no: cl.requested_fen for cl in case.lines.select_related("order_line")}
    return statement.strip() == drafts.compose_statement(case, case.remedy, amounts).strip()


def _anchor(field: str | None, rows: list[dict[str, Any]], remedies: tuple[str, ...]) -> str:
    if field == "remedy" and remedies:
        return f"remedy-{remedies[0]}"
    if field == "lines" and rows:
        return f"line-{rows[0]['no']}"
    if field and field.startswith("amount-"):
        return field
    return "statement"


@login_required
def request_step(request: HttpRequest, case_id: str) -> HttpResponse:
    case, away = _draft_or_redirect(request, case_id)
    if away:
        return away
    assert case is not None
    policy = policy_queries.parsed(case.policy)
    remedies = policy.remedies_for(case.issue)
    posted = request.POST if request.method == "POST" else None
    rows = _line_rows(case, posted)
    remedy = posted.get("remedy", "") if posted is not None else case.remedy
    statement = posted.get("statement", "") if posted is not None else case.statement
    field_errors: dict[str, Any] = {}
    autosave = posted is not None and posted.get("autosave") == "1"
    if posted is not None:
        try:
            remedy, lines = _parse_request(posted, rows, remedies)
            chosen = {r["line_no"]: r["amount_fen"] for r in lines}
            redraft = bool(posted.get("redraft"))
            if redraft or _untouched(case, statement):
                # A message the consumer has not edited follows the answers it was drafted from.
                statement = drafts.compose_statement(case, remedy, chosen)
            if not redraft:
                if not statement.strip() and not autosave:
                    raise InvalidInput(
                        "statement_required",
                        _("Write a message to the merchant, or keep the one drafted for you."),
                        field="statement",
                    )
                drafts.update_draft(
                    case, of_user(request.user), remedy=remedy, lines=lines, statement=statement
                )
                if autosave:
                    return JsonResponse({"saved": True, "message": _("Draft saved.")})
                return _next("request", case, request)
        except DomainError as exc:
            if autosave:
                return JsonResponse({"saved": False, "message": str(exc.message)}, status=exc.status)
            field_errors[exc.field or "statement"] = exc.message
    if not statement and posted is None:
        amounts = {cl.order_line.line_no: cl.requested_fen for cl in case.lines.select_related("order_line")}
        statement = drafts.compose_statement(case, case.remedy, amounts)
    context = _base("request", case.order, case, request)
    context.update(
        {
            "remedies": [
                {
                    "code": r,
                    "label": codes.REMEDIES[r],
                    "hint": labels.REMEDY_HINTS[r],
                    "money": r in MONEY_REMEDIES,
                }
                for r in remedies
            ],
            "remedy": remedy,
            "rows": rows,
            "statement": statement,
            "statement_limit": drafts.STATEMENT_LIMIT,
            "field_errors": field_errors,
            "error_summary": [
                {"href": "#" + _anchor(field, rows, remedies), "text": message}
                for field, message in field_errors.items()
            ],
        }
    )
    return render(request, "gongdao/filing/request.html", context, status=422 if field_errors else 200)


# ---- step 5: check your answers, then file ------------------------------------------------


@login_required
def check(request: HttpRequest, case_id: str) -> HttpResponse:
    case, away = _draft_or_redirect(request, case_id)
    if away:
        return away
    assert case is not None
    error_summary: list[dict[str, Any]] = []
    missing_error = ""
    asked_errors: dict[str, Any] = {}
    status = 200
    self_help = case.mode == "self_help"
    if request.method == "POST":
        try:
            # Self-help: filing records that the consumer asked the merchant (when, how).
            data = selfhelp_views.parse_step("submit", request.POST, []) if self_help else {}
            actions.perform(case, "submit", of_user(request.user), expected_version=_version(request), **data)
        except DomainError as exc:
            case = get_case_or_404(request, case_id)
            status = exc.status
            name = selfhelp_panel.field_name(exc.field, []) if self_help else ""
            if name in ("occurred_on", "occurred_time", "channel"):
                asked_errors[name] = exc.message
                error_summary = [{"href": f"#submit-{name}", "text": exc.message}]
            else:
                missing_error = exc.message
                error_summary = [{"href": "#answer-evidence", "text": exc.message}]
        else:
            case.refresh_from_db()
            messages.success(request, _filed_message(case))
            return redirect("web:case", case_id=case.public_id)
    rows = evidence_ui.checklist_rows(case)
    items = evidence_ui.case_evidence(case, of_user(request.user), {"consumer"})["items"]
    context = _base("check", case.order, case, request)
    context.update(
        {
            "case_lines": list(case.lines.select_related("order_line")),
            "rows": rows,
            "items": items,
            "missing": [r for r in rows if r["state"] == "todo"],
            "missing_error": missing_error,
            "error_summary": error_summary,
            "change_urls": {
                step: _step_url(step, case) + "?change=1" for step in ("issue", "upload", "request")
            },
            "self_help": self_help,
            "asked": _asked_form(request, asked_errors) if self_help else None,
        }
    )
    return render(request, "gongdao/filing/check.html", context, status=status)


def _filed_message(case: Case) -> str:
    if case.mode == "self_help":
        return (
            _(
                "Your request to the merchant is on record. Under the platform's rules they should answer by %(time)s."
            )
            % {"time": local_time(case.due_at)}
            if case.due_at
            else _("Your request to the merchant is on record.")
        )
    return (
        _("Your case is filed. The merchant has until %(time)s to answer.")
        % {"time": local_time(case.due_at)}
        if case.due_at
        else _("Your case is filed.")
    )


def _asked_form(request: HttpRequest, errors: dict[str, Any]) -> dict[str, Any]:
    """The "I asked the merchant" fields of a self-help case's last step."""
    posted = request.POST if request.method == "POST" else None
    today = f"{timezone.localtime(timezone.now()):%Y-%m-%d}"
    return {
        "occurred_on": posted.get("occurred_on", today) if posted is not None else today,
        "occurred_time": posted.get("occurred_time", "") if posted is not None else "",
        "channel": posted.get("channel", "platform_chat") if posted is not None else "platform_chat",
        "channels": list(CHANNELS.items()),
        "errors": errors,
    }


def _version(request: HttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None
