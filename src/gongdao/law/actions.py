"""The one write of the law advisor: answers to the case page's questionnaire, recorded as a case
event (``law_facts_recorded``) on the hash chain, so what was claimed or found, by whom and when,
cannot change unnoticed. The consumer's answers are ``claimed``; a platform agent's are ``found``
and override the claim for the assessment (parties/permissions.py decides the standing)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongdao.cases.actions import _claim_fresh, append_event
from gongdao.cases.actors import Actor
from gongdao.cases.models import Case, CaseEvent
from gongdao.errors import InvalidInput, NotAllowed, NotFound
from gongdao.law import casefacts, queries
from gongdao.law.facts import FactsError
from gongdao.parties import permissions


@transaction.atomic
def record_facts(
    case: Case, actor: Actor, answers: Mapping[str, Any], *, now: datetime | None = None
) -> CaseEvent | None:
    """Record the answers that differ from this viewer's standing answers (None withdraws one).
    Returns the event, or None when nothing changed (no event is written)."""
    now = now or timezone.now()
    sides = permissions.sides(actor, case)
    if not sides:
        raise NotFound("case_not_found", _("No such case."))
    standing = permissions.law_standing(sides)
    if not standing:
        raise NotAllowed(
            "cannot_answer_law_questions", _("Only the consumer and the platform can answer these questions.")
        )
    parsed = _parse(answers)
    on = timezone.localtime(now).date()
    current = queries.case_facts(case, on=on).current(standing)
    changes = {n: v for n, v in parsed.items() if current.get(n) != v and (v is not None or n in current)}
    if not changes:
        return None
    check = queries.case_facts(
        case, on=on, extra=[casefacts.Statement(n, v, standing, None) for n, v in changes.items()]
    )
    if check.error is not None:
        raise _does_not_fit(check, list(changes))
    _claim_fresh(case)
    payload = {"standing": standing, "facts": dict(sorted(changes.items()))}
    event = append_event(case, actor, casefacts.EVENT_TYPE, payload, now=now)
    case.save(update_fields=["version", "seq", "head_hash", "updated_at"])
    return event


def _parse(answers: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(answers, Mapping):
        raise InvalidInput("invalid_answers", _("Answers must be an object."), field="answers")
    parsed: dict[str, Any] = {}
    for name, raw in answers.items():
        try:
            parsed[name] = casefacts.parse_answer(str(name), raw)
        except FactsError as exc:
            if name not in casefacts.QUESTIONS:
                message = _("There is no question %(name)s.") % {"name": name}
            else:
                message = _("This answer is not valid: %(why)s") % {"why": exc.message}
            raise InvalidInput("invalid_answer", message, field=str(name))
    return parsed


def _does_not_fit(check: casefacts.CaseFacts, changed: list[str]) -> InvalidInput:
    error = check.error
    assert error is not None
    field = error.field if error.field in changed else changed[0]
    if error.field == "problem_found_on":
        message = _(
            "The day you found the problem must lie between the day of the order (%(ordered)s) and today."
        ) % {"ordered": check.value("ordered_on")}
    else:
        message = _("This answer does not fit the order: %(why)s") % {"why": error.message}
    return InvalidInput("facts_do_not_fit", message, field=field)
