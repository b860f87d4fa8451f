"""``gongdao policy …`` and ``gongdao calendar …`` through click's CliRunner."""

import tomllib
from datetime import timedelta

import pytest
from click.testing import CliRunner

from gongdao.cli import main
from gongdao.policy import document, queries
from gongdao.policy.models import CalendarYear, PolicyVersion
from tests.policy.conftest import TODAY, new_version
from tests.policy.test_policy_queries import YEAR_2027

pytestmark = pytest.mark.usefixtures("today", "english", "fast_password_hashing")

FAST = new_version(
    "fast-2026.2",
    ('hours = 48\non_expiry = "escalate"', 'hours = 36\non_expiry = "escalate"'),
)


@pytest.fixture
def run(db, tmp_path):
    queries.ensure_default()

    def invoke(*args: str, files: dict[str, str] | None = None):
        for name, text in (files or {}).items():
            (tmp_path / name).write_text(text, encoding="utf-8")
        return CliRunner().invoke(main, [a.replace("{tmp}", str(tmp_path)) for a in args])

    return invoke


def test_policy_load_schedules_seven_days_ahead(run):
    result = run("policy", "load", "{tmp}/fast.toml", files={"fast.toml": FAST})
    assert result.exit_code == 0, result.output
    assert "registered fast-2026.2: takes effect 2026-12-07 10:00" in result.output
    assert queries.get_version("fast-2026.2").effective_at == TODAY + timedelta(days=7)


def test_policy_load_refuses_short_notice_unless_forced_with_a_reason(run):
    files = {"fast.toml": FAST}
    result = run("policy", "load", "{tmp}/fast.toml", "--effective-at", "2026-12-01T10:00", files=files)
    assert result.exit_code == 1
    assert "at least 7 days" in result.output and "2026-12-07 10:00" in result.output
    assert run("policy", "load", "{tmp}/fast.toml", "--force").exit_code == 1
    result = run("policy", "load", "{tmp}/fast.toml", "--force", "--reason", "Regulator order")
    assert result.exit_code == 0, result.output
    assert "reason recorded: Regulator order" in result.output
    assert queries.in_force().version == "fast-2026.2"


def test_policy_load_names_the_key_path_or_the_line(run):
    bad = new_version("bad-1", ("max_chars = 500", "max_chars = 0"))
    result = run("policy", "load", "{tmp}/bad.toml", files={"bad.toml": bad})
    assert result.exit_code == 1
    assert "bad.toml: statements.max_chars: must be a whole number greater than 0" in result.output
    result = run("policy", "load", "{tmp}/syntax.toml", files={"syntax.toml": "[policy]\nversion = \n"})
    assert result.exit_code == 1 and "syntax.toml: line 2: TOML syntax error" in result.output
    result = run("policy", "load", "{tmp}/missing.toml")
    assert result.exit_code == 1 and "cannot read the file" in result.output
    assert PolicyVersion.objects.count() == 1


def test_policy_load_reads_naive_times_as_china_time(run):
    result = run(
        "policy", "load", "{tmp}/f.toml", "--effective-at", "2027-01-01T00:00", files={"f.toml": FAST}
    )
    assert result.exit_code == 0, result.output
    assert queries.get_version("fast-2026.2").effective_at.isoformat() == "2026-12-31T16:00:00+00:00"
    assert run("policy", "load", "{tmp}/f.toml", "--effective-at", "next week").exit_code == 1


def test_policy_show_prints_the_document(run):
    result = run("policy", "show")
    assert result.exit_code == 0 and result.output == document.default_text()
    run("policy", "load", "{tmp}/fast.toml", files={"fast.toml": FAST})
    assert run("policy", "show", "fast-2026.2").output == FAST
    result = run("policy", "show", "nope")
    assert result.exit_code == 1 and "no policy version nope" in result.output


def test_policy_diff_lists_changed_settings(run):
    run("policy", "load", "{tmp}/fast.toml", files={"fast.toml": FAST})
    result = run("policy", "diff", "default-2026.1", "fast-2026.2")
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        '~ policy.version: "default-2026.1" → "fast-2026.2"',
        "~ deadlines.merchant_response.hours: 48 → 36",
    ]
    result = run("policy", "diff", "default-2026.1", "fast-2026.2", "--text")
    assert "--- default-2026.1" in result.output and "+hours = 36" in result.output
    assert "same settings" in run("policy", "diff", "fast-2026.2", "fast-2026.2").output


def test_policy_list_shows_states(run):
    run("policy", "load", "{tmp}/fast.toml", files={"fast.toml": FAST})
    lines = run("policy", "list").output.splitlines()
    assert lines[0].startswith("fast-2026.2") and "scheduled" in lines[0]
    assert lines[1].startswith("default-2026.1") and "in_force" in lines[1] and "cases: 0" in lines[1]


def test_policy_profiles_lists_every_platform(run):
    result = run("policy", "profiles")
    names = [line.split()[0] for line in result.output.splitlines()]
    assert names == list(document.PROFILES)
    jd = run("policy", "profile", "jd").output
    assert tomllib.loads(jd)["policy"]["profile"] == "jd"
    result = run("policy", "profile", "amazon")
    assert result.exit_code == 1 and "no such profile" in result.output


def test_a_profile_can_be_loaded_as_a_version(run):
    result = run("policy", "load", "{tmp}/jd.toml", files={"jd.toml": document.profile_text("jd")})
    assert result.exit_code == 0, result.output
    assert queries.parsed(queries.get_version("jd-profile-2026.1")).profile == "jd"


def test_calendar_load_and_show(run):
    result = run("calendar", "load", "{tmp}/2027.toml", files={"2027.toml": YEAR_2027})
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "loaded 2027: 3 holiday(s), 1 make-up workday(s)"
    result = run("calendar", "show", "2027")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "2027-01-01  holiday  元旦 New Year's Day",
        "2027-01-02  holiday  元旦 New Year's Day",
        "2027-01-03  holiday  元旦 New Year's Day",
        "2027-02-07  workday  春节调休",
    ]
    again = run("calendar", "load", "{tmp}/2027.toml")
    assert again.output.startswith("replaced the loaded 2027")
    assert CalendarYear.objects.count() == 1


def test_calendar_show_a_library_year(run):
    lines = run("calendar", "show", "2026").stdout.splitlines()
    assert "2026-02-14  workday  春节调休 Spring Festival make-up workday" in lines
    assert "2026-10-01  holiday  国庆节 National Day" in lines
    assert all(line[:4] == "2026" for line in lines)


def test_calendar_show_an_unknown_year_fails_with_the_fallback_explained(run):
    result = run("calendar", "show", "2031")
    assert result.exit_code == 1
    assert "2031 is not known" in result.output and "provisional" in result.output


def test_calendar_load_names_the_key_path(run):
    bad = YEAR_2027.replace('"2027-02-07"', '"2027-02-08"')
    result = run("calendar", "load", "{tmp}/bad.toml", files={"bad.toml": bad})
    assert result.exit_code == 1 and "bad.toml: workdays[0].dates[0]" in result.output
    assert not CalendarYear.objects.exists()
