"""Deadline arithmetic through ``add_duration``: China's official working days (holidays and
make-up workdays), the working-hours clock, and the provisional mark for unknown years."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from gongdao.policy import document
from gongdao.policy.calendar import WorkingCalendar, YearSpec
from gongdao.policy.document import DeadlineSpec, add_duration, due_at
from tests.policy.conftest import SHANGHAI

pytestmark = [pytest.mark.unit, pytest.mark.usefixtures("english")]

LIBRARY = WorkingCalendar()
YEAR_2027 = YearSpec(
    2027,
    holidays={date(2027, 1, 1): "元旦", date(2027, 1, 2): "元旦", date(2027, 1, 3): "元旦"},
    workdays={},
)


def china(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def working_days(n: int) -> DeadlineSpec:
    return DeadlineSpec("decision_sla", n, "working_days", "alert")


def working_hours(n: int, opens: time = time(9), closes: time = time(18)) -> DeadlineSpec:
    return DeadlineSpec("extra_evidence", n, "working_hours", "close_evidence", opens, closes)


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        # Spring Festival 2026: holiday Sun 15 – Mon 23 February; Saturdays 14 and 28 are workdays.
        (china(2026, 2, 12, 10, 0), 1, china(2026, 2, 13, 10, 0)),
        (china(2026, 2, 12, 10, 0), 2, china(2026, 2, 14, 10, 0)),  # the make-up Saturday counts
        (china(2026, 2, 12, 10, 0), 3, china(2026, 2, 24, 10, 0)),  # the holiday week does not
        (china(2026, 2, 20, 16, 0), 2, china(2026, 2, 25, 16, 0)),  # started inside the holiday
        (china(2026, 2, 27, 9, 30), 1, china(2026, 2, 28, 9, 30)),  # Friday → make-up Saturday
        # National Day 2026: holiday Thu 1 – Wed 7 October; Sun 20 Sep and Sat 10 Oct are workdays.
        (china(2026, 9, 18, 11, 0), 1, china(2026, 9, 20, 11, 0)),  # Friday → make-up Sunday
        (china(2026, 9, 30, 15, 0), 1, china(2026, 10, 8, 15, 0)),
        (china(2026, 9, 30, 15, 0), 3, china(2026, 10, 10, 15, 0)),  # ends on the make-up Saturday
        (china(2026, 10, 9, 15, 0), 2, china(2026, 10, 12, 15, 0)),
    ],
)
def test_working_days_across_spring_festival_and_national_day_2026(start, n, due):
    assert add_duration(working_days(n), start, LIBRARY) == (due, False)


def test_working_days_keep_the_china_time_of_day_of_a_utc_start():
    start = datetime(2026, 2, 12, 20, 0, tzinfo=UTC)  # Friday 13 February 04:00 in China
    due, provisional = add_duration(working_days(1), start, LIBRARY)
    assert due == china(2026, 2, 14, 4, 0) and not provisional


def test_working_days_into_an_unloaded_year_are_provisional():
    # 2027 is beyond the library: New Year's Day (a Friday) counts as a weekday, marked provisional.
    due, provisional = add_duration(working_days(2), china(2026, 12, 30, 10, 0), LIBRARY)
    assert (due, provisional) == (china(2027, 1, 1, 10, 0), True)
    due, provisional = add_duration(working_days(3), china(2026, 12, 30, 10, 0), LIBRARY)
    assert (due, provisional) == (china(2027, 1, 4, 10, 0), True)


def test_working_days_inside_a_known_year_are_not_provisional():
    assert add_duration(working_days(1), china(2026, 12, 30, 10, 0), LIBRARY) == (
        china(2026, 12, 31, 10, 0),
        False,
    )


def test_a_loaded_year_ends_the_provisional_mark():
    loaded = WorkingCalendar(extra_years={2027: YEAR_2027})
    due, provisional = add_duration(working_days(2), china(2026, 12, 30, 10, 0), loaded)
    assert (due, provisional) == (china(2027, 1, 4, 10, 0), False)


@pytest.mark.parametrize(
    ("start", "due"),
    [
        # Friday 3 April 2026, before Tomb-sweeping Day (Sat 4 – Mon 6): half an hour on Friday,
        # three and a half on Tuesday.
        (china(2026, 4, 3, 17, 30), china(2026, 4, 7, 12, 30)),
        # Friday 13 February 2026, before the Spring Festival: Saturday 14 is a make-up workday.
        (china(2026, 2, 13, 17, 30), china(2026, 2, 14, 12, 30)),
        # Thursday 24 September 2026, before Mid-autumn (Fri 25) and the weekend.
        (china(2026, 9, 24, 17, 30), china(2026, 9, 28, 12, 30)),
        # Wednesday 30 September 2026, eve of the National Day week.
        (china(2026, 9, 30, 17, 30), china(2026, 10, 8, 12, 30)),
        # Requested after closing time: the clock starts next working morning.
        (china(2026, 4, 3, 19, 0), china(2026, 4, 7, 13, 0)),
    ],
)
def test_working_hours_requested_at_1730_before_a_holiday(start, due):
    assert add_duration(working_hours(4), start, LIBRARY) == (due, False)


def test_the_jd_profile_extra_evidence_clock():
    spec = document.profile("jd").deadline("extra_evidence")
    assert add_duration(spec, china(2026, 4, 3, 17, 30), LIBRARY) == (china(2026, 4, 7, 12, 30), False)


def test_working_hours_on_another_clock():
    spec = working_hours(2, time(8, 30), time(17, 30))
    assert add_duration(spec, china(2026, 4, 3, 17, 0), LIBRARY) == (china(2026, 4, 7, 10, 0), False)


def test_working_hours_into_an_unloaded_year_are_provisional():
    counted = due_at(working_hours(4), china(2026, 12, 31, 17, 30), LIBRARY)
    assert counted.value == china(2027, 1, 1, 12, 30) and counted.provisional


def test_calendar_hours_and_days_ignore_the_calendar():
    start = china(2026, 9, 30, 17, 30)
    hours = DeadlineSpec("merchant_response", 48, "hours", "escalate")
    days = DeadlineSpec("consumer_reply", 7, "days", "close")
    assert add_duration(hours, start, LIBRARY) == (start + timedelta(hours=48), False)
    assert add_duration(days, china(2026, 12, 30, 10, 0), LIBRARY) == (china(2027, 1, 6, 10, 0), False)


def test_every_deadline_of_the_default_policy_can_be_counted():
    start = china(2026, 2, 13, 17, 30)
    for kind, spec in document.default().deadlines.items():
        due, provisional = add_duration(spec, start, LIBRARY)
        assert due > start and not provisional, kind


def test_provisional_deadlines_are_logged_for_admins(caplog):
    with caplog.at_level("WARNING", logger="gongdao.policy"):
        add_duration(working_days(3), china(2026, 12, 30, 10, 0), LIBRARY)
    assert "provisional deadline: decision_sla" in caplog.text
    assert "gongdao calendar load" in caplog.text
