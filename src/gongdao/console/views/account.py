"""The console's entry point, and the page where an invited person chooses a password."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy

from gongdao.parties import permissions


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each person's console: the shop's queue, the agent workbench, or the admin overview."""
    user = request.user
    if permissions.is_merchant(user):
        return redirect("console:shop_queue")
    if permissions.is_agent(user):
        return redirect("console:agent_queue")
    if permissions.is_admin(user):
        return redirect("console:overview")
    raise PermissionDenied


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """Opens the one-time link made by an invitation (Django's password-reset token: it stops
    working once a password is set, and after PASSWORD_RESET_TIMEOUT). Removed people cannot use it."""

    template_name = "console/set_password.html"
    success_url = reverse_lazy("console:set_password_done")
    post_reset_login = False

    def get_user(self, uidb64: str) -> Any:
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None


def set_password_done(request: HttpRequest) -> HttpResponse:
    return render(request, "console/set_password_done.html")
