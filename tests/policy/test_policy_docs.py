"""docs/policy.md cannot rot: it names every key, deadline kind, profile and command, its examples
parse, and the tests it cites exist."""

import re
from pathlib import Path

import pytest
from django.utils import translation

from gongdao.policy import cli, document, schema
from gongdao.policy.calendar import parse_year_toml

pytestmark = [pytest.mark.unit, pytest.mark.usefixtures("english")]

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "policy.md").read_text(encoding="utf-8")
SECTION_KEYS = {
    "policy": ["version", "name", "note", "profile", "sources"],
    "deadlines": [*document.UNITS, "opens", "closes", "on_expiry"],
    "statements": ["max_chars"],
    "issues": ["remedies", "required_evidence", "recommended_evidence"],
    "escalation": ["after_silence", "after_refusal", "when_remedy_stalls"],
    "money": ["refund_cap"],
    "appeal": ["max_appeals", "parties"],
    "pause": ["max_days", "proof_working_days"],
    "rules": ["id", "title_zh", "title_en", "text_zh", "text_en", "basis"],
}


def test_every_section_and_key_is_documented():
    assert set(SECTION_KEYS) | {"reminders"} == schema.TOP_LEVEL
    for section, keys in SECTION_KEYS.items():
        assert f"[{section}" in DOC or f"[[{section}]]" in DOC, section
        for key in keys:
            assert f"`{key}" in DOC, f"{section}.{key}"


def test_every_deadline_kind_has_a_documented_default_and_source():
    policy = document.default()
    with translation.override("en"):
        described = {kind: spec.describe() for kind, spec in policy.deadlines.items()}
    for kind in document.DEADLINE_KINDS:
        row = next(line for line in DOC.splitlines() if line.startswith(f"| `{kind}` |"))
        spec = policy.deadline(kind)
        assert f"| {described[kind]} | `{spec.on_expiry}` |" in row, kind
        assert "DESIGN.md" in row, kind


def test_every_reminder_default_is_documented():
    policy = document.default()
    for kind, offsets in policy.reminders.items():
        assert any(line.startswith(f"| `{kind}` | `[") for line in DOC.splitlines()), kind
        assert len(offsets) >= 1


def test_every_profile_and_expiry_action_is_documented():
    for name in document.PROFILES:
        assert f"| `{name}` |" in DOC, name
    for action in document.EXPIRY_ACTIONS:
        assert f"`{action}`" in DOC, action


def test_every_command_is_documented():
    for group in (cli.policy, cli.calendar):
        for name in group.commands:
            assert f"gongdao {group.name} {name}" in DOC, f"{group.name} {name}"


def test_the_calendar_example_parses():
    example = re.search(r"```toml\n(year = \d+.*?)```", DOC, re.S).group(1)
    spec = parse_year_toml(example)
    assert spec.year == 2027 and len(spec.workdays) == 2


def test_every_test_the_doc_cites_exists():
    names = {
        name
        for path in (ROOT / "tests" / "policy").glob("test_*.py")
        for name in re.findall(r"^def (test_\w+)", path.read_text("utf-8"), re.M)
    }
    cited = set(re.findall(r"`(test_\w+)`", DOC))
    assert cited and cited <= names, cited - names
