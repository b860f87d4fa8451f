"""docs/self-help.md cannot rot: its tables are generated from gongdao.selfhelp.effects, and it
names every self-help operation of the API and command of the CLI."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "self-help.md"


def _script() -> Any:
    spec = importlib.util.spec_from_file_location(
        "gen_selfhelp_tables", ROOT / "scripts" / "gen_selfhelp_tables.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_step_tables_match_the_code() -> None:
    assert _script().tables() in DOC.read_text(encoding="utf-8"), (
        "stale tables: run `python scripts/gen_selfhelp_tables.py`"
    )


def test_every_self_help_operation_and_command_is_documented(client: Any) -> None:
    text = DOC.read_text(encoding="utf-8")
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    ours = [p for p in paths if "/purchases" in p or "/invitations" in p]
    assert len(ours) == 3
    for path in ours:
        short = path.removeprefix("/api/v1")
        tail = short.split("/invitations")[-1]
        assert short in text or f"…/invitations{tail}" in text, path
    for command in ("cases --mode self_help", "invitation list", "invitation revoke", "policy profiles"):
        assert f"gongdao {command}" in text, command
