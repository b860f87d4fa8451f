"""The law advisor's panel on the case page (the consumer's web page and the agent's console page):
every entitlement, eligible first, with its amount, last day to act, reason and articles; the
facts it rests on and where each came from; and the questionnaire for what the order cannot know
(the consumer's answers are claims, an agent's are findings). An eligible money entitlement can
be carried into the consumer's request while the case is a draft or the merchant has answered.

Who sees the panel and how their answers count is decided in parties/permissions.py: merchants
do not see it (the answers stay in the shared case record). Thin: the facts are
``gongdao.law.queries``, the answers are written by ``gongdao.law.actions.record_facts``, the request
by the draft's ``update_draft`` or the workflow's ``revise``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongdao import codes
from gongdao.cases import actions
from gongdao.cases.actors import Actor, of_user
from gongdao.cases.models import Case
from gongdao.dossiers.legal import cite
from gongdao.errors import DomainError, NotAllowed, NotFound
from gongdao.law import actions as law_actions
from gongdao.law import casefacts
from gongdao.law import queries as law_queries
from gongdao.law.entitlement import TITLES, Basis, Entitlement
from gongdao.law.facts import CATEGORIES, RESPONDENT_ROLES, Facts
from gongdao.money import format_fen
from gongdao.parties import permissions
from gongdao.policy import queries as policy_queries
from gongdao.web import drafts, labels

CARRY_STATUSES = ("draft", "awaiting_consumer")
MONEY_FACTS = ("unit_price_fen", "paid_fen", "loss_fen")
# The order the facts are listed in: what the case is about, money, dates, then the answers.
FACT_ORDER = (
    "issue",
    "category",
    "unit_price_fen",
    "quantity",
    "paid_fen",
    "loss_fen",
    "ordered_on",
    "paid_on",
    "signed_on",
    "problem_found_on",
    "requested_on",
    "last_demand_on",
    *casefacts.FLAGS,
    "respondent_role",
    "today",
)
NOT_ANSWERED = pgettext_lazy("law", "Not answered")
YES, NO = pgettext_lazy("law", "Yes"), pgettext_lazy("law", "No")
FLAG_CHOICES = [("", NOT_ANSWERED), ("yes", YES), ("no", NO)]


# ---- the questionnaire ---------------------------------------------------------------------


class LawFactsForm(forms.Form):
    """One field per question; an empty field is "not answered" (and withdraws an earlier answer)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "law")
        super().__init__(*args, **kwargs)
        for name in casefacts.QUESTIONS:
            self.fields[name] = _question(name)

    def answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        out: dict[str, Any] = {}
        for name in casefacts.QUESTIONS:
            value = data.get(name)
            if name in casefacts.FLAGS:
                out[name] = {"yes": True, "no": False}.get(value or "")
            elif name == "loss_fen":
                out[name] = None if value is None else int((value * 100).to_integral_value())
            elif name == "problem_found_on":
                out[name] = value.isoformat() if value else None
            else:
                out[name] = value or None
        return out


