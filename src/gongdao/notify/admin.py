from django.contrib import admin

from gongdao.notify.models import DefaultPreference, EmailAttempt, Notification, OutgoingEmail, Reminder


@admin.register(DefaultPreference)
class DefaultPreferenceAdmin(admin.ModelAdmin):
    """Platform defaults for optional notices; people may change their own on the settings page.
    Mandatory categories are always on, whatever is set here."""

    list_display = ("category", "channel", "enabled")
    list_editable = ("enabled",)
    list_filter = ("channel",)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnly):
    list_display = (
        "public_id",
        "user",
        "case",
        "type",
        "category",
        "mandatory",
        "shown",
        "created_at",
        "read_at",
    )
    list_filter = ("category", "type", "mandatory")
    search_fields = ("public_id", "user__username", "case__public_id")


class AttemptInline(admin.TabularInline):
    model = EmailAttempt
    extra = 0
    can_delete = False
    readonly_fields = ("number", "state", "server", "reply", "error", "started_at", "finished_at")

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ReadOnly):
    list_display = ("to_address", "state", "notices", "attempts", "next_attempt_at", "sent_at", "last_error")
    list_filter = ("state",)
    search_fields = ("to_address", "user__username")
    inlines = [AttemptInline]


@admin.register(Reminder)
class ReminderAdmin(ReadOnly):
    list_display = ("deadline", "offset_seconds", "remind_at", "state", "finished_at")
    list_filter = ("state",)
