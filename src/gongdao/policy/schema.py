"""The policy document's schema: one parser per section, each naming the key path of the first
problem it finds (``deadlines.merchant_response.hours``, ``rules[2].text_en``) and, for TOML
syntax errors, the line. docs/policy.md describes every key and its default.
"""

from __future__ import annotations

import re
import tomllib
from datetime import time, timedelta
from typing import Any

from gongdao import codes
from gongdao.policy.document import (
    APPEAL_PARTIES,
    DEADLINE_KINDS,
    EXPIRY_CHOICES,
    MAX_APPEALS,
    PROFILES,
    REFUND_CAPS,
    UNITS,
    AppealRules,
    DeadlineSpec,
    Escalation,
    IssueRules,
    MoneyRules,
    PauseRules,
    PolicyDocument,
    PolicyError,
    Rule,
)

TOP_LEVEL = {
    "policy",
    "deadlines",
    "statements",
    "issues",
    "escalation",
    "money",
    "appeal",
    "pause",
    "reminders",
    "rules",
}
# Nothing in the workflow waits a year: longer figures are typing mistakes.
MAX_AMOUNT = {"hours": 366 * 24, "days": 366, "working_days": 250, "working_hours": 250 * 9}
VERSION_LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
RULE_ID = re.compile(r"R-\d+(?:\.\d+)*")
OFFSET = re.compile(r"(\d+)([mhd])")
OFFSET_UNITS = {"m": "minutes", "h": "hours", "d": "days"}
CLOCK = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")
LINE = re.compile(r"at line (\d+)")


def parse_document(text: str) -> PolicyDocument:
    data = _load(text)
    _no_unknown(data, TOP_LEVEL, "")
    meta = _meta(_table(data, "policy"))
    deadlines = _deadlines(_table(data, "deadlines"))
    issues = _issues(_table(data, "issues"))
    statements = _table(data, "statements")
    _no_unknown(statements, {"max_chars"}, "statements")
    return PolicyDocument(
        name=meta["name"],
        version=meta["version"],
        deadlines=deadlines,
        issues=issues,
        statement_max_chars=_positive_int(statements.get("max_chars"), "statements.max_chars"),
        source=text,
        note=meta["note"],
        profile=meta["profile"],
        sources=meta["sources"],
        escalation=_escalation(_optional_table(data, "escalation")),
        money=_money(_optional_table(data, "money")),
        appeal=_appeal(_optional_table(data, "appeal")),
        pause=_pause(_optional_table(data, "pause")),
        reminders=_reminders(_optional_table(data, "reminders"), deadlines),
        rules=_rules(data.get("rules", [])),
    )


# ---- basic shapes -------------------------------------------------------------------------