def _question(name: str) -> forms.Field:
    label, hint = labels.LAW_QUESTIONS[name], labels.LAW_QUESTION_HINTS.get(name, "")
    if name in casefacts.FLAGS:
        return forms.ChoiceField(label=label, help_text=hint, choices=FLAG_CHOICES, required=False)
    if name == "category":
        choices = [("", NOT_ANSWERED), *((c, labels.LAW_CATEGORIES[c]) for c in CATEGORIES)]
        return forms.ChoiceField(label=label, help_text=hint, choices=choices, required=False)
    if name == "respondent_role":
        choices = [("", NOT_ANSWERED), *((r, labels.LAW_ROLES[r]) for r in RESPONDENT_ROLES)]
        return forms.ChoiceField(label=label, help_text=hint, choices=choices, required=False)
    if name == "loss_fen":
        return forms.DecimalField(
            label=label, help_text=hint, required=False, min_value=0, max_digits=12, decimal_places=2
        )
    return forms.DateField(
        label=label,
        help_text=hint,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def form_initial(answers: dict[str, Any]) -> dict[str, Any]:
    """A standing's answers in force as the form's initial values."""
    out: dict[str, Any] = {}
    for name, value in answers.items():
        if name in casefacts.FLAGS:
            out[name] = "yes" if value else "no"
        elif name == "loss_fen":
            out[name] = Decimal(value) / 100
        else:
            out[name] = value
    return out


# ---- the panel -----------------------------------------------------------------------------


def panel(
    request: HttpRequest, case: Case, *, form: LawFactsForm | None = None, post_url: str = ""
) -> dict[str, Any] | None:
    """What ``gongdao/_law_panel.html`` shows this viewer, or None when they may not see it."""
    actor = of_user(request.user)
    sides = permissions.sides(actor, case)
    if not permissions.sees_law_advice(sides):
        return None
    assessment = law_queries.assess(case)
    facts = assessment.facts
    standing = permissions.law_standing(sides)
    zh = (get_language() or "").startswith("zh")
    policy = policy_queries.parsed(case.policy)
    rows = [_entitlement(case, e, facts.parsed, sides, policy, zh) for e in assessment.entitlements]
    rows.sort(key=lambda row: not row["eligible"])
    return {
        "entitlements": rows,
        "facts": [_fact_row(facts.facts[n]) for n in FACT_ORDER if n in facts.facts],
        "problem": _problem(facts),
        "standing": standing,
        "form": (form or LawFactsForm(initial=form_initial(facts.current(standing)))) if standing else None,
        "post_url": post_url or reverse("web:law_facts", args=[case.public_id]),
        "is_consumer": "consumer" in sides,
    }


def _problem(facts: casefacts.CaseFacts) -> str:
    if facts.error is None:
        return ""
    label = labels.LAW_FACTS.get(facts.error.field, facts.error.field)
    return _("The facts do not fit together (%(fact)s: %(why)s), so nothing can be assessed.") % {
        "fact": label,
        "why": facts.error.message,
    }


def citation(basis: tuple[Basis, ...], zh: bool) -> str:
    if zh:
        return cite(basis)
    return "; ".join(f"{b.law} Art. {b.article}" for b in basis)


def _entitlement(
    case: Case, e: Entitlement, facts: Facts | None, sides: set[str], policy: Any, zh: bool
) -> dict[str, Any]:
    carry, carry_hint = _carry_offer(case, e, facts, sides, policy)
    return {
        "code": e.code,
        "title": e.title.zh if zh else e.title.en,
        "eligible": e.eligible,
        "amount_fen": e.amount_fen,
        "amount_min_fen": e.amount_min_fen,
        "amount_max_fen": e.amount_max_fen,
        "act_by": e.act_by,
        "provisional": e.act_by_provisional,
        "reason": e.explanation.zh if zh else e.explanation.en,
        "citations": citation(e.basis, zh),
        "alternatives": [TITLES[code].zh if zh else TITLES[code].en for code in e.alternative_to],
        "carry": carry,
        "carry_hint": carry_hint,
    }


def _carry_offer(
    case: Case, e: Entitlement, facts: Facts | None, sides: set[str], policy: Any
) -> tuple[dict[str, Any] | None, str]:
    if "consumer" not in sides or not e.eligible or facts is None:
        return None, ""
    total = casefacts.claim_total(e.code, e.amount_fen, e.amount_max_fen, facts)
    if total <= 0 or case.status not in CARRY_STATUSES:
        return None, ""
    if "compensation" not in policy.remedies_for(case.issue):
        return None, _(
            "This platform's rules offer no compensation for this kind of problem, so it cannot go "
            "into your request here; the outside-help dossiers claim it."
        )
    if case.remedy == "compensation" and case.requested_fen == total:
        return None, _("Your request already asks for %(total)s.") % {"total": format_fen(total)}
    return {
        "url": reverse("web:law_ask", args=[case.public_id, e.code]),
        "total": total,
        "sends": case.status == "awaiting_consumer",
    }, ""


def _fact_row(fact: casefacts.Fact) -> dict[str, Any]:
    source = str(labels.LAW_SOURCE_DETAILS.get((fact.name, fact.source)) or labels.LAW_SOURCES[fact.source])
    if fact.seq is not None:
        source = _("%(source)s (event #%(seq)s)") % {"source": source, "seq": fact.seq}
    row = {
        "name": fact.name,
        "label": labels.LAW_FACTS.get(fact.name, fact.name),
        "value": value_text(fact.name, fact.value),
        "source": fact.source,
        "source_text": source,
        "claimed": "",
        "found": "",
    }
    if fact.found is not None and fact.claimed is not None:
        row["claimed"] = value_text(fact.name, fact.claimed.value)
        row["found"] = value_text(fact.name, fact.found.value)
    return row


def value_text(name: str, value: Any) -> str:
    if value is None:
        return _("not signed for") if name == "signed_on" else "—"
    if isinstance(value, bool):
        return str(YES if value else NO)
    if name in MONEY_FACTS:
        return format_fen(int(value))
    if isinstance(value, date):
        return value.isoformat()
    if name == "category":
        return str(labels.LAW_CATEGORIES.get(value, value))
    if name == "issue":
        return str(codes.ISSUE_TYPES.get(value, value))
    if name == "respondent_role":
        return str(labels.LAW_ROLES.get(value, value))
    return str(value)


# ---- carrying an amount into the request ----------------------------------------------------


def carry(case: Case, actor: Actor, code: str, *, expected_version: int | None = None) -> int:
    """Set the consumer's request to compensation of refund + (losses +) the entitlement's extra,
    shared across the case's lines by what was paid for each. A draft changes in place; a case
    awaiting the consumer is revised, which sends it back to the merchant. Returns the total."""
    sides = permissions.sides(actor, case)
    if not permissions.sees_law_advice(sides):
        raise NotFound("case_not_found", _("No such case."))
    if "consumer" not in sides:
        raise NotAllowed("consumer_only", _("Only the consumer of this case can do this."))
    if case.status not in CARRY_STATUSES:
        raise NotAllowed(
            "not_now",
            _("You can change your request while the case is a draft or after the merchant answered."),
        )
    assessment = law_queries.assess(case)
    entitlement, facts = assessment.get(code), assessment.facts.parsed
    if entitlement is None or facts is None or not entitlement.eligible:
        raise NotAllowed("not_eligible", _("On the facts recorded, this does not apply."))
    total = casefacts.claim_total(code, entitlement.amount_fen, entitlement.amount_max_fen, facts)
    if total <= 0:
        raise NotAllowed("no_amount", _("This entitlement carries no amount to ask for."))
    if "compensation" not in policy_queries.parsed(case.policy).remedies_for(case.issue):
        raise NotAllowed(
            "compensation_not_offered",
            _("This platform's rules offer no compensation for this kind of problem."),
        )
    lines = list(case.lines.select_related("order_line"))
    shares = casefacts.split(total, {cl.order_line.line_no: cl.order_line.paid_fen for cl in lines})
    amounts = [{"line_no": no, "amount_fen": fen} for no, fen in sorted(shares.items())]
    statement = _statement(case, entitlement, facts, total)
    if case.status == "draft":
        drafts.update_draft(case, actor, remedy="compensation", lines=amounts, statement=statement)
    else:
        actions.perform(
            case,
            "revise",
            actor,
            expected_version=expected_version,
            remedy="compensation",
            lines=amounts,
            statement=statement,
        )
    return total


def _statement(case: Case, e: Entitlement, facts: Facts, total: int) -> str:
    """The consumer's statement with one sentence saying what the amount is made of and why."""
    zh = (get_language() or "").startswith("zh")
    losses = facts.loss_fen if e.code in casefacts.WITH_LOSSES and facts.loss_fen else 0
    extra = total - facts.paid_fen - losses
    parts = [_("the price paid, %(amount)s") % {"amount": format_fen(facts.paid_fen)}]
    if losses:
        parts.append(_("my losses, %(amount)s") % {"amount": format_fen(losses)})
    parts.append(
        _("%(title)s, %(amount)s") % {"title": e.title.zh if zh else e.title.en, "amount": format_fen(extra)}
    )
    sentence = _("Under %(basis)s I ask for %(total)s in all: %(parts)s.") % {
        "basis": citation(e.basis, zh),
        "total": format_fen(total),
        "parts": ("、" if zh else "; ").join(parts),
    }
    current = (case.statement or "").strip()
    if sentence in current:
        return current
    combined = f"{current}\n\n{sentence}" if current else sentence
    return combined if len(combined) <= drafts.STATEMENT_LIMIT else current


# ---- views ---------------------------------------------------------------------------------


def _case(request: HttpRequest, case_id: str) -> Case:
    from gongdao.web.casepage import get_case_or_404

    case = get_case_or_404(request, case_id)
    if not permissions.sees_law_advice(permissions.sides(of_user(request.user), case)):
        raise Http404("No such case")
    return case


def form_errors(form: LawFactsForm, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc.message))


