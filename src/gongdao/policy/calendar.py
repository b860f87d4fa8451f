"""China's official working-day calendar: statutory holidays and make-up workdays (调休).

Years 2004–2026 come from the ``chinesecalendar`` library; an admin can load further years (or
correct a library year) as small TOML documents, parsed by :func:`parse_year_toml`. A loaded year
replaces the library for that whole year. For a year nobody knows, Monday–Friday are working days
and every answer that inspected such a day is marked ``provisional`` (see :class:`Counted`): the
caller shows a "provisional" mark; we never crash and never silently guess.

Pure module: no Django, no database.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Generic, Literal, NamedTuple, TypeVar
from zoneinfo import ZoneInfo

import chinese_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
LIBRARY_YEARS = range(
    min(chinese_calendar.holidays).year,
    max(chinese_calendar.holidays).year + 1,
)
# No real year is all holidays; stop a loop instead of spinning on a broken loaded year.
MAX_SCAN_DAYS = 3 * 366
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

T = TypeVar("T")
DayKind = Literal["holiday", "workday"]


class CalendarError(ValueError):
    """A calendar document or request we cannot use; the message names the key path or line."""


@dataclass(frozen=True)
class Counted(Generic[T]):
    """A computed date or time, and whether an unknown year was inspected to get it."""

    value: T
    provisional: bool = False


@dataclass(frozen=True)
class YearSpec:
    """One year's statutory holidays and make-up workdays, each date with its name."""

    year: int
    holidays: dict[date, str] = field(default_factory=dict)
    workdays: dict[date, str] = field(default_factory=dict)


class CalendarDay(NamedTuple):
    """A row of ``gongdao calendar show YEAR``."""

    date: date
    kind: DayKind
    name: str


# --- loading years from TOML ------------------------------------------------------------------


