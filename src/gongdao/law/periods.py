"""Counting legal periods by 民法典 Art. 200–203.

- Art. 201: the day the period starts from is not counted; counting begins the next day.
- Art. 202: a period of months or years ends on the corresponding day of the last month, or on
  that month's last day when it has no corresponding day.
- Art. 203: a last day on a rest day or public holiday moves to the day after it ends, i.e. the
  next working day of the official calendar (make-up workdays count as working days).
"""

from __future__ import annotations

import calendar as gregorian
from dataclasses import dataclass
from datetime import date, timedelta

from gongdao.policy.calendar import WorkingCalendar


@dataclass(frozen=True)
class LastDay:
    """The last day of a period, and the day it would have been without Art. 203."""

    value: date
    nominal: date
    provisional: bool

    @property
    def moved(self) -> bool:
        return self.value != self.nominal


def add_months(start: date, months: int) -> date:
    """The corresponding day ``months`` later, or that month's last day (Art. 202)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, gregorian.monthrange(year, month)[1]))


def last_day_after_days(start: date, days: int, calendar: WorkingCalendar) -> LastDay:
    """Last day of a period of ``days`` days running from ``start`` (start day excluded)."""
    return _settle(start + timedelta(days=days), calendar)


def last_day_after_months(start: date, months: int, calendar: WorkingCalendar) -> LastDay:
    """Last day of a period of ``months`` months running from ``start``."""
    return _settle(add_months(start, months), calendar)


def last_day_after_years(start: date, years: int, calendar: WorkingCalendar) -> LastDay:
    """Last day of a period of ``years`` years running from ``start``."""
    return last_day_after_months(start, 12 * years, calendar)


def _settle(nominal: date, calendar: WorkingCalendar) -> LastDay:
    counted = calendar.legal_last_day(nominal)
    return LastDay(value=counted.value, nominal=nominal, provisional=counted.provisional)
