"""Next-step guidance for a self-help case (issue #10 §4): at every point, what to do now, which
evidence still helps, messages to the merchant and to the platform drafted from the case facts,
what the merchant, the platform and the consumer should have done by when, and whether the case
is ready for outside help (a 12315 complaint, a report, a court claim).

Read-only: it looks at the case, its recorded steps (events), its deadlines and evidence, the
outside platform's profile (the case's policy version) and, where the law advisor has them, the
last dates the law sets. Sentences come out in the active language (Chinese by default, English
when the user chose it); the web shows them, editable where they are drafts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongdao import codes
from gongdao.policy import queries as policy_queries
from gongdao.policy.document import PROFILES
from gongdao.selfhelp.messages import (
    AGAINST,
    Facts,
    chinese,
    kinds_text,
    merchant_message,
    offer_text,
    platform_message,
    profile_due,
    read_facts,
    when_text,
)

log = logging.getLogger(__name__)

# What a deadline asks, from the consumer's point of view (the profile's kinds).
DUE_TEXT = {
    "merchant_response": _("The merchant should answer your request"),
    "escalate_after_silence": _("You may ask the platform to step in"),
    "consumer_reply": _("Ask the platform to step in, or revise your request"),
    "assignment_sla": _("The platform should take up your application"),
    "evidence_period": _("Give the platform your evidence"),
    "extra_evidence": _("Give the platform the evidence it asked for"),
    "decision_sla": _("The platform should decide"),
    "appeal_window": _("Appeal the platform's decision"),
    "decision_execution": _("The merchant should carry out the decision"),
    "appeal_decision_sla": _("The platform should decide the appeal"),
    "return_shipment": _("Send the goods back"),
    "return_receipt": _("The merchant should confirm the returned goods"),
    "refund_execution": _("The merchant should pay the refund"),
    "replacement_shipment": _("The merchant should send the item"),
    "replacement_receipt": _("Confirm that the item arrived"),
    "rating_window": _("Rate how the case went"),
}
# What the platform's rules say follows when a deadline passes (the profile's on_expiry).
EXPIRY_TEXT = {
    "accept": _("Under %(platform)s's rules the request then counts as agreed: check the order page."),
    "close": _("Under %(platform)s's rules the request then closes."),
    "escalate": _("Under %(platform)s's rules the platform then steps in."),
    "record_advance_payout": _("Under %(platform)s's rules the platform then pays you and charges the shop."),
    "confirm_return": _("Under %(platform)s's rules the return then counts as received."),
    "confirm_replacement": _("Under %(platform)s's rules the item then counts as received."),
}
# Where the same expiry means something else for this deadline.
KIND_EXPIRY_TEXT = {
    "appeal_window": _("After that, the decision stands under %(platform)s's rules."),
}
# Which status a deadline still matters in once it has passed.
KIND_STATUSES = {
    "merchant_response": ("awaiting_merchant",),
    "consumer_reply": ("awaiting_consumer",),
    "decision_sla": ("escalated",),
    "appeal_window": ("decided",),
    "appeal_decision_sla": ("appealed",),
    "decision_execution": ("decided", "fulfilling"),
    "refund_execution": ("fulfilling",),
    "return_shipment": ("fulfilling",),
    "return_receipt": ("fulfilling",),
    "replacement_shipment": ("fulfilling",),
    "replacement_receipt": ("fulfilling",),
}
# The law advisor's entitlements whose last day the consumer should know.
LAW_DATES = (
    "seven_day_return",
    "nonconforming_return",
    "sanbao_return",
    "sanbao_exchange",
    "regulator_complaint_limit",
    "limitation",
)
# When a message to each of them is still of use: to the merchant until the platform has the
# case; to the platform from the first request until its decision (then, if against, the appeal).
MERCHANT_DRAFT_STATUSES = ("draft", "awaiting_merchant", "awaiting_consumer", "fulfilling")
PLATFORM_DRAFT_STATUSES = ("awaiting_merchant", "awaiting_consumer", "escalated", "decided", "fulfilling")


@dataclass(frozen=True)
class Due:
    """A date someone should act by: ``who`` is merchant, platform or consumer; ``source`` says
    whether it comes from the platform's profile or the law."""

    kind: str
    who: str
    what: str
    due: datetime | date
    source: str = "profile"
    passed: bool = False
    provisional: bool = False
    consequence: str = ""


@dataclass
class Guidance:
    next_steps: list[str] = field(default_factory=list)
    evidence_helps: list[str] = field(default_factory=list)
    drafts: dict[str, str] = field(default_factory=dict)
    ready_for_outside_help: bool = False
    deadlines: list[Due] = field(default_factory=list)
    platform: str = ""  # the profile: taobao, jd, … other
    platform_name: str = ""
    outside_help_reason: str = ""


