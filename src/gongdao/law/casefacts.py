"""The law advisor's facts for one case, and where each came from (issue #8, item 3).

What the order knows (prices, quantity, paid, the days of ordering, payment and signing) and what
the case knows (the issue, the day it was opened, the consumer's demands in its record) are
derived; what neither can know (fraud, unsafe food, injury, what the seller knew, the kind of
goods, losses, …) is asked in a short questionnaire. Each answer is a case event
(``law_facts_recorded``): a consumer's answer is ``claimed``, a platform agent's is ``found``, and
a finding overrides the claim for the assessment while both stay on record.

Pure: the caller reads the order snapshot, the lines and the events (``gongdao.law.queries`` from
the database, ``gongdao.dossiers.legal`` from a dossier's frozen record) and passes them in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from gongdao.law.facts import CATEGORIES, CHINA, RESPONDENT_ROLES, Facts, FactsError, parse_facts

EVENT_TYPE = "law_facts_recorded"
CLAIMED, FOUND = "claimed", "found"
# Where a fact came from, in the order the panel explains them.
SOURCES = ("found", "claimed", "order", "case", "record", "default")
# The workflow actions by which the consumer demands something of the merchant or the platform:
# the first is ``requested_on``, the last ``last_demand_on`` (it restarts the limitation period).
CONSUMER_DEMANDS = ("submit", "revise", "escalate", "appeal")

FLAGS = (
    "fraud",
    "food_unsafe",
    "label_flaw_only",
    "injury",
    "seller_knew",
    "intact",
    "non_returnable_confirmed",
    "invoice_requested",
)
# The questionnaire, in the order it is asked: what the order and the case cannot know.
QUESTIONS: tuple[str, ...] = (
    "category",
    "problem_found_on",
    "fraud",
    "food_unsafe",
    "label_flaw_only",
    "injury",
    "seller_knew",
    "loss_fen",
    "intact",
    "non_returnable_confirmed",
    "invoice_requested",
    "respondent_role",
)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class EventLike(Protocol):
    """A case event as both the database (``CaseEvent``) and a dossier's record (``Event``) hold it."""

    @property
    def seq(self) -> int: ...
    @property
    def type(self) -> str: ...
    @property
    def actor_role(self) -> str: ...
    @property
    def occurred_at(self) -> datetime: ...
    @property
    def payload(self) -> dict[str, Any] | None: ...


@dataclass(frozen=True)
class Statement:
    """One answer on record: ``value`` None withdraws an earlier answer of the same standing."""

    name: str
    value: Any
    standing: str  # "claimed" | "found"
    seq: int | None  # the event that recorded it (None: given for one dossier only)
    on: date | None = None
    actor_role: str = ""


@dataclass(frozen=True)
class Fact:
    """A fact the assessment used: its value, where it came from, and both parties' answers."""

    name: str
    value: Any
    source: str  # one of SOURCES
    seq: int | None = None  # the event it rests on, when there is one
    claimed: Statement | None = None
    found: Statement | None = None


@dataclass(frozen=True)
class Line:
    unit_price_fen: int
    quantity: int
    paid_fen: int


@dataclass(frozen=True)
class CaseInputs:
    """Everything the facts are derived from, read once by the caller."""

    issue: str
    order: Mapping[str, Any]  # the order snapshot frozen when the case was opened
    lines: tuple[Line, ...]
    opened_on: date
    events: tuple[EventLike, ...] = ()
    today: date | None = None


@dataclass(frozen=True)
class CaseFacts:
    facts: dict[str, Fact]
    parsed: Facts | None
    error: FactsError | None = None
    statements: tuple[Statement, ...] = field(default_factory=tuple)

    def data(self) -> dict[str, Any]:
        """The facts object of ``gongdao law assess`` (docs/law.md)."""
        return {name: _json(fact.value) for name, fact in self.facts.items()}

    def source(self, name: str) -> str:
        fact = self.facts.get(name)
        return fact.source if fact else "default"

    def value(self, name: str) -> Any:
        fact = self.facts.get(name)
        return fact.value if fact else None

    def current(self, standing: str) -> dict[str, Any]:
        """The answers of one standing now in force (withdrawn ones left out)."""
        out: dict[str, Any] = {}
        for s in self.statements:
            if s.standing != standing:
                continue
            if s.value is None:
                out.pop(s.name, None)
            else:
                out[s.name] = s.value
        return out


