from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from gongdao.parties.models import OutsideParty, Profile, Shop, User


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False


@admin.register(User)
class GongdaoUserAdmin(UserAdmin):
    fieldsets = (*(UserAdmin.fieldsets or ()), ("Gongdao", {"fields": ("role", "shop", "language")}))
    add_fieldsets = (*UserAdmin.add_fieldsets, ("Gongdao", {"fields": ("role", "shop")}))
    list_display = ("username", "public_id", "role", "shop", "is_active")
    list_filter = ("role", "is_active")
    inlines = [ProfileInline]


@admin.register(Shop)
class ShopAdmin(admin.ModelAdmin):
    list_display = ("name", "public_id", "region", "credit_code")
    search_fields = ("name", "public_id", "credit_code")


@admin.register(OutsideParty)
class OutsidePartyAdmin(admin.ModelAdmin):
    list_display = ("name", "public_id", "kind", "platform")
