from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from gongdao.parties.models import Association, Authorization, OutsideParty, Profile, Shop, User


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False


@admin.register(User)
class GongdaoUserAdmin(UserAdmin):
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Gongdao", {"fields": ("role", "shop", "association", "language")}),
    )
    add_fieldsets = (*UserAdmin.add_fieldsets, ("Gongdao", {"fields": ("role", "shop", "association")}))
    list_display = ("username", "public_id", "role", "shop", "association", "is_active")
    list_filter = ("role", "is_active", "association")
    inlines = [ProfileInline]


@admin.register(Shop)
class ShopAdmin(admin.ModelAdmin):
    list_display = ("name", "public_id", "region", "credit_code")
    search_fields = ("name", "public_id", "credit_code")


@admin.register(OutsideParty)
class OutsidePartyAdmin(admin.ModelAdmin):
    list_display = ("name", "public_id", "kind", "platform")


class StaffInline(admin.TabularInline):
    model = User
    fields = ("username", "first_name", "last_name", "email", "is_active")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = _("staff member")
    verbose_name_plural = _("staff (add one as a user with role “Consumer association staff”)")

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Association)
class AssociationAdmin(admin.ModelAdmin):
    list_display = ("name", "public_id", "region", "contact")
    search_fields = ("name", "public_id", "region")
    inlines = [StaffInline]


@admin.register(Authorization)
class AuthorizationAdmin(admin.ModelAdmin):
    """Powers of attorney are given on the case page (they are case events); here they can be
    read, and withdrawn by the platform."""

    list_display = ("public_id", "case", "association", "staff", "staff_name", "granted_at", "revoked_at")
    list_filter = ("association", "revoked_at")
    search_fields = ("public_id", "case__public_id", "staff__username", "staff_name")
    readonly_fields = (
        "public_id",
        "association",
        "staff",
        "consumer",
        "case",
        "document",
        "staff_name",
        "staff_id_number",
        "granted_at",
        "revoked_at",
        "revoked_reason",
    )
    actions = ["withdraw"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Withdraw the selected powers of attorney"))
    def withdraw(self, request: Any, queryset: Any) -> None:
        from gongdao.cases.actors import of_user
        from gongdao.errors import DomainError
        from gongdao.parties.associations import revoke_authorization

        done = 0
        for authorization in queryset.filter(revoked_at__isnull=True):
            try:
                revoke_authorization(authorization, of_user(request.user), reason="withdrawn by the platform")
            except DomainError as exc:
                self.message_user(request, f"{authorization.public_id}: {exc.message}", messages.ERROR)
            else:
                done += 1
        self.message_user(request, _("%(n)d withdrawn.") % {"n": done})