# ---- answers: validation ------------------------------------------------------------------


def parse_answer(name: str, raw: Any) -> Any:
    """A questionnaire answer as JSON gives it (None: withdraw the answer). Raises FactsError."""
    if name not in QUESTIONS:
        raise FactsError(name, "unknown question; see docs/law.md for the questionnaire")
    if raw is None:
        return None
    if name in FLAGS:
        if not isinstance(raw, bool):
            raise FactsError(name, f"expected true or false, got {raw!r}")
        return raw
    if name == "category":
        return _choice(name, raw, CATEGORIES)
    if name == "respondent_role":
        return _choice(name, raw, RESPONDENT_ROLES)
    if name == "loss_fen":
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
            raise FactsError(name, f"expected a whole number of fen of 0 or more, got {raw!r}")
        return raw
    if not isinstance(raw, str) or not _ISO_DATE.fullmatch(raw):  # problem_found_on
        raise FactsError(name, f"expected a date written YYYY-MM-DD, got {raw!r}")
    try:
        date.fromisoformat(raw)
    except ValueError:
        raise FactsError(name, f"{raw} is not a date that exists") from None
    return raw


def _choice(name: str, raw: Any, options: tuple[str, ...]) -> str:
    if not isinstance(raw, str) or raw not in options:
        raise FactsError(name, f"unknown value {raw!r}; expected one of {', '.join(options)}")
    return raw


# ---- the record ---------------------------------------------------------------------------


def china_date(moment: datetime | str | None) -> date | None:
    if moment is None or moment == "":
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    return moment.astimezone(CHINA).date()


def demand_dates(events: Iterable[EventLike]) -> list[date]:
    """The days the consumer demanded something of the merchant or the platform."""
    return [on for on, _seq in _demands(events)]


def statements(events: Iterable[EventLike]) -> tuple[Statement, ...]:
    """Every answer recorded by ``law_facts_recorded`` events, in the record's order."""
    out = []
    for event in events:
        if event.type != EVENT_TYPE or event.payload is None:
            continue
        standing = event.payload.get("standing")
        if standing not in (CLAIMED, FOUND):
            continue
        for name, value in sorted((event.payload.get("facts") or {}).items()):
            if name in QUESTIONS:
                out.append(
                    Statement(
                        name, value, standing, event.seq, china_date(event.occurred_at), event.actor_role
                    )
                )
    return tuple(out)


# ---- building the facts -------------------------------------------------------------------


def build(inputs: CaseInputs, *, extra: Iterable[Statement] = (), today: date | None = None) -> CaseFacts:
    """The case's facts with their sources. ``extra`` are answers given after the record's (a
    dossier's own claims, or answers being checked before they are recorded). When the facts
    do not fit together, ``parsed`` is None and ``error`` names the fact."""
    today = today or inputs.today or datetime.now(CHINA).date()
    said = statements(inputs.events) + tuple(extra)
    facts = _derived(inputs, today)
    for name in QUESTIONS:
        claimed, found = _latest(said, name, CLAIMED), _latest(said, name, FOUND)
        base = facts.get(name) or Fact(name, None, "default")
        chosen = found or claimed
        if chosen is not None:
            facts[name] = Fact(name, _value(name, chosen.value), chosen.standing, chosen.seq, claimed, found)
        elif name in _DEFAULTS or name in facts:
            value = base.value if name in facts else _DEFAULTS[name]
            facts[name] = Fact(name, value, base.source, base.seq, claimed, found)
    data = {n: _json(f.value) for n, f in facts.items() if f.value is not None or n in _NULLABLE}
    try:
        parsed: Facts | None = parse_facts(data, today=today)
        error = None
    except FactsError as exc:
        parsed, error = None, exc
    return CaseFacts(facts, parsed, error, said)


