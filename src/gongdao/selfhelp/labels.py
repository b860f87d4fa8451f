"""Words for the self-help mode's codes: the case events it records and invitation states."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# Case events recorded outside the workflow table (web.labels.EVENTS includes these).
EVENTS = {
    "invitation_created": _("Merchant invited by link"),
    "invitation_revoked": _("Merchant's invitation withdrawn"),
    "authorization_granted": _("Power of attorney given to a consumer association"),
    "authorization_revoked": _("Power of attorney withdrawn"),
}

INVITATION_STATUSES = {
    "active": _("works"),
    "expired": _("expired"),
    "revoked": _("withdrawn"),
}
