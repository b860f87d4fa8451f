"""Guards of the transition table: conditions on the case's state (never on the input).

A guard raises ``NotAllowed`` with a stable code and a sentence that says what to do next; the
same guards decide which actions a viewer is offered, so the buttons shown are the ones that
will work.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from gongdao.cases import facts
from gongdao.errors import NotAllowed

if TYPE_CHECKING:
    from gongdao.cases.effects import Move

MERCHANT_STEPS = ("confirm_return", "ship_replacement", "refund")


def required_evidence(move: Move) -> None:
    from gongdao.evidence.queries import missing_required_kinds

    missing = missing_required_kinds(move.case, move.policy)
    if missing:
        from gongdao import codes

        names = "、".join(str(codes.EVIDENCE_KINDS[k]) for k in missing)
        raise NotAllowed(
            "evidence_missing",
            _("Add the required evidence before filing: %(kinds)s.") % {"kinds": names},
            missing=list(missing),
        )


def has_offer(move: Move) -> None:
    if not move.case.offer:
        raise NotAllowed("no_offer", _("There is no offer from the merchant to accept."))


def _escalation_allowed(move: Move) -> None:
    """The case's policy may not let consumers escalate from this status (e.g. on silence)."""
    if not move.policy.escalation.allows(move.case.status):
        raise NotAllowed(
            "escalation_not_allowed",
            _("The platform's rules do not allow asking it to step in at this point."),
        )


def after_refusal(move: Move) -> None:
    _escalation_allowed(move)


def silence_long_enough(move: Move) -> None:
    if "system" in move.sides:
        return
    _escalation_allowed(move)
    since = move.case.status_since or move.case.filed_at
    opens_at = window_end(move, "escalate_after_silence", since) if since else None
    if opens_at and move.now < opens_at:
        from gongdao.display import local_time

        raise NotAllowed(
            "too_early_to_escalate",
            _("You can ask the platform to step in from %(time)s if the merchant has not answered.")
            % {"time": local_time(opens_at)},
            available_at=opens_at.isoformat(),
        )


def merchant_step_pending(move: Move) -> None:
    if "system" in move.sides:
        return
    _escalation_allowed(move)
    if not move.case.steps or move.case.steps[0] not in MERCHANT_STEPS:
        raise NotAllowed(
            "nothing_overdue",
            _(
                "You can ask the platform to step in when the merchant does not carry out its part of the remedy."
            ),
        )


def extra_evidence_open(move: Move) -> None:
    if not move.case.evidence_requested_from:
        raise NotAllowed("no_evidence_window", _("No request for evidence is open."))


def appeal_open(move: Move) -> None:
    from gongdao.cases.deadlines import appeal_window_closes

    case = move.case
    if not case.decision:
        raise NotAllowed("not_decided", _("Only a platform decision can be appealed."))
    if case.decision.get("final"):
        raise NotAllowed("appeal_used", _("This decision was made on appeal and is final."))
    if not any(move.policy.appeal.may_appeal(side) for side in move.sides & {"consumer", "merchant"}):
        raise NotAllowed("appeal_not_allowed", _("The platform's rules do not let you appeal this decision."))
    closes = appeal_window_closes(case, move.policy)
    if closes is None or move.now >= closes:
        raise NotAllowed("appeal_window_closed", _("The time to appeal this decision has passed."))


def appeal_decider(move: Move) -> None:
    user = move.actor.user
    if user is None or user.role != "senior_agent":
        raise NotAllowed("senior_only", _("Only a senior agent decides an appeal."))
    if move.case.decided_by_id == user.id:
        raise NotAllowed(
            "same_agent", _("An appeal must be decided by an agent other than the one who decided.")
        )


def step(name: str) -> Callable[[Move], None]:
    def guard(move: Move) -> None:
        if not move.case.steps or move.case.steps[0] != name:
            raise NotAllowed("not_this_step", _("This step of the remedy is not due now."))

    guard.__name__ = f"step_{name}"
    return guard


def has_pending_deadline(move: Move) -> None:
    if "pending" not in facts.get(move.case).deadline_states:
        raise NotAllowed("no_deadline", _("No deadline is running on this case."))


def has_paused_deadline(move: Move) -> None:
    if "paused" not in facts.get(move.case).deadline_states:
        raise NotAllowed("no_paused_deadline", _("No deadline of this case is paused."))


def nothing_to_carry_out(move: Move) -> None:
    if move.case.steps and not consumer_return_expired(move):
        raise NotAllowed("steps_pending", _("The decision is still being carried out."))


def consumer_return_expired(move: Move) -> bool:
    """The consumer did not ship the goods back in time: a decided case closes as it would in
    negotiation (DESIGN.md: ship_return, ``return_shipment`` 7 d → closed)."""
    return move.data.get("deadline") == "return_shipment" and move.case.steps[:1] == ["ship_return"]


def rating_open(move: Move) -> None:
    case = move.case
    if case.rating is not None:
        raise NotAllowed("already_rated", _("You have already rated this case."))
    if case.ended_at and move.now > window_end(move, "rating_window", case.ended_at):
        raise NotAllowed("rating_closed", _("The time to rate this case has passed."))


def window_end(move: Move, kind: str, start: datetime) -> datetime:
    """When a window the policy gives (in hours, days or working time) ends, counted from start."""
    from gongdao.policy import queries as policy_queries
    from gongdao.policy.document import add_duration

    end, _provisional = add_duration(move.policy.deadline(kind), start, policy_queries.calendar())
    return end