def parse_year_toml(text: str) -> YearSpec:
    """Parse and validate one year's document (see docs/law.md and the module docstring)."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CalendarError(f"invalid TOML: {exc}") from None
    _reject_unknown_keys(doc, {"year", "holidays", "workdays"}, "")
    year = _parse_year(doc.get("year"))
    holidays = _parse_named_dates(doc.get("holidays", []), "holidays", year)
    workdays = _parse_named_dates(doc.get("workdays", []), "workdays", year)
    _check_workdays(holidays, workdays)
    return YearSpec(
        year=year,
        holidays={d: name for d, (name, _path) in holidays.items()},
        workdays={d: name for d, (name, _path) in workdays.items()},
    )


def _reject_unknown_keys(table: Mapping[str, Any], allowed: set[str], prefix: str) -> None:
    for key in table:
        if key not in allowed:
            known = ", ".join(sorted(allowed))
            raise CalendarError(f"{prefix}{key}: unknown key (expected one of {known})")


def _parse_year(value: Any) -> int:
    if value is None:
        raise CalendarError("year: missing; the document must say which year it describes")
    if isinstance(value, bool) or not isinstance(value, int):
        raise CalendarError(f"year: expected a whole number such as 2027, got {value!r}")
    if not 1949 <= value <= 9999:
        raise CalendarError(f"year: {value} is out of range (1949–9999)")
    return value


def _parse_named_dates(entries: Any, key: str, year: int) -> dict[date, tuple[str, str]]:
    """``[[key]]`` tables of ``name`` + ``dates`` → {date: (name, key path of the date)}."""
    if not isinstance(entries, list):
        raise CalendarError(f"{key}: expected an array of tables ([[{key}]]), got {type(entries).__name__}")
    found: dict[date, tuple[str, str]] = {}
    for index, entry in enumerate(entries):
        path = f"{key}[{index}]"
        if not isinstance(entry, dict):
            raise CalendarError(f"{path}: expected a table with name and dates")
        _reject_unknown_keys(entry, {"name", "dates"}, f"{path}.")
        name = _parse_name(entry.get("name"), f"{path}.name")
        for day, day_path in _parse_dates(entry.get("dates"), f"{path}.dates", year):
            if day in found:
                raise CalendarError(f"{day_path}: {day} is already listed at {found[day][1]}")
            found[day] = (name, day_path)
    return found


def _parse_name(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise CalendarError(f"{path}: expected a non-empty name, got {value!r}")
    return value.strip()


def _parse_dates(values: Any, path: str, year: int) -> Iterator[tuple[date, str]]:
    if not isinstance(values, list) or not values:
        raise CalendarError(f'{path}: expected a non-empty list of dates such as ["{year}-01-01"]')
    for index, value in enumerate(values):
        day_path = f"{path}[{index}]"
        day = _parse_date(value, day_path)
        if day.year != year:
            raise CalendarError(f"{day_path}: {day} is not in year {year}")
        yield day, day_path


def _parse_date(value: Any, path: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise CalendarError(f"{path}: {value!r} is not a real date ({exc})") from None
    raise CalendarError(f"{path}: expected a date written YYYY-MM-DD, got {value!r}")


def _check_workdays(
    holidays: Mapping[date, tuple[str, str]], workdays: Mapping[date, tuple[str, str]]
) -> None:
    for day, (_name, path) in workdays.items():
        if day in holidays:
            raise CalendarError(f"{path}: {day} is also a holiday at {holidays[day][1]}")
        if day.weekday() < 5:
            raise CalendarError(
                f"{path}: {day} is a {day:%A}, already a working day; list only weekend make-up workdays"
            )


# --- the calendar ----------------------------------------------------------------------------


def _library_name(english: str, *, makeup: bool) -> str:
    try:
        chinese = chinese_calendar.Holiday(english).chinese
    except ValueError:
        chinese = ""
    if makeup:
        return f"{chinese}调休 {english} make-up workday".strip()
    return f"{chinese} {english}".strip()


class WorkingCalendar:
    """Working days and hours in China; ``extra_years`` override the library year by year."""

    def __init__(self, extra_years: Mapping[int, YearSpec] | None = None) -> None:
        self._years = dict(extra_years or {})
        for year, spec in self._years.items():
            if spec.year != year:
                raise CalendarError(f"extra_years[{year}]: holds the document of year {spec.year}")

    def is_known(self, year: int) -> bool:
        return year in self._years or year in LIBRARY_YEARS

    def is_working_day(self, d: date) -> bool:
        spec = self._years.get(d.year)
        if spec is not None:
            return d in spec.workdays or (d.weekday() < 5 and d not in spec.holidays)
        if d.year in LIBRARY_YEARS:
            return bool(chinese_calendar.is_workday(d))
        return d.weekday() < 5

    def day_name(self, d: date) -> str | None:
        """The holiday's or make-up workday's name, or None for an ordinary day."""
        spec = self._years.get(d.year)
        if spec is not None:
            return spec.holidays.get(d) or spec.workdays.get(d)
        if d in chinese_calendar.holidays:
            return _library_name(chinese_calendar.holidays[d], makeup=False)
        if d in chinese_calendar.workdays:
            return _library_name(chinese_calendar.workdays[d], makeup=True)
        return None

    def next_working_day(self, d: date) -> date:
        """``d`` itself if it is a working day, else the first working day after it."""
        return self._next_working_day(d).value

    def legal_last_day(self, d: date) -> Counted[date]:
        """A period's last day ``d``, moved to the next working day if it is a rest day or
        holiday (民法典 Art. 203)."""
        return self._next_working_day(d)

    def add_working_days(self, start: date, n: int) -> Counted[date]:
        """The n-th working day after ``start`` (``start`` itself is not counted)."""
        if n < 0:
            raise CalendarError(f"n: cannot count {n} working days; expected 0 or more")
        day, provisional = start, not self.is_known(start.year)
        for _ in range(n):
            step = self._next_working_day(day + timedelta(days=1))
            day, provisional = step.value, provisional or step.provisional
        return Counted(day, provisional)

    def add_working_hours(
        self,
        start: datetime,
        hours: float,
        opens: time = time(9),
        closes: time = time(18),
        tz: ZoneInfo = SHANGHAI,
    ) -> Counted[datetime]:
        """When ``hours`` of working time (``opens``–``closes`` on working days, in ``tz``) have
        passed after ``start``. ``start`` must be aware; the result is aware, in ``tz``."""
        if start.tzinfo is None or start.utcoffset() is None:
            raise CalendarError("start: expected an aware datetime (with a time zone)")
        if hours < 0:
            raise CalendarError(f"hours: cannot count {hours} working hours; expected 0 or more")
        if opens >= closes:
            raise CalendarError(f"opens: {opens} is not before closes {closes}")
        cursor = start.astimezone(tz)
        remaining = timedelta(hours=hours)
        provisional = not self.is_known(cursor.year)
        for _ in range(MAX_SCAN_DAYS):
            day = cursor.date()
            provisional = provisional or not self.is_known(day.year)
            if remaining <= timedelta(0):
                return Counted(cursor, provisional)
            if self.is_working_day(day) and cursor.time() < closes:
                begin = max(cursor, datetime.combine(day, opens, tzinfo=tz))
                available = datetime.combine(day, closes, tzinfo=tz) - begin
                if remaining <= available:
                    return Counted(begin + remaining, provisional)
                remaining -= available
            cursor = datetime.combine(day + timedelta(days=1), opens, tzinfo=tz)
        raise CalendarError(f"no working time found within {MAX_SCAN_DAYS} days after {start}")

    def holidays_and_workdays(self, year: int) -> list[CalendarDay]:
        """Every holiday and make-up workday of ``year``, by date (empty for an unknown year)."""
        spec = self._years.get(year)
        if spec is None and year in LIBRARY_YEARS:
            spec = _library_year(year)
        if spec is None:
            return []
        rows = [CalendarDay(d, "holiday", name) for d, name in spec.holidays.items()]
        rows += [CalendarDay(d, "workday", name) for d, name in spec.workdays.items()]
        return sorted(rows)

    def _next_working_day(self, d: date) -> Counted[date]:
        provisional = False
        for offset in range(MAX_SCAN_DAYS):
            day = d + timedelta(days=offset)
            provisional = provisional or not self.is_known(day.year)
            if self.is_working_day(day):
                return Counted(day, provisional)
        raise CalendarError(f"no working day found within {MAX_SCAN_DAYS} days after {d}")


def _library_year(year: int) -> YearSpec:
    return YearSpec(
        year=year,
        holidays={
            d: _library_name(name, makeup=False)
            for d, name in chinese_calendar.holidays.items()
            if d.year == year
        },
        workdays={
            d: _library_name(name, makeup=True)
            for d, name in chinese_calendar.workdays.items()
            if d.year == year
        },
    )
