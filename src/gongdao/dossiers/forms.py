"""The forms of the outside-help pages. They only parse; dossiers.actions checks and writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongdao import codes
from gongdao.dossiers import words
from gongdao.dossiers.actions import FACTS_LIMIT, OUTCOME_LIMIT, REFERENCE_LIMIT
from gongdao.dossiers.answers import TEXT_LIMITS
from gongdao.dossiers.labels import REFERRAL_STATUS_LABELS
from gongdao.law.facts import CATEGORIES

DATE_INPUT = forms.DateInput(attrs={"type": "date"})
PROFILE_FIELDS = ("full_name", "phone", "address", "id_number")


class DetailsForm(forms.Form):
    """The complainant details a dossier needs, saved into the consumer's profile."""

    full_name = forms.CharField(
        label=_("Full name"), max_length=100, required=False, help_text=_("As on your ID card.")
    )
    phone = forms.CharField(label=_("Mobile phone"), max_length=40, required=False)
    address = forms.CharField(
        label=_("Address"),
        max_length=300,
        required=False,
        help_text=_("Province, city, district, street and number."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    id_number = forms.CharField(
        label=_("ID card number"),
        max_length=40,
        required=False,
        help_text=_("A statement of claim to a court names the plaintiff's ID number."),
    )

    def __init__(self, *args: Any, wanted: tuple[str, ...] = PROFILE_FIELDS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in [n for n in self.fields if n not in wanted]:
            del self.fields[name]


class AnswersForm(forms.Form):
    """The consumer's claims and, for an internet court, where the goods went and the seller is."""

    problem_found_on = forms.DateField(
        label=_("When did you find the problem?"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Time limits count from this day. Leave empty to use the day you opened the case."),
    )
    category = forms.ChoiceField(
        label=_("What kind of goods?"),
        choices=[("", "—"), *((c, words.CATEGORIES[c]) for c in CATEGORIES)],
        required=False,
    )
    fraud = forms.BooleanField(
        label=_("I claim the seller knowingly deceived me (fraud)"),
        required=False,
        help_text=_("Adds threefold damages (at least ¥500) to the request, marked as your claim."),
    )
    food_unsafe = forms.BooleanField(
        label=_("I claim the food did not meet safety standards"),
        required=False,
        help_text=_("Adds tenfold damages (at least ¥1,000), marked as your claim."),
    )
    loss_fen = forms.DecimalField(
        label=_("Other losses (yuan)"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    other_body = forms.BooleanField(
        label=_(
            "A court, arbitration body, other authority or consumer association already took this dispute"
        ),
        required=False,
    )
    delivery_city = forms.CharField(
        label=_("City the goods were delivered to"), max_length=TEXT_LIMITS["delivery_city"], required=False
    )
    defendant_domicile = forms.CharField(
        label=_("The seller's registered address (domicile)"),
        max_length=TEXT_LIMITS["defendant_domicile"],
        required=False,
        help_text=_(
            "From the seller's business licence shown in the shop, or the credit information system."
        ),
    )
    facts_text = forms.CharField(
        label=_("Facts (your own words)"),
        required=False,
        max_length=FACTS_LIMIT,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Leave as generated to keep every sentence tied to the record. Your edits are recorded."),
    )

    def answers(self) -> dict[str, Any]:
        """The answers as the dossier's JSON. The law facts (date, kind, claims, losses) are the
        case's: empty or unticked means "I do not claim it" (None withdraws an earlier claim)."""
        data = self.cleaned_data
        out: dict[str, Any] = {
            "problem_found_on": data["problem_found_on"].isoformat()
            if data.get("problem_found_on")
            else None,
            "category": data.get("category") or None,
            "loss_fen": int(data["loss_fen"] * 100) if data.get("loss_fen") is not None else None,
            "other_body": bool(data.get("other_body")),
        }
        for name in ("fraud", "food_unsafe"):
            out[name] = True if data.get(name) else None
        for name in ("delivery_city", "defendant_domicile"):
            out[name] = data.get(name) or ""
        return out


class ReferralForm(forms.Form):
    target = forms.ChoiceField(label=_("Where"), choices=list(codes.DOSSIER_TARGETS.items()))
    status = forms.ChoiceField(
        label=_("State"),
        choices=[("filed", _("Filed")), ("drafted", _("Prepared, not filed yet"))],
        initial="filed",
    )
    filed_on = forms.DateField(
        label=_("Filed on"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Needed when you record it as filed."),
    )
    reference = forms.CharField(
        label=_("Reference number"),
        max_length=REFERENCE_LIMIT,
        required=False,
        help_text=_("The number the body gave you, e.g. the 12315 complaint number."),
    )


class ReferralUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    occurred_on = forms.DateField(label=_("On"), required=False, widget=DATE_INPUT)
    reference = forms.CharField(label=_("Reference number"), max_length=REFERENCE_LIMIT, required=False)
    outcome = forms.CharField(
        label=_("Outcome"), max_length=OUTCOME_LIMIT, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, statuses: tuple[str, ...] = (), current: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["status"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(s, REFERRAL_STATUS_LABELS[s]) for s in (current, *statuses) if s]
