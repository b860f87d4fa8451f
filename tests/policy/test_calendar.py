"""The working-day calendar: library years 2004–2026, loaded years, the unknown-year fallback."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongdao.policy.calendar import (
    CalendarError,
    Counted,
    WorkingCalendar,
    YearSpec,
    parse_year_toml,
)

pytestmark = pytest.mark.unit

SHANGHAI = ZoneInfo("Asia/Shanghai")
LIBRARY = WorkingCalendar()

YEAR_2027 = """
year = 2027

[[holidays]]
name = "元旦 New Year's Day"
dates = ["2027-01-01", "2027-01-02", "2027-01-03"]

[[holidays]]
name = "春节 Spring Festival"
dates = ["2027-02-06", "2027-02-07", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11", "2027-02-12"]

[[workdays]]   # make-up working days on a weekend
name = "春节调休"
dates = ["2027-01-30", "2027-02-13"]
"""


def shanghai(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


# --- the 2026 library year ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 2, 13), True),  # Friday before the Spring Festival
        (date(2026, 2, 14), True),  # Saturday, make-up workday (春节调休)
        (date(2026, 2, 15), False),  # Sunday, first day of the holiday
        (date(2026, 2, 23), False),  # Monday, last day of the holiday
        (date(2026, 2, 24), True),
        (date(2026, 2, 28), True),  # Saturday, make-up workday
        (date(2026, 9, 20), True),  # Sunday, make-up workday for National Day
        (date(2026, 10, 1), False),
        (date(2026, 10, 7), False),
        (date(2026, 10, 8), True),
        (date(2026, 10, 10), True),  # Saturday, make-up workday
        (date(2026, 10, 11), False),  # an ordinary Sunday
    ],
)
def test_2026_working_days_follow_the_official_calendar(day, working):
    assert LIBRARY.is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 2, 12), 1, date(2026, 2, 13)),
        (date(2026, 2, 12), 2, date(2026, 2, 14)),  # the make-up Saturday counts
        (date(2026, 2, 12), 3, date(2026, 2, 24)),  # the holiday week does not
        (date(2026, 2, 13), 1, date(2026, 2, 14)),
        (date(2026, 2, 15), 1, date(2026, 2, 24)),  # start inside the holiday
        (date(2026, 2, 27), 1, date(2026, 2, 28)),
        (date(2026, 2, 27), 2, date(2026, 3, 2)),
        (date(2026, 9, 18), 1, date(2026, 9, 20)),  # make-up Sunday
        (date(2026, 9, 24), 1, date(2026, 9, 28)),  # Mid-autumn Friday to Sunday
        (date(2026, 9, 30), 1, date(2026, 10, 8)),
        (date(2026, 9, 30), 3, date(2026, 10, 10)),  # make-up Saturday after National Day
        (date(2026, 10, 10), 1, date(2026, 10, 12)),
        (date(2026, 5, 6), 0, date(2026, 5, 6)),
    ],
)
def test_add_working_days_across_2026_holidays(start, n, expected):
    assert LIBRARY.add_working_days(start, n) == Counted(expected, provisional=False)


def test_add_working_days_refuses_a_negative_count():
    with pytest.raises(CalendarError, match="^n: "):
        LIBRARY.add_working_days(date(2026, 1, 5), -1)


def test_next_working_day_skips_the_national_day_holiday():
    assert LIBRARY.next_working_day(date(2026, 10, 1)) == date(2026, 10, 8)
    assert LIBRARY.next_working_day(date(2026, 10, 8)) == date(2026, 10, 8)


@pytest.mark.parametrize(
    ("last_day", "expected"),
    [
        (date(2026, 3, 14), date(2026, 3, 16)),  # Saturday → Monday
        (date(2026, 10, 3), date(2026, 10, 8)),  # inside National Day → day after it ends
        (date(2026, 10, 10), date(2026, 10, 10)),  # make-up Saturday is a working day
        (date(2026, 3, 10), date(2026, 3, 10)),
    ],
)
def test_legal_last_day_moves_off_rest_days_and_holidays(last_day, expected):
    assert LIBRARY.legal_last_day(last_day) == Counted(expected, provisional=False)


def test_day_names_say_holiday_and_make_up_workday():
    assert "国庆节" in LIBRARY.day_name(date(2026, 10, 1))
    assert "National Day" in LIBRARY.day_name(date(2026, 10, 1))
    assert "调休" in LIBRARY.day_name(date(2026, 10, 10))
    assert LIBRARY.day_name(date(2026, 3, 10)) is None


def test_holidays_and_workdays_lists_a_year_by_date():
    rows = LIBRARY.holidays_and_workdays(2026)
    assert rows == sorted(rows)
    assert (date(2026, 2, 14), "workday") in [(r.date, r.kind) for r in rows]
    assert (date(2026, 10, 1), "holiday") in [(r.date, r.kind) for r in rows]
    assert all(r.date.year == 2026 for r in rows)
    assert LIBRARY.holidays_and_workdays(2031) == []


# --- unknown and loaded years -------------------------------------------------------------------


def test_known_years_are_the_library_range_plus_loaded_years():
    assert LIBRARY.is_known(2004) and LIBRARY.is_known(2026)
    assert not LIBRARY.is_known(2003) and not LIBRARY.is_known(2027)
    assert WorkingCalendar({2027: parse_year_toml(YEAR_2027)}).is_known(2027)


def test_unknown_year_falls_back_to_monday_to_friday():
    assert LIBRARY.is_working_day(date(2027, 1, 1))  # a Friday; really a holiday, but unknown
    assert not LIBRARY.is_working_day(date(2027, 1, 2))
    assert LIBRARY.day_name(date(2027, 1, 1)) is None


def test_counting_into_an_unknown_year_is_provisional():
    assert LIBRARY.add_working_days(date(2026, 12, 30), 1) == Counted(date(2026, 12, 31), False)
    assert LIBRARY.add_working_days(date(2026, 12, 31), 1) == Counted(date(2027, 1, 1), True)
    assert LIBRARY.legal_last_day(date(2027, 2, 28)) == Counted(date(2027, 3, 1), True)


def test_a_loaded_2027_replaces_the_fallback():
    calendar = WorkingCalendar({2027: parse_year_toml(YEAR_2027)})
    assert calendar.add_working_days(date(2026, 12, 31), 1) == Counted(date(2027, 1, 4), False)
    assert calendar.add_working_days(date(2027, 2, 5), 1) == Counted(date(2027, 2, 13), False)
    assert calendar.day_name(date(2027, 2, 13)) == "春节调休"
    assert calendar.holidays_and_workdays(2027)[0] == (date(2027, 1, 1), "holiday", "元旦 New Year's Day")


def test_a_loaded_year_overrides_the_library_year():
    spec = YearSpec(2026, holidays={date(2026, 1, 1): "元旦"}, workdays={})
    calendar = WorkingCalendar({2026: spec})
    assert calendar.is_working_day(date(2026, 10, 1))
    assert not calendar.is_working_day(date(2026, 10, 10))
    assert calendar.day_name(date(2026, 10, 1)) is None


def test_extra_years_must_be_filed_under_their_own_year():
    with pytest.raises(CalendarError, match=r"extra_years\[2028\]"):
        WorkingCalendar({2028: parse_year_toml(YEAR_2027)})


# --- the working-hours clock --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        # Wednesday before National Day: half an hour today, the rest after the holiday.
        (shanghai(2026, 9, 30, 17, 30), 4, shanghai(2026, 10, 8, 12, 30)),
        # Friday before the Tomb-sweeping Day weekend (Sat–Mon): on to Tuesday.
        (shanghai(2026, 4, 3, 17, 30), 4, shanghai(2026, 4, 7, 12, 30)),
        # Friday before the Spring Festival: the make-up Saturday is a working day.
        (shanghai(2026, 2, 13, 17, 30), 4, shanghai(2026, 2, 14, 12, 30)),
        (shanghai(2026, 3, 10, 8, 0), 1, shanghai(2026, 3, 10, 10, 0)),  # before opening
        (shanghai(2026, 3, 10, 9, 0), 9, shanghai(2026, 3, 10, 18, 0)),  # exactly one day
        (shanghai(2026, 3, 10, 19, 0), 0.5, shanghai(2026, 3, 11, 9, 30)),  # after closing
        (shanghai(2026, 10, 3, 11, 0), 2, shanghai(2026, 10, 8, 11, 0)),  # asked on a holiday
        (shanghai(2026, 3, 10, 12, 0), 0, shanghai(2026, 3, 10, 12, 0)),
    ],
)
def test_working_hours_clock(start, hours, expected):
    due = LIBRARY.add_working_hours(start, hours)
    assert due == Counted(expected, provisional=False)
    assert due.value.tzinfo == SHANGHAI


def test_working_hours_accepts_utc_and_answers_in_china_time():
    start = datetime(2026, 9, 30, 9, 30, tzinfo=UTC)  # 17:30 in Shanghai
    due = LIBRARY.add_working_hours(start, 4)
    assert due.value == datetime(2026, 10, 8, 4, 30, tzinfo=UTC)
    assert due.value.utcoffset() == timedelta(hours=8)


def test_working_hours_with_other_opening_times():
    due = LIBRARY.add_working_hours(shanghai(2026, 3, 10, 16, 0), 3, opens=time(8, 30), closes=time(17))
    assert due.value == shanghai(2026, 3, 11, 10, 30)


def test_working_hours_into_an_unknown_year_are_provisional():
    due = LIBRARY.add_working_hours(shanghai(2026, 12, 31, 17, 0), 2)
    assert due == Counted(shanghai(2027, 1, 1, 10, 0), provisional=True)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"start": datetime(2026, 3, 10, 9), "hours": 1}, "start"),
        ({"start": shanghai(2026, 3, 10, 9), "hours": -1}, "hours"),
        ({"start": shanghai(2026, 3, 10, 9), "hours": 1, "opens": time(18), "closes": time(9)}, "opens"),
    ],
)
def test_working_hours_refuses_bad_requests(kwargs, field):
    with pytest.raises(CalendarError, match=f"^{field}: "):
        LIBRARY.add_working_hours(**kwargs)


@given(
    start=st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 12, 1)),
    n=st.integers(min_value=1, max_value=20),
)
def test_add_working_days_lands_on_the_nth_working_day(start, n):
    end = LIBRARY.add_working_days(start, n).value
    days = [start + timedelta(days=i) for i in range(1, (end - start).days + 1)]
    assert LIBRARY.is_working_day(end)
    assert sum(LIBRARY.is_working_day(d) for d in days) == n


# --- loading a year from TOML -------------------------------------------------------------------


def test_parse_year_toml_reads_holidays_and_workdays():
    spec = parse_year_toml(YEAR_2027)
    assert spec.year == 2027
    assert spec.holidays[date(2027, 1, 3)] == "元旦 New Year's Day"
    assert spec.workdays == {date(2027, 1, 30): "春节调休", date(2027, 2, 13): "春节调休"}


def test_parse_year_toml_accepts_toml_dates():
    spec = parse_year_toml('year = 2027\n[[holidays]]\nname = "元旦"\ndates = [2027-01-01]\n')
    assert spec.holidays == {date(2027, 1, 1): "元旦"}


def test_toml_syntax_error_names_the_line():
    with pytest.raises(CalendarError, match="invalid TOML.*line 3"):
        parse_year_toml('year = 2027\n[[holidays]]\nname = "元旦\n')


TOML_ERRORS = {
    "year-missing": ('[[holidays]]\nname = "x"\ndates = ["2027-01-01"]\n', r"^year: missing"),
    "year-not-a-number": ('year = "2027"\n', r"^year: expected a whole number"),
    "unknown-top-key": ("year = 2027\nmonth = 1\n", r"^month: unknown key"),
    "holidays-not-tables": ('year = 2027\nholidays = "none"\n', r"^holidays: expected an array of tables"),
    "unknown-entry-key": (
        'year = 2027\n[[holidays]]\nname = "元旦"\ndates = ["2027-01-01"]\nkind = 1\n',
        r"^holidays\[0\]\.kind: unknown key",
    ),
    "name-missing": (
        'year = 2027\n[[holidays]]\ndates = ["2027-01-01"]\n',
        r"^holidays\[0\]\.name: expected a non-empty name",
    ),
    "dates-empty": (
        'year = 2027\n[[holidays]]\nname = "元旦"\ndates = []\n',
        r"^holidays\[0\]\.dates: expected a non-empty list",
    ),
    "date-in-other-year": (
        'year = 2027\n[[holidays]]\nname = "元旦"\ndates = ["2027-01-01", "2026-12-31"]\n',
        r"^holidays\[0\]\.dates\[1\]: 2026-12-31 is not in year 2027",
    ),
    "date-does-not-exist": (
        'year = 2027\n[[holidays]]\nname = "x"\ndates = ["2027-01-01"]\n[[holidays]]\nname = "y"\ndates = ["2027-02-30"]\n',
        r"^holidays\[1\]\.dates\[0\]: '2027-02-30' is not a real date",
    ),
    "date-badly-written": (
        'year = 2027\n[[holidays]]\nname = "x"\ndates = ["27-1-1"]\n',
        r"^holidays\[0\]\.dates\[0\]: expected a date",
    ),
    "date-listed-twice": (
        'year = 2027\n[[holidays]]\nname = "x"\ndates = ["2027-01-01", "2027-01-01"]\n',
        r"^holidays\[0\]\.dates\[1\]: 2027-01-01 is already listed at holidays\[0\]\.dates\[0\]",
    ),
    "holiday-and-workday": (
        'year = 2027\n[[holidays]]\nname = "x"\ndates = ["2027-01-02"]\n[[workdays]]\nname = "y"\ndates = ["2027-01-02"]\n',
        r"^workdays\[0\]\.dates\[0\]: 2027-01-02 is also a holiday at holidays\[0\]\.dates\[0\]",
    ),
    "workday-on-a-weekday": (
        'year = 2027\n[[workdays]]\nname = "y"\ndates = ["2027-01-04"]\n',
        r"^workdays\[0\]\.dates\[0\]: 2027-01-04 is a Monday, already a working day",
    ),
}


@pytest.mark.parametrize(("text", "message"), TOML_ERRORS.values(), ids=TOML_ERRORS.keys())
def test_toml_errors_name_the_key_path(text, message):
    with pytest.raises(CalendarError, match=message):
        parse_year_toml(text)
