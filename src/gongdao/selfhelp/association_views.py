"""The consumer association's area (``/association/``): the cases a staff member may act on (only
those a member authorised), and association intake — starting a case for a member with their
signed power of attorney. Acting on a case happens on the ordinary case page, where the staff
member holds the consumer's side (``parties.permissions``)."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gongdao.errors import DomainError
from gongdao.parties import associations
from gongdao.selfhelp import forms


def staff_only(view: Any) -> Any:
    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if getattr(user, "role", "") != "association_staff" or user.association_id is None:  # type: ignore[union-attr]
            raise Http404("Not an association's staff member")
        return view(request, *args, **kwargs)

    return wrapped


@staff_only
def home(request: HttpRequest) -> HttpResponse:
    cases = list(associations.members_cases(request.user)[:200])
    active = [c for c in cases if not c.is_ended]
    ended = [c for c in cases if c.is_ended]
    return render(
        request,
        "selfhelp/association.html",
        {"active": active, "ended": ended, "count": len(cases), "association": request.user.association},  # type: ignore[union-attr]
    )


@staff_only
def start(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if request.method != "POST":
        profile = getattr(user, "profile", None)
        form = forms.MemberCaseForm(
            initial={"staff_name": (profile.full_name if profile else "") or user.get_full_name()}
        )
        return render(request, "selfhelp/association_start.html", {"form": form})
    form = forms.MemberCaseForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        upload = data["power_of_attorney"]
        try:
            case = associations.start_for_member(
                user,
                member=form.member(),
                purchase=form.purchase(),
                issue=data["issue"],
                remedy=data["remedy"],
                statement=data["statement"],
                power_of_attorney=upload,
                filename=upload.name,
                staff_name=data["staff_name"],
                staff_id_number=data["staff_id_number"],
            )
        except DomainError as exc:
            forms.attach_error(form, exc, forms.MEMBER_FIELDS)
        else:
            messages.success(
                request,
                _("Case %(case)s started for %(member)s. Add the order record and file it when ready.")
                % {"case": case.public_id, "member": data["member_name"]},
            )
            return redirect("web:case", case_id=case.public_id)
    summary = [
        {"href": f"#{form[name].auto_id}" if name in form.fields else "#start-form", "text": error}
        for name, errors in form.errors.items()
        for error in errors
    ]
    return render(
        request, "selfhelp/association_start.html", {"form": form, "error_summary": summary}, status=422
    )
