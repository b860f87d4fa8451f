"""Reads about policy: which version is in force, parsed once per document; what is scheduled;
the platform profiles; the working-day calendar, built once per process and rebuilt only when
the loaded calendar years change."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db.models import Count, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongdao.errors import NotFound
from gongdao.policy import document
from gongdao.policy.calendar import LIBRARY_YEARS, CalendarError, WorkingCalendar, YearSpec, parse_year_toml
from gongdao.policy.models import CalendarYear, PolicyVersion, document_digest

log = logging.getLogger("gongdao.policy")


def ensure_default() -> PolicyVersion:
    """The packaged default policy, registered once when no version exists yet."""
    existing = PolicyVersion.objects.filter(profile="").order_by("effective_at").first()
    if existing:
        return existing
    return _register_packaged(document.default())


def _register_packaged(doc: document.PolicyDocument, profile: str = "") -> PolicyVersion:
    """A document shipped with Gongdao, registered once under its own version label (in force
    since long ago: it was never scheduled)."""
    version, _created = PolicyVersion.objects.get_or_create(
        version=doc.version,
        defaults={
            "document": doc.source,
            "effective_at": datetime(2000, 1, 1, tzinfo=UTC),
            "loaded_via": "default",
            "profile": profile,
        },
    )
    return version


def in_force(at: datetime | None = None) -> PolicyVersion:
    at = at or timezone.now()
    version = PolicyVersion.objects.filter(profile="", effective_at__lte=at).order_by("-effective_at").first()
    return version or ensure_default()


def scheduled(now: datetime | None = None) -> list[PolicyVersion]:
    """Versions published but not yet in force, the soonest first."""
    now = now or timezone.now()
    return list(PolicyVersion.objects.filter(profile="", effective_at__gt=now).order_by("effective_at"))


def get_version(label: str) -> PolicyVersion:
    version = PolicyVersion.objects.filter(version=label).first()
    if version is None:
        raise NotFound("policy_version_not_found", _("There is no policy version %(v)s.") % {"v": label})
    return version


@dataclass(frozen=True)
class VersionRow:
    version: PolicyVersion
    state: str  # in_force | scheduled | superseded
    cases: int


def history(now: datetime | None = None) -> list[VersionRow]:
    """Every version, the latest effective time first, with its state and how many cases run
    under it."""
    now = now or timezone.now()
    current = in_force(now)
    rows = (
        PolicyVersion.objects.filter(profile="").annotate(case_count=Count("cases")).order_by("-effective_at")
    )
    return [VersionRow(v, state_of(v, now, current), v.case_count) for v in rows]


def state_of(version: PolicyVersion, now: datetime, current: PolicyVersion | None = None) -> str:
    if version.effective_at > now:
        return "scheduled"
    current = current or in_force(now)
    return "in_force" if version.pk == current.pk else "superseded"


_parsed_by_digest: dict[str, document.PolicyDocument] = {}


def parsed(version: PolicyVersion) -> document.PolicyDocument:
    """The version's document, parsed once per process (a registered document never changes).

    Kept by the document's digest, so a read that selected the version without its document
    (``.defer("document")``: the API's case read) reads it only the first time a process
    meets it; a version not saved yet is known by its text's digest."""
    digest = version.sha256 or document_digest(version.document)
    found = _parsed_by_digest.get(digest)
    if found is None:
        found = document.parse(version.document)
        if len(_parsed_by_digest) >= 256:  # (a process meets a handful; never grow without end)
            _parsed_by_digest.clear()
        _parsed_by_digest[digest] = found
    return found


def profile(name: str) -> document.PolicyDocument:
    """A platform profile for self-help mode (``document.PROFILES`` names them)."""
    try:
        return document.profile(name)
    except KeyError:
        raise NotFound("profile_not_found", _("There is no platform profile %(name)s.") % {"name": name})


def profile_version(name: str) -> PolicyVersion:
    """The registered version of a platform profile, for a self-help case filed under it.

    Registered on first use from the packaged document and immutable after, like any version:
    a self-help case keeps the profile figures it was filed under even when a later release of
    Gongdao ships new ones (they get a new ``[policy] version`` label)."""
    return _register_packaged(profile(name), name)


def profiles() -> list[tuple[str, document.PolicyDocument]]:
    return [(name, document.profile(name)) for name in document.PROFILES]


# ---- the working-day calendar ------------------------------------------------------------

_calendar_lock = threading.Lock()
_calendar_cache: tuple[tuple[Any, ...], WorkingCalendar] | None = None


def _calendar_fingerprint() -> tuple[Any, ...]:
    """Changes whenever a calendar year is loaded, replaced or deleted: one small aggregate
    query instead of re-reading and re-parsing every year."""
    agg = CalendarYear.objects.aggregate(n=Count("id"), latest=Max("loaded_at"), years=Sum("year"))
    return (agg["n"], agg["latest"], agg["years"])


def loaded_years() -> dict[int, YearSpec]:
    years = {}
    for row in CalendarYear.objects.order_by("year"):
        try:
            years[row.year] = parse_year_toml(row.document)
        except CalendarError as exc:  # a broken row must not stop deadlines: fall back, loudly
            log.error("calendar year %s is stored but cannot be read (%s); ignoring it", row.year, exc)
    return years


def calendar() -> WorkingCalendar:
    """The library's years plus the loaded ones, cached per process until a year changes."""
    global _calendar_cache
    key = _calendar_fingerprint()
    cached = _calendar_cache
    if cached is not None and cached[0] == key:
        return cached[1]
    with _calendar_lock:
        built = WorkingCalendar(extra_years=loaded_years())
        _calendar_cache = (key, built)
    return built


def year_source(year: int) -> str:
    """Where the calendar's knowledge of ``year`` comes from: loaded, library, or unknown."""
    if CalendarYear.objects.filter(year=year).exists():
        return "loaded"
    return "library" if year in LIBRARY_YEARS else "unknown"


def calendar_warnings(now: datetime | None = None) -> list[str]:
    """Sentences for admins: this year and next must be known, or deadlines that reach into
    them count Monday–Friday and are marked provisional."""
    today = timezone.localtime(now or timezone.now()).date()
    known = calendar()
    return [
        str(
            _(
                "The working-day calendar does not know %(year)d: deadlines in working days that reach "
                "into it count Monday–Friday and are marked provisional. Load the year with "
                "`gongdao calendar load FILE` once the State Council publishes it."
            )
            % {"year": year}
        )
        for year in (today.year, today.year + 1)
        if not known.is_known(year)
    ]
