"""Policy documents: TOML parsed into a validated, immutable ``PolicyDocument``.

Validation names the key path of the first problem (``deadlines.merchant_response.hours``) and
the line for syntax errors. The packaged default (documents/default.toml) holds every deadline
kind of the workflow; a document that omits one, or names one we don't know, is refused.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from importlib import resources
from typing import Any

from gongdao import codes

DEADLINE_KINDS = (
    "merchant_response",
    "escalate_after_silence",
    "consumer_reply",
    "assignment_sla",
    "evidence_period",
    "extra_evidence",
    "decision_sla",
    "appeal_window",
    "decision_execution",
    "appeal_decision_sla",
    "return_shipment",
    "return_receipt",
    "refund_execution",
    "replacement_shipment",
    "replacement_receipt",
    "rating_window",
)
EXPIRY_ACTIONS = (
    "none",
    "escalate",
    "accept",
    "close",
    "alert",
    "close_evidence",
    "record_advance_payout",
    "confirm_return",
    "confirm_replacement",
)
UNITS = ("hours", "days", "working_days")


class PolicyError(ValueError):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path


@dataclass(frozen=True)
class DeadlineSpec:
    kind: str
    amount: int
    unit: str
    on_expiry: str

    def delta(self) -> timedelta | None:
        """The calendar duration, or None for working days (counted by the calendar)."""
        if self.unit == "hours":
            return timedelta(hours=self.amount)
        if self.unit == "days":
            return timedelta(days=self.amount)
        return None


@dataclass(frozen=True)
class IssueRules:
    remedies: tuple[str, ...]
    required_evidence: tuple[str, ...]
    recommended_evidence: tuple[str, ...]


@dataclass(frozen=True)
class PolicyDocument:
    name: str
    version: str
    deadlines: dict[str, DeadlineSpec]
    issues: dict[str, IssueRules]
    statement_max_chars: int
    source: str

    def deadline(self, kind: str) -> DeadlineSpec:
        return self.deadlines[kind]

    def remedies_for(self, issue: str) -> tuple[str, ...]:
        return self.issues[issue].remedies


def _table(data: dict[str, Any], key: str, path: str) -> dict[str, Any]:
    value = data.get(key)
    where = f"{path}.{key}" if path else key
    if value is None:
        raise PolicyError(where, "missing table")
    if not isinstance(value, dict):
        raise PolicyError(where, "must be a table")
    return value


def _no_unknown(data: dict[str, Any], allowed: set[str], path: str) -> None:
    for key in data:
        if key not in allowed:
            raise PolicyError(f"{path}.{key}" if path else key, "unknown key")


def _positive_int(value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise PolicyError(path, f"must be a whole number greater than 0, got {value!r}")
    return value


def _codes(value: Any, allowed: dict | tuple, path: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PolicyError(path, "must be a list of codes")
    for index, item in enumerate(value):
        if item not in allowed:
            raise PolicyError(f"{path}[{index}]", f"unknown code {item!r}")
    return tuple(value)


def _deadline(kind: str, data: dict[str, Any]) -> DeadlineSpec:
    path = f"deadlines.{kind}"
    _no_unknown(data, {*UNITS, "on_expiry"}, path)
    units = [u for u in UNITS if u in data]
    if len(units) != 1:
        raise PolicyError(path, "give exactly one of hours, days, working_days")
    amount = _positive_int(data[units[0]], f"{path}.{units[0]}")
    on_expiry = data.get("on_expiry")
    if on_expiry not in EXPIRY_ACTIONS:
        raise PolicyError(
            f"{path}.on_expiry", f"expected one of {', '.join(EXPIRY_ACTIONS)}, got {on_expiry!r}"
        )
    return DeadlineSpec(kind, amount, units[0], on_expiry)


def _issue(issue: str, data: dict[str, Any]) -> IssueRules:
    path = f"issues.{issue}"
    _no_unknown(data, {"remedies", "required_evidence", "recommended_evidence"}, path)
    for key in ("remedies", "required_evidence", "recommended_evidence"):
        if key not in data:
            raise PolicyError(f"{path}.{key}", "missing key")
    remedies = _codes(data["remedies"], codes.REMEDIES, f"{path}.remedies")
    if not remedies:
        raise PolicyError(f"{path}.remedies", "allow at least one remedy")
    return IssueRules(
        remedies,
        _codes(data["required_evidence"], codes.EVIDENCE_KINDS, f"{path}.required_evidence"),
        _codes(data["recommended_evidence"], codes.EVIDENCE_KINDS, f"{path}.recommended_evidence"),
    )


def parse(text: str) -> PolicyDocument:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError("", f"TOML syntax error: {exc}")
    _no_unknown(data, {"policy", "deadlines", "statements", "issues"}, "")
    meta = _table(data, "policy", "")
    _no_unknown(meta, {"name", "version", "note"}, "policy")
    version = meta.get("version")
    if not isinstance(version, str) or not version.strip():
        raise PolicyError("policy.version", "missing version label")
    deadlines_table = _table(data, "deadlines", "")
    _no_unknown(deadlines_table, set(DEADLINE_KINDS), "deadlines")
    deadlines = {kind: _deadline(kind, _table(deadlines_table, kind, "deadlines")) for kind in DEADLINE_KINDS}
    issues_table = _table(data, "issues", "")
    _no_unknown(issues_table, set(codes.ISSUE_TYPES), "issues")
    issues = {issue: _issue(issue, _table(issues_table, issue, "issues")) for issue in codes.ISSUE_TYPES}
    statements = _table(data, "statements", "")
    _no_unknown(statements, {"max_chars"}, "statements")
    return PolicyDocument(
        name=str(meta.get("name", version)),
        version=version.strip(),
        deadlines=deadlines,
        issues=issues,
        statement_max_chars=_positive_int(statements.get("max_chars"), "statements.max_chars"),
        source=text,
    )


def default_text() -> str:
    return resources.files("gongdao.policy").joinpath("documents/default.toml").read_text(encoding="utf-8")


@cache
def default() -> PolicyDocument:
    return parse(default_text())


def add_duration(spec: DeadlineSpec, start: datetime, calendar: Any) -> tuple[datetime, bool]:
    """When a deadline of this spec, started at ``start``, falls due; and whether provisional.

    Working days keep the local time of day: the n-th working day after the start day, at the
    same China time (the start day is not counted).
    """
    delta = spec.delta()
    if delta is not None:
        return start + delta, False
    from django.utils import timezone

    local = timezone.localtime(start)
    counted = calendar.add_working_days(local.date(), spec.amount)
    due = local.replace(year=counted.value.year, month=counted.value.month, day=counted.value.day)
    return due, counted.provisional
