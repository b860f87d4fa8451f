"""Rewrite the status diagram in docs/architecture.md from the transition table.

Usage: python scripts/gen_status_diagram.py   (tests/core/test_docs.py fails when it is stale)
"""

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BEGIN, END = "<!-- status-diagram:begin -->", "<!-- status-diagram:end -->"


def block() -> str:
    from gongdao.cases.workflow import mermaid

    return f"{BEGIN}\n```mermaid\n{mermaid()}\n```\n{END}"


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongdao.settings")
    import django

    django.setup()
    path = ROOT / "docs" / "architecture.md"
    text = path.read_text(encoding="utf-8")
    new = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), block(), text, flags=re.S)
    path.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
