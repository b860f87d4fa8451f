"""``gongdao law assess FACTS.json [--json]`` through click's CliRunner."""

import json
from datetime import date

import click
import pytest
from click.testing import CliRunner

from gongdao.law.cli import CALENDAR_FACTORY_KEY, law
from gongdao.law.entitlement import CODES
from gongdao.policy.calendar import WorkingCalendar, YearSpec

pytestmark = pytest.mark.unit

FRAUD_FACTS = {
    "category": "general",
    "issue": "counterfeit",
    "unit_price_fen": 10_000,
    "quantity": 1,
    "paid_fen": 10_000,
    "ordered_on": "2026-09-20",
    "signed_on": "2026-09-24",
    "problem_found_on": "2026-09-25",
    "requested_on": "2026-09-25",
    "fraud": True,
    "today": "2026-10-02",
}


@pytest.fixture
def facts_file(tmp_path):
    def write(data, name="facts.json"):
        path = tmp_path / name
        path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
        return str(path)

    return write


def run(*args, stdin=None):
    return CliRunner().invoke(law, list(args), input=stdin)


def test_json_prints_only_the_list_of_entitlements(facts_file):
    result = run("assess", facts_file(FRAUD_FACTS), "--json")
    assert result.exit_code == 0, result.stderr
    entitlements = json.loads(result.stdout)
    assert [e["code"] for e in entitlements] == list(CODES)
    fraud = next(e for e in entitlements if e["code"] == "fraud_damages")
    assert (fraud["eligible"], fraud["amount_fen"]) == (True, 50_000)
    seven_day = entitlements[0]
    assert seven_day["act_by"] == "2026-10-08"  # 1 Oct is National Day
    assert result.stderr == ""


def test_table_is_readable_and_marks_provisional_days(facts_file):
    result = run("assess", facts_file(FRAUD_FACTS))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["entitlement", "eligible", "extra", "compensation", "act", "by"]
    fraud_row = next(line for line in lines if line.startswith("fraud_damages"))
    assert fraud_row.split() == ["fraud_damages", "yes", "¥500.00", "2029-09-25*"]
    assert "消费者权益保护法 Art. 55(1)" in result.stdout
    assert "alternative to food_damages" in result.stdout
    assert lines[-1].startswith("* provisional")


def test_facts_can_come_from_stdin():
    result = run("assess", "-", "--json", stdin=json.dumps(FRAUD_FACTS))
    assert result.exit_code == 0, result.stderr
    assert len(json.loads(result.stdout)) == len(CODES)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"paid_fen": -100}, "error: paid_fen: cannot be negative, got -100"),
        ({"signed_on": "2026-09-19"}, "error: signed_on: 2026-09-19 is before ordered_on 2026-09-20"),
        ({"signed_on": "2026-02-30"}, "error: signed_on: 2026-02-30 is not a date that exists"),
        ({"category": "toys"}, "error: category: unknown value 'toys'"),
        ({"issue": "broken"}, "error: issue: unknown value 'broken'"),
        ({"colour": "red"}, "error: colour: unknown key"),
    ],
)
def test_bad_facts_exit_2_with_one_line_naming_the_field(facts_file, overrides, message):
    result = run("assess", facts_file({**FRAUD_FACTS, **overrides}), "--json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1


def test_invalid_json_names_the_line(facts_file):
    result = run("assess", facts_file('{\n"category": "general",\n}'))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: $: not valid JSON") and "line 3" in result.stderr


def test_missing_file_exits_2_with_one_line(tmp_path):
    result = run("assess", str(tmp_path / "nowhere.json"))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {tmp_path / 'nowhere.json'}: cannot read the facts file")
    assert result.stderr.count("\n") == 1


def test_the_main_cli_can_supply_a_calendar_with_loaded_years(facts_file):
    """How `gongdao` wires loaded years: a factory in ctx.meta, read only when assessing."""
    year_2029 = YearSpec(2029, holidays={date(2029, 9, 25): "测试假日"})

    @click.group()
    @click.pass_context
    def gongdao(ctx):
        ctx.meta[CALENDAR_FACTORY_KEY] = lambda: WorkingCalendar({2029: year_2029})

    gongdao.add_command(law)
    result = CliRunner().invoke(gongdao, ["law", "assess", facts_file(FRAUD_FACTS), "--json"])
    assert result.exit_code == 0, result.stderr
    by_code = {e["code"]: e for e in json.loads(result.stdout)}
    limit = by_code["regulator_complaint_limit"]
    assert (limit["act_by"], limit["act_by_provisional"]) == ("2029-09-26", False)
