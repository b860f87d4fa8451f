"""Forms of the invitation panel, the power-of-attorney panel and the association area. They only
parse: the rules (who may, what is valid) are in selfhelp.invitations and parties.associations,
whose errors are put next to the field they name (``attach_error``)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from gongdao import codes
from gongdao.errors import DomainError
from gongdao.money import parse_yuan
from gongdao.policy.document import PROFILES
from gongdao.selfhelp.invitations import DEFAULT_DAYS, MAX_DAYS


class InviteForm(forms.Form):
    name = forms.CharField(
        label=_("Who is it for"),
        max_length=100,
        required=False,
        help_text=_("The shop or the person at the shop; they see this name."),
    )
    email = forms.EmailField(
        label=_("Their email address"),
        required=False,
        help_text=_("We email them the link. Leave it empty to copy the link and send it yourself."),
    )
    days = forms.IntegerField(
        label=_("The link works for (days)"),
        min_value=1,
        max_value=MAX_DAYS,
        initial=DEFAULT_DAYS,
        help_text=_("From 1 to %(max)d days. You can withdraw it at any time.") % {"max": MAX_DAYS},
    )


class EmailLinkForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))


class AuthorizeForm(forms.Form):
    staff = forms.ChoiceField(label=_("Staff member of the association"))
    document = forms.ChoiceField(
        label=_("The signed power of attorney"),
        help_text=_("Upload it to the evidence of this case first, as “Power of attorney”."),
    )
    staff_name = forms.CharField(label=_("Staff member's name, as on their ID card"), max_length=100)
    staff_id_number = forms.CharField(
        label=_("Staff member's resident ID number"),
        max_length=18,
        help_text=_("As written on the power of attorney; the regulator asks for the agent's identity."),
    )

    def __init__(self, *args: Any, staff: list[tuple[str, str]], documents: list[tuple[str, str]], **kw: Any):
        super().__init__(*args, **kw)
        self.staff_choices, self.document_choices = staff, documents
        cast(forms.ChoiceField, self.fields["staff"]).choices = [("", "—"), *staff]
        cast(forms.ChoiceField, self.fields["document"]).choices = [("", "—"), *documents]


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=300, required=False)


def _choices(table: dict[str, Any]) -> list[tuple[str, Any]]:
    return [("", "—"), *table.items()]


class MemberCaseForm(forms.Form):
    """Association intake: the member, the purchase, the problem, the power of attorney."""

    member_name = forms.CharField(label=_("Member's name"), max_length=100)
    member_phone = forms.CharField(label=_("Member's phone number"), max_length=20)
    member_email = forms.EmailField(label=_("Member's email address"), required=False)
    platform = forms.ChoiceField(
        label=_("Where they bought it"), choices=list(PROFILES.items()), initial="other"
    )
    shop_name = forms.CharField(label=_("Shop name"), max_length=200)
    shop_region = forms.CharField(label=_("Shop's region, if known"), max_length=200, required=False)
    order_number = forms.CharField(label=_("Order number"), max_length=100)
    ordered_at = forms.DateField(
        label=_("Date of the order"), help_text=_("For example 2026-11-01."), input_formats=["%Y-%m-%d"]
    )
    item_name = forms.CharField(label=_("What they bought"), max_length=300)
    paid = forms.CharField(label=_("Amount paid (yuan)"), max_length=20, help_text=_("For example 279.00."))
    issue = forms.ChoiceField(label=_("What went wrong"), choices=[])
    remedy = forms.ChoiceField(label=_("What the member wants"), choices=[])
    statement = forms.CharField(
        label=_("What happened, in a few sentences"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
    )
    power_of_attorney = forms.FileField(
        label=_("The power of attorney the member signed"),
        help_text=_("A photo or scan (image or PDF). Keep the signed original."),
    )
    staff_name = forms.CharField(label=_("Your name, as on your ID card"), max_length=100)
    staff_id_number = forms.CharField(label=_("Your resident ID number"), max_length=18)

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        cast(forms.ChoiceField, self.fields["issue"]).choices = _choices(codes.ISSUE_TYPES)
        cast(forms.ChoiceField, self.fields["remedy"]).choices = _choices(codes.REMEDIES)

    def clean_paid(self) -> int:
        try:
            fen = parse_yuan(self.cleaned_data["paid"])
        except ValueError:
            raise forms.ValidationError(_("Enter an amount in yuan, like 279.00."))
        if fen < 0:
            raise forms.ValidationError(_("The amount cannot be negative."))
        return fen

    def member(self) -> dict[str, str]:
        data = self.cleaned_data
        return {"name": data["member_name"], "phone": data["member_phone"], "email": data["member_email"]}

    def purchase(self) -> dict[str, Any]:
        data = self.cleaned_data
        shop = {"name": data["shop_name"]}
        if data["shop_region"]:
            shop["region"] = data["shop_region"]
        return {
            "platform": data["platform"],
            "shop": shop,
            "order_number": data["order_number"],
            "ordered_at": data["ordered_at"].isoformat(),
            "lines": [{"name": data["item_name"], "quantity": 1, "unit_price_fen": data["paid"]}],
        }


# Where a domain error's field lands in the intake form.
MEMBER_FIELDS = {
    "member.name": "member_name",
    "member.phone": "member_phone",
    "member.email": "member_email",
    "shop.name": "shop_name",
    "shop.region": "shop_region",
    "lines": "item_name",
    "lines[0].name": "item_name",
    "lines[0].unit_price_fen": "paid",
    "lines[0].paid_fen": "paid",
}


def attach_error(form: forms.Form, exc: DomainError, mapping: dict[str, str] | None = None) -> None:
    """Put a domain error next to its field (or at the top of the form)."""
    field = (mapping or {}).get(exc.field or "", exc.field)
    form.add_error(field if field in form.fields else None, str(exc.message))
