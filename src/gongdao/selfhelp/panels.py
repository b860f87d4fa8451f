"""What the case page shows about who else takes part in a case, by viewer:

- the consumer (and whoever acts for them): the "Invite the merchant" panel of a self-help case
  (create, copy, email, revoke links) and "Who may act for you" (powers of attorney, revoke);
- association staff: whom they act for, under which authorisation;
- an invited merchant's guest: whose invitation they came by, and until when it works.

Read by ``selfhelp/_case_panels.html`` (included once in ``gongdao/case.html``). A view that
re-renders the case page with a form's errors passes the bound form in the context as
``selfhelp_forms`` (name → form)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone

from gongdao import codes
from gongdao.cases.actors import of_user
from gongdao.evidence.models import EvidenceItem
from gongdao.parties import associations, permissions, privacy
from gongdao.selfhelp import forms, invitations


def mask_id_number(number: str) -> str:
    return number[:4] + "*" * max(0, len(number) - 8) + number[-4:] if len(number) > 8 else "*" * len(number)


def _invitation_rows(case: Any, now: Any) -> list[dict[str, Any]]:
    rows = []
    for invitation in invitations.for_case(case):
        status = invitations.status_of(invitation, now)
        rows.append(
            {
                "invitation": invitation,
                "status": status,
                "name": invitation.guest.display_name,
                "link": invitations.link_url(invitation) if status == "active" else "",
            }
        )
    return rows


def _authorization_rows(case: Any, viewer: Any) -> list[dict[str, Any]]:
    rows = []
    for authorization in associations.for_case(case):
        active = authorization.revoked_at is None
        rows.append(
            {
                "authorization": authorization,
                "active": active,
                "id_number": mask_id_number(authorization.staff_id_number),
                "may_revoke": active and (viewer.pk in (case.consumer_id, authorization.staff_id)),
                "mine": viewer.pk == authorization.staff_id,
            }
        )
    return rows


def _authorize_form(case: Any, bound: Any = None) -> forms.AuthorizeForm:
    if bound is not None:
        return bound
    staff = [
        (u.public_id, f"{u.display_name} — {u.association.name if u.association else ''}")
        for u in associations.staff_choices()
    ]
    documents = [
        (item.public_id, f"{item.original_name} ({item.public_id})")
        for item in EvidenceItem.objects.filter(case=case, kind="authorization", withdrawn_at__isnull=True)
    ]
    return forms.AuthorizeForm(staff=staff, documents=documents, prefix="authorize")


def authorize_form(case: Any, data: Any = None) -> forms.AuthorizeForm:
    form = _authorize_form(case)
    if data is None:
        return form
    return forms.AuthorizeForm(
        data, staff=form.staff_choices, documents=form.document_choices, prefix="authorize"
    )


def context(request: Any, case: Any, bound: dict[str, Any] | None = None) -> dict[str, Any] | None:
    user = getattr(request, "user", None)
    if case is None or user is None or not user.is_authenticated:
        return None
    actor = of_user(user)
    sides = permissions.sides(actor, case)
    if not sides:
        return None
    bound = bound or {}
    now = timezone.now()
    panel: dict[str, Any] = {"case": case, "role": user.role}
    if user.role == "merchant_guest":
        invitation = invitations.active_for_guest(user, now).filter(case=case).first()
        panel["guest"] = {
            "invitation": invitation,
            "consumer": privacy.mask_name(case.consumer.display_name),
            "merchant": user.display_name,
        }
        return panel
    if user.role == "association_staff":
        authorization = associations.active_for(user, case)
        if authorization is not None:
            panel["acting"] = {"authorization": authorization, "consumer": case.consumer.display_name}
    if "consumer" in sides or "platform" in sides:
        if case.mode == "self_help":
            panel["invite"] = {
                "may_create": case.status != "draft" and case.status not in codes.ENDED_STATUSES,
                "draft": case.status == "draft",
                "rows": _invitation_rows(case, now),
                "form": bound.get("invite")
                or forms.InviteForm(
                    prefix="invite",
                    initial={
                        "name": case.outside_merchant.name if case.outside_merchant else "",
                        "days": invitations.DEFAULT_DAYS,
                    },
                ),
                "email_on": bool(settings.EMAIL_ENABLED),
                "email_form": bound.get("email"),
                "email_for": bound.get("email_for", ""),
                "open": bool(bound.get("invite") or bound.get("email")),
            }
        rows = _authorization_rows(case, user)
        is_consumer = user.pk == case.consumer_id
        if rows or (is_consumer and case.mode == "self_help"):
            panel["powers"] = {
                "rows": rows,
                "may_grant": is_consumer,
                "form": _authorize_form(case, bound.get("authorize")) if is_consumer else None,
                "open": bool(bound.get("authorize")),
            }
    return panel
