"""Reads for the law advisor on a case: the case's facts with their sources (from the order
snapshot, the case, its record and the questionnaire's answers) and the entitlements on them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongdao.cases import facts
from gongdao.cases.actors import Actor
from gongdao.cases.models import Case
from gongdao.errors import NotFound
from gongdao.law import advisor, casefacts
from gongdao.law.entitlement import Entitlement
from gongdao.parties import permissions
from gongdao.policy import queries as policy_queries

EVENT_TYPES = (casefacts.EVENT_TYPE, *casefacts.CONSUMER_DEMANDS)


def today() -> date:
    return timezone.localtime(timezone.now()).date()


def inputs(case: Case, *, on: date | None = None) -> casefacts.CaseInputs:
    """What the facts are derived from: the frozen order snapshot, the case's lines, the day it
    was opened, and the events that demand or answer something."""
    lines = tuple(
        casefacts.Line(cl.order_line.unit_price_fen, cl.order_line.quantity, cl.order_line.paid_fen)
        for cl in facts.lines(case)
    )
    first = case.events.order_by("seq").values_list("recorded_at", flat=True).first()
    events = tuple(case.events.filter(type__in=EVENT_TYPES).order_by("seq"))
    opened_on = casefacts.china_date(first or case.created_at) or today()
    return casefacts.CaseInputs(
        case.issue, case.order_snapshot or {}, lines, opened_on, events, on or today()
    )


def case_facts(
    case: Case, *, on: date | None = None, extra: Iterable[casefacts.Statement] = ()
) -> casefacts.CaseFacts:
    return casefacts.build(inputs(case, on=on), extra=extra, today=on or today())


@dataclass(frozen=True)
class CaseAssessment:
    facts: casefacts.CaseFacts
    entitlements: tuple[Entitlement, ...]

    def get(self, code: str) -> Entitlement | None:
        return next((e for e in self.entitlements if e.code == code), None)


def assess(case: Case, *, on: date | None = None) -> CaseAssessment:
    """The entitlements on the case's facts (none when the facts do not fit together)."""
    facts = case_facts(case, on=on)
    if facts.parsed is None:
        return CaseAssessment(facts, ())
    return CaseAssessment(facts, tuple(advisor.assess(facts.parsed, policy_queries.calendar())))


def for_viewer(actor: Actor, case: Case) -> CaseAssessment:
    """The assessment, if this viewer may see the law panel (else 404, as for a stranger)."""
    if not permissions.sees_law_advice(permissions.sides(actor, case)):
        raise NotFound("case_not_found", _("No such case."))
    return assess(case)