def guidance(
    case: Any, viewer_sides: set[str], now: datetime | None = None, *, assessment: Any = None
) -> Guidance:
    """What the viewer should know and do now on this self-help case. ``assessment`` is the law
    advisor's (gongdao.law.queries.assess) when the caller already has it."""
    now = now or timezone.now()
    policy = policy_queries.parsed(case.policy)
    platform = policy.profile or "other"
    result = Guidance(platform=platform, platform_name=platform_name(platform))
    if "consumer" not in viewer_sides:
        if "merchant" in viewer_sides:
            result.next_steps = _merchant_steps(case)
        return result
    facts = read_facts(case)
    present = _present_kinds(case)
    missing = _missing_required(case, policy, present)
    result.deadlines = _profile_dues(case, policy, now, result.platform_name) + _law_dues(
        case, now, assessment
    )
    result.evidence_helps = _evidence_helps(case, policy, present)
    result.ready_for_outside_help, result.outside_help_reason = _outside_help(case, facts, missing, platform)
    result.next_steps = _consumer_steps(case, facts, missing, result, now)
    result.drafts = {}
    if case.status in MERCHANT_DRAFT_STATUSES:
        # Before the request goes out, the message is the one the consumer wrote in the guided path.
        own = case.statement.strip() if case.status == "draft" else ""
        result.drafts["merchant"] = own or merchant_message(
            case, facts, result.deadlines, result.platform_name
        )
    if _platform_draft_helps(case):
        result.drafts["platform"] = platform_message(case, facts, present, result.platform_name)
    return result


def _platform_draft_helps(case: Any) -> bool:
    decision = case.decision or {}
    if case.status not in PLATFORM_DRAFT_STATUSES or decision.get("final"):
        return False
    return case.status != "decided" or decision.get("outcome") in AGAINST


def platform_name(profile: str) -> str:
    """The platform's name in the active language: 淘宝 / Taobao; "the platform" for other shops."""
    if profile not in PROFILES or profile == "other":
        return gettext("the platform")
    english, _space, in_chinese = PROFILES[profile].rpartition(" ")
    return in_chinese if chinese() else english


# ---- reading the record ------------------------------------------------------------------


def _present_kinds(case: Any) -> set[str]:
    """Evidence kinds on file. Nothing is automatic here: a declared order is only the
    consumer's word until its record (a screenshot or export) is uploaded."""
    return set(case.evidence.filter(withdrawn_at__isnull=True).values_list("kind", flat=True))


def _missing_required(case: Any, policy: Any, present: set[str]) -> list[str]:
    return [kind for kind in policy.issues[case.issue].required_evidence if kind not in present]


def _evidence_helps(case: Any, policy: Any, present: set[str]) -> list[str]:
    rules = policy.issues[case.issue]
    wanted = list(rules.required_evidence) + list(rules.recommended_evidence)
    if case.status != "draft":
        wanted.append("chat_record")  # what the merchant said, in their words and with the date
    return [kind for kind in dict.fromkeys(wanted) if kind not in present and kind != "authorization"]


# ---- deadlines -----------------------------------------------------------------------------


def _profile_dues(case: Any, policy: Any, now: datetime, name: str) -> list[Due]:
    rows = list(case.deadlines.filter(state__in=("pending", "paused", "fired")).order_by("due_at"))
    latest: dict[str, Any] = {}
    for row in sorted(rows, key=lambda r: (r.created_at, r.pk)):
        if row.state == "fired" and case.status not in KIND_STATUSES.get(row.kind, ()):
            continue
        latest[row.kind] = row  # a deadline started again replaces the earlier one
    dues = []
    for row in sorted(latest.values(), key=lambda r: r.due_at):
        expiry = policy.deadlines[row.kind].on_expiry if row.kind in policy.deadlines else ""
        consequence = KIND_EXPIRY_TEXT.get(row.kind) or EXPIRY_TEXT.get(expiry)
        dues.append(
            Due(
                kind=row.kind,
                who=row.party or "consumer",
                what=str(DUE_TEXT.get(row.kind, row.kind)),
                due=row.due_at,
                passed=row.state == "fired" or row.due_at <= now,
                provisional=row.provisional,
                consequence=str(consequence) % {"platform": name} if consequence else "",
            )
        )
    return dues