def error_summary(form: LawFactsForm) -> list[dict[str, str]]:
    rows = [{"href": "#law", "text": str(e)} for e in form.non_field_errors()]
    rows += [
        {"href": "#" + form[name].auto_id, "text": str(errs[0])}
        for name, errs in form.errors.items()
        if name in form.fields
    ]
    return rows


def save(request: HttpRequest, case: Case, form: LawFactsForm) -> bool:
    """Record the answers; False (with the errors on the form) when they were refused."""
    if not form.is_valid():
        return False
    try:
        event = law_actions.record_facts(case, of_user(request.user), form.answers())
    except DomainError as exc:
        form_errors(form, exc)
        return False
    if event is None:
        messages.info(request, _("Nothing changed."))
    else:
        messages.success(request, _("Your answers are recorded in the case's history."))
    return True


@login_required
@require_POST
def law_facts(request: HttpRequest, case_id: str) -> HttpResponse:
    from gongdao.web.casepage import case_context

    case = _case(request, case_id)
    form = LawFactsForm(request.POST)
    if save(request, case, form):
        return redirect(reverse("web:case", args=[case.public_id]) + "#law")
    case.refresh_from_db()
    context = case_context(request, case, law_form=form, error_summary=error_summary(form))
    return render(request, "gongdao/case.html", context, status=422)


@login_required
@require_POST
def law_ask(request: HttpRequest, case_id: str, code: str) -> HttpResponse:
    case = _case(request, case_id)
    version = request.POST.get("version", "")
    try:
        total = carry(
            case, of_user(request.user), code, expected_version=int(version) if version.isdigit() else None
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(reverse("web:case", args=[case.public_id]) + "#law")
    messages.success(
        request, _("Your request is now %(total)s in compensation.") % {"total": format_fen(total)}
    )
    return redirect(reverse("web:case", args=[case.public_id]))