def _load(text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = LINE.search(str(exc))
        line = int(match.group(1)) if match else None
        where = f"line {line}: " if line else ""
        raise PolicyError("", f"{where}TOML syntax error: {exc}", line=line)


def _where(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _table(data: dict[str, Any], key: str, path: str = "") -> dict[str, Any]:
    value = data.get(key)
    where = _where(path, key)
    if value is None:
        raise PolicyError(where, "missing table")
    if not isinstance(value, dict):
        raise PolicyError(where, "must be a table")
    return value


def _optional_table(data: dict[str, Any], key: str) -> dict[str, Any]:
    return _table(data, key) if key in data else {}


def _no_unknown(data: dict[str, Any], allowed: set[str] | dict[str, Any], path: str) -> None:
    for key in data:
        if key not in allowed:
            known = ", ".join(sorted(allowed))
            raise PolicyError(_where(path, key), f"unknown key (expected one of {known})")


def _positive_int(value: Any, path: str, *, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise PolicyError(path, f"must be a whole number greater than 0, got {value!r}")
    if maximum is not None and value > maximum:
        raise PolicyError(path, f"must be at most {maximum}, got {value}")
    return value


def _bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise PolicyError(path, f"must be true or false, got {value!r}")
    return value


def _text(value: Any, path: str, *, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise PolicyError(path, f"must be a non-empty string, got {value!r}")
    return value.strip()


def _texts(value: Any, path: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise PolicyError(path, "must be a list of strings")
    return tuple(_text(item, f"{path}[{index}]") for index, item in enumerate(value))


def _codes(value: Any, allowed: dict[str, Any] | tuple[str, ...], path: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PolicyError(path, "must be a list of codes")
    for index, item in enumerate(value):
        if item not in allowed:
            raise PolicyError(f"{path}[{index}]", f"unknown code {item!r}")
        if item in value[:index]:
            raise PolicyError(f"{path}[{index}]", f"{item!r} is listed twice")
    return tuple(value)


# ---- sections -----------------------------------------------------------------------------


def _meta(meta: dict[str, Any]) -> dict[str, Any]:
    _no_unknown(meta, {"name", "version", "note", "profile", "sources"}, "policy")
    version = meta.get("version")
    if not isinstance(version, str) or not version.strip():
        raise PolicyError("policy.version", "missing version label")
    if not VERSION_LABEL.fullmatch(version.strip()):
        raise PolicyError(
            "policy.version",
            f"{version!r}: use letters, digits, '.', '_' and '-' (at most 100), e.g. \"acme-2027.1\"",
        )
    profile = meta.get("profile", "")
    if profile and profile not in PROFILES:
        raise PolicyError("policy.profile", f"unknown profile {profile!r}; one of {', '.join(PROFILES)}")
    return {
        "version": version.strip(),
        "name": _text(meta.get("name", version), "policy.name"),
        "note": _text(meta.get("note"), "policy.note", required=False),
        "profile": profile,
        "sources": _texts(meta.get("sources", []), "policy.sources"),
    }


def _deadlines(table: dict[str, Any]) -> dict[str, DeadlineSpec]:
    _no_unknown(table, DEADLINE_KINDS, "deadlines")
    return {kind: _deadline(kind, _table(table, kind, "deadlines")) for kind in DEADLINE_KINDS}


def _deadline(kind: str, data: dict[str, Any]) -> DeadlineSpec:
    path = f"deadlines.{kind}"
    _no_unknown(data, {*UNITS, "on_expiry", "opens", "closes"}, path)
    units = [u for u in UNITS if u in data]
    if len(units) != 1:
        raise PolicyError(path, f"give exactly one of {', '.join(UNITS)}")
    unit = units[0]
    amount = _positive_int(data[unit], f"{path}.{unit}", maximum=MAX_AMOUNT[unit])
    opens, closes = _clock(data, path, unit)
    choices = EXPIRY_CHOICES[kind]
    on_expiry = data.get("on_expiry")
    if on_expiry not in choices:
        raise PolicyError(f"{path}.on_expiry", f"expected one of {', '.join(choices)}, got {on_expiry!r}")
    return DeadlineSpec(kind, amount, unit, on_expiry, opens, closes)


def _clock(data: dict[str, Any], path: str, unit: str) -> tuple[time | None, time | None]:
    if unit != "working_hours":
        for key in ("opens", "closes"):
            if key in data:
                raise PolicyError(f"{path}.{key}", "only a working_hours deadline has a clock")
        return None, None
    opens = _time(data.get("opens", "09:00"), f"{path}.opens")
    closes = _time(data.get("closes", "18:00"), f"{path}.closes")
    if opens >= closes:
        raise PolicyError(f"{path}.closes", f"must be later than opens ({opens:%H:%M})")
    return opens, closes


def _time(value: Any, path: str) -> time:
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    match = CLOCK.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise PolicyError(path, f'must be a time of day written "HH:MM", got {value!r}')
    return time(int(match.group(1)), int(match.group(2)))


def _issues(table: dict[str, Any]) -> dict[str, IssueRules]:
    _no_unknown(table, codes.ISSUE_TYPES, "issues")
    return {issue: _issue(issue, _table(table, issue, "issues")) for issue in codes.ISSUE_TYPES}


def _issue(issue: str, data: dict[str, Any]) -> IssueRules:
    path = f"issues.{issue}"
    keys = ("remedies", "required_evidence", "recommended_evidence")
    _no_unknown(data, set(keys), path)
    for key in keys:
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


def _escalation(data: dict[str, Any]) -> Escalation:
    keys = {"after_silence", "after_refusal", "when_remedy_stalls"}
    _no_unknown(data, keys, "escalation")
    default = Escalation()
    return Escalation(
        **{key: _bool(data.get(key, getattr(default, key)), f"escalation.{key}") for key in sorted(keys)}
    )


def _money(data: dict[str, Any]) -> MoneyRules:
    _no_unknown(data, {"refund_cap"}, "money")
    cap = data.get("refund_cap", MoneyRules().refund_cap)
    if cap not in REFUND_CAPS:
        raise PolicyError(
            "money.refund_cap",
            f"expected one of {', '.join(REFUND_CAPS)} (a refund never exceeds what was paid for the line "
            f"minus earlier refunds), got {cap!r}",
        )
    return MoneyRules(cap)


def _appeal(data: dict[str, Any]) -> AppealRules:
    _no_unknown(data, {"max_appeals", "parties"}, "appeal")
    count = data.get("max_appeals", MAX_APPEALS)
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_APPEALS:
        raise PolicyError(
            "appeal.max_appeals",
            f"must be 0 or {MAX_APPEALS} (the workflow has one appeal, and its decision is final), got {count!r}",
        )
    parties = _codes(data.get("parties", list(APPEAL_PARTIES)), APPEAL_PARTIES, "appeal.parties")
    if count and not parties:
        raise PolicyError("appeal.parties", "name who may appeal, or set max_appeals = 0")
    return AppealRules(count, parties)


def _pause(data: dict[str, Any]) -> PauseRules:
    _no_unknown(data, {"max_days", "proof_working_days"}, "pause")
    default = PauseRules()
    return PauseRules(
        _positive_int(data.get("max_days", default.max_days), "pause.max_days", maximum=366),
        _positive_int(
            data.get("proof_working_days", default.proof_working_days),
            "pause.proof_working_days",
            maximum=250,
        ),
    )


def _reminders(data: dict[str, Any], deadlines: dict[str, DeadlineSpec]) -> dict[str, tuple[timedelta, ...]]:
    _no_unknown(data, DEADLINE_KINDS, "reminders")
    result = {}
    for kind, values in data.items():
        path = f"reminders.{kind}"
        spec = deadlines[kind]
        if spec.on_expiry == "none":
            raise PolicyError(
                path, 'no deadline runs for this kind (on_expiry = "none"), so no reminder can go out'
            )
        if not isinstance(values, list):
            raise PolicyError(path, 'must be a list of offsets such as ["24h", "2h"]')
        offsets = [_offset(value, f"{path}[{index}]", spec) for index, value in enumerate(values)]
        for index, offset in enumerate(offsets):
            if offset in offsets[:index]:
                raise PolicyError(f"{path}[{index}]", f"{values[index]!r} is listed twice")
        result[kind] = tuple(sorted(offsets, reverse=True))
    return result


def _offset(value: Any, path: str, spec: DeadlineSpec) -> timedelta:
    match = OFFSET.fullmatch(value) if isinstance(value, str) else None
    if match is None or int(match.group(1)) == 0:
        raise PolicyError(
            path, f'must be a time before the deadline such as "24h", "2d" or "30m", got {value!r}'
        )
    offset = timedelta(**{OFFSET_UNITS[match.group(2)]: int(match.group(1))})
    if offset >= spec.shortest():
        raise PolicyError(path, f"{value!r} is not shorter than the deadline itself ({spec.describe()})")
    return offset


def _rules(entries: Any) -> dict[str, Rule]:
    if not isinstance(entries, list):
        raise PolicyError("rules", "must be an array of tables ([[rules]])")
    rules: dict[str, Rule] = {}
    keys = ("id", "title_zh", "title_en", "text_zh", "text_en")
    for index, entry in enumerate(entries):
        path = f"rules[{index}]"
        if not isinstance(entry, dict):
            raise PolicyError(path, "must be a table with id, title_zh, title_en, text_zh, text_en")
        _no_unknown(entry, {*keys, "basis"}, path)
        values = {key: _text(entry.get(key), f"{path}.{key}") for key in keys}
        if not RULE_ID.fullmatch(values["id"]):
            raise PolicyError(f"{path}.id", f'must look like "R-3.1", got {values["id"]!r}')
        if values["id"] in rules:
            raise PolicyError(f"{path}.id", f"{values['id']} is already used by an earlier rule")
        basis = _text(entry.get("basis"), f"{path}.basis", required=False)
        rules[values["id"]] = Rule(basis=basis, **values)
    return rules
