"""Forms of the web app. Error messages are the sentences shown next to the field and, with the
same wording, in the error summary at the top of the page."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from gongdao import codes
from gongdao.parties.models import Profile, User
from gongdao.web import labels

PHONE = re.compile(r"^\+?[0-9][0-9 \-]{4,19}$")


class SignupForm(auth_forms.UserCreationForm):
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        help_text=_("Optional. Needed to reset your password by email."),
        error_messages={"invalid": _("Enter an email address like name@example.com.")},
    )
    full_name = forms.CharField(label=_("Your name"), max_length=100, required=False)

    class Meta(auth_forms.UserCreationForm.Meta):
        model = User
        fields = ("username", "email")
        labels = {"username": _("User name")}
        error_messages = {
            "username": {
                "required": _("Enter a user name."),
                "unique": _("That user name is taken. Choose another."),
            }
        }

    def save(self, commit: bool = True) -> Any:
        user = super().save(commit=False)
        user.role = "consumer"
        if commit:
            user.save()
            Profile.objects.update_or_create(
                user=user, defaults={"full_name": self.cleaned_data["full_name"]}
            )
        return user


class ProfileForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=100,
        required=False,
        help_text=_("As on your ID card. Complaints to 12315 need it."),
    )
    phone = forms.CharField(label=_("Mobile phone"), max_length=40, required=False)
    address = forms.CharField(
        label=_("Address"),
        max_length=300,
        required=False,
        help_text=_("Province, city, district, street and number."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        error_messages={"invalid": _("Enter an email address like name@example.com.")},
    )

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and not PHONE.match(phone):
            raise forms.ValidationError(_("Enter a phone number using digits, like 13812345678."))
        return phone


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=[("zh-hans", "简体中文"), ("en", "English")])
    next = forms.CharField(required=False)


class ResetLinkForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)

    def clean_username(self) -> Any:
        name = self.cleaned_data["username"].strip()
        user = User.objects.filter(username=name, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("There is no active user with that user name."))
        return user


# ---- the guided path ---------------------------------------------------------------------


class IssueForm(forms.Form):
    issue = forms.ChoiceField(
        label=_("What went wrong?"),
        choices=[(code, label) for code, label in codes.ISSUE_TYPES.items()],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what went wrong."),
            "invalid_choice": _("Choose what went wrong."),
        },
    )

    def issue_choices(self) -> list[dict[str, Any]]:
        return [
            {"code": code, "label": label, "hint": labels.ISSUE_HINTS[code]}
            for code, label in codes.ISSUE_TYPES.items()
        ]
