"""Words the outside-help pages show for referral statuses and the dossiers' questions; keyed by
the codes of gongdao/codes.py (tests fail when a code has no entry)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

REFERRAL_STATUS_LABELS = {
    "drafted": _("Prepared, not filed yet"),
    "filed": _("Filed"),
    "accepted": _("Accepted"),
    "refused": _("Refused"),
    "in_mediation": _("In mediation"),
    "resolved": _("Resolved"),
    "closed": _("Closed"),
}

TARGET_HINTS = {
    "12315": _(
        "A complaint to the market regulator or the consumer association: they mediate between you and the seller."
    ),
    "regulator_report": _(
        "A report of counterfeits, false advertising or fraud: the regulator may investigate and fine the seller."
    ),
    "tax": _("A report of a refused invoice to the tax authority (12366)."),
    "media": _(
        "A short factual summary with your personal data hidden, for the press or public complaint sites."
    ),
    "internet_court": _(
        "A draft statement of claim for the internet court of Beijing, Guangzhou or Hangzhou."
    ),
}

MISSING_FIELDS = {
    "full_name": _("Full name"),
    "phone": _("Mobile phone"),
    "address": _("Address"),
    "id_number": _("ID card number"),
    "delivery_city": _("City the goods were delivered to"),
    "defendant_domicile": _("The seller's registered address (domicile)"),
}
