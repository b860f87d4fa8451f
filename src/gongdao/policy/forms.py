"""Forms of the policy admin pages: parse and clean only; policy/actions.py does the rest."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_DOCUMENT_BYTES = 512 * 1024  # the default policy is ~20 KB


class DocumentForm(forms.Form):
    """A TOML document, uploaded as a file or pasted."""

    file = forms.FileField(required=False, label=_("Document (TOML file)"))
    text = forms.CharField(
        required=False,
        strip=False,
        label=_("…or paste the document"),
        widget=forms.Textarea(attrs={"rows": 14, "cols": 100, "spellcheck": "false"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        upload = data.get("file")
        if upload is not None:
            if upload.size > MAX_DOCUMENT_BYTES:
                self.add_error("file", _("A policy document is at most 512 KB."))
                return data
            try:
                data["text"] = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                self.add_error("file", _("The file must be UTF-8 text."))
                return data
        if not (data.get("text") or "").strip():
            self.add_error("text", _("Upload a TOML file or paste the document."))
        return data


class ScheduleFields(forms.Form):
    effective_at = forms.DateTimeField(
        required=False,
        label=_("Takes effect at"),
        help_text=_("China time, e.g. 2027-01-01 00:00. Empty: 7 days from now (now when forced)."),
    )
    force = forms.BooleanField(
        required=False, label=_("Force: take effect sooner than 7 days after publication")
    )
    reason = forms.CharField(
        required=False,
        max_length=2000,
        label=_("Reason for forcing (recorded with the version)"),
        widget=forms.Textarea(attrs={"rows": 2, "cols": 100}),
    )


class UploadForm(DocumentForm, ScheduleFields):
    field_order = ["file", "text", "effective_at", "force", "reason"]


class RescheduleForm(ScheduleFields):
    version = forms.CharField(max_length=100, widget=forms.HiddenInput)

    def clean_effective_at(self) -> Any:
        value = self.cleaned_data.get("effective_at")
        if value is None:
            raise forms.ValidationError(_("Give the new time."))
        return value


class DiffForm(forms.Form):
    old = forms.ChoiceField(label=_("From version"))
    new = forms.ChoiceField(label=_("To version"))

    def __init__(self, *args: Any, versions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(v, v) for v in versions]
        for name in ("old", "new"):
            cast(forms.ChoiceField, self.fields[name]).choices = choices
