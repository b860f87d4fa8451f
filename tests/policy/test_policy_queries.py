"""Reads: the calendar is built once per process and rebuilt when loaded years change; the
profiles; warnings for admins about years the calendar does not know."""

from datetime import date

import pytest

from gongdao.errors import InvalidInput, NotFound
from gongdao.policy import actions, queries
from gongdao.policy.models import CalendarYear
from tests.policy.conftest import TODAY

pytestmark = pytest.mark.usefixtures("english", "fast_password_hashing")

YEAR_2027 = """
year = 2027

[[holidays]]
name = "元旦 New Year's Day"
dates = ["2027-01-01", "2027-01-02", "2027-01-03"]

[[workdays]]
name = "春节调休"
dates = ["2027-02-07"]
"""


def test_the_calendar_is_cached_until_a_year_is_loaded(db, django_assert_num_queries):
    first = queries.calendar()
    with django_assert_num_queries(1):  # the fingerprint only; nothing is re-read or re-parsed
        assert queries.calendar() is first
    assert not first.is_known(2027)
    _row, spec, replaced = actions.load_calendar_year(YEAR_2027)
    assert (spec.year, replaced) == (2027, False)
    second = queries.calendar()
    assert second is not first
    assert second.is_known(2027) and not second.is_working_day(date(2027, 1, 1))
    assert second.is_working_day(date(2027, 2, 7))  # a make-up Sunday


def test_replacing_or_deleting_a_year_rebuilds_the_calendar(db):
    actions.load_calendar_year(YEAR_2027)
    assert queries.calendar().is_working_day(date(2027, 1, 4))
    _row, _spec, replaced = actions.load_calendar_year(
        YEAR_2027.replace('"2027-01-03"]', '"2027-01-03", "2027-01-04"]')
    )
    assert replaced and not queries.calendar().is_working_day(date(2027, 1, 4))
    CalendarYear.objects.all().delete()
    assert not queries.calendar().is_known(2027)


def test_a_broken_stored_year_falls_back_instead_of_crashing(db, caplog):
    CalendarYear.objects.create(year=2027, document="year = 2027\n[[holidays]]\nname = ''\n")
    assert not queries.calendar().is_known(2027)
    assert "cannot be read" in caplog.text


def test_a_malformed_calendar_year_is_refused_with_its_key_path(db):
    with pytest.raises(InvalidInput) as raised:
        actions.load_calendar_year(YEAR_2027.replace('"2027-02-07"', '"2027-02-08"'))
    assert "workdays[0].dates[0]" in str(raised.value)
    assert not CalendarYear.objects.exists()


def test_admins_are_warned_about_unknown_years(db, today):
    warnings = queries.calendar_warnings()
    assert len(warnings) == 1 and "2027" in warnings[0] and "gongdao calendar load" in warnings[0]
    actions.load_calendar_year(YEAR_2027)
    assert queries.calendar_warnings() == []
    assert queries.year_source(2027) == "loaded" and queries.year_source(2026) == "library"
    assert queries.year_source(2031) == "unknown"


def test_profiles_by_name(db):
    assert queries.profile("jd").profile == "jd"
    assert [name for name, _doc in queries.profiles()] == [
        "taobao",
        "tmall",
        "jd",
        "pinduoduo",
        "douyin",
        "wechat_store",
        "other",
    ]
    with pytest.raises(NotFound) as raised:
        queries.profile("amazon")
    assert raised.value.code == "profile_not_found"


def test_parsed_documents_are_cached_per_text(db):
    version = queries.in_force(TODAY)
    assert queries.parsed(version) is queries.parsed(queries.in_force(TODAY))
