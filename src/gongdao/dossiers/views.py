"""The outside-help pages: choose a target, fill in what is missing, edit the facts, preview,
download the PDF or the signed ZIP; record referrals and their progress; and the public page
that verifies an uploaded dossier. Thin: parse, call dossiers.actions / queries / export, render.
"""

from __future__ import annotations

import hashlib
import tempfile
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from gongdao import codes, keys
from gongdao.cases.actors import Actor, of_user
from gongdao.cases.models import Case
from gongdao.dossiers import actions, content, export, fonts, labels, queries, verify
from gongdao.dossiers.forms import PROFILE_FIELDS, AnswersForm, DetailsForm, ReferralForm, ReferralUpdateForm
from gongdao.errors import DomainError, Forbidden, NotAllowed, NotFound
from gongdao.law import casefacts
from gongdao.law import queries as law_queries

ANSWER_FIELDS = {
    "12315": ("problem_found_on", "category", "fraud", "food_unsafe", "loss_fen", "other_body"),
    "regulator_report": ("problem_found_on", "fraud"),
    "tax": (),
    "media": (),
    "internet_court": (
        "delivery_city",
        "defendant_domicile",
        "problem_found_on",
        "category",
        "fraud",
        "food_unsafe",
        "loss_fen",
    ),
}
VERIFY_UPLOAD_LIMIT = 1024 * 1024 * 1024  # 1 GiB; the CLI has no limit


def _actor(request: HttpRequest) -> Actor:
    return of_user(request.user)


def _case(request: HttpRequest, case_id: str, *, export_only: bool = True) -> Case:
    try:
        if export_only:
            return queries.exportable(_actor(request), case_id)
        return queries.case_for(_actor(request), case_id)
    except NotFound:
        raise Http404("No such case")
    except Forbidden as exc:
        raise PermissionDenied(str(exc.message))


def _target(target: str) -> str:
    if target not in codes.DOSSIER_TARGETS:
        raise Http404("No such dossier")
    return target


def _draft_case_redirect(request: HttpRequest, exc: NotAllowed, case_id: str) -> HttpResponse:
    messages.error(request, exc.message)
    return redirect("web:case", case_id=case_id.strip().upper())


# ---- the section on the case page, and the overview ---------------------------------------


def section_context(case: Case, actor: Actor) -> dict[str, Any]:
    """What ``dossiers/case_section.html`` shows: the referrals to every viewer of the case, the
    way to the dossiers to those who may export them."""
    return {
        "case": case,
        "may_export": queries.may_export(actor, case) and case.status != "draft",
        "is_consumer": "consumer" in _sides(actor, case),
        "referrals": queries.referral_views(case),
        "overview_url": reverse("dossiers:case", args=[case.public_id]),
        "targets": _targets(case),
    }


def _sides(actor: Actor, case: Case) -> set[str]:
    from gongdao.parties import permissions

    return permissions.sides(actor, case)


def _targets(case: Case) -> list[dict[str, Any]]:
    return [
        {
            "code": code,
            "label": label,
            "hint": labels.TARGET_HINTS[code],
            "url": reverse("dossiers:target", args=[case.public_id, code]),
        }
        for code, label in codes.DOSSIER_TARGETS.items()
    ]


def _overview_context(request: HttpRequest, case: Case, **extra: Any) -> dict[str, Any]:
    actor = _actor(request)
    context = section_context(case, actor)
    context["record_form"] = extra.pop("record_form", None) or ReferralForm()
    forms_by_number = extra.pop("update_forms", {})
    for view in context["referrals"]:
        r = view.referral
        view.form = forms_by_number.get(r.number) or ReferralUpdateForm(
            statuses=view.next_statuses,
            current=r.status,
            initial={"status": (view.next_statuses or (r.status,))[0], "reference": r.reference},
            prefix=f"r{r.number}",
        )
    context.update(extra)
    return context


