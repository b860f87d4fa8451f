"""Invitations: a signed link that lets a merchant's representative answer one self-help case
inside Gongdao without an account (role ``merchant_guest``)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongdao import ids


def _invitation_id() -> str:
    return ids.new_id("invitation")


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def active(self, now: datetime | None = None) -> InvitationQuerySet:
        """Invitations that let their guest in now: not revoked, not expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class Invitation(models.Model):
    public_id = models.CharField(max_length=12, unique=True, default=_invitation_id, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="invitations")
    # The guest user the link signs in as: role merchant_guest, no usable password, this case only.
    guest = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invitations")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invitations_sent"
    )
    email = models.EmailField(_("email"), blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [models.Index(fields=["guest", "revoked_at", "expires_at"])]

    def __str__(self) -> str:
        return self.public_id

    def is_active(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now
