"""``gongdao law …``: the law advisor on the command line (issue #8).

``gongdao law assess FACTS.json`` prints a readable table; ``--json`` prints only the JSON list
on stdout. Bad facts print one line naming the field on stderr and exit with status 2.

The calendar: library years only, unless the main CLI puts a zero-argument factory returning a
:class:`WorkingCalendar` (with the loaded years) in ``ctx.meta[CALENDAR_FACTORY_KEY]``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from typing import NoReturn

import click

from gongdao.law.advisor import assess
from gongdao.law.common import yuan
from gongdao.law.entitlement import Entitlement
from gongdao.law.facts import FactsError, load_facts
from gongdao.policy.calendar import WorkingCalendar

CALENDAR_FACTORY_KEY = "gongdao.law.calendar_factory"
BAD_INPUT = 2

law = click.Group("law", help="What the law entitles a consumer to, with amounts, last dates and articles.")


@law.command("assess")
@click.argument("facts_file", metavar="FACTS.json", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--json", "as_json", is_flag=True, help="Print only the JSON list of entitlements on stdout.")
@click.pass_context
def assess_command(ctx: click.Context, facts_file: str, as_json: bool) -> None:
    """Assess the facts in FACTS.json ('-' reads stdin); see docs/law.md for the keys."""
    try:
        facts = load_facts(_read(facts_file))
    except FactsError as exc:
        _fail(str(exc))
    factory: Callable[[], WorkingCalendar] = ctx.meta.get(CALENDAR_FACTORY_KEY, WorkingCalendar)
    entitlements = assess(facts, factory())
    if as_json:
        click.echo(json.dumps([e.to_dict() for e in entitlements], ensure_ascii=False, indent=2))
    else:
        for line in render_table(entitlements):
            click.echo(line)


def _read(path: str) -> str:
    try:
        if path == "-":
            return sys.stdin.read()
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        _fail(f"{path}: cannot read the facts file ({exc})")


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    raise SystemExit(BAD_INPUT)


# --- the readable table ----------------------------------------------------------------------

_COLUMNS = ("entitlement", "eligible", "extra compensation", "act by")
_WIDTHS = (26, 9, 22, 12)


def render_table(entitlements: list[Entitlement]) -> Iterator[str]:
    """One row per entitlement, then its reason and citations indented below it."""
    yield _row(_COLUMNS)
    yield _row(tuple("-" * (w - 1) for w in _WIDTHS))
    provisional = False
    for e in entitlements:
        act_by = e.act_by.isoformat() + ("*" if e.act_by_provisional else "") if e.act_by else "-"
        provisional = provisional or (e.act_by_provisional and e.act_by is not None)
        yield _row((e.code, "yes" if e.eligible else "no", _amount(e), act_by))
        yield f"    {e.title.zh} {e.title.en}: {e.reason}"
        cited = "; ".join(f"{b.law} Art. {b.article}" for b in e.basis)
        alternative = (
            f" (alternative to {', '.join(e.alternative_to)}; never both)" if e.alternative_to else ""
        )
        yield f"    {cited}{alternative}"
    if provisional:
        yield "* provisional: counted through a year whose holidays the calendar does not know yet"


def _row(cells: tuple[str, ...]) -> str:
    return "".join(cell.ljust(width) for cell, width in zip(cells, _WIDTHS, strict=True)).rstrip()


def _amount(e: Entitlement) -> str:
    if e.amount_fen is not None:
        return yuan(e.amount_fen)
    if e.amount_max_fen is not None:
        return f"{yuan(e.amount_min_fen or 0)}–{yuan(e.amount_max_fen)}"
    return "-"
