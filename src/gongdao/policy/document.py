"""Policy documents: TOML parsed into a validated, immutable ``PolicyDocument``.

Validation names the key path of the first problem (``deadlines.merchant_response.hours``) and
the line for syntax errors. The packaged default (documents/default.toml) and every platform
profile (documents/profiles/*.toml) hold every deadline kind of the workflow; a document that
omits one, or names one we don't know, is refused. docs/policy.md describes every key.

The section parsers live in ``gongdao.policy.schema``; this module holds the parsed shapes, the
packaged documents, and the arithmetic that turns a deadline spec into a due time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import cache
from importlib import resources
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from gongdao.policy.calendar import SHANGHAI, Counted

log = logging.getLogger("gongdao.policy")

# Every deadline kind of the workflow (DESIGN.md "The workflow is a table"): its label and the
# expiry actions the workflow can apply when it ends (the first is the usual one). "none" marks a
# window a guard checks; nothing fires when it ends.
DEADLINE_KINDS: dict[str, Any] = {
    "merchant_response": _("Merchant answers the request"),
    "escalate_after_silence": _("Consumer may ask the platform to step in after the merchant's silence"),
    "consumer_reply": _("Consumer answers a refusal or an offer"),
    "assignment_sla": _("An agent takes an escalated case"),
    "evidence_period": _("Evidence period after the platform steps in"),
    "extra_evidence": _("Extra evidence the agent asked for"),
    "decision_sla": _("The agent decides"),
    "appeal_window": _("Either party may appeal a decision"),
    "decision_execution": _("Merchant carries out a decided refund"),
    "appeal_decision_sla": _("A senior agent decides an appeal"),
    "return_shipment": _("Consumer ships the goods back"),
    "return_receipt": _("Merchant confirms the returned goods arrived"),
    "refund_execution": _("Merchant confirms an agreed refund"),
    "replacement_shipment": _("Merchant ships the replacement, repair or missing item"),
    "replacement_receipt": _("Consumer confirms the replacement arrived"),
    "rating_window": _("Consumer may rate an ended case"),
}
EXPIRY_CHOICES: dict[str, tuple[str, ...]] = {
    "merchant_response": ("escalate", "accept"),
    "escalate_after_silence": ("none",),
    "consumer_reply": ("close",),
    "assignment_sla": ("alert", "none"),
    "evidence_period": ("close_evidence",),
    "extra_evidence": ("close_evidence",),
    "decision_sla": ("alert", "none"),
    "appeal_window": ("close",),
    "decision_execution": ("record_advance_payout",),
    "appeal_decision_sla": ("alert", "none"),
    "return_shipment": ("close",),
    "return_receipt": ("confirm_return",),
    "refund_execution": ("record_advance_payout",),
    "replacement_shipment": ("escalate",),
    "replacement_receipt": ("confirm_replacement",),
    "rating_window": ("none",),
}
EXPIRY_ACTIONS: tuple[str, ...] = tuple(
    dict.fromkeys(["none", *(a for choices in EXPIRY_CHOICES.values() for a in choices)])
)
UNITS = ("hours", "days", "working_days", "working_hours")

PROFILES: dict[str, str] = {
    "taobao": "Taobao 淘宝",
    "tmall": "Tmall 天猫",
    "jd": "JD 京东",
    "pinduoduo": "Pinduoduo 拼多多",
    "douyin": "Douyin 抖音",
    "wechat_store": "WeChat store 微信小店",
    "other": "Other shops 其他网店",
}
APPEAL_PARTIES = ("consumer", "merchant")
# Refunds on an order line never exceed what was paid for it minus earlier refunds (DESIGN.md
# "Money"); the key states that cap in the published document.
REFUND_CAPS = ("paid",)
# The workflow has one appeal, decided by a senior agent, final (DESIGN.md workflow table).
MAX_APPEALS = 1


class PolicyError(ValueError):
    """A document we refuse: ``path`` is the key path ('' for the whole document), ``line`` the
    line of a TOML syntax error."""

    def __init__(self, path: str, message: str, *, line: int | None = None) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.line = line


@dataclass(frozen=True)
class DeadlineSpec:
    kind: str
    amount: int
    unit: str
    on_expiry: str
    opens: time | None = None  # working_hours only: the clock
    closes: time | None = None

    def delta(self) -> timedelta | None:
        """The calendar duration, or None for working days and hours (counted by the calendar)."""
        if self.unit == "hours":
            return timedelta(hours=self.amount)
        if self.unit == "days":
            return timedelta(days=self.amount)
        return None

    def shortest(self) -> timedelta:
        """The shortest the deadline can be in calendar time (working days and hours run at
        least as long as the same number of calendar days and hours)."""
        if self.unit in ("hours", "working_hours"):
            return timedelta(hours=self.amount)
        return timedelta(days=self.amount)

    def describe(self) -> str:
        """The duration in the active language: '48 hours', '2 working days', '4 working hours
        (09:00–18:00)'."""
        n = self.amount
        if self.unit == "hours":
            return ngettext("%(n)d hour", "%(n)d hours", n) % {"n": n}
        if self.unit == "days":
            return ngettext("%(n)d day", "%(n)d days", n) % {"n": n}
        if self.unit == "working_days":
            return ngettext("%(n)d working day", "%(n)d working days", n) % {"n": n}
        clock = f"{self.opens:%H:%M}–{self.closes:%H:%M}"
        return ngettext("%(n)d working hour (%(clock)s)", "%(n)d working hours (%(clock)s)", n) % {
            "n": n,
            "clock": clock,
        }


@dataclass(frozen=True)
class IssueRules:
    remedies: tuple[str, ...]
    required_evidence: tuple[str, ...]
    recommended_evidence: tuple[str, ...]


