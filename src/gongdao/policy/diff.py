"""What changed between two policy documents: by key path (``deadlines.merchant_response.hours:
48 → 24``; rules by id, ``rules[R-3.1].text_en``), and as a unified diff of the TOML text."""

from __future__ import annotations

import difflib
import json
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any


@dataclass(frozen=True)
class Change:
    path: str
    old: Any  # None: added
    new: Any  # None: removed

    @property
    def kind(self) -> str:
        if self.old is None:
            return "added"
        if self.new is None:
            return "removed"
        return "changed"

    def __str__(self) -> str:
        if self.old is None:
            return f"+ {self.path} = {show(self.new)}"
        if self.new is None:
            return f"- {self.path} (was {show(self.old)})"
        return f"~ {self.path}: {show(self.old)} → {show(self.new)}"


def show(value: Any) -> str:
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False, default=str)


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """Leaf values by key path; arrays of tables with an ``id`` are keyed by that id."""
    if isinstance(data, dict):
        flat: dict[str, Any] = {}
        for key, value in data.items():
            flat.update(flatten(value, f"{prefix}.{key}" if prefix else key))
        return flat
    if isinstance(data, list) and data and all(isinstance(item, dict) and "id" in item for item in data):
        flat = {}
        for item in data:
            rest = {k: v for k, v in item.items() if k != "id"}
            flat.update(flatten(rest, f"{prefix}[{item['id']}]"))
        return flat
    return {prefix: data}


def changes(old_text: str, new_text: str) -> list[Change]:
    """Changed, removed and added settings, in the order they appear in the documents."""
    old, new = flatten(tomllib.loads(old_text)), flatten(tomllib.loads(new_text))
    found = [Change(path, value, new.get(path)) for path, value in old.items() if new.get(path) != value]
    found += [Change(path, None, value) for path, value in new.items() if path not in old]
    # An added key sorts just after the key before it in the new document.
    position: dict[str, float] = {path: float(index) for index, path in enumerate(old)}
    last = -1.0
    for path in new:
        if path in position:
            last = position[path]
        else:
            position[path] = last + 0.5
    return sorted(found, key=lambda change: position[change.path])


def text_diff(old_text: str, new_text: str, old_name: str, new_name: str) -> str:
    lines = difflib.unified_diff(
        old_text.splitlines(keepends=True),
        new_text.splitlines(keepends=True),
        fromfile=old_name,
        tofile=new_name,
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)
