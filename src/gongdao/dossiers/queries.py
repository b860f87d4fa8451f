"""Reads for dossiers, scoped to a viewer: who may export a case's dossiers, the case record as a
dossier sees it, the consumer's saved text and answers, the referrals with the dates the
regulations set, and what the case page's outside-help section shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongdao import codes, ids
from gongdao.cases.actors import Actor
from gongdao.cases.models import Case
from gongdao.dossiers import answers as answers_module
from gongdao.dossiers import content, regulations, snapshot, words
from gongdao.dossiers.models import DossierDraft, Referral
from gongdao.errors import Forbidden, InvalidInput, NotAllowed, NotFound
from gongdao.evidence.models import EvidenceItem
from gongdao.parties import permissions
from gongdao.policy import queries as policy_queries

CASE_RELATED = ("shop", "consumer", "consumer__profile", "policy", "order", "outside_merchant")


def check_target(target: str) -> str:
    if target not in codes.DOSSIER_TARGETS:
        raise InvalidInput(
            "unknown_target",
            _("There is no such dossier: %(target)s. Choose one of %(targets)s.")
            % {"target": target, "targets": ", ".join(codes.DOSSIER_TARGETS)},
            field="target",
        )
    return target


def case_for(actor: Actor, case_id: str) -> Case:
    """The case if this viewer may see it, else 404 (never 403: ids are not confirmed)."""
    case = Case.objects.select_related(*CASE_RELATED).filter(public_id=ids.normalise(case_id or "")).first()
    if case is None or not permissions.can_view(actor, case):
        raise NotFound("case_not_found", _("No such case."))
    return case


def may_export(actor: Actor, case: Case) -> bool:
    """A dossier carries the consumer's personal data in full: those who see it may export."""
    return permissions.sees_personal_data(permissions.sides(actor, case))


def exportable(actor: Actor, case_id: str) -> Case:
    case = case_for(actor, case_id)
    if not may_export(actor, case):
        raise Forbidden(
            "not_your_dossier",
            _("Only the consumer and the platform can prepare outside-help dossiers for a case."),
        )
    if case.status == "draft":
        raise NotAllowed(
            "not_filed", _("File the case first: a dossier is built from the record of a filed case.")
        )
    return case


def today() -> date:
    return timezone.localtime(timezone.now()).date()


# ---- the record --------------------------------------------------------------------------


def _respondent(case: Case) -> snapshot.Respondent:
    shop = case.shop
    if shop is not None:
        return snapshot.Respondent(
            name=shop.name,
            region=shop.region,
            address=shop.registered_address,
            credit_code=shop.credit_code,
            platform=f"本平台（{settings.BASE_URL}）",
        )
    party = case.outside_merchant
    if party is not None:
        return snapshot.Respondent(
            name=party.name,
            region=party.region,
            address=party.address,
            credit_code=party.credit_code,
            platform=words.platform_name(party.platform),
            store_url=party.store_url,
            contact=party.contact,
        )
    return snapshot.Respondent(name=(case.order_snapshot or {}).get("shop_name", ""))


def _complainant(case: Case) -> snapshot.Complainant:
    profile = getattr(case.consumer, "profile", None)
    if profile is None:
        return snapshot.Complainant(case.consumer.public_id)
    return snapshot.Complainant(
        case.consumer.public_id,
        full_name=profile.full_name.strip(),
        phone=profile.phone.strip(),
        address=profile.address.strip(),
        id_number=profile.id_number.strip(),
    )


def evidence_items(case: Case, until_seq: int | None = None) -> list[EvidenceItem]:
    """The items that count as evidence (withdrawn ones stay in the chain, not in the dossier),
    recorded by events up to ``until_seq`` when given."""
    qs = EvidenceItem.objects.filter(case=case, withdrawn_at__isnull=True)
    if until_seq is not None:
        qs = qs.filter(event__seq__lte=until_seq)
    return list(qs.select_related("event").order_by("received_at", "pk"))


