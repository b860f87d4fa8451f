from typing import Any

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from gongdao.selfhelp.models import Invitation


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations are created on the case page (they are case events); here they can be read,
    and revoked by the platform."""

    list_display = (
        "public_id",
        "case",
        "guest",
        "email",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    )
    list_filter = ("revoked_at",)
    search_fields = ("public_id", "case__public_id", "email")
    readonly_fields = (
        "public_id",
        "case",
        "guest",
        "created_by",
        "email",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    )
    actions = ["revoke"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected invitations"))
    def revoke(self, request: Any, queryset: Any) -> None:
        from gongdao.cases.actors import of_user
        from gongdao.errors import DomainError
        from gongdao.selfhelp import invitations

        done = 0
        for invitation in queryset.filter(revoked_at__isnull=True).select_related("case"):
            try:
                invitations.revoke(invitation, of_user(request.user))
            except DomainError as exc:
                self.message_user(request, f"{invitation.public_id}: {exc.message}", messages.ERROR)
            else:
                done += 1
        self.message_user(request, _("%(n)d revoked.") % {"n": done})
