"""The transition table: (status, action, sides allowed) → target status, guard, effect.

This is the one place that says what may happen to a case. ``perform`` (cases/actions.py) looks
the action up here, checks side and guard, runs the effect (cases/effects.py), and records the
result. docs/architecture.md's status diagram is generated from ``TRANSITIONS`` (a test keeps
it current), so the documentation cannot drift from the code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gongdao.cases import effects, guards
from gongdao.evidence import effects as evidence_effects
from gongdao.selfhelp import effects as self_help

ACTIVE_BEFORE_DECISION = (
    "awaiting_merchant",
    "awaiting_consumer",
    "escalated",
    "evidence_period",
    "under_review",
)
BOTH = ("platform", "self_help")
PLATFORM = ("platform",)
SELF_HELP = ("self_help",)
REMEDY_STEPS = (
    "ship_return",
    "confirm_return",
    "report_return_problem",
    "ship_replacement",
    "confirm_replacement",
)


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    sides: tuple[str, ...]
    target: str | None  # None: the status stays, or the effect decides
    effect: Callable[[effects.Move], None]
    guard: Callable[[effects.Move], None] | None = None
    explain: str | Promise = ""  # a lazy translation
    # Which cases it applies to (DESIGN.md "Two ways a case is run"): the platform's agents,
    # fulfilment steps and timers act only in platform mode; in self-help mode the consumer
    # records what the outside merchant and platform did.
    modes: tuple[str, ...] = BOTH


T = Transition
TRANSITIONS: tuple[Transition, ...] = (
    T(
        "submit",
        ("draft",),
        ("consumer",),
        "awaiting_merchant",
        effects.submit,
        guards.required_evidence,
        _("The merchant is asked to answer before the deadline."),
        modes=PLATFORM,
    ),
    T(
        "submit",
        ("draft",),
        ("consumer",),
        "awaiting_merchant",
        self_help.submit,
        guards.required_evidence,
        _("Your request to the merchant is on record; the platform's rules say when they should answer."),
        modes=SELF_HELP,
    ),
    T(
        "accept",
        ("awaiting_merchant",),
        ("merchant", "system"),
        "fulfilling",
        effects.accept,
        None,
        _("The request is agreed and the remedy is carried out."),
    ),
    T(
        "offer",
        ("awaiting_merchant",),
        ("merchant",),
        "awaiting_consumer",
        effects.offer,
        None,
        _("The consumer may accept the offer, revise the request, or ask the platform to step in."),
    ),
    T(
        "reject",
        ("awaiting_merchant",),
        ("merchant",),
        "awaiting_consumer",
        effects.reject,
        None,
        _("The consumer may revise the request or ask the platform to step in."),
    ),
    T(
        "accept_offer",
        ("awaiting_consumer",),
        ("consumer",),
        "fulfilling",
        effects.accept_offer,
        guards.has_offer,
        _("The merchant's offer is agreed and carried out."),
    ),
    T(
        "revise",
        ("awaiting_consumer",),
        ("consumer",),
        "awaiting_merchant",
        effects.revise,
        None,
        _("The merchant is asked again with the revised request."),
    ),
    T(
        "escalate",
        ("awaiting_merchant",),
        ("consumer", "system"),
        "escalated",
        effects.escalate,
        guards.silence_long_enough,
        _("A platform agent takes the case."),
        modes=PLATFORM,
    ),
    T(
        "escalate",
        ("awaiting_consumer",),
        ("consumer",),
        "escalated",
        effects.escalate,
        guards.after_refusal,
        _("A platform agent takes the case."),
        modes=PLATFORM,
    ),
    T(
        "escalate",
        ("fulfilling",),
        ("consumer", "system"),
        "escalated",
        effects.escalate,
        guards.merchant_step_pending,
        _("A platform agent takes the case."),
        modes=PLATFORM,
    ),
    T(
        "assign",
        ("escalated",),
        ("agent",),
        "evidence_period",
        effects.assign,
        None,
        _("Both parties may add evidence until the evidence period ends."),
        modes=PLATFORM,
    ),
    T(
        "assign",
        ("evidence_period", "under_review"),
        ("agent",),
        None,
        effects.reassign,
        None,
        _("Another agent takes over the case."),
        modes=PLATFORM,
    ),
    T(
        "assign",
        ("appealed",),
        ("senior_agent",),
        None,
        effects.reassign,
        None,
        _("A senior agent who did not decide the case reviews the appeal."),
        modes=PLATFORM,
    ),
    T(
        "close_evidence",
        ("evidence_period",),
        ("assignee", "system"),
        "under_review",
        effects.close_evidence,
        None,
        _("The agent reviews the evidence and decides."),
        modes=PLATFORM,
    ),
    T(
        "close_evidence",
        ("under_review",),
        ("assignee", "system"),
        None,
        effects.close_extra_evidence,
        guards.extra_evidence_open,
        _("The window for requested evidence closes."),
        modes=PLATFORM,
    ),
    T(
        "request_evidence",
        ("under_review",),
        ("assignee",),
        None,
        effects.request_evidence,
        None,
        _("The party asked has a short window to add evidence."),
        modes=PLATFORM,
    ),
    T(
        "decide",
        ("under_review",),
        ("assignee",),
        "decided",
        effects.decide,
        None,
        _("The decision takes effect at once; either party may appeal within the appeal window."),
        modes=PLATFORM,
    ),
    T(
        "appeal",
        ("decided", "resolved", "closed"),
        ("consumer", "merchant"),
        "appealed",
        effects.appeal,
        guards.appeal_open,
        _("A senior agent who did not decide the case reviews it; that decision is final."),
        modes=PLATFORM,
    ),
    T(
        "decide_appeal",
        ("appealed",),
        ("assignee",),
        "decided",
        effects.decide_appeal,
        guards.appeal_decider,
        _("The appeal decision is final."),
        modes=PLATFORM,
    ),
    T(
        "ship_return",
        ("fulfilling", "decided"),
        ("consumer",),
        None,
        effects.complete_step,
        guards.step("ship_return"),
        _("The merchant confirms when the goods arrive."),
        modes=PLATFORM,
    ),
    T(
        "confirm_return",
        ("fulfilling", "decided"),
        ("merchant", "system"),
        None,
        effects.complete_step,
        guards.step("confirm_return"),
        _("The next step of the remedy starts."),
        modes=PLATFORM,
    ),
    T(
        "report_return_problem",
        ("fulfilling",),
        ("merchant",),
        "escalated",
        effects.report_return_problem,
        guards.step("confirm_return"),
        _("A platform agent looks at the returned goods."),
        modes=PLATFORM,
    ),
    T(
        "ship_replacement",
        ("fulfilling", "decided"),
        ("merchant",),
        None,
        effects.complete_step,
        guards.step("ship_replacement"),
        _("The consumer confirms when the item arrives."),
        modes=PLATFORM,
    ),
    T(
        "confirm_replacement",
        ("fulfilling", "decided"),
        ("consumer", "system"),
        None,
        effects.complete_step,
        guards.step("confirm_replacement"),
        _("The remedy is complete."),
        modes=PLATFORM,
    ),
    T(
        "confirm_refund",
        ("fulfilling", "decided"),
        ("merchant", "platform"),
        None,
        effects.confirm_refund,
        guards.step("refund"),
        _("The refund is recorded as paid."),
        modes=PLATFORM,
    ),
    T(
        "record_advance_payout",
        ("fulfilling", "decided"),
        ("agent", "platform", "system"),
        None,
        effects.record_advance_payout,
        guards.step("refund"),
        _("The platform pays the consumer and books the amount against the shop."),
        modes=PLATFORM,
    ),
    T(
        "pause_deadline",
        (*ACTIVE_BEFORE_DECISION, "decided", "appealed", "fulfilling"),
        ("agent", "platform"),
        None,
        effects.pause_deadlines,
        guards.has_pending_deadline,
        _("Deadlines stop, keeping the time left."),
        modes=PLATFORM,
    ),
    T(
        "resume_deadline",
        (*ACTIVE_BEFORE_DECISION, "decided", "appealed", "fulfilling"),
        ("agent", "platform"),
        None,
        effects.resume_deadlines,
        guards.has_paused_deadline,
        _("Deadlines run again with the time that was left."),
        modes=PLATFORM,
    ),
    T(
        "withdraw_evidence",
        ("draft", *ACTIVE_BEFORE_DECISION, "decided", "appealed", "fulfilling"),
        ("consumer", "merchant", "agent", "platform"),
        None,
        evidence_effects.withdraw_item,
        evidence_effects.has_own_evidence,
        _("The item stays on record, marked as withdrawn; it no longer counts as evidence."),
    ),
    T(
        "withdraw",
        ("draft", *ACTIVE_BEFORE_DECISION),
        ("consumer",),
        "withdrawn",
        effects.withdraw,
        None,
        _("The case ends; it cannot be reopened."),
    ),
    T(
        "close",
        ("awaiting_consumer", "fulfilling"),
        ("system",),
        "closed",
        effects.close_abandoned,
        None,
        _("The case closes because the consumer did not act in time."),
        modes=PLATFORM,
    ),
    T(
        "close",
        ("decided",),
        ("system",),
        "closed",
        effects.close_decided,
        guards.nothing_to_carry_out,
        _("The case closes when the appeal window ends."),
        modes=PLATFORM,
    ),
    T(
        "alert",
        ("escalated", "under_review", "appealed", "evidence_period"),
        ("system",),
        None,
        effects.alert,
        None,
        _("Senior agents are alerted to an overdue step."),
        modes=PLATFORM,
    ),
    T(
        "withdraw",
        ("decided", "appealed", "fulfilling"),
        ("consumer",),
        "withdrawn",
        effects.withdraw,
        None,
        _("The case ends; it cannot be reopened."),
        modes=SELF_HELP,
    ),
    T(
        "record_merchant_reply",
        ("awaiting_merchant", "awaiting_consumer", "fulfilling"),
        ("consumer",),
        None,
        self_help.record_merchant_reply,
        None,
        _("The merchant's answer is on record, with the date it came."),
        modes=SELF_HELP,
    ),
    T(
        "record_platform_step",
        ("awaiting_merchant", "awaiting_consumer", "fulfilling", "escalated", "decided", "appealed"),
        ("consumer",),
        None,
        self_help.record_platform_step,
        None,
        _("The platform's step is on record, with the date it happened."),
        modes=SELF_HELP,
    ),
    T(
        "note_overdue",
        (*ACTIVE_BEFORE_DECISION, "decided", "appealed", "fulfilling"),
        ("system",),
        None,
        self_help.note_overdue,
        None,
        _("A date the outside platform's rules set has passed; the consumer is told what follows."),
        modes=SELF_HELP,
    ),
    T(
        "rate",
        ("resolved", "closed", "withdrawn"),
        ("consumer",),
        None,
        effects.rate,
        guards.rating_open,
        _("Your rating is recorded."),
    ),
)

ACTIONS: tuple[str, ...] = tuple(dict.fromkeys(t.action for t in TRANSITIONS))


def transitions_for(action: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.action == action]


def find(action: str, status: str, mode: str | None = None) -> Transition | None:
    """The transition for this action from this status (for a case of this mode; None: any)."""
    for transition in TRANSITIONS:
        if (
            transition.action == action
            and status in transition.sources
            and (mode is None or mode in transition.modes)
        ):
            return transition
    return None


def mermaid() -> str:
    """The status diagram, generated from the table (docs/architecture.md embeds it)."""
    lines = ["stateDiagram-v2", "    [*] --> draft"]
    seen: set[tuple[str, str, str]] = set()
    for t in TRANSITIONS:
        if t.modes == SELF_HELP and t.target is None:
            continue  # drawn from the recorded steps' own table below
        for source in t.sources:
            target = t.target or source
            edge = (source, target, t.action)
            if edge in seen:
                continue
            seen.add(edge)
            mode = "" if t.modes == BOTH else (", platform" if t.modes == PLATFORM else ", self-help")
            lines.append(f"    {source} --> {target}: {t.action} ({', '.join(t.sides)}{mode})")
    recorded: list[tuple[str, dict[str, tuple[tuple[str, ...], str | None]]]] = [
        ("record_merchant_reply", self_help.REPLY_MOVES),
        ("record_platform_step", dict(self_help.PLATFORM_MOVES)),
    ]
    for action, table in recorded:
        for step, (sources, to) in table.items():
            for source in sources:
                lines.append(f"    {source} --> {to or source}: {action} {step} (consumer, self-help)")
    lines.append("    fulfilling --> resolved: last remedy step")
    lines.append("    decided --> resolved: last remedy step")
    for end in ("resolved", "closed", "withdrawn"):
        lines.append(f"    {end} --> [*]")
    return "\n".join(lines)
