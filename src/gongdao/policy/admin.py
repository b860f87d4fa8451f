from django.contrib import admin

from gongdao.policy.models import CalendarYear, PolicyVersion


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ("version", "effective_at", "created_at", "forced_reason")
    readonly_fields = ("created_at",)


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "loaded_at")
