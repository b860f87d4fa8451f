"""Docs that cannot rot: the status diagram in docs/architecture.md is the transition table's."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.unit
def test_status_diagram_matches_the_transition_table() -> None:
    from gongdao.cases.workflow import mermaid

    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert f"```mermaid\n{mermaid()}\n```" in text, (
        "stale diagram: run `python scripts/gen_status_diagram.py`"
    )
