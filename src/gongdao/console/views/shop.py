"""Merchant console: the shop's queue, a case's action panel, canned replies, staff, return
address. Thin: parse, call an action or query, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongdao.cases import actions as case_actions
from gongdao.cases import queries as case_queries
from gongdao.cases.actors import of_user
from gongdao.console import actions, forms, labels, queries
from gongdao.console.views.common import (
    attach_error,
    case_or_404,
    expected_version,
    explain,
    gate,
    link_days,
    or_404,
)
from gongdao.errors import DomainError
from gongdao.parties import permissions, privacy
from gongdao.policy import queries as policy_queries

merchant_only = gate(permissions.is_merchant)
shop_admin_only = gate(permissions.is_merchant_admin)

# The merchant's moves, in the order the panel offers them, and the form each one needs.
PANEL = {
    "accept": forms.EmptyForm,
    "offer": forms.OfferForm,
    "reject": forms.RejectForm,
    "confirm_return": forms.EmptyForm,
    "report_return_problem": forms.ReturnProblemForm,
    "ship_replacement": forms.ShipmentForm,
    "confirm_refund": forms.RefundForm,
}


# ---- the queue ----------------------------------------------------------------------------


@merchant_only
def queue(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    filters = forms.QueueFilterForm(request.GET or None)
    chosen: dict[str, str] = {}
    if filters.is_bound and filters.is_valid():
        chosen = {k: v for k, v in filters.cleaned_data.items() if v}
    cases = queries.merchant_queue(request.user, chosen, now)
    page = Paginator(cases, queries.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "chosen": chosen,
        "counts": queries.merchant_counts(request.user, now),
        "page": page,
        "now": now,
        "querystring": _without_page(request),
    }
    status = 400 if filters.is_bound and filters.errors else 200
    return render(request, "console/shop/queue.html", context, status=status)


def _without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# ---- a case -------------------------------------------------------------------------------


def _panel_form(action: str, case: Any, data: Any = None, files: Any = None) -> Any:
    policy = policy_queries.parsed(case.policy)
    kwargs: dict[str, Any] = {"prefix": action}
    if action == "offer":
        kwargs.update(
            lines=list(case.lines.select_related("order_line")),
            remedies=policy.remedies_for(case.issue),
            max_chars=policy.statement_max_chars,
        )
    elif action == "reject":
        kwargs["max_chars"] = policy.statement_max_chars
    return PANEL[action](data, files, **kwargs)


def _case_page(
    request: HttpRequest, case: Any, *, bound: tuple[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    actor = of_user(request.user)
    allowed = case_queries.allowed_actions(case, actor)
    panel = []
    for action in PANEL:
        if action not in allowed:
            continue
        form = bound[1] if bound and bound[0] == action else _panel_form(action, case)
        panel.append(
            {
                "action": action,
                "label": labels.ACTIONS[action],
                "explain": explain(action, case.status),
                "form": form,
            }
        )
    message_form = bound[1] if bound and bound[0] == "message" else forms.MessageForm(prefix="message")
    sides = permissions.sides(actor, case)
    events = [e for e in case_queries.timeline(case, actor) if e.visibility == "all_parties"]
    context = {
        "case": case,
        "lines": list(case.lines.select_related("order_line")),
        "panel": panel,
        "message_form": message_form,
        "can_message": case_actions.may_message(sides, case),
        "your_move": case_queries.is_your_move(case, sides),
        "deadlines": case_queries.pending_deadlines(case),
        "events": events,
        "evidence": queries.evidence_by_side(case, actor),
        "replies": list(queries.canned_replies(request.user)),
        "consumer_name": privacy.mask_name(case.consumer.display_name),
        "now": timezone.now(),
        "error_forms": [p["form"] for p in panel] + [message_form],
    }
    return render(request, "console/shop/case.html", context, status=status)


@merchant_only
def case(request: HttpRequest, case_id: str) -> HttpResponse:
    found = case_or_404(request, case_id)
    actions.record_view(found, request.user)
    return _case_page(request, found)


@merchant_only
@require_POST
def act(request: HttpRequest, case_id: str, action: str) -> HttpResponse:
    if action not in PANEL:
        raise Http404
    found = case_or_404(request, case_id)
    form = _panel_form(action, found, request.POST, request.FILES)
    if not form.is_valid():
        return _case_page(request, found, bound=(action, form), status=422)
    actor, version = of_user(request.user), expected_version(request)
    try:
        if action == "reject" and form.cleaned_data["evidence"]:
            actions.reject_with_evidence(
                found,
                actor,
                reason=form.cleaned_data["reason"],
                files=form.cleaned_data["evidence"],
                kind=form.cleaned_data["kind"],
                expected_version=version,
            )
        else:
            case_actions.perform(found, action, actor, expected_version=version, **form.action_data())
    except DomainError as exc:
        attach_error(form, exc)
        return _case_page(request, found, bound=(action, form), status=exc.status)
    messages.success(request, _("Done: %(action)s.") % {"action": labels.ACTIONS[action]})
    return redirect("console:shop_case", case_id=found.public_id)


@merchant_only
@require_POST
def message(request: HttpRequest, case_id: str) -> HttpResponse:
    found = case_or_404(request, case_id)
    form = forms.MessageForm(request.POST, prefix="message")
    if not form.is_valid():
        return _case_page(request, found, bound=("message", form), status=422)
    try:
        case_actions.add_message(found, of_user(request.user), form.cleaned_data["text"])
    except DomainError as exc:
        attach_error(form, exc)
        return _case_page(request, found, bound=("message", form), status=exc.status)
    messages.success(request, _("Your message was sent."))
    return redirect("console:shop_case", case_id=found.public_id)


# ---- canned replies -----------------------------------------------------------------------


@merchant_only
def replies(request: HttpRequest) -> HttpResponse:
    context = {
        "replies": queries.canned_replies(request.user),
        "may_edit": permissions.is_merchant_admin(request.user),
    }
    return render(request, "console/shop/replies.html", context)


@shop_admin_only
def reply_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    reply = or_404(lambda: queries.canned_reply(request.user, pk)) if pk is not None else None
    form = forms.CannedReplyForm(request.POST or None, instance=reply)
    status = 422 if form.is_bound and not form.is_valid() else 200
    if form.is_bound and status == 200:
        try:
            actions.save_canned_reply(
                request.user, title=form.cleaned_data["title"], text=form.cleaned_data["text"], reply=reply
            )
        except DomainError as exc:
            attach_error(form, exc)
            status = exc.status
        else:
            messages.success(request, _("The reply was saved."))
            return redirect("console:replies")
    context = {"form": form, "reply": reply, "error_forms": [form]}
    return render(request, "console/shop/reply_form.html", context, status=status)


@shop_admin_only
def reply_delete(request: HttpRequest, pk: int) -> HttpResponse:
    reply = or_404(lambda: queries.canned_reply(request.user, pk))
    if request.method == "POST":
        actions.delete_canned_reply(request.user, reply)
        messages.success(request, _("The reply was deleted."))
        return redirect("console:replies")
    return render(request, "console/shop/reply_delete.html", {"reply": reply})


# ---- staff and shop settings --------------------------------------------------------------


def _staff_page(
    request: HttpRequest, form: Any, *, status: int = 200, link: tuple[Any, str] | None = None
) -> HttpResponse:
    user: Any = request.user
    context = {
        "members": queries.shop_members(user),
        "form": form,
        "error_forms": [form],
        "link": link,
        "link_days": link_days(),
        "shop": user.shop,
    }
    return render(request, "console/shop/staff.html", context, status=status)


@shop_admin_only
def staff(request: HttpRequest) -> HttpResponse:
    form = forms.PersonForm(request.POST or None, prefix="invite")
    if request.method != "POST":
        return _staff_page(request, form)
    if not form.is_valid():
        return _staff_page(request, form, status=422)
    try:
        member, link = actions.invite_staff(request.user, **form.cleaned_data)
    except DomainError as exc:
        attach_error(form, exc)
        return _staff_page(request, form, status=exc.status)
    return _staff_page(request, forms.PersonForm(prefix="invite"), link=(member, link))


@shop_admin_only
@require_POST
def staff_remove(request: HttpRequest, user_id: str) -> HttpResponse:
    member = or_404(lambda: queries.shop_member(request.user, user_id))
    try:
        actions.remove_member(request.user, member)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(name)s can no longer sign in.") % {"name": member.display_name})
    return redirect("console:staff")


@shop_admin_only
@require_POST
def staff_link(request: HttpRequest, user_id: str) -> HttpResponse:
    member = or_404(lambda: queries.shop_member(request.user, user_id))
    try:
        link = actions.new_link_for_member(request.user, member)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("console:staff")
    return _staff_page(request, forms.PersonForm(prefix="invite"), link=(member, link))


@shop_admin_only
def shop_settings(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    shop = user.shop
    form = forms.ReturnAddressForm(request.POST or None, initial={"return_address": shop.return_address})
    status = 422 if form.is_bound and not form.is_valid() else 200
    if form.is_bound and status == 200:
        try:
            actions.set_return_address(request.user, form.cleaned_data["return_address"])
        except DomainError as exc:
            attach_error(form, exc)
            status = exc.status
        else:
            messages.success(request, _("The return address was saved."))
            return redirect("console:shop_settings")
    context = {"form": form, "shop": shop, "error_forms": [form]}
    return render(request, "console/shop/settings.html", context, status=status)