@dataclass(frozen=True)
class Escalation:
    """When a consumer may ask the platform to step in. How long the merchant's silence must
    last is ``deadlines.escalate_after_silence`` (the one place that figure lives)."""

    after_silence: bool = True  # awaiting the merchant, once escalate_after_silence has run
    after_refusal: bool = True  # after a refusal or an offer, while consumer_reply runs
    when_remedy_stalls: bool = True  # the merchant does not carry out its step of a remedy

    def allows(self, status: str) -> bool:
        """Whether this policy lets the consumer escalate from ``status`` at all."""
        return {
            "awaiting_merchant": self.after_silence,
            "awaiting_consumer": self.after_refusal,
            "fulfilling": self.when_remedy_stalls,
        }.get(status, False)


@dataclass(frozen=True)
class MoneyRules:
    refund_cap: str = "paid"


@dataclass(frozen=True)
class AppealRules:
    max_appeals: int = MAX_APPEALS
    parties: tuple[str, ...] = APPEAL_PARTIES

    def may_appeal(self, side: str) -> bool:
        return self.max_appeals > 0 and side in self.parties


@dataclass(frozen=True)
class PauseRules:
    """Negotiation pauses (Taobao Art. 82–83, JD Art. 6): how long a pause may last before the
    platform resumes, and how many working days a party has to show that a court or the police
    accepted the matter."""

    max_days: int = 30
    proof_working_days: int = 7


@dataclass(frozen=True)
class Rule:
    id: str
    title_zh: str
    title_en: str
    text_zh: str
    text_en: str
    basis: str = ""

    def title(self, language: str | None) -> str:
        return self.title_zh if _is_chinese(language) else self.title_en

    def text(self, language: str | None) -> str:
        return self.text_zh if _is_chinese(language) else self.text_en


def _is_chinese(language: str | None) -> bool:
    return (language or "zh-hans").lower().startswith("zh")


@dataclass(frozen=True)
class PolicyDocument:
    name: str
    version: str
    deadlines: dict[str, DeadlineSpec]
    issues: dict[str, IssueRules]
    statement_max_chars: int
    source: str
    note: str = ""
    profile: str = ""
    sources: tuple[str, ...] = ()
    escalation: Escalation = field(default_factory=Escalation)
    money: MoneyRules = field(default_factory=MoneyRules)
    appeal: AppealRules = field(default_factory=AppealRules)
    pause: PauseRules = field(default_factory=PauseRules)
    reminders: dict[str, tuple[timedelta, ...]] = field(default_factory=dict)
    rules: dict[str, Rule] = field(default_factory=dict)

    def deadline(self, kind: str) -> DeadlineSpec:
        return self.deadlines[kind]

    def remedies_for(self, issue: str) -> tuple[str, ...]:
        return self.issues[issue].remedies

    def reminder_offsets(self, kind: str) -> list[timedelta]:
        """How long before a deadline of ``kind`` falls due each reminder goes out, the earliest
        reminder first (e.g. [24 h, 2 h]); empty when the policy sends none."""
        if kind not in DEADLINE_KINDS:
            raise KeyError(kind)
        return list(self.reminders.get(kind, ()))

    def rule(self, rule_id: str) -> Rule:
        return self.rules[rule_id]

    def escalation_opens_at(self, since: datetime, calendar: Any) -> Counted[datetime] | None:
        """When a consumer waiting since ``since`` for the merchant may escalate, or None when
        this policy does not allow escalating on silence."""
        if not self.escalation.after_silence:
            return None
        return due_at(self.deadline("escalate_after_silence"), since, calendar)


def parse(text: str) -> PolicyDocument:
    from gongdao.policy.schema import parse_document

    return parse_document(text)


def default_text() -> str:
    return resources.files("gongdao.policy").joinpath("documents/default.toml").read_text(encoding="utf-8")


@cache
def default() -> PolicyDocument:
    return parse(default_text())


def profile_text(name: str) -> str:
    """The packaged profile document; KeyError for a name not in ``PROFILES``."""
    if name not in PROFILES:
        raise KeyError(name)
    path = resources.files("gongdao.policy").joinpath(f"documents/profiles/{name}.toml")
    return path.read_text(encoding="utf-8")


@cache
def profile(name: str) -> PolicyDocument:
    return parse(profile_text(name))


def due_at(spec: DeadlineSpec, start: datetime, calendar: Any) -> Counted[datetime]:
    """When a deadline of this spec, started at ``start``, falls due.

    Hours and days are calendar time. Working days keep the China time of day: the n-th working
    day after the start day (the start day is not counted), at the same time. Working hours run
    on the ``opens``–``closes`` clock of working days, China time. ``provisional`` is set when the
    count inspected a year the calendar does not know (weekdays were assumed to be working days).
    """
    delta = spec.delta()
    if delta is not None:
        return Counted(start + delta, False)
    if spec.unit == "working_hours":
        counted = calendar.add_working_hours(
            start, spec.amount, spec.opens or time(9), spec.closes or time(18), SHANGHAI
        )
    else:
        local = start.astimezone(SHANGHAI)
        day = calendar.add_working_days(local.date(), spec.amount)
        counted = Counted(datetime.combine(day.value, local.timetz()), day.provisional)
    if counted.provisional:
        log.warning(
            "provisional deadline: %s from %s counts working days of a year the calendar does not "
            "know (load it with `gongdao calendar load FILE`)",
            spec.kind,
            start.isoformat(),
        )
    return counted


def add_duration(spec: DeadlineSpec, start: datetime, calendar: Any) -> tuple[datetime, bool]:
    """``due_at`` as a (due time, provisional) pair."""
    counted = due_at(spec, start, calendar)
    return counted.value, counted.provisional
