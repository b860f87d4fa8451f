"""What reading a case needs besides its row, loaded once per read of the case.

Deciding which actions a viewer may take asks a few questions about a case's other rows: which
sides still have evidence on it (``withdraw_evidence``), whether a deadline is pending or paused
(``pause_deadline`` / ``resume_deadline``). ``load`` answers them all in one statement, compiled
once per process (the ORM would compile its SQL on every call). A reader that loaded them with
the case (``api.common.load_case``) or has loaded them once (``cases.queries.allowed_actions``)
keeps them on the case object with ``remember``; they count for that version of the case only.
Every write to a case claims it and so changes its version: facts kept for the old version are
ignored from then on, and a guard that runs inside ``perform`` (after the claim) reads afresh.

The case's lines (with their order lines) are kept the same way when a reader loaded them with
the case: ``lines``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection

from gongdao import db

if TYPE_CHECKING:
    from gongdao.cases.models import Case

EVIDENCE_SIDES = ("consumer", "merchant", "platform")
DEADLINE_STATES = ("pending", "paused")
_FACTS = "_gongdao_facts"
_LINES = "_gongdao_lines"
_READING = "_gongdao_reading"


@dataclass(frozen=True)
class Facts:
    version: int  # the case's version these were read at
    evidence_sides: frozenset[str]  # sides with an item on the case that is not withdrawn
    deadline_states: frozenset[str]  # among "pending" and "paused": states some deadline is in


@functools.lru_cache(maxsize=4)
def columns_sql(vendor: str, case_id: str) -> str:
    """The facts as columns of a SELECT, for the case whose id is the SQL expression ``case_id``
    (a parameter, or a column of a query that reads the case itself): one EXISTS per side and
    per deadline state, in the order of EVIDENCE_SIDES then DEADLINE_STATES."""
    from gongdao.cases.models import Deadline
    from gongdao.evidence.models import EvidenceItem

    quote = connection.ops.quote_name
    evidence, deadline = quote(EvidenceItem._meta.db_table), quote(Deadline._meta.db_table)
    parts = [
        f"EXISTS (SELECT 1 FROM {evidence} WHERE {quote('case_id')} = {case_id} "  # noqa: S608 (our names)
        f"AND {quote('side')} = '{side}' AND {quote('withdrawn_at')} IS NULL)"
        for side in EVIDENCE_SIDES
    ]
    parts += [
        f"EXISTS (SELECT 1 FROM {deadline} WHERE {quote('case_id')} = {case_id} "  # noqa: S608
        f"AND {quote('state')} = '{state}')"
        for state in DEADLINE_STATES
    ]
    return ", ".join(parts)


WIDTH = len(EVIDENCE_SIDES) + len(DEADLINE_STATES)


def from_values(version: int, values: Any) -> Facts:
    """Facts from the columns ``columns_sql`` selects."""
    flags = [bool(v) for v in values]
    n = len(EVIDENCE_SIDES)
    return Facts(
        version=version,
        evidence_sides=frozenset(s for s, on in zip(EVIDENCE_SIDES, flags[:n], strict=True) if on),
        deadline_states=frozenset(s for s, on in zip(DEADLINE_STATES, flags[n:], strict=True) if on),
    )


def load(case: Case) -> Facts:
    """Read the facts now (one statement); not kept."""
    row = db.fetchone(f"SELECT {columns_sql(connection.vendor, '%s')}", [case.pk] * WIDTH)  # noqa: S608
    return from_values(case.version, row)


def get(case: Case) -> Facts:
    """The facts kept for this version of the case, or read now (and kept while ``reading``)."""
    kept = case.__dict__.get(_FACTS)
    if kept is not None and kept.version == case.version:
        return kept  # type: ignore[no-any-return]
    facts = load(case)
    if case.__dict__.get(_READING):
        case.__dict__[_FACTS] = facts
    return facts


@contextmanager
def reading(case: Case) -> Iterator[None]:
    """Around a read that may ask several questions (all the guards of ``allowed_actions``):
    the facts are read at most once, and kept for this version of the case."""
    outer = case.__dict__.get(_READING, False)
    case.__dict__[_READING] = True
    try:
        yield
    finally:
        case.__dict__[_READING] = outer


def remember(case: Case, facts: Facts | None = None) -> Facts:
    """Keep the facts (read now if not given) on the case object for its current version."""
    facts = facts if facts is not None else get(case)
    case.__dict__[_FACTS] = facts
    return facts


def lines(case: Case) -> list[Any]:
    """The case's lines with their order lines, in line order: those kept for this version, or
    read now (not kept)."""
    kept = case.__dict__.get(_LINES)
    if kept is not None and kept[0] == case.version:
        return list(kept[1])
    return list(case.lines.select_related("order_line"))


def remember_lines(case: Case, rows: list[Any]) -> None:
    case.__dict__[_LINES] = (case.version, list(rows))


def prefetch(cases: list[Case]) -> None:
    """Keep the lines and the facts of many cases (a page of a listing) read in three statements
    in all, instead of two for each case."""
    from gongdao.cases.models import CaseLine, Deadline
    from gongdao.evidence.models import EvidenceItem

    if not cases:
        return
    ids = [case.pk for case in cases]
    lines: dict[int, list[Any]] = {pk: [] for pk in ids}
    for line in CaseLine.objects.filter(case_id__in=ids).select_related("order_line"):
        lines[line.case_id].append(line)
    sides: dict[int, set[str]] = {pk: set() for pk in ids}
    live = EvidenceItem.objects.filter(case_id__in=ids, side__in=EVIDENCE_SIDES, withdrawn_at__isnull=True)
    for case_id, side in live.values_list("case_id", "side").distinct():
        sides[case_id].add(side)
    states: dict[int, set[str]] = {pk: set() for pk in ids}
    running = Deadline.objects.filter(case_id__in=ids, state__in=DEADLINE_STATES)
    for case_id, state in running.values_list("case_id", "state").distinct():
        states[case_id].add(state)
    for case in cases:
        remember_lines(case, lines[case.pk])
        remember(case, Facts(case.version, frozenset(sides[case.pk]), frozenset(states[case.pk])))
