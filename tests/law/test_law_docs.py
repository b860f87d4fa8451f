"""docs/law.md cannot rot: it names every code, and every test it cites exists."""

import re
from pathlib import Path

import pytest

from gongdao.law.entitlement import CODES
from gongdao.law.facts import FIELDS

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "law.md").read_text(encoding="utf-8")


def _test_names():
    sources = [*(ROOT / "tests" / "law").glob("test_*.py"), ROOT / "tests" / "policy" / "test_calendar.py"]
    return {
        name for path in sources for name in re.findall(r"^def (test_\w+)", path.read_text("utf-8"), re.M)
    }


def test_law_doc_has_a_section_for_every_code():
    for code in CODES:
        assert f"`{code}`" in DOC, code


def test_law_doc_lists_every_fact():
    for key in FIELDS:
        assert f"`{key}`" in DOC, key


def test_every_test_the_law_doc_cites_exists():
    cited = set(re.findall(r"`(test_\w+)`", DOC))
    assert cited and cited <= _test_names(), cited - _test_names()
