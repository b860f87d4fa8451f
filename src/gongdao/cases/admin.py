from django.contrib import admin

from gongdao.cases.models import Case, CaseEvent, Deadline, LedgerEntry


class ReadOnly(admin.ModelAdmin):
    """Cases change only through the workflow: the admin shows them, it does not edit them."""

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Case)
class CaseAdmin(ReadOnly):
    list_display = ("public_id", "status", "stage", "shop", "consumer", "issue", "due_at")
    list_filter = ("status", "stage", "mode")
    search_fields = ("public_id",)


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnly):
    list_display = ("case", "seq", "type", "actor", "recorded_at")


@admin.register(Deadline)
class DeadlineAdmin(ReadOnly):
    list_display = ("case", "kind", "due_at", "state", "on_expiry")
    list_filter = ("state", "kind")


@admin.register(LedgerEntry)
class LedgerAdmin(ReadOnly):
    list_display = ("shop", "case", "amount_fen", "recorded_at", "recovered_at")
