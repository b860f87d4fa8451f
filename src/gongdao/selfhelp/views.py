"""Web views of the invitation link and of the case page's invitation and power-of-attorney
panels. Thin: parse with selfhelp.forms, call selfhelp.invitations / parties.associations, then
redirect to the case page (or render it again with the form's errors next to its fields)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongdao import codes, ids
from gongdao.cases.actors import of_user
from gongdao.errors import DomainError, Forbidden, NotFound
from gongdao.evidence.models import EvidenceItem
from gongdao.parties import associations, privacy
from gongdao.parties.models import Authorization, User
from gongdao.selfhelp import forms, invitations, panels
from gongdao.selfhelp.models import Invitation
from gongdao.web.casepage import case_context, get_case_or_404

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _case_url(case: Any, anchor: str = "") -> str:
    return reverse("web:case", args=[case.public_id]) + (f"#{anchor}" if anchor else "")


def _again(request: HttpRequest, case: Any, bound: dict[str, Any], anchor: str, status: int) -> HttpResponse:
    """The case page again, with a panel form's errors next to its fields and in the summary."""
    form = next(f for f in bound.values() if hasattr(f, "errors"))
    summary = [
        {"href": f"#{form[name].auto_id}" if name != "__all__" else f"#{anchor}", "text": error}
        for name, errors in form.errors.items()
        for error in errors
    ]
    context = case_context(request, case, error_summary=summary)
    context["selfhelp_forms"] = bound
    return render(request, "gongdao/case.html", context, status=status)


# ---- the link -------------------------------------------------------------------------------


def _ended(request: HttpRequest, exc: DomainError) -> HttpResponse:
    status = 404 if isinstance(exc, NotFound) else (410 if exc.code == "invitation_expired" else 403)
    return render(request, "selfhelp/invitation_ended.html", {"error": exc}, status=status)


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """GET: who invites whom to what, and a button; POST: sign in as the merchant's guest."""
    if request.method == "POST":
        try:
            found = invitations.redeem(token)
        except DomainError as exc:
            return _ended(request, exc)
        if request.user.is_authenticated and request.user.pk != found.guest_id:
            logout(request)
        if not request.user.is_authenticated:
            login(request, found.guest, backend=MODEL_BACKEND)
        return redirect(_case_url(found.case))
    try:
        found = invitations.check(token)
    except DomainError as exc:
        return _ended(request, exc)
    if request.user.is_authenticated and request.user.pk == found.guest_id:
        return redirect(_case_url(found.case))
    case = found.case
    context = {
        "invitation": found,
        "case": case,
        "merchant": found.guest.display_name,
        "shop": case.outside_merchant.name if case.outside_merchant else "",
        "consumer": privacy.mask_name(case.consumer.display_name),
        "issue": codes.ISSUE_TYPES.get(case.issue, case.issue),
        "remedy": codes.REMEDIES.get(case.remedy, case.remedy),
        "signed_in_as": request.user.display_name if request.user.is_authenticated else "",
    }
    return render(request, "selfhelp/invitation.html", context)


# ---- the consumer's invitation panel ----------------------------------------------------------


@login_required
@require_POST
def create_invitation(request: HttpRequest, case_id: str) -> HttpResponse:
    case = get_case_or_404(request, case_id)
    form = forms.InviteForm(request.POST, prefix="invite")
    if not form.is_valid():
        return _again(request, case, {"invite": form}, "invite", 422)
    data = form.cleaned_data
    try:
        invitation, _token = invitations.invite(
            case, of_user(request.user), name=data["name"], email=data["email"] or "", days=data["days"]
        )
    except DomainError as exc:
        forms.attach_error(form, exc)
        return _again(request, case, {"invite": form}, "invite", exc.status)
    if getattr(invitation, "emailed", False):
        messages.success(
            request, _("The link is ready and was emailed to %(email)s.") % {"email": invitation.email}
        )
    else:
        messages.success(request, _("The link is ready: copy it and send it to the merchant."))
        if getattr(invitation, "email_error", ""):
            messages.warning(request, invitation.email_error)  # type: ignore[attr-defined]
    return redirect(_case_url(case, f"invitation-{invitation.public_id}"))


