"""The facts the law advisor assesses: parsing and validating the facts JSON (issue #8).

Unknown keys are an error; a missing optional key takes its default (see ``_OPTIONAL`` and
docs/law.md). Every refusal is a :class:`FactsError` whose ``field`` names the offending
key, so the CLI, the API and the case-page questionnaire can point at it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from gongdao.codes import ISSUE_TYPES as ISSUE_TYPE_LABELS

# The issue-type codes of DESIGN.md, in its order; gongdao.codes owns them (with their labels).
ISSUE_TYPES: tuple[str, ...] = tuple(ISSUE_TYPE_LABELS)
CATEGORIES: tuple[str, ...] = (
    "general",
    "food",
    "made_to_order",
    "fresh",
    "digital_download",
    "periodical",
    "sanbao_durable",
)
RESPONDENT_ROLES: tuple[str, ...] = ("seller", "producer")
CHINA = ZoneInfo("Asia/Shanghai")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class FactsError(ValueError):
    """Facts we cannot assess; ``field`` names the key ("$" for the document as a whole)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Facts:
    """One purchase and its problem, as the advisor needs them. Money in integer fen; dates
    are calendar dates in China time."""

    category: str
    issue: str
    unit_price_fen: int
    quantity: int
    paid_fen: int
    ordered_on: date
    problem_found_on: date
    today: date
    requested_on: date
    paid_on: date
    loss_fen: int = 0
    signed_on: date | None = None
    last_demand_on: date | None = None
    fraud: bool = False
    food_unsafe: bool = False
    label_flaw_only: bool = False
    injury: bool = False
    seller_knew: bool = False
    non_returnable_confirmed: bool = False
    intact: bool = True
    invoice_requested: bool = False
    seller_identifiable: bool = True
    respondent_role: str = "seller"


# --- value parsers: (field, raw) -> value, raising FactsError ------------------------------


def _choice(options: tuple[str, ...]) -> Callable[[str, Any], str]:
    def parse(field: str, raw: Any) -> str:
        if not isinstance(raw, str) or raw not in options:
            raise FactsError(field, f"unknown value {raw!r}; expected one of {', '.join(options)}")
        return raw

    return parse


def _fen(field: str, raw: Any) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise FactsError(field, f"expected a whole number of fen (¥1 = 100), got {raw!r}")
    if raw < 0:
        raise FactsError(field, f"cannot be negative, got {raw}")
    return raw


def _quantity(field: str, raw: Any) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
        raise FactsError(field, f"expected a whole number of at least 1, got {raw!r}")
    return raw


def _date(field: str, raw: Any) -> date:
    if not isinstance(raw, str) or not _ISO_DATE.fullmatch(raw):
        raise FactsError(field, f"expected a date written YYYY-MM-DD, got {raw!r}")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise FactsError(field, f"{raw} is not a date that exists") from None


def _optional_date(field: str, raw: Any) -> date | None:
    return None if raw is None else _date(field, raw)


def _bool(field: str, raw: Any) -> bool:
    if not isinstance(raw, bool):
        raise FactsError(field, f"expected true or false, got {raw!r}")
    return raw


_REQUIRED: dict[str, Callable[[str, Any], Any]] = {
    "category": _choice(CATEGORIES),
    "issue": _choice(ISSUE_TYPES),
    "unit_price_fen": _fen,
    "quantity": _quantity,
    "paid_fen": _fen,
    "ordered_on": _date,
    "problem_found_on": _date,
}
# Optional keys and their parsers; defaults are Facts' own, except the date defaults below.
_OPTIONAL: dict[str, Callable[[str, Any], Any]] = {
    "loss_fen": _fen,
    "paid_on": _date,  # default: ordered_on
    "signed_on": _optional_date,  # default: null (never delivered)
    "requested_on": _date,  # default: today
    "last_demand_on": _optional_date,  # default: null (no demand)
    "today": _date,  # default: the current date in China time
    "fraud": _bool,
    "food_unsafe": _bool,
    "label_flaw_only": _bool,
    "injury": _bool,
    "seller_knew": _bool,
    "non_returnable_confirmed": _bool,
    "intact": _bool,
    "invoice_requested": _bool,
    "seller_identifiable": _bool,
    "respondent_role": _choice(RESPONDENT_ROLES),
}
_PARSERS = {**_REQUIRED, **_OPTIONAL}
FIELDS: tuple[str, ...] = tuple(_PARSERS)


def parse_facts(data: Any, *, today: date | None = None) -> Facts:
    """Validate a decoded facts object. ``today`` is the default for the ``today`` key (else the
    current date in China time)."""
    if not isinstance(data, Mapping):
        raise FactsError("$", f"expected a JSON object of facts, got {type(data).__name__}")
    for key in data:
        if key not in FIELDS:
            raise FactsError(str(key), "unknown key; see docs/law.md for the facts the advisor takes")
    values: dict[str, Any] = {}
    for key, parse in _PARSERS.items():
        if key in data:
            values[key] = parse(key, data[key])
        elif key in _REQUIRED:
            raise FactsError(key, "missing; this fact is required")
    values.setdefault("today", today or datetime.now(CHINA).date())
    values.setdefault("requested_on", values["today"])
    values.setdefault("paid_on", values["ordered_on"])
    facts = Facts(**values)
    _check_dates(facts)
    return facts


def load_facts(text: str, *, today: date | None = None) -> Facts:
    """Decode the facts JSON document and validate it."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FactsError("$", f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    return parse_facts(data, today=today)


def _check_dates(facts: Facts) -> None:
    """Every date lies between the order and today."""
    for key in ("paid_on", "signed_on", "problem_found_on", "requested_on", "last_demand_on"):
        value = getattr(facts, key)
        if value is not None and value < facts.ordered_on:
            raise FactsError(key, f"{value} is before ordered_on {facts.ordered_on}")
    for key in ("ordered_on", "paid_on", "signed_on", "problem_found_on", "requested_on", "last_demand_on"):
        value = getattr(facts, key)
        if value is not None and value > facts.today:
            raise FactsError(key, f"{value} is after today {facts.today}; facts describe the past")
