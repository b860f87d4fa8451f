"""Admin pages for policy: versions are uploaded (checked, with a diff against the version in
force), scheduled at least 7 days ahead or forced with a recorded reason, rescheduled or withdrawn
while not yet in force, and compared. Calendar years are uploaded the same way. Every page warns
when this year or next is missing from the working-day calendar.

Registered versions are read-only here: a case's deadlines were counted from its version.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongdao.display import local_time
from gongdao.errors import DomainError
from gongdao.policy import actions, queries
from gongdao.policy import diff as policy_diff
from gongdao.policy.calendar import LIBRARY_YEARS, CalendarError, parse_year_toml
from gongdao.policy.forms import DiffForm, DocumentForm, RescheduleForm, UploadForm
from gongdao.policy.models import CalendarYear, PolicyVersion

STATE_LABELS = {"in_force": _("In force"), "scheduled": _("Scheduled"), "superseded": _("Superseded")}


def _warn_calendar(request: HttpRequest) -> None:
    for warning in queries.calendar_warnings():
        messages.warning(request, warning)


def _form_error(form: Any, exc: DomainError, fallback: str) -> None:
    field = exc.field if exc.field in form.fields else fallback
    if field == "document":
        field = "text"
    form.add_error(field if field in form.fields else None, str(exc))


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ("version", "takes_effect", "state", "case_count", "loaded_via", "created_by", "forced")
    readonly_fields = (
        "version",
        "takes_effect",
        "state",
        "sha256",
        "loaded_via",
        "created_by",
        "created_at",
        "forced_reason",
        "document",
    )
    fields = readonly_fields
    change_list_template = "admin/policy/policyversion/change_list.html"
    actions = None

    @admin.display(description=_("Takes effect"), ordering="effective_at")
    def takes_effect(self, obj: PolicyVersion) -> str:
        return local_time(obj.effective_at)

    @admin.display(description=_("State"))
    def state(self, obj: PolicyVersion) -> str:
        return str(STATE_LABELS[queries.state_of(obj, timezone.now())])

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("created_by").annotate(n_cases=Count("cases"))

    @admin.display(description=_("Cases"), ordering="n_cases")
    def case_count(self, obj: PolicyVersion) -> int:
        return int(getattr(obj, "n_cases", 0))

    @admin.display(description=_("Forced"), boolean=True)
    def forced(self, obj: PolicyVersion) -> bool:
        return bool(obj.forced_reason)

    # Registered versions never change here; the schedule page moves or withdraws scheduled ones.
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False if obj is not None else super().has_change_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        return redirect("admin:policy_policyversion_upload")

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        _warn_calendar(request)
        return super().changelist_view(request, extra_context)

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("upload/", wrap(self.upload_view), name="policy_policyversion_upload"),
            path("schedule/", wrap(self.schedule_view), name="policy_policyversion_schedule"),
            path("diff/", wrap(self.diff_view), name="policy_policyversion_diff"),
            *super().get_urls(),
        ]

    def _context(self, request: HttpRequest, title: Any, **extra: Any) -> dict[str, Any]:
        return {**self.admin_site.each_context(request), "opts": self.model._meta, "title": title, **extra}

    # ---- upload: check, then register -----------------------------------------------------

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        current = queries.in_force()
        form = UploadForm(request.POST or None, request.FILES or None)
        checked = None
        status = 200
        if request.method == "POST":
            if form.is_valid():
                try:
                    if "_register" in request.POST:
                        return self._register(request, form)
                    checked = self._check(form, current)
                    form = self._keep_text(request, form)
                except DomainError as exc:
                    _form_error(form, exc, "text")
            if form.errors:
                status = 422
        _warn_calendar(request)
        context = self._context(
            request,
            _("Upload a policy version"),
            form=form,
            current=current,
            checked=checked,
            earliest=local_time(actions.earliest_start(timezone.now(), timezone.now())),
        )
        return TemplateResponse(request, "admin/policy/policyversion/upload.html", context, status=status)

    def _check(self, form: UploadForm, current: PolicyVersion) -> dict[str, Any]:
        text = form.cleaned_data["text"]
        doc = actions.check_document(text)
        return {"doc": doc, "changes": policy_diff.changes(current.document, text)}

    def _keep_text(self, request: HttpRequest, form: UploadForm) -> UploadForm:
        """The form again, with an uploaded file's text in the text box for the register step."""
        data = request.POST.copy()
        data["text"] = form.cleaned_data["text"]
        kept = UploadForm(data)
        kept.is_valid()
        return kept

    def _register(self, request: HttpRequest, form: UploadForm) -> HttpResponse:
        data = form.cleaned_data
        version = actions.load_version(
            data["text"],
            effective_at=data.get("effective_at"),
            force=data.get("force", False),
            reason=data.get("reason", ""),
            user=request.user,
            via="admin",
        )
        messages.success(
            request,
            _("Registered %(v)s: it takes effect %(time)s.")
            % {"v": version.version, "time": local_time(version.effective_at)},
        )
        return HttpResponseRedirect(reverse("admin:policy_policyversion_schedule"))

    # ---- schedule: what is in force, what comes next -------------------------------------

    def schedule_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        status, failed = 200, None
        if request.method == "POST":
            if not self.has_change_permission(request):
                raise PermissionDenied
            done, failed = self._schedule_post(request)
            if done:
                return HttpResponseRedirect(request.path)
            status = 422
        _warn_calendar(request)
        now = timezone.now()
        upcoming = [
            {
                "version": v,
                "takes_effect": local_time(v.effective_at),
                "form": failed
                if failed is not None and failed.data.get("version") == v.version
                else RescheduleForm(
                    initial={"version": v.version, "effective_at": timezone.localtime(v.effective_at)}
                ),
            }
            for v in queries.scheduled(now)
        ]
        context = self._context(
            request,
            _("Policy schedule"),
            current=queries.in_force(now),
            upcoming=upcoming,
            can_change=self.has_change_permission(request),
        )
        return TemplateResponse(request, "admin/policy/policyversion/schedule.html", context, status=status)

    def _schedule_post(self, request: HttpRequest) -> tuple[bool, RescheduleForm | None]:
        if "_withdraw" in request.POST:
            try:
                version = queries.get_version(request.POST.get("version", ""))
                actions.withdraw(version)
            except DomainError as exc:
                messages.error(request, str(exc))
                return False, None
            messages.success(request, _("Withdrew %(v)s.") % {"v": version.version})
            return True, None
        form = RescheduleForm(request.POST)
        if not form.is_valid():
            return False, form
        try:
            version = queries.get_version(form.cleaned_data["version"])
            actions.reschedule(
                version,
                form.cleaned_data["effective_at"],
                force=form.cleaned_data["force"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            _form_error(form, exc, "effective_at")
            return False, form
        messages.success(
            request,
            _("%(v)s now takes effect %(time)s.")
            % {"v": version.version, "time": local_time(version.effective_at)},
        )
        return True, None

    # ---- diff ------------------------------------------------------------------------------

    def diff_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        labels = list(PolicyVersion.objects.order_by("effective_at").values_list("version", flat=True))
        current = queries.in_force()
        upcoming = queries.scheduled()
        initial = {"old": current.version, "new": upcoming[0].version if upcoming else current.version}
        form = DiffForm(request.GET or None, versions=labels, initial=initial)
        result, status = None, 200
        if request.GET:
            if form.is_valid():
                old = queries.get_version(form.cleaned_data["old"])
                new = queries.get_version(form.cleaned_data["new"])
                result = {
                    "old": old,
                    "new": new,
                    "changes": policy_diff.changes(old.document, new.document),
                    "text": policy_diff.text_diff(old.document, new.document, old.version, new.version),
                }
            else:
                status = 422
        context = self._context(request, _("Compare policy versions"), form=form, result=result)
        return TemplateResponse(request, "admin/policy/policyversion/diff.html", context, status=status)


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "replaces_library", "holidays", "workdays", "loaded_at")
    readonly_fields = ("year", "replaces_library", "holidays", "workdays", "loaded_at", "document")
    fields = readonly_fields
    change_list_template = "admin/policy/calendaryear/change_list.html"
    actions = None

    def _spec(self, obj: CalendarYear) -> Any:
        try:
            return parse_year_toml(obj.document)
        except CalendarError:
            return None

    @admin.display(description=_("Replaces the library year"), boolean=True)
    def replaces_library(self, obj: CalendarYear) -> bool:
        return obj.year in LIBRARY_YEARS

    @admin.display(description=_("Holidays"))
    def holidays(self, obj: CalendarYear) -> str:
        spec = self._spec(obj)
        return ", ".join(f"{d} {n}" for d, n in sorted(spec.holidays.items())) if spec else "—"

    @admin.display(description=_("Make-up workdays"))
    def workdays(self, obj: CalendarYear) -> str:
        spec = self._spec(obj)
        return ", ".join(f"{d} {n}" for d, n in sorted(spec.workdays.items())) if spec else "—"

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False if obj is not None else super().has_change_permission(request)

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        return redirect("admin:policy_calendaryear_upload")

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        _warn_calendar(request)
        return super().changelist_view(request, extra_context)

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("upload/", wrap(self.upload_view), name="policy_calendaryear_upload"),
            *super().get_urls(),
        ]

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = DocumentForm(request.POST or None, request.FILES or None)
        status = 200
        if request.method == "POST":
            if form.is_valid():
                try:
                    _row, spec, replaced = actions.load_calendar_year(form.cleaned_data["text"])
                except DomainError as exc:
                    _form_error(form, exc, "text")
                else:
                    message = _("Replaced %(year)d.") if replaced else _("Loaded %(year)d.")
                    messages.success(request, message % {"year": spec.year})
                    return HttpResponseRedirect(reverse("admin:policy_calendaryear_changelist"))
            status = 422
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Load a calendar year"),
            "form": form,
        }
        return TemplateResponse(request, "admin/policy/calendaryear/upload.html", context, status=status)