def _invitation_or_404(case: Any, invitation_id: str) -> Invitation:
    found = invitations.for_case(case).filter(public_id=ids.normalise(invitation_id)).first()
    if found is None:
        raise Http404("No such invitation")
    return found


@login_required
@require_POST
def email_invitation(request: HttpRequest, case_id: str, invitation_id: str) -> HttpResponse:
    case = get_case_or_404(request, case_id)
    found = _invitation_or_404(case, invitation_id)
    form = forms.EmailLinkForm(request.POST)
    bound = {"email": form, "email_for": found.public_id}
    if not form.is_valid():
        return _again(request, case, bound, f"invitation-{found.public_id}", 422)
    try:
        panels_side_check(request, case)
        invitations.send_link(found, form.cleaned_data["email"])
    except DomainError as exc:
        form.add_error("email", str(exc.message))
        return _again(request, case, bound, f"invitation-{found.public_id}", exc.status)
    messages.success(request, _("The link was emailed to %(email)s.") % {"email": form.cleaned_data["email"]})
    return redirect(_case_url(case, f"invitation-{found.public_id}"))


def panels_side_check(request: HttpRequest, case: Any) -> None:
    """Only who manages the case's invitations may email them (the consumer, the platform)."""
    from gongdao.parties import permissions

    if not permissions.sides(of_user(request.user), case) & invitations.MANAGING_SIDES:
        raise Forbidden("consumer_only", _("Only the consumer of this case can do this."))


@login_required
@require_POST
def revoke_invitation(request: HttpRequest, case_id: str, invitation_id: str) -> HttpResponse:
    case = get_case_or_404(request, case_id)
    found = _invitation_or_404(case, invitation_id)
    try:
        invitations.revoke(found, of_user(request.user))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The link no longer works."))
    return redirect(_case_url(case, "invite"))


# ---- powers of attorney -----------------------------------------------------------------------


@login_required
@require_POST
def authorize(request: HttpRequest, case_id: str) -> HttpResponse:
    case = get_case_or_404(request, case_id)
    form = panels.authorize_form(case, request.POST)
    if not form.is_valid():
        return _again(request, case, {"authorize": form}, "powers", 422)
    data = form.cleaned_data
    staff = User.objects.filter(public_id=data["staff"]).select_related("association").first()
    document = EvidenceItem.objects.filter(case=case, public_id=data["document"]).first()
    try:
        associations.authorize(
            case,
            of_user(request.user),
            staff=staff,
            document=document,
            staff_name=data["staff_name"],
            staff_id_number=data["staff_id_number"],
        )
    except DomainError as exc:
        forms.attach_error(form, exc)
        return _again(request, case, {"authorize": form}, "powers", exc.status)
    messages.success(request, _("%(name)s may now act for you on this case.") % {"name": data["staff_name"]})
    return redirect(_case_url(case, "powers"))


@login_required
@require_POST
def revoke_authorization(request: HttpRequest, case_id: str, authorization_id: str) -> HttpResponse:
    case = get_case_or_404(request, case_id)
    found = Authorization.objects.filter(case=case, public_id=ids.normalise(authorization_id)).first()
    if found is None:
        raise Http404("No such authorisation")
    own = found.staff_id == request.user.pk
    try:
        associations.revoke_authorization(found, of_user(request.user), reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_case_url(case, "powers"))
    if own:
        messages.success(request, _("You no longer act on case %(case)s.") % {"case": case.public_id})
        return redirect("selfhelp:association")
    messages.success(
        request,
        _("The power of attorney is withdrawn: %(name)s can no longer see this case.")
        % {"name": found.staff_name},
    )
    return redirect(_case_url(case, "powers"))
