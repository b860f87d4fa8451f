"""Accounts: sign-up (consumers), profile, language, and password resets — by email when email is
on, otherwise by a link an administrator issues (this page or ``gongdao user reset-link``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongdao.parties.models import Profile
from gongdao.web import errors
from gongdao.web.forms import LanguageForm, ProfileForm, ResetLinkForm, SignupForm

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def reset_link(user: Any) -> str:
    """A one-time password-reset link for this user (valid for PASSWORD_RESET_TIMEOUT)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("web:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return settings.BASE_URL.rstrip("/") + path


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:home")
    form = SignupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend=MODEL_BACKEND)
        messages.success(request, _("Welcome. Your account is ready."))
        return redirect("web:orders")
    return render(request, "gongdao/signup.html", {"form": form, "error_summary": errors.from_form(form)})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    record, _created = Profile.objects.get_or_create(user=user)
    initial = {
        "full_name": record.full_name,
        "phone": record.phone,
        "address": record.address,
        "email": user.email,
    }
    form = ProfileForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        record.full_name = form.cleaned_data["full_name"]
        record.phone = form.cleaned_data["phone"]
        record.address = form.cleaned_data["address"]
        record.save(update_fields=["full_name", "phone", "address"])
        user.email = form.cleaned_data["email"]
        user.save(update_fields=["email"])
        messages.success(request, _("Your details are saved."))
        return redirect("web:profile")
    return render(request, "gongdao/profile.html", {"form": form, "error_summary": errors.from_form(form)})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose a language offered."))
    language = form.cleaned_data["language"]
    target = form.cleaned_data["next"] or reverse("web:home")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("web:home")
    user: Any = request.user
    if user.is_authenticated:
        user.language = language
        user.save(update_fields=["language"])
    response = redirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
    )
    return response


@login_required
def issue_reset_link(request: HttpRequest) -> HttpResponse:
    """Administrators hand a reset link to someone who cannot receive email."""
    if getattr(request.user, "role", "") != "admin":
        return render(request, "gongdao/404.html", status=404)
    form = ResetLinkForm(request.POST if request.method == "POST" else None)
    link = ""
    if request.method == "POST" and form.is_valid():
        link = reset_link(form.cleaned_data["username"])
    return render(
        request,
        "gongdao/reset_link.html",
        {"form": form, "link": link, "error_summary": errors.from_form(form)},
    )


class LoginView(auth_views.LoginView):
    template_name = "gongdao/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = context["form"]
        if form.is_bound and form.errors:
            message = _("The user name or password is not right. Check them and try again.")
            context["error_summary"] = [{"href": "#id_username", "text": message}]
            context["login_error"] = message
        return context


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "gongdao/password_reset.html"
    email_template_name = "gongdao/email/password_reset.txt"
    subject_template_name = "gongdao/email/password_reset_subject.txt"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["email_enabled"] = settings.EMAIL_ENABLED
        form = context["form"]
        context["error_summary"] = errors.from_form(form) if form.is_bound else []
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.EMAIL_ENABLED:
            return self.get(request, *args, **kwargs)
        return super().post(request, *args, **kwargs)

    def get_success_url(self) -> str:
        return reverse("web:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "gongdao/password_reset_confirm.html"

    def get_success_url(self) -> str:
        return reverse("web:password_reset_complete")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = context.get("form")
        context["error_summary"] = errors.from_form(form) if form is not None and form.is_bound else []
        return context


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "gongdao/password_change.html"

    def get_success_url(self) -> str:
        return reverse("web:profile")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is changed."))
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context["error_summary"] = errors.from_form(form) if form.is_bound else []
        return context
