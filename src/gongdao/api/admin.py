"""Admin pages: create API keys (the key is shown once), revoke them; see webhook endpoints and
their deliveries with every attempt; redeliver, disable and enable."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gongdao.api import apikeys, webhooks
from gongdao.api.models import SCOPES, ApiKey, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from gongdao.errors import DomainError


class ApiKeyForm(forms.ModelForm):
    scope_choices = forms.MultipleChoiceField(
        label=_("scopes"), choices=list(SCOPES.items()), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiKey
        fields = ("name", "shop", "user", "rate_limit")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            apikeys.validate(
                data.get("name", ""), data.get("scope_choices") or [], data.get("shop"), data.get("user")
            )
        except DomainError as exc:
            field = {"scopes": "scope_choices"}.get(exc.field or "", exc.field)
            self.add_error(field if field in self.fields else None, str(exc))
        return data


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("public_id", "name", "kind", "shop", "user", "scope_list", "last_used_at", "revoked_at")
    list_filter = ("kind",)
    search_fields = ("public_id", "name", "prefix")
    actions = ["revoke_keys"]
    form = ApiKeyForm

    @admin.display(description=_("scopes"))
    def scope_list(self, obj: ApiKey) -> str:
        return ", ".join(obj.scopes)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        return (
            "public_id",
            "name",
            "kind",
            "shop",
            "user",
            "scopes",
            "prefix",
            "created_at",
            "last_used_at",
            "revoked_at",
        )

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ("name", "scope_choices", "shop", "user", "rate_limit")
        return (*self.get_readonly_fields(request, obj), "rate_limit")

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is not None:
            kwargs["form"] = forms.ModelForm
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        key, secret = apikeys.create_key(
            data["name"],
            data["scope_choices"],
            shop=data.get("shop"),
            user=data.get("user"),
            created_by=request.user,
            rate_limit=data.get("rate_limit"),
        )
        obj.pk, obj.public_id = key.pk, key.public_id
        messages.warning(
            request,
            _("API key %(id)s: %(key)s — copy it now, it is not shown again.")
            % {"id": key.public_id, "key": secret},
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke instead: events name the key

    @admin.action(description=_("Revoke the selected keys"))
    def revoke_keys(self, request: HttpRequest, queryset: QuerySet) -> None:
        active = list(queryset.filter(revoked_at__isnull=True))
        for key in active:
            apikeys.revoke(key.public_id)
        count = len(active)
        messages.success(request, _("%(count)d key(s) revoked.") % {"count": count})


class AttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ("number", "started_at", "status_code", "latency_ms", "error", "manual")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ("public_id", "url", "shop", "enabled", "failing_since", "disabled_at")
    list_filter = ("enabled",)
    readonly_fields = ("public_id", "failing_since", "disabled_at", "disabled_reason", "created_at")
    actions = ["disable_endpoints", "enable_endpoints"]

    @admin.action(description=_("Disable the selected endpoints"))
    def disable_endpoints(self, request: HttpRequest, queryset: QuerySet) -> None:
        for endpoint in queryset:
            webhooks.set_enabled(endpoint, False)

    @admin.action(description=_("Enable the selected endpoints"))
    def enable_endpoints(self, request: HttpRequest, queryset: QuerySet) -> None:
        for endpoint in queryset:
            webhooks.set_enabled(endpoint, True)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = (
        "public_id",
        "event_type",
        "endpoint",
        "state",
        "attempts",
        "last_status_code",
        "created_at",
    )
    list_filter = ("state", "event_type")
    search_fields = ("public_id", "event_id")
    readonly_fields = (
        "public_id",
        "endpoint",
        "event_id",
        "event_type",
        "body",
        "state",
        "attempts",
        "next_attempt_at",
        "retry_until",
        "last_status_code",
        "last_error",
        "created_at",
        "delivered_at",
    )
    exclude = ("outbox",)
    inlines = [AttemptInline]
    actions = ["redeliver"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Redeliver now"))
    def redeliver(self, request: HttpRequest, queryset: QuerySet) -> None:
        for delivery in queryset.select_related("endpoint"):
            try:
                record = webhooks.redeliver(delivery)
            except DomainError as exc:
                messages.error(request, f"{delivery.public_id}: {exc}")
                continue
            outcome = record.status_code or record.error
            messages.info(request, f"{delivery.public_id}: {outcome}")
