"""The only code that writes policy versions and calendar years. Each function is one
transaction and checks in this order: the document's schema, then the version label, then the
schedule.

A version takes effect at least 7 days after it is published (E-Commerce Law Art. 34), unless
an admin forces it with a reason, which is recorded with the version. A version already in force
never changes: cases point at it and their deadlines were counted from it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongdao.display import local_time
from gongdao.errors import Conflict, InvalidInput, NotAllowed
from gongdao.policy import document
from gongdao.policy.calendar import CalendarError, YearSpec, parse_year_toml
from gongdao.policy.models import CalendarYear, PolicyVersion
from gongdao.policy.queries import ensure_default

NOTICE = timedelta(days=7)  # E-Commerce Law Art. 34


def check_document(text: str) -> document.PolicyDocument:
    """Parse and validate a document; InvalidInput naming the key path (or syntax line)."""
    try:
        return document.parse(text)
    except document.PolicyError as exc:
        raise InvalidInput("invalid_policy", str(exc), field="document", path=exc.path, line=exc.line)


def earliest_start(published_at: datetime, now: datetime) -> datetime:
    return max(published_at + NOTICE, now)


def _check_schedule(
    effective_at: datetime, *, published_at: datetime, now: datetime, force: bool, reason: str
) -> str:
    """The recorded reason ('' when the notice period is kept)."""
    reason = (reason or "").strip()
    if force and not reason:
        raise InvalidInput(
            "reason_required", _("Give the reason for forcing this policy in early."), field="reason"
        )
    if effective_at < now:
        raise InvalidInput(
            "in_the_past", _("A policy version cannot take effect in the past."), field="effective_at"
        )
    earliest = earliest_start(published_at, now)
    if effective_at < earliest and not force:
        raise InvalidInput(
            "notice_too_short",
            _(
                "A policy change takes effect at least 7 days after it is published (E-Commerce Law "
                "Art. 34): the earliest is %(time)s. Force it with a recorded reason only for an urgent change."
            )
            % {"time": local_time(earliest)},
            field="effective_at",
            earliest=earliest.isoformat(),
        )
    return reason if effective_at < earliest else ""


def _check_free_slot(effective_at: datetime, exclude: PolicyVersion | None = None) -> None:
    clash = PolicyVersion.objects.filter(profile="", effective_at=effective_at)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    other = clash.first()
    if other is not None:
        raise Conflict(
            "effective_at_taken",
            _("Version %(v)s already takes effect at that time; choose another.") % {"v": other.version},
            field="effective_at",
        )


@transaction.atomic
def load_version(
    text: str,
    *,
    effective_at: datetime | None = None,
    force: bool = False,
    reason: str = "",
    user: Any = None,
    via: str = "cli",
    now: datetime | None = None,
) -> PolicyVersion:
    """Register a policy document as a new version taking effect at ``effective_at`` (default:
    7 days from now, or now when forced)."""
    now = now or timezone.now()
    doc = check_document(text)
    ensure_default()
    if PolicyVersion.objects.filter(version=doc.version).exists():
        raise Conflict(
            "version_exists",
            _("Version %(v)s is already registered; give the new document its own [policy] version.")
            % {"v": doc.version},
            field="document",
        )
    if effective_at is None:
        effective_at = now if force else now + NOTICE
    recorded = _check_schedule(effective_at, published_at=now, now=now, force=force, reason=reason)
    _check_free_slot(effective_at)
    return PolicyVersion.objects.create(
        version=doc.version,
        document=text,
        effective_at=effective_at,
        created_by=user if getattr(user, "pk", None) else None,
        loaded_via=via,
        forced_reason=recorded,
    )


def _not_in_force(version: PolicyVersion, now: datetime) -> None:
    if version.effective_at <= now:
        raise NotAllowed(
            "already_in_force",
            _("Version %(v)s is already in force; it cannot change. Load a new version instead.")
            % {"v": version.version},
        )


@transaction.atomic
def reschedule(
    version: PolicyVersion,
    effective_at: datetime,
    *,
    force: bool = False,
    reason: str = "",
    now: datetime | None = None,
) -> PolicyVersion:
    """Move a scheduled version. The document was published when it was registered, so the
    7 days count from then; a forced move records its reason."""
    now = now or timezone.now()
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    _not_in_force(version, now)
    recorded = _check_schedule(
        effective_at, published_at=version.created_at, now=now, force=force, reason=reason
    )
    _check_free_slot(effective_at, exclude=version)
    version.effective_at = effective_at
    if recorded:
        version.forced_reason = recorded
    version.save(update_fields=["effective_at", "forced_reason"])
    return version


@transaction.atomic
def withdraw(version: PolicyVersion, *, now: datetime | None = None) -> None:
    """Withdraw a version that is not in force yet (no case can run under it)."""
    now = now or timezone.now()
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    _not_in_force(version, now)
    version.delete()


def check_year(text: str) -> YearSpec:
    try:
        return parse_year_toml(text)
    except CalendarError as exc:
        raise InvalidInput("invalid_calendar", str(exc), field="document")


@transaction.atomic
def load_calendar_year(text: str) -> tuple[CalendarYear, YearSpec, bool]:
    """Store one year's holidays and make-up workdays (replacing a year loaded before);
    returns the row, the parsed year, and whether it replaced an earlier load."""
    spec = check_year(text)
    row, created = CalendarYear.objects.update_or_create(year=spec.year, defaults={"document": text})
    return row, spec, not created
