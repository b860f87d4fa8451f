"""The only code that writes dossier data. Each function is one transaction: claim the case,
check who acts, append the case event, update the projection rows.

* ``save_draft`` — the consumer edits a dossier's facts text or answers: event ``dossier_edited``
  (and ``law_facts_recorded`` for answers that are the case's law facts, via gongdao.law.actions).
* ``record_referral`` / ``update_referral`` — the consumer records what they filed and how it
  went: events ``referral_recorded`` / ``referral_updated``. Once a referral is filed the case is
  in stage 4 (outside help), set in the same transaction, and the chain head is signed as at every
  stage change. A reminder (an outbox row due on the date the regulations set) is kept in step.
* ``complete_profile`` — the complainant details a dossier asks for go into the consumer's
  profile (personal data lives there, never in case payloads).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongdao import codes
from gongdao.cases.actions import _claim_fresh, append_event, sign_head
from gongdao.cases.actors import Actor
from gongdao.cases.models import Case, CaseEvent
from gongdao.dossiers import answers as answers_module
from gongdao.dossiers import queries, reminders
from gongdao.dossiers.models import DossierDraft, Referral, ReferralUpdate
from gongdao.errors import InvalidInput, NotAllowed, NotFound
from gongdao.law import actions as law_actions
from gongdao.parties import permissions
from gongdao.parties.models import Profile

# The case events this app writes (recorded outside the workflow table; every one has words in
# web/labels.EVENTS and console/labels.EVENTS, and the narrative tells the filed ones).
EVENT_TYPES = ("dossier_edited", "referral_recorded", "referral_updated")
FACTS_LIMIT = 10_000
REFERENCE_LIMIT = 100
OUTCOME_LIMIT = 2000
FILED = ("filed", "accepted", "refused", "in_mediation", "resolved", "closed")
NEXT_STATUSES: dict[str, tuple[str, ...]] = {
    "drafted": ("filed", "closed"),
    "filed": ("accepted", "refused", "in_mediation", "resolved", "closed"),
    "accepted": ("in_mediation", "resolved", "closed"),
    "in_mediation": ("resolved", "closed"),
    "refused": ("closed",),
    "resolved": ("closed",),
    "closed": (),
}
ACCEPTING = ("accepted", "in_mediation")
PHONE = re.compile(r"^\+?[0-9][0-9 \-]{5,19}$")
ID_NUMBER = re.compile(r"^\d{17}[\dXx]$")
PROFILE_LIMITS = {"full_name": 100, "phone": 40, "address": 300, "id_number": 40}


def _consumer_only(actor: Actor, case: Case) -> None:
    sides = permissions.sides(actor, case)
    if not sides:
        raise NotFound("case_not_found", _("No such case."))
    if "consumer" not in sides:
        raise NotAllowed("consumer_only", _("Only the consumer of this case can do this."))
    if case.status == "draft":
        raise NotAllowed(
            "not_filed", _("File the case first: a dossier is built from the record of a filed case.")
        )


def _claim(case: Case) -> None:
    """Claim the case (row lock + version compare-and-set) and read its current stage."""
    _claim_fresh(case)
    case.stage = Case.objects.values_list("stage", flat=True).get(pk=case.pk)


def _save_case(case: Case) -> None:
    case.save(update_fields=["version", "seq", "head_hash", "stage", "updated_at"])


# ---- the dossier's text and answers -------------------------------------------------------


@transaction.atomic
def save_draft(
    case: Case,
    actor: Actor,
    target: str,
    *,
    facts_text: str | None = None,
    answers: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> CaseEvent | None:
    """Record the consumer's edit of a dossier (None: nothing changed). ``facts_text`` None keeps
    the text, "" returns to the generated account; ``answers`` are merged into the saved ones.
    Answers that are law facts (fraud, losses, …) are the case's, not this dossier's: they are
    recorded as the consumer's claims (``law_facts_recorded``) through gongdao.law.actions, so
    the case page's panel and every dossier use the same facts; None withdraws a claim."""
    now = now or timezone.now()
    queries.check_target(target)
    _consumer_only(actor, case)
    draft = DossierDraft.objects.select_for_update().filter(case=case, target=target).first()
    text = draft.facts_text if draft else ""
    if facts_text is not None:
        text = facts_text.replace("\r\n", "\n").strip()
        if len(text) > FACTS_LIMIT:
            raise InvalidInput(
                "too_long",
                _("Keep this under %(limit)d characters.") % {"limit": FACTS_LIMIT},
                field="facts_text",
            )
    given = dict(answers or {})
    merged = dict(draft.answers) if draft else {}
    merged.update(given)
    today = timezone.localtime(now).date()
    parsed = answers_module.parse(merged, today=today)
    claims = answers_module.law_claims(parsed)
    law_event = law_actions.record_facts(
        case,
        actor,
        {name: claims.get(name) for name in given if name in answers_module.LAW_FIELDS},
        now=now,
    )
    stored = answers_module.without_law(parsed).to_json()
    if draft is not None and (draft.facts_text, draft.answers) == (text, stored):
        return law_event
    if draft is None and not text and stored == answers_module.Answers().to_json():
        return law_event  # only law facts were given: nothing of the dossier's own to record
    _claim(case)
    payload = {"target": target, "facts_text": text or None, "answers": stored}
    event = append_event(case, actor, "dossier_edited", payload, now=now)
    DossierDraft.objects.update_or_create(
        case=case,
        target=target,
        defaults={"facts_text": text, "answers": stored, "event": event, "updated_at": now},
    )
    _save_case(case)
    return event