@login_required
@require_GET
def overview(request: HttpRequest, case_id: str) -> HttpResponse:
    try:
        case = _case(request, case_id)
    except NotAllowed as exc:
        return _draft_case_redirect(request, exc, case_id)
    return render(request, "dossiers/overview.html", _overview_context(request, case))


@login_required
@require_POST
def record_referral(request: HttpRequest, case_id: str) -> HttpResponse:
    case = _case(request, case_id, export_only=False)
    form = ReferralForm(request.POST)
    error_summary: list[dict[str, Any]] = []
    if form.is_valid():
        data = form.cleaned_data
        try:
            referral = actions.record_referral(
                case,
                _actor(request),
                target=data["target"],
                status=data["status"],
                filed_on=data["filed_on"],
                reference=data["reference"],
            )
        except DomainError as exc:
            _attach(form, exc, "filed_on")
            error_summary = [
                {
                    "href": "#" + form[exc.field if exc.field in form.fields else "filed_on"].auto_id,
                    "text": exc.message,
                }
            ]
            status = exc.status
        else:
            messages.success(
                request, _("Recorded: %(what)s.") % {"what": codes.DOSSIER_TARGETS[referral.target]}
            )
            return redirect(reverse("dossiers:case", args=[case.public_id]) + "#referrals")
    else:
        status = 422
    if not error_summary:
        error_summary = [
            {"href": "#" + form[name].auto_id, "text": errs[0]}
            for name, errs in form.errors.items()
            if name in form.fields
        ]
    case = _case(request, case_id, export_only=False)
    return render(
        request,
        "dossiers/overview.html",
        _overview_context(request, case, record_form=form, error_summary=error_summary),
        status=status,
    )


@login_required
@require_POST
def update_referral(request: HttpRequest, case_id: str, number: int) -> HttpResponse:
    case = _case(request, case_id, export_only=False)
    try:
        referral = queries.get_referral(case, number)
    except NotFound:
        raise Http404("No such referral")
    statuses = actions.NEXT_STATUSES[referral.status]
    form = ReferralUpdateForm(request.POST, statuses=statuses, current=referral.status, prefix=f"r{number}")
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.update_referral(
                case,
                _actor(request),
                number,
                status=data["status"],
                occurred_on=data["occurred_on"],
                reference=data["reference"],
                outcome=data["outcome"],
            )
        except DomainError as exc:
            _attach(form, exc, "status")
            status = exc.status
        else:
            messages.success(request, _("The referral is updated."))
            return redirect(reverse("dossiers:case", args=[case.public_id]) + f"#referral-{number}")
    error_summary = [
        {"href": "#" + form[name].auto_id, "text": errs[0]}
        for name, errs in form.errors.items()
        if name in form.fields
    ]
    case = _case(request, case_id, export_only=False)
    context = _overview_context(request, case, update_forms={number: form}, error_summary=error_summary)
    return render(request, "dossiers/overview.html", context, status=status)


def _attach(form: Any, exc: DomainError, default: str) -> None:
    field = exc.field if exc.field in form.fields else default
    form.add_error(field, str(exc.message))


# ---- one target: preview, details, answers, downloads ---------------------------------------