def _law_dues(case: Any, now: datetime, assessment: Any) -> list[Due]:
    """The law advisor's last dates (the 7-day return, the limitation period, …), eligible ones."""
    if assessment is None:
        try:
            from gongdao.law import queries as law_queries

            assessment = law_queries.assess(case, on=timezone.localtime(now).date())
        except Exception:  # the advisor is advice: the rest of the guidance stands without it
            log.exception("law advisor failed on %s", case.public_id)
            return []
    today = timezone.localtime(now).date()
    dues = []
    for entitlement in getattr(assessment, "entitlements", ()):
        if entitlement.code not in LAW_DATES or not entitlement.eligible or entitlement.act_by is None:
            continue
        title = entitlement.title.zh if chinese() else entitlement.title.en
        dues.append(
            Due(
                kind=entitlement.code,
                who="consumer",
                what=title,
                due=entitlement.act_by,
                source="law",
                passed=entitlement.act_by < today,
                provisional=entitlement.act_by_provisional,
            )
        )
    return dues


# ---- outside help --------------------------------------------------------------------------


def _outside_help(case: Any, facts: Facts, missing: list[str], platform: str) -> tuple[bool, str]:
    """Ready when the merchant has had its chance and failed, the platform has had its chance
    (decided against the consumer, or its window passed unused, or there is none to ask), and the
    evidence the profile requires is on file."""
    if case.status in ("draft", "resolved", "withdrawn") or missing:
        return False, ""
    reply = (facts.reply or {}).get("reply")
    merchant_failed = reply in ("refused", "no_answer", "offered") or "merchant_response" in facts.passed
    decision = (facts.decision or {}).get("outcome") or (case.decision or {}).get("outcome")
    if decision in AGAINST:
        return True, gettext("The platform decided against you, in whole or in part.")
    if "decision_execution" in facts.passed or "refund_execution" in facts.passed:
        return True, gettext("The remedy was not carried out in time.")
    if not merchant_failed:
        return False, ""
    if platform == "other" and facts.applied is None:
        return True, gettext("The merchant refused or did not answer.")
    if "consumer_reply" in facts.passed and facts.applied is None:
        return True, gettext(
            "The merchant refused or did not answer, and the platform was not asked in time."
        )
    return False, ""


# ---- what to do now ------------------------------------------------------------------------


def _merchant_steps(case: Any) -> list[str]:
    if case.status == "awaiting_merchant":
        return [
            gettext(
                "Answer the consumer's request: accept it, make an offer, or reject it with your reasons."
            )
        ]
    return [gettext("Nothing is needed from you now.")]


def _consumer_steps(case: Any, facts: Facts, missing: list[str], g: Guidance, now: datetime) -> list[str]:
    name = g.platform_name
    values = {"platform": name}
    steps: list[str] = []
    status = case.status
    if status == "draft":
        if "order_record" in missing:
            steps.append(
                gettext(
                    "Add the order record: a screenshot or export of the order page showing the order "
                    "number, the items, the amounts and the dates."
                )
            )
        others = [k for k in missing if k != "order_record"]
        if others:
            steps.append(
                gettext("Add the other evidence still needed: %(kinds)s.") % {"kinds": kinds_text(others)}
            )
        steps.append(
            gettext(
                "Send the message to the merchant below through %(platform)s's chat if you can (so the "
                "platform can see it later), and keep a screenshot."
            )
            % values
        )
        steps.append(gettext("Then record here when and how you asked the merchant."))
    elif status == "awaiting_merchant":
        steps += _awaiting_merchant(case, facts, g, values)
    elif status == "awaiting_consumer":
        steps += _awaiting_consumer(case, facts, g, values)
    elif status == "escalated":
        reference = (facts.applied or {}).get("reference")
        steps.append(
            gettext("%(platform)s is looking at your case (reference %(reference)s).")
            % {**values, "reference": reference}
            if reference
            else gettext("%(platform)s is looking at your case.") % values
        )
        steps.append(gettext("Give %(platform)s any evidence it asks for, and keep copies here.") % values)
        due = profile_due(g.deadlines, "decision_sla")
        if due and not due.passed:
            steps.append(gettext("Its decision is expected by %(due)s.") % {"due": when_text(due.due)})
        steps.append(gettext("When %(platform)s decides, record the decision here.") % values)
    elif status == "decided":
        steps += _decided(case, facts, g, values)
    elif status == "appealed":
        due = profile_due(g.deadlines, "appeal_decision_sla")
        if due and not due.passed:
            steps.append(
                gettext("Wait for the appeal decision, expected by %(due)s.") % {"due": when_text(due.due)}
            )
        steps.append(gettext("When %(platform)s decides the appeal, record the decision here.") % values)
    elif status == "fulfilling":
        steps.append(
            gettext(
                "The merchant agreed. When it is done (for a refund: when the money arrived), record that the merchant carried it out."
            )
        )
        due = next((d for d in g.deadlines if d.who == "merchant" and d.source == "profile"), None)
        if due:
            steps.append(
                gettext("If nothing happens by %(due)s, ask %(platform)s to step in.")
                % {**values, "due": when_text(due.due)}
            )
    elif status == "resolved":
        steps.append(gettext("This case is resolved. Its record stays here for you."))
    else:
        steps.append(gettext("This case has ended. Its record stays here for you."))
    if g.ready_for_outside_help and status not in codes.ENDED_STATUSES:
        steps.append(
            gettext(
                "Your case is ready for outside help: prepare a complaint to 12315 under “Outside help” below."
            )
        )
    elif missing and status != "draft":
        steps.append(gettext("Add the evidence still needed: %(kinds)s.") % {"kinds": kinds_text(missing)})
    return steps