# ---- the complainant's details ------------------------------------------------------------


@transaction.atomic
def complete_profile(case: Case, actor: Actor, **fields: str) -> list[str]:
    """Write the given complainant details into the consumer's profile; returns what changed."""
    _consumer_only(actor, case)
    values: dict[str, str] = {}
    for name, raw in fields.items():
        if name not in PROFILE_LIMITS:
            raise InvalidInput("unknown_field", _("There is no field %(name)s.") % {"name": name}, field=name)
        value = " ".join(str(raw or "").split())
        if not value:
            continue
        if len(value) > PROFILE_LIMITS[name]:
            raise InvalidInput(
                "too_long",
                _("Keep this under %(limit)d characters.") % {"limit": PROFILE_LIMITS[name]},
                field=name,
            )
        if name == "phone" and not PHONE.match(value):
            raise InvalidInput(
                "invalid_phone", _("Enter a phone number using digits, like 13812345678."), field=name
            )
        if name == "id_number" and not ID_NUMBER.match(value):
            raise InvalidInput(
                "invalid_id_number", _("Enter the 18-character number on your ID card."), field=name
            )
        values[name] = value.upper() if name == "id_number" else value
    profile, _created = Profile.objects.select_for_update().get_or_create(user=case.consumer)
    changed = [name for name, value in values.items() if getattr(profile, name) != value]
    for name in changed:
        setattr(profile, name, values[name])
    if changed:
        profile.save(update_fields=changed)
    return changed


# ---- referrals ------------------------------------------------------------------------------


def _reference(value: str | None) -> str:
    text = " ".join((value or "").split())
    if len(text) > REFERENCE_LIMIT:
        raise InvalidInput(
            "too_long",
            _("Keep this under %(limit)d characters.") % {"limit": REFERENCE_LIMIT},
            field="reference",
        )
    return text


def _outcome(value: str | None) -> str:
    text = (value or "").strip()
    if len(text) > OUTCOME_LIMIT:
        raise InvalidInput(
            "too_long", _("Keep this under %(limit)d characters.") % {"limit": OUTCOME_LIMIT}, field="outcome"
        )
    return text


def _day(value: date | str | None, field: str, case: Case, today: date, *, required: bool) -> date | None:
    if value in (None, ""):
        if required:
            raise InvalidInput("required", _("Enter the date."), field=field)
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise InvalidInput("invalid_date", _("Enter a date like 2025-03-01."), field=field)
    assert isinstance(value, date)
    if value > today:
        raise InvalidInput("future_date", _("The date cannot be in the future."), field=field)
    ordered = timezone.localtime(case.order.ordered_at).date()
    if value < ordered:
        raise InvalidInput("before_order", _("The date cannot be before the order."), field=field)
    return value


