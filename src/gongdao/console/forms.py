"""Forms of the consoles: they parse what people typed (yuan into fen, choices into codes) and
hand the result to an action, which decides. Amounts are typed in yuan (¥12.30) and become
integer fen through gongdao.money.parse_yuan."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from gongdao import codes
from gongdao.cases.effects import DECISION_OUTCOMES, MONEY_REMEDIES, UPHOLDING
from gongdao.console import labels
from gongdao.console.models import CannedReply
from gongdao.money import format_fen, parse_yuan

AMOUNT_HELP = _("In yuan, e.g. 12.30")


def _choices(mapping: dict[str, Any], keys: Any = None) -> list[tuple[str, Any]]:
    keys = mapping.keys() if keys is None else keys
    return [(k, mapping.get(k, k)) for k in keys]


def _choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


def _char_field(form: forms.BaseForm, name: str) -> forms.CharField:
    return cast(forms.CharField, form.fields[name])


def _limit(form: forms.BaseForm, name: str, limit: int) -> None:
    field = _char_field(form, name)
    field.max_length = limit
    field.validators.append(MaxLengthValidator(limit))
    field.widget.attrs["maxlength"] = str(limit)


def yuan_text(fen: int | None) -> str:
    return "" if fen is None else format_fen(fen).replace("¥", "").replace(",", "")


class LineAmounts(forms.Form):
    """One amount field per case line, ``amount_<line_no>``, typed in yuan."""

    def add_line_fields(self, lines: list[Any], initial: dict[int, int] | None = None) -> None:
        self.case_lines = lines
        for cl in lines:
            no = cl.order_line.line_no
            self.fields[f"amount_{no}"] = forms.CharField(
                label=_("Line %(no)d: %(item)s (paid %(paid)s)")
                % {"no": no, "item": cl.order_line.name, "paid": format_fen(cl.order_line.paid_fen)},
                required=False,
                max_length=20,
                help_text=AMOUNT_HELP,
                initial=yuan_text((initial or {}).get(no)),
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            )

    def line_field_names(self) -> list[str]:
        return [f"amount_{cl.order_line.line_no}" for cl in self.case_lines]

    def line_fields(self) -> list[Any]:
        return [self[name] for name in self.line_field_names()]

    def clean_amounts(self) -> list[dict[str, int]]:
        result = []
        for cl in self.case_lines:
            name = f"amount_{cl.order_line.line_no}"
            raw = (self.cleaned_data.get(name) or "").strip()
            if not raw:
                continue
            try:
                fen = parse_yuan(raw)
            except ValueError:
                self.add_error(name, _("Enter an amount in yuan, like 12.30."))
                continue
            if fen < 0:
                self.add_error(name, _("The amount cannot be negative."))
                continue
            result.append({"line_no": cl.order_line.line_no, "amount_fen": fen})
        return result


class OfferForm(LineAmounts):
    remedy = forms.ChoiceField(label=_("What you offer"))
    message = forms.CharField(
        label=_("Message to the consumer"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self, *args: Any, lines: list[Any], remedies: tuple[str, ...], max_chars: int, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        _choice_field(self, "remedy").choices = _choices(codes.REMEDIES, remedies)
        _limit(self, "message", max_chars)
        self.add_line_fields(lines)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        data["lines"] = self.clean_amounts()
        if data.get("remedy") in MONEY_REMEDIES and not data["lines"] and not self.errors:
            self.add_error(self.line_field_names()[0], _("Give the amount you offer for at least one line."))
        return data

    def action_data(self) -> dict[str, Any]:
        data = {"remedy": self.cleaned_data["remedy"], "message": self.cleaned_data["message"]}
        if self.cleaned_data["lines"]:
            data["lines"] = self.cleaned_data["lines"]
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); cleans to a list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you refuse"),
        error_messages={"required": _("Say why you refuse the request.")},
        help_text=_("The consumer and, if they escalate, the platform agent read this."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    evidence = MultipleFileField(
        label=_("Evidence for your answer"),
        required=False,
        help_text=_(
            "Photos, videos, PDFs or screenshots, several at once. Each is hashed and time-stamped on receipt."
        ),
    )
    kind = forms.ChoiceField(
        label=_("What the files show"),
        choices=list(codes.EVIDENCE_KINDS.items()),
        initial="other",
        required=False,
    )

    def __init__(self, *args: Any, max_chars: int, **kw: Any) -> None:
        super().__init__(*args, **kw)
        _limit(self, "reason", max_chars)

    def clean_kind(self) -> str:
        return self.cleaned_data.get("kind") or "other"

    def action_data(self) -> dict[str, Any]:
        return {"reason": self.cleaned_data["reason"]}


class ReturnProblemForm(forms.Form):
    problem = forms.ChoiceField(
        label=_("What is wrong"),
        error_messages={"required": _("Choose what is wrong with the returned goods.")},
        choices=_choices(labels.RETURN_PROBLEMS),
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Describe what you found"),
        error_messages={"required": _("Describe what you found in the parcel.")},
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def action_data(self) -> dict[str, Any]:
        return {"problem": self.cleaned_data["problem"], "reason": self.cleaned_data["reason"]}


class RefundForm(forms.Form):
    reference = forms.CharField(label=_("Payment reference (optional)"), required=False, max_length=200)

    def action_data(self) -> dict[str, Any]:
        return {"reference": self.cleaned_data["reference"]}


class ShipmentForm(forms.Form):
    carrier = forms.CharField(
        label=_("Carrier"),
        max_length=100,
        error_messages={"required": _("Give the carrier.")},
    )
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        max_length=100,
        error_messages={"required": _("Give the tracking number.")},
    )

    def action_data(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in ("carrier", "tracking_number")}


class EmptyForm(forms.Form):
    def action_data(self) -> dict[str, Any]:
        return {}


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Write a message first.")},
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        error_messages={"required": _("Give the reason.")},
    )

    def action_data(self) -> dict[str, Any]:
        return {"reason": self.cleaned_data["reason"]}


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    issue = forms.ChoiceField(label=_("Problem"), required=False)
    due = forms.ChoiceField(label=_("Deadline"), required=False)

    DUE = {
        "": _("Any"),
        "new": _("New"),
        "due_today": _("Due today"),
        "overdue": _("Overdue"),
        "your_move": _("Waiting for your shop"),
    }

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        statuses = [(s, label) for s, label in codes.STATUSES.items() if s != "draft"]
        _choice_field(self, "status").choices = [("open", _("Open")), ("all", _("All")), *statuses]
        _choice_field(self, "issue").choices = [("", _("Any")), *codes.ISSUE_TYPES.items()]
        _choice_field(self, "due").choices = list(self.DUE.items())


class CannedReplyForm(forms.ModelForm):
    class Meta:
        model = CannedReply
        fields = ["title", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["title"].error_messages["required"] = _("Give the reply a short title.")
        self.fields["text"].error_messages["required"] = _("Write the text of the reply.")

    def validate_unique(self) -> None:
        """Uniqueness per shop is checked by the action (the form has no shop)."""


class PersonForm(forms.Form):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        help_text=_("Used to sign in."),
        error_messages={"required": _("Choose a user name.")},
    )
    full_name = forms.CharField(
        label=_("Name"),
        max_length=100,
        error_messages={"required": _("Give the person's name.")},
    )
    email = forms.EmailField(label=_("Email (optional)"), required=False)


class AgentForm(PersonForm):
    ROLES = ("agent", "senior_agent")
    role = forms.ChoiceField(
        label=_("Role"), choices=_choices(codes.ROLES, ROLES), widget=forms.RadioSelect, initial="agent"
    )


class ReturnAddressForm(forms.Form):
    return_address = forms.CharField(
        label=_("Return address"),
        error_messages={"required": _("Give the full address returns should be sent to.")},
        max_length=300,
        help_text=_("Recipient, phone and full address, as the consumer should write it on the parcel."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note"),
        error_messages={"required": _("Write a note first.")},
        help_text=_("Only platform staff see internal notes."),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EvidenceRequestForm(forms.Form):
    party = forms.ChoiceField(
        error_messages={"required": _("Choose whom to ask.")},
        label=_("Ask"),
        choices=_choices(labels.EVIDENCE_PARTIES),
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("What is needed"),
        error_messages={"required": _("Say what evidence is needed.")},
        help_text=_("Say exactly what to send, e.g. a photo of the serial number label."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def action_data(self) -> dict[str, Any]:
        return {"party": self.cleaned_data["party"], "note": self.cleaned_data["note"]}


class DecisionForm(LineAmounts):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the outcome.")},
    )
    remedy = forms.ChoiceField(
        label=_("Remedy"),
        required=False,
        help_text=_("Needed when the consumer is upheld, fully or in part."),
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        error_messages={"required": _("Write the reasons for the decision.")},
        help_text=_("Both parties read this. Say which facts decided it."),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    rules = forms.MultipleChoiceField(
        label=_("Rules applied"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self,
        *args: Any,
        lines: list[Any],
        remedies: tuple[str, ...],
        rules: list[Any],
        requested: dict[int, int],
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        _choice_field(self, "outcome").choices = _choices(codes.OUTCOMES, DECISION_OUTCOMES)
        _choice_field(self, "remedy").choices = [("", _("— choose —")), *_choices(codes.REMEDIES, remedies)]
        _choice_field(self, "rules").choices = [(r.id, f"{r.id} {r.title}".strip()) for r in rules]
        self.add_line_fields(lines, initial=requested)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        data["lines"] = self.clean_amounts()
        if data.get("outcome") in UPHOLDING and not data.get("remedy"):
            self.add_error("remedy", _("Choose the remedy the consumer gets."))
        return data

    def action_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "outcome": self.cleaned_data["outcome"],
            "reasons": self.cleaned_data["reasons"],
            "rules": list(self.cleaned_data["rules"]),
        }
        if self.cleaned_data["outcome"] in UPHOLDING:
            data["remedy"] = self.cleaned_data["remedy"]
            if self.cleaned_data["lines"]:
                data["lines"] = self.cleaned_data["lines"]
        return data