def _target_context(request: HttpRequest, case: Case, target: str, **extra: Any) -> dict[str, Any]:
    dossier = queries.build(case, target)
    generated = queries.build(case, target, facts_text="") if dossier.facts_edited else dossier
    draft = queries.draft_of(case, target)
    saved = dict(draft.answers) if draft else {}
    consumer = "consumer" in _sides(_actor(request), case)
    wanted = content.REQUIRED_PROFILE[target]
    profile = getattr(case.consumer, "profile", None)
    details_form = extra.pop("details_form", None) or DetailsForm(
        wanted=wanted or PROFILE_FIELDS[:3], initial={n: getattr(profile, n, "") for n in PROFILE_FIELDS}
    )
    initial = {k: v for k, v in saved.items() if v not in (None, "")}
    initial.update(law_queries.case_facts(case).current(casefacts.CLAIMED))  # the case's law facts
    if initial.get("loss_fen"):
        initial["loss_fen"] = f"{initial['loss_fen'] // 100}.{initial['loss_fen'] % 100:02d}"
    initial["facts_text"] = dossier.facts_text
    answers_form = extra.pop("answers_form", None) or AnswersForm(initial=initial)
    fields = ANSWER_FIELDS[target]
    return {
        "case": case,
        "target": target,
        "target_label": codes.DOSSIER_TARGETS[target],
        "target_hint": labels.TARGET_HINTS[target],
        "dossier": dossier,
        "missing": [
            {"code": m.code, "label": labels.MISSING_FIELDS[m.code], "where": m.where}
            for m in dossier.missing
        ],
        "is_consumer": consumer,
        "details_form": details_form,
        "answers_form": answers_form,
        "answer_fields": [answers_form[name] for name in fields],
        "edited": dossier.facts_edited,
        "generated_text": generated.facts_text,
        "download_pdf": reverse("dossiers:download", args=[case.public_id, target]) + "?format=pdf",
        "download_zip": reverse("dossiers:download", args=[case.public_id, target]) + "?format=zip",
        "overview_url": reverse("dossiers:case", args=[case.public_id]),
        **extra,
    }


@login_required
@require_GET
def target_page(request: HttpRequest, case_id: str, target: str) -> HttpResponse:
    _target(target)
    try:
        case = _case(request, case_id)
    except NotAllowed as exc:
        return _draft_case_redirect(request, exc, case_id)
    return render(request, "dossiers/target.html", _target_context(request, case, target))


@login_required
@require_POST
def save_details(request: HttpRequest, case_id: str, target: str) -> HttpResponse:
    _target(target)
    case = _case(request, case_id, export_only=False)
    wanted = content.REQUIRED_PROFILE[target] or PROFILE_FIELDS[:3]
    form = DetailsForm(request.POST, wanted=wanted)
    status = 422
    if form.is_valid():
        try:
            actions.complete_profile(case, _actor(request), **{k: v for k, v in form.cleaned_data.items()})
        except DomainError as exc:
            _attach(form, exc, wanted[0])
            status = exc.status
        else:
            messages.success(request, _("Your details are saved in your account."))
            return redirect(reverse("dossiers:target", args=[case.public_id, target]))
    error_summary = [
        {"href": "#" + form[name].auto_id, "text": errs[0]}
        for name, errs in form.errors.items()
        if name in form.fields
    ]
    case = _case(request, case_id)
    context = _target_context(request, case, target, details_form=form, error_summary=error_summary)
    return render(request, "dossiers/target.html", context, status=status)


@login_required
@require_POST
def save_answers(request: HttpRequest, case_id: str, target: str) -> HttpResponse:
    _target(target)
    case = _case(request, case_id, export_only=False)
    form = AnswersForm(request.POST)
    status = 422
    if form.is_valid():
        fields = ANSWER_FIELDS[target]
        answers = {k: v for k, v in form.answers().items() if k in fields}
        text = form.cleaned_data.get("facts_text") or ""
        if "reset" in request.POST or _same_text(text, _generated(case, target)):
            text = ""
        try:
            event = actions.save_draft(case, _actor(request), target, facts_text=text, answers=answers)
        except DomainError as exc:
            _attach(form, exc, "facts_text")
            status = exc.status
        else:
            if event is None:
                messages.info(request, _("Nothing changed."))
            else:
                messages.success(request, _("Saved. The change is recorded in the case's history."))
            return redirect(reverse("dossiers:target", args=[case.public_id, target]) + "#preview")
    error_summary = [
        {"href": "#" + form[name].auto_id, "text": errs[0]}
        for name, errs in form.errors.items()
        if name in form.fields
    ]
    case = _case(request, case_id)
    context = _target_context(request, case, target, answers_form=form, error_summary=error_summary)
    return render(request, "dossiers/target.html", context, status=status)


def _generated(case: Case, target: str) -> str:
    return queries.build(case, target, facts_text="").facts_text


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