def _enter_stage_four(case: Case, now: datetime) -> None:
    if case.stage != 4:
        case.stage = 4
        _save_case(case)
        sign_head(case, now, reason="stage 4")


@transaction.atomic
def record_referral(
    case: Case,
    actor: Actor,
    *,
    target: str,
    status: str = "filed",
    filed_on: date | str | None = None,
    reference: str = "",
    now: datetime | None = None,
) -> Referral:
    """Record a complaint, report or claim the consumer filed (``filed``) or is preparing (``drafted``)."""
    now = now or timezone.now()
    queries.check_target(target)
    _consumer_only(actor, case)
    if status not in ("drafted", "filed"):
        raise InvalidInput("invalid_status", _("Record it as prepared or as filed."), field="status")
    today = timezone.localtime(now).date()
    filed = _day(filed_on, "filed_on", case, today, required=status == "filed")
    reference = _reference(reference)
    _claim(case)
    number = (case.referrals.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    payload = {
        "referral": number,
        "target": target,
        "status": status,
        "filed_on": filed.isoformat() if filed else None,
        "occurred_on": (filed or today).isoformat(),
        "reference": reference,
    }
    event = append_event(case, actor, "referral_recorded", payload, now=now)
    referral = Referral.objects.create(
        case=case,
        number=number,
        target=target,
        status=status,
        filed_on=filed,
        reference=reference,
        event=event,
        recorded_at=now,
        updated_at=now,
    )
    ReferralUpdate.objects.create(
        referral=referral, status=status, occurred_on=filed or today, event=event, recorded_at=now
    )
    _save_case(case)
    if status in FILED:
        _enter_stage_four(case, now)
    reminders.keep_in_step(referral, now)
    return referral


@transaction.atomic
def update_referral(
    case: Case,
    actor: Actor,
    number: int | str,
    *,
    status: str,
    occurred_on: date | str | None = None,
    reference: str | None = None,
    outcome: str | None = None,
    now: datetime | None = None,
) -> Referral:
    """A new status (``NEXT_STATUSES``), or the same status with a new reference or outcome."""
    now = now or timezone.now()
    _consumer_only(actor, case)
    referral = queries.get_referral(case, number)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if status not in codes.REFERRAL_STATUSES:
        raise InvalidInput("invalid_status", _("Choose one of the statuses offered."), field="status")
    reference_text = referral.reference if reference is None else _reference(reference)
    outcome_text = referral.outcome if outcome is None else _outcome(outcome)
    if status == referral.status:
        if (reference_text, outcome_text) == (referral.reference, referral.outcome):
            raise InvalidInput(
                "nothing_changed",
                _("Choose a new status or change the reference or outcome."),
                field="status",
            )
    elif status not in NEXT_STATUSES[referral.status]:
        raise NotAllowed(
            "invalid_referral_step",
            _("A referral that is “%(current)s” cannot become “%(status)s”.")
            % {"current": referral.status, "status": status},
            field="status",
        )
    today = timezone.localtime(now).date()
    when = _day(occurred_on, "occurred_on", case, today, required=False) or today
    if referral.filed_on and when < referral.filed_on:
        raise InvalidInput(
            "before_filing", _("The date cannot be before the referral was filed."), field="occurred_on"
        )
    _claim(case)
    payload = {
        "referral": referral.number,
        "target": referral.target,
        "status": status,
        "occurred_on": when.isoformat(),
        "reference": reference_text,
        "outcome": outcome_text,
    }
    event = append_event(case, actor, "referral_updated", payload, now=now)
    if status == "filed" and referral.filed_on is None:
        referral.filed_on = when
    if status in ACCEPTING and referral.accepted_on is None:
        referral.accepted_on = when
    referral.status, referral.reference, referral.outcome, referral.updated_at = (
        status,
        reference_text,
        outcome_text,
        now,
    )
    referral.save(update_fields=["status", "reference", "outcome", "filed_on", "accepted_on", "updated_at"])
    ReferralUpdate.objects.create(
        referral=referral,
        status=status,
        occurred_on=when,
        note=outcome_text if outcome is not None else "",
        event=event,
        recorded_at=now,
    )
    _save_case(case)
    if status in FILED:
        _enter_stage_four(case, now)
    reminders.keep_in_step(referral, now)
    return referral