_DEFAULTS: dict[str, Any] = {
    "category": "general",
    "fraud": False,
    "food_unsafe": False,
    "label_flaw_only": False,
    "injury": False,
    "seller_knew": False,
    "loss_fen": 0,
    "intact": True,
    "non_returnable_confirmed": False,
    "respondent_role": "seller",
}
_NULLABLE = ("signed_on", "last_demand_on")


def _latest(said: tuple[Statement, ...], name: str, standing: str) -> Statement | None:
    """The answer in force: the last one of this standing, unless it withdrew the answer."""
    last = next((s for s in reversed(said) if s.name == name and s.standing == standing), None)
    return None if last is None or last.value is None else last


def _derived(inputs: CaseInputs, today: date) -> dict[str, Fact]:
    order, lines = inputs.order, inputs.lines
    facts: dict[str, Fact] = {}

    def put(name: str, value: Any, source: str, seq: int | None = None) -> None:
        facts[name] = Fact(name, value, source, seq)

    put("issue", inputs.issue, "case")
    put("unit_price_fen", max((line.unit_price_fen for line in lines), default=0), "order")
    put("quantity", max(1, sum(line.quantity for line in lines)), "order")
    put("paid_fen", sum(line.paid_fen for line in lines), "order")
    ordered = china_date(order.get("ordered_at"))
    put("ordered_on", ordered or inputs.opened_on, "order" if ordered else "case")
    paid = china_date(order.get("paid_at"))
    if paid:
        put("paid_on", paid, "order")
    else:
        put("paid_on", facts["ordered_on"].value, "default")
    put("signed_on", china_date(order.get("signed_at")), "order")
    put("problem_found_on", inputs.opened_on, "case")
    demands = _demands(inputs.events)
    if demands:
        put("requested_on", demands[0][0], "record", demands[0][1])
        put("last_demand_on", demands[-1][0], "record", demands[-1][1])
    else:
        put("requested_on", today, "default")
        put("last_demand_on", None, "default")
    if inputs.issue == "invoice_refused":
        put("invoice_requested", True, "case")
    else:
        put("invoice_requested", False, "default")
    put("today", today, "default")
    return facts


def _demands(events: Iterable[EventLike]) -> list[tuple[date, int]]:
    found = []
    for event in events:
        if event.type in CONSUMER_DEMANDS and event.actor_role == "consumer" and event.payload is not None:
            d = china_date(event.occurred_at)
            if d:
                found.append((d, event.seq))
    return sorted(found)


def _value(name: str, value: Any) -> Any:
    if name == "problem_found_on" and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value  # parse_facts names the field
    return value


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


# ---- carrying an amount into the consumer's request -----------------------------------------

MONEY_CODES = ("fraud_damages", "food_damages", "injury_damages")
WITH_LOSSES = ("food_damages", "injury_damages")


def claim_total(code: str, amount_fen: int | None, amount_max_fen: int | None, facts: Facts) -> int:
    """What to ask for when carrying an entitlement into the request: the refund of the price
    paid, plus the losses where the rule pays them on top (unsafe food, injury), plus the extra
    (for a range, its top). 0 when the code carries no money."""
    if code not in MONEY_CODES:
        return 0
    extra = amount_fen if amount_fen is not None else (amount_max_fen or 0)
    if extra <= 0:
        return 0
    losses = facts.loss_fen if code in WITH_LOSSES else 0
    return facts.paid_fen + losses + extra


def split(total_fen: int, weights: Mapping[int, int]) -> dict[int, int]:
    """``total_fen`` shared across lines (line_no → weight, e.g. what was paid) in proportion,
    to the fen, the remainders going to the largest shares first; equal shares when all
    weights are 0."""
    if not weights:
        return {}
    keys = sorted(weights)
    total_weight = sum(max(0, weights[k]) for k in keys)
    if total_weight == 0:
        base = dict.fromkeys(keys, 1)
        total_weight = len(keys)
    else:
        base = {k: max(0, weights[k]) for k in keys}
    shares = {k: total_fen * base[k] // total_weight for k in keys}
    remainders = sorted(keys, key=lambda k: (-(total_fen * base[k] % total_weight), -base[k], k))
    for k in remainders[: total_fen - sum(shares.values())]:
        shares[k] += 1
    return shares
