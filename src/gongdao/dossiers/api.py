"""The API's outside-help operations (mount with ``api.add_router("", router)``):

* ``GET  /cases/{case_id}/dossiers/{target}`` — the signed ZIP bundle (streamed) or the PDF,
  chosen by ``?format=zip|pdf`` or the ``Accept`` header (``application/zip``, ``application/pdf``).
* ``GET  /cases/{case_id}/dossiers/{target}/preview`` — what the dossier says, what is missing.
* ``PUT  /cases/{case_id}/dossiers/{target}/draft`` — the consumer's edited facts text and answers.
* ``GET  /cases/{case_id}/referrals``, ``POST /cases/{case_id}/referrals`` — what was filed where.
* ``POST /cases/{case_id}/referrals/{number}/updates`` — a new status, reference or outcome.

Thin: parse, call dossiers.actions / queries / export, render. Mounted on the API in
gongdao/api/api.py; ``build_router()`` makes a fresh router (the module's ``router`` is one).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict, Field

from gongdao import codes
from gongdao.api.auth import READ, WRITE, actor_of, needs
from gongdao.api.common import responses
from gongdao.dossiers import actions, export, present, queries

Target = StrEnum("Target", {code: code for code in codes.DOSSIER_TARGETS})  # type: ignore[misc]
FILE_RESPONSES = {
    200: {
        "description": "The signed ZIP bundle (application/zip, streamed) or the PDF (application/pdf).",
        "content": {
            "application/zip": {"schema": {"type": "string", "format": "binary"}},
            "application/pdf": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


class ExportQuery(Schema):
    format: Literal["zip", "pdf"] | None = Field(None, description="Overrides the Accept header.")
    delivery_city: str | None = Field(None, max_length=100, description="Internet court, this export only.")
    defendant_domicile: str | None = Field(
        None, max_length=300, description="Internet court, this export only."
    )


class DraftIn(_In):
    facts_text: str | None = Field(
        None, max_length=actions.FACTS_LIMIT, description='Your own account; "" returns to the generated one.'
    )
    answers: dict[str, Any] | None = Field(
        None, description="Merged into the saved answers (docs/dossier-format.md)."
    )


class ReferralIn(_In):
    target: Target
    status: Literal["drafted", "filed"] = "filed"
    filed_on: date | None = None
    reference: str = Field("", max_length=actions.REFERENCE_LIMIT)


class ReferralUpdateIn(_In):
    status: Literal[codes.REFERRAL_STATUSES]  # type: ignore[valid-type]
    occurred_on: date | None = None
    reference: str | None = Field(None, max_length=actions.REFERENCE_LIMIT)
    outcome: str | None = Field(None, max_length=actions.OUTCOME_LIMIT)


class MissingOut(Schema):
    field: str = Field(description="A profile field (full_name, phone, address, id_number) or an answer.")
    where: Literal["profile", "answers"]


class RowOut(Schema):
    label: str
    value: str


class SectionOut(Schema):
    heading: str
    rows: list[RowOut]
    paragraphs: list[str]
    numbered: list[str]


class DossierEvidenceOut(Schema):
    id: str
    kind: str
    description: str
    side: str
    received_at: str
    sha256: str
    event_seq: int | None


class DossierOut(Schema):
    case: str
    target: str
    title: str
    addressee: str
    ready: bool = Field(
        description="Nothing is missing and nothing rules the target out: it can be downloaded."
    )
    missing: list[MissingOut]
    blockers: list[str] = Field(
        description="Why this target does not apply (e.g. no internet court has jurisdiction)."
    )
    warnings: list[str] = Field(
        description="Acceptance limits and other things to check before filing (Chinese)."
    )
    sections: list[SectionOut]
    facts_text: str
    facts_edited: bool
    evidence: list[DossierEvidenceOut]
    paste_fields: list[RowOut] = Field(description="12315 web form, field by field.")
    summary_title: str
    summary: str = Field(description="The masked public summary (media only).")


class ExpectedOut(Schema):
    kind: str
    due: date
    provisional: bool
    basis: str
    note: str


class UpdateOut(Schema):
    status: str
    occurred_on: date
    note: str
    event: str
    seq: int


class ReferralOut(Schema):
    number: int
    target: str
    status: str
    filed_on: date | None
    accepted_on: date | None
    reference: str
    outcome: str
    next_statuses: list[str]
    expected: list[ExpectedOut]
    awaiting: str | None
    reminder_at: str | None
    updates: list[UpdateOut]
    recorded_at: str
    updated_at: str


def _wants_pdf(request: HttpRequest, fmt: str | None) -> bool:
    if fmt is not None:
        return fmt == "pdf"
    accept = request.headers.get("Accept", "")
    return "application/pdf" in accept and "application/zip" not in accept


def _referral_out(case: Any, number: int) -> dict[str, Any]:
    view = next(v for v in queries.referral_views(case) if v.referral.number == number)
    return present.referral_object(view)


def build_router() -> Router:
    router = Router(tags=["outside help"])

    @router.get(
        "/cases/{case_id}/dossiers/{target}",
        response=responses({}, 404, 409),
        openapi_extra={"responses": FILE_RESPONSES},
        summary="Download a dossier: the signed ZIP bundle or the PDF",
        description=(
            "For the consumer and the platform. The ZIP is streamed: dossier.pdf, the evidence files, "
            "manifest.json (RFC 8785) and manifest.sig (Ed25519); docs/dossier-format.md specifies it. "
            "422 `dossier_incomplete` lists `missing` complainant details or answers and `blockers`."
        ),
        auth=needs(READ),
    )
    def download(request: HttpRequest, case_id: str, target: Target, query: Query[ExportQuery]) -> Any:
        actor = actor_of(request)
        case = queries.exportable(actor, case_id)
        overrides = {"delivery_city": query.delivery_city, "defendant_domicile": query.defendant_domicile}
        result = export.prepare(case, actor, str(target), overrides=overrides)
        if _wants_pdf(request, query.format):
            response: HttpResponseBase = HttpResponse(result.pdf, content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="{result.filename}.pdf"'
        else:
            response = StreamingHttpResponse(result.zip_chunks(), content_type="application/zip")
            response["Content-Disposition"] = f'attachment; filename="{result.filename}.zip"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "no-store"
        response["X-Dossier-Id"] = result.dossier_id
        return response

    @router.get(
        "/cases/{case_id}/dossiers/{target}/preview",
        response=responses({200: DossierOut}, 404),
        summary="What a dossier says, and what it still needs",
        auth=needs(READ),
    )
    def preview(request: HttpRequest, case_id: str, target: Target) -> Any:
        case = queries.exportable(actor_of(request), case_id)
        return present.dossier_object(case.public_id, queries.build(case, str(target)))

    @router.put(
        "/cases/{case_id}/dossiers/{target}/draft",
        response=responses({200: DossierOut}, 404, 409),
        summary="Save the consumer's own facts text and answers for a dossier (recorded as a case event)",
        auth=needs(WRITE),
    )
    def save_draft(request: HttpRequest, case_id: str, target: Target, payload: DraftIn) -> Any:
        actor = actor_of(request)
        case = queries.case_for(actor, case_id)
        actions.save_draft(case, actor, str(target), facts_text=payload.facts_text, answers=payload.answers)
        return present.dossier_object(case.public_id, queries.build(case, str(target)))

    @router.get(
        "/cases/{case_id}/referrals",
        response=responses({200: list[ReferralOut]}, 404),
        summary="What the consumer filed with outside bodies, with the dates the regulations set",
        auth=needs(READ),
    )
    def list_referrals(request: HttpRequest, case_id: str) -> Any:
        case = queries.case_for(actor_of(request), case_id)
        return [present.referral_object(v) for v in queries.referral_views(case)]

    @router.post(
        "/cases/{case_id}/referrals",
        response=responses({201: ReferralOut}, 404, 409),
        summary="Record a complaint, report or claim filed (or prepared) with an outside body",
        description="Once a referral is filed the case is in stage 4 (outside help).",
        auth=needs(WRITE),
    )
    def record_referral(request: HttpRequest, case_id: str, payload: ReferralIn) -> Any:
        actor = actor_of(request)
        case = queries.case_for(actor, case_id)
        referral = actions.record_referral(
            case,
            actor,
            target=str(payload.target),
            status=payload.status,
            filed_on=payload.filed_on,
            reference=payload.reference,
        )
        return Status(201, _referral_out(case, referral.number))

    @router.post(
        "/cases/{case_id}/referrals/{number}/updates",
        response=responses({200: ReferralOut}, 404, 409),
        summary="A referral's new status, reference number or outcome",
        auth=needs(WRITE),
    )
    def update_referral(request: HttpRequest, case_id: str, number: int, payload: ReferralUpdateIn) -> Any:
        actor = actor_of(request)
        case = queries.case_for(actor, case_id)
        referral = actions.update_referral(
            case,
            actor,
            number,
            status=payload.status,
            occurred_on=payload.occurred_on,
            reference=payload.reference,
            outcome=payload.outcome,
        )
        return _referral_out(case, referral.number)

    return router


router = build_router()