@login_required
@require_GET
def download(request: HttpRequest, case_id: str, target: str) -> HttpResponseBase:
    _target(target)
    fmt = request.GET.get("format", "zip")
    if fmt not in export.FORMATS:
        raise Http404("No such format")
    try:
        case = _case(request, case_id)
        result = export.prepare(case, _actor(request), target)
    except NotAllowed as exc:
        return _draft_case_redirect(request, exc, case_id)
    except fonts.FontMissing as exc:
        return render(request, "dossiers/problem.html", {"message": str(exc)}, status=503)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(reverse("dossiers:target", args=[case.public_id, target]))
    if fmt == "pdf":
        response: HttpResponseBase = HttpResponse(result.pdf, content_type="application/pdf")
    else:
        response = StreamingHttpResponse(result.zip_chunks(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{result.filename}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


# ---- verifying a dossier someone gave you -------------------------------------------------


class _LimitedUpload(TemporaryFileUploadHandler):
    """Streams the upload to a temporary file and stops at the size limit."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.seen = 0
        self.too_large = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.seen += len(raw_data)
        if self.seen > self.limit:
            self.too_large = True
            raise StopUpload(connection_reset=False)
        return super().receive_data_chunk(raw_data, start)


def _own_key() -> tuple[str, str]:
    try:
        public = keys.public_raw(keys.private_key())
    except keys.MissingKey:
        return "", ""
    return keys.encode_public(public), keys.fingerprint(public)


@csrf_exempt
def verify_page(request: HttpRequest) -> HttpResponse:
    """Public: no login. The upload is streamed to a temporary file (size-limited) before CSRF is
    checked, so the limit bites while the bytes arrive."""
    handler = None
    if request.method == "POST":
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > VERIFY_UPLOAD_LIMIT + 64 * 1024:
            return _verify_render(request, error=_too_large(), status=413)
        handler = _LimitedUpload(request, VERIFY_UPLOAD_LIMIT)
        request.upload_handlers = [handler]
    return csrf_protect(_verify)(request, handler)


def _too_large() -> str:
    return _("The file is larger than %(limit)d MB. Use `gongdao verify-dossier FILE.zip` instead.") % {
        "limit": VERIFY_UPLOAD_LIMIT // (1024 * 1024)
    }


def _verify(request: HttpRequest, handler: _LimitedUpload | None) -> HttpResponse:
    if request.method != "POST":
        return _verify_render(request)
    upload = request.FILES.get("dossier")
    if handler is not None and handler.too_large:
        return _verify_render(request, error=_too_large(), status=413)
    if upload is None:
        return _verify_render(request, error=_("Choose the dossier's ZIP file."), status=422)
    try:
        with tempfile.TemporaryFile() as spool:
            digest = hashlib.sha256()
            for chunk in upload.chunks():
                spool.write(chunk)
                digest.update(chunk)
            spool.seek(0)
            verdict = verify.verify(spool)
    finally:
        upload.close()
    return _verify_render(request, verdict=verdict, name=upload.name, sha256=digest.hexdigest())


def _verify_render(request: HttpRequest, status: int = 200, **context: Any) -> HttpResponse:
    public, fingerprint = _own_key()
    verdict = context.get("verdict")
    context.update(
        {
            "site_key": public,
            "site_fingerprint": fingerprint,
            "site_match": bool(verdict and fingerprint and verdict.fingerprint == fingerprint),
            "limit_mb": VERIFY_UPLOAD_LIMIT // (1024 * 1024),
            "error_summary": [{"href": "#dossier-file", "text": context["error"]}]
            if context.get("error")
            else [],
        }
    )
    return render(request, "dossiers/verify.html", context, status=status)


@require_GET
def signing_key(request: HttpRequest) -> JsonResponse:
    """The platform's public key, to compare with a dossier's signer (well-known, no login)."""
    public, fingerprint = _own_key()
    if not public:
        raise Http404("No signing key")
    response = JsonResponse(
        {
            "algorithm": "Ed25519",
            "public_key": public,
            "fingerprint": fingerprint,
            "base_url": settings.BASE_URL,
        }
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response