def _awaiting_merchant(case: Any, facts: Facts, g: Guidance, values: dict[str, str]) -> list[str]:
    due = profile_due(g.deadlines, "merchant_response")
    if (facts.reply or {}).get("reply") == "no_answer":
        return [
            gettext("You recorded that the merchant did not answer."),
            _apply_step(g, values),
        ]
    if due is None or not due.passed:
        steps = []
        if due is not None:
            steps.append(
                gettext("Wait for the merchant's answer until %(due)s.") % {"due": when_text(due.due)}
            )
        steps.append(gettext("When they answer, record their answer here with a screenshot of it."))
        steps.append(gettext("If they have not answered by then, record that there was no answer."))
        return steps
    steps = [gettext("The merchant's time to answer ended on %(due)s.") % {"due": when_text(due.due)}]
    if due.consequence:
        steps.append(due.consequence)
        steps.append(
            gettext(
                "If the order page shows the refund or remedy went through, record that the merchant carried it out."
            )
        )
    steps.append(gettext("Otherwise record that there was no answer."))
    steps.append(_apply_step(g, values))
    return steps


def _apply_step(g: Guidance, values: dict[str, str]) -> str:
    if g.platform == "other":
        return gettext(
            "If the shop sells through a platform, ask the platform to step in (the application is "
            "drafted below) and record it here; if not, go to outside help."
        )
    return (
        gettext(
            "Ask %(platform)s to step in: send the application drafted below through its after-sales "
            "or complaint page, then record it here with its reference number."
        )
        % values
    )


def _awaiting_consumer(case: Any, facts: Facts, g: Guidance, values: dict[str, str]) -> list[str]:
    due = profile_due(g.deadlines, "consumer_reply")
    steps = []
    if case.offer:
        steps.append(
            gettext("The merchant offered %(offer)s. If it is fair, accept the offer.")
            % {"offer": offer_text(case.offer)}
        )
    else:
        steps.append(gettext("The merchant refused your request."))
    if due is not None and due.passed:
        steps.append(
            gettext("The time to ask %(platform)s to step in ended on %(due)s.")
            % {**values, "due": when_text(due.due)}
        )
        if due.consequence:
            steps.append(due.consequence)
        return steps
    if due is not None:
        steps.append(
            gettext(
                "Apply for %(platform)s's intervention before %(due)s — the window its rules give you "
                "after a refusal."
            )
            % {**values, "due": when_text(due.due)}
        )
    steps.append(_apply_step(g, values))
    steps.append(gettext("Or revise your request and ask the merchant again."))
    return steps


def _decided(case: Any, facts: Facts, g: Guidance, values: dict[str, str]) -> list[str]:
    decision = case.decision or {}
    outcome = decision.get("outcome", "")
    final = bool(decision.get("final"))
    if outcome == "consumer_upheld":
        return [
            gettext("%(platform)s decided in your favour.") % values,
            gettext(
                "When the merchant has carried it out (for a refund: when the money arrived), record it here."
            ),
        ]
    steps = [
        gettext("%(platform)s decided against you.") % values
        if outcome == "merchant_upheld"
        else gettext("%(platform)s upheld your request only in part.") % values
    ]
    due = profile_due(g.deadlines, "appeal_window")
    if not final and due is not None and not due.passed:
        steps.append(
            gettext(
                "Appeal by %(due)s if you can show more (the appeal is drafted below), and record the appeal here."
            )
            % {"due": when_text(due.due)}
        )
        steps.append(gettext("Or go to outside help: a complaint to 12315, a report or a court claim."))
    else:
        steps.append(
            gettext(
                "The decision is final on %(platform)s. Go to outside help: a complaint to 12315, a report or a court claim."
            )
            % values
        )
    return steps
