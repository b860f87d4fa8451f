"""Rewrite the tables of docs/self-help.md from gongdao.selfhelp.effects (the recorded steps, where
each may come from and where it leads, and the channels).

Usage: python scripts/gen_selfhelp_tables.py   (tests/selfhelp/test_selfhelp_docs.py fails when stale)
"""

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BEGIN, END = "<!-- self-help-tables:begin -->", "<!-- self-help-tables:end -->"


def _statuses(names: tuple[str, ...]) -> str:
    return ", ".join(f"`{name}`" for name in names)


def tables() -> str:
    from django.utils import translation

    from gongdao.selfhelp import effects

    with translation.override("en"):
        lines = [
            "| action | what happened | meaning | recorded while the case is | the case becomes |",
            "|---|---|---|---|---|",
        ]
        recorded = (
            ("record_merchant_reply", "reply", effects.REPLIES, effects.REPLY_MOVES),
            ("record_platform_step", "step", effects.PLATFORM_STEPS, effects.PLATFORM_MOVES),
        )
        for action, key, labels, moves in recorded:
            for value, (sources, target) in moves.items():
                becomes = f"`{target}`" if target else "(stays)"
                lines.append(
                    f"| `{action}` | `{key}: {value}` | {labels[value]} | {_statuses(sources)} | {becomes} |"
                )
        lines += ["", "| `channel` | meaning |", "|---|---|"]
        lines += [f"| `{code}` | {label} |" for code, label in effects.CHANNELS.items()]
    return f"{BEGIN}\n" + "\n".join(lines) + f"\n{END}"


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongdao.settings")
    import django

    django.setup()
    path = ROOT / "docs" / "self-help.md"
    text = path.read_text(encoding="utf-8")
    new = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _m: tables(), text, flags=re.S)
    path.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