def case_record(case: Case, until_seq: int | None = None) -> snapshot.CaseRecord:
    """The case as of its event ``until_seq`` (default: now)."""
    ordered = case.events.order_by("seq")
    events = list(ordered.filter(seq__lte=until_seq) if until_seq is not None else ordered)
    lines = [
        snapshot.Line(
            cl.order_line.line_no,
            cl.order_line.name,
            cl.order_line.spec,
            cl.order_line.quantity,
            cl.order_line.unit_price_fen,
            cl.order_line.paid_fen,
            cl.requested_fen,
        )
        for cl in case.lines.select_related("order_line")
    ]
    evidence = [
        snapshot.Evidence(
            id=item.public_id,
            kind=item.kind,
            description=item.description,
            side=item.side,
            received_at=item.received_at,
            name=item.original_name,
            size=item.size,
            content_type=item.content_type,
            sha256=item.sha256,
            event_id=item.event.public_id if item.event else "",
            event_seq=item.event.seq if item.event else None,
        )
        for item in evidence_items(case, until_seq)
    ]
    referrals = [
        snapshot.ReferralInfo(r.number, r.target, r.status, r.filed_on, r.reference, r.accepted_on)
        for r in case.referrals.order_by("number")
    ]
    return snapshot.CaseRecord(
        case_id=case.public_id,
        mode=case.mode,
        issue=case.issue,
        remedy=case.remedy,
        status=case.status,
        stage=case.stage,
        statement=case.statement,
        requested_fen=case.requested_fen,
        policy=case.policy.version,
        opened_at=events[0].recorded_at if events else case.created_at,
        filed_at=case.filed_at,
        order=case.order_snapshot or {},
        lines=tuple(lines),
        respondent=_respondent(case),
        complainant=_complainant(case),
        events=tuple(
            snapshot.Event(
                e.seq,
                e.public_id,
                e.type,
                e.recorded_at,
                e.occurred_at,
                e.actor_role,
                e.visibility,
                None if e.visibility == "platform_only" else e.payload,
            )
            for e in events
        ),
        evidence=tuple(evidence),
        referrals=tuple(referrals),
        decision=case.decision,
        platform=settings.BASE_URL,
        refunded_fen=case.refunded_fen,
        on_behalf_of=next((e.on_behalf_of for e in events if e.on_behalf_of), ""),
    )


# ---- the dossier ------------------------------------------------------------------------


def draft_of(case: Case, target: str) -> DossierDraft | None:
    return DossierDraft.objects.select_related("event").filter(case=case, target=target).first()


def inputs_for(
    case: Case,
    target: str,
    *,
    overrides: dict[str, Any] | None = None,
    on: date | None = None,
    facts_text: str | None = None,
) -> content.Inputs:
    """The consumer's saved text and answers; ``overrides`` are answers for this export only,
    ``facts_text`` replaces the saved text ("" shows the generated account)."""
    draft = draft_of(case, target)
    saved = dict(draft.answers) if draft else {}
    saved.update({k: v for k, v in (overrides or {}).items() if v is not None})
    on = on or today()
    text = (draft.facts_text if draft else "") if facts_text is None else facts_text
    return content.Inputs(
        answers=answers_module.parse(saved, today=on),
        facts_text=text,
        edited_seq=draft.event.seq if draft and draft.event and text else None,
        today=on,
    )


def build(
    case: Case,
    target: str,
    *,
    overrides: dict[str, Any] | None = None,
    on: date | None = None,
    until_seq: int | None = None,
    facts_text: str | None = None,
) -> content.Dossier:
    check_target(target)
    inputs = inputs_for(case, target, overrides=overrides, on=on, facts_text=facts_text)
    return content.build(case_record(case, until_seq), target, inputs, policy_queries.calendar())


# ---- referrals ---------------------------------------------------------------------------


@dataclass
class ReferralView:
    referral: Referral
    expected: list[regulations.Expectation]
    awaiting: regulations.Expectation | None
    next_statuses: tuple[str, ...]

    @property
    def overdue(self) -> bool:
        return self.awaiting is not None and self.awaiting.due < today()


def referral_views(case: Case) -> list[ReferralView]:
    from gongdao.dossiers.actions import NEXT_STATUSES

    calendar = policy_queries.calendar()
    views = []
    for referral in case.referrals.prefetch_related("updates__event").order_by("number"):
        views.append(
            ReferralView(
                referral,
                regulations.expectations(referral.target, referral.filed_on, referral.accepted_on, calendar),
                regulations.pending(
                    referral.target, referral.status, referral.filed_on, referral.accepted_on, calendar
                ),
                NEXT_STATUSES[referral.status],
            )
        )
    return views


def get_referral(case: Case, number: int | str) -> Referral:
    try:
        value = int(number)
    except (TypeError, ValueError):
        value = 0
    referral = case.referrals.filter(number=value).first() if value > 0 else None
    if referral is None:
        raise NotFound("referral_not_found", _("No such referral on this case."))
    return referral
