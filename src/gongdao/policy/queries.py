"""Which policy is in force, parsed once per version; the working-day calendar."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache

from django.utils import timezone

from gongdao.policy import document
from gongdao.policy.calendar import WorkingCalendar, parse_year_toml
from gongdao.policy.models import CalendarYear, PolicyVersion


def ensure_default() -> PolicyVersion:
    """The packaged default policy, registered once when no version exists yet."""
    existing = PolicyVersion.objects.order_by("effective_at").first()
    if existing:
        return existing
    doc = document.default()
    version, _ = PolicyVersion.objects.get_or_create(
        version=doc.version,
        defaults={"document": doc.source, "effective_at": datetime(2000, 1, 1, tzinfo=UTC)},
    )
    return version


def in_force(at: datetime | None = None) -> PolicyVersion:
    at = at or timezone.now()
    version = PolicyVersion.objects.filter(effective_at__lte=at).order_by("-effective_at").first()
    return version or ensure_default()


@lru_cache(maxsize=64)
def _parsed(pk: int, version: str) -> document.PolicyDocument:
    return document.parse(PolicyVersion.objects.get(pk=pk).document)


def parsed(version: PolicyVersion) -> document.PolicyDocument:
    return _parsed(version.pk, version.version)


def calendar() -> WorkingCalendar:
    years = {row.year: parse_year_toml(row.document) for row in CalendarYear.objects.all()}
    return WorkingCalendar(extra_years=years)
