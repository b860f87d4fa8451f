"""Inviting the outside merchant into a self-help case (issue 10, item 5).

The consumer of a filed self-help case creates an invitation: a guest user (role
``merchant_guest``, no usable password) and an ``Invitation`` row with an expiry. The link
``/invite/<token>/`` carries the invitation's public id signed with the site's secret key (salt
``gongdao.invitation``), so it cannot be guessed or altered; whether it still works is read from
the row on every request (``parties.permissions``), so revoking or expiry takes effect at once,
even for a guest who is already signed in. Creating and revoking are case events (hash-chained
like every other change); everything the guest does is recorded as the merchant's, with their
own actor and the role ``merchant_guest``.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongdao import codes, ids
from gongdao.cases import chain
from gongdao.cases.actions import _claim_fresh, append_event
from gongdao.cases.actors import Actor
from gongdao.cases.models import Case
from gongdao.errors import Forbidden, InvalidInput, NotAllowed, NotFound
from gongdao.parties import permissions
from gongdao.parties.models import User
from gongdao.selfhelp.models import Invitation

log = logging.getLogger("gongdao.selfhelp.invitations")

SALT = "gongdao.invitation"
DEFAULT_DAYS = 14
MAX_DAYS = 30
MANAGING_SIDES = {"consumer", "platform"}  # the consumer (or who acts for them), and the platform


# ---- the signed link ----------------------------------------------------------------------


def token_for(invitation: Invitation) -> str:
    """The signed token of an invitation (the same every time: the row says whether it works)."""
    return signing.Signer(salt=SALT).sign(invitation.public_id)


def link_path(token: str) -> str:
    try:
        return reverse("selfhelp:invite", args=[token])
    except NoReverseMatch:
        return f"/invite/{token}/"


def link_url(invitation: Invitation) -> str:
    return settings.BASE_URL.rstrip("/") + link_path(token_for(invitation))


def _unsign(token: str) -> str:
    try:
        return signing.Signer(salt=SALT).unsign((token or "").strip())
    except signing.BadSignature:
        raise NotFound(
            "invitation_not_found", _("This invitation link is not valid. Check that it was copied whole.")
        )


# ---- reads ----------------------------------------------------------------------------------


def for_case(case: Case) -> QuerySet[Invitation]:
    """The case's invitations, newest first."""
    return (
        Invitation.objects.filter(case=case)
        .select_related("guest", "guest__profile", "created_by")
        .order_by("-created_at", "-id")
    )


def status_of(invitation: Invitation, now: datetime | None = None) -> str:
    """``active``, ``revoked`` or ``expired``."""
    now = now or timezone.now()
    if invitation.revoked_at is not None:
        return "revoked"
    return "active" if invitation.expires_at > now else "expired"


def active_for_guest(user: Any, now: datetime | None = None) -> QuerySet[Invitation]:
    """The invitations that let this guest in now (usually one)."""
    return Invitation.objects.active(now).filter(guest=user).select_related("case")


def _may_manage(actor: Actor, case: Case) -> None:
    sides = permissions.sides(actor, case)
    if not sides:
        raise NotFound("case_not_found", _("No such case."))
    if not sides & MANAGING_SIDES:
        raise Forbidden("consumer_only", _("Only the consumer of this case can do this."))


# ---- writes ---------------------------------------------------------------------------------


def _days(value: Any) -> int:
    try:
        days = int(value)
    except (TypeError, ValueError):
        days = 0
    if isinstance(value, bool) or not 1 <= days <= MAX_DAYS:
        raise InvalidInput(
            "invalid_days",
            _("The link can work for 1 to %(max)d days.") % {"max": MAX_DAYS},
            field="days",
        )
    return days


def _email(value: str) -> str:
    value = (value or "").strip()
    if value:
        try:
            validate_email(value)
        except ValidationError:
            raise InvalidInput(
                "invalid_email", _("Enter an email address like name@example.com."), field="email"
            )
    return value


def _guest(case: Case, name: str, email: str) -> User:
    merchant = case.outside_merchant.name if case.outside_merchant else ""
    display = (name or merchant or str(_("Merchant")))[:150]
    guest = User(
        username=f"guest-{secrets.token_hex(6)}",
        role="merchant_guest",
        first_name=display,
        email=email,
    )
    guest.set_unusable_password()
    guest.save()
    return guest


def invite(
    case: Case,
    actor: Actor,
    *,
    name: str = "",
    email: str = "",
    days: int = DEFAULT_DAYS,
    now: datetime | None = None,
) -> tuple[Invitation, str]:
    """Invite the outside merchant to answer this case; return the invitation and its token.

    With ``email``, the link is also sent there after the invitation is recorded; whether that
    worked is on the returned invitation as ``emailed`` (bool) and ``email_error`` (a sentence).
    """
    now = now or timezone.now()
    _may_manage(actor, case)
    if case.mode != "self_help":
        raise NotAllowed(
            "not_self_help",
            _("Only a self-help case can invite its merchant; here the merchant is already a party."),
        )
    if case.status == "draft":
        raise NotAllowed(
            "not_filed",
            _("First record that you asked the merchant (file the case); then invite them to answer here."),
        )
    if case.status in codes.ENDED_STATUSES:
        raise NotAllowed("case_ended", _("This case has ended; nobody new can be invited to it."))
    name = (name or "").strip()
    if len(name) > 100:
        raise InvalidInput(
            "too_long", _("Keep this under %(limit)d characters.") % {"limit": 100}, field="name"
        )
    email = _email(email)
    length = _days(days)
    with transaction.atomic():
        _claim_fresh(case)
        guest = _guest(case, name, email)
        invitation = Invitation.objects.create(
            case=case,
            guest=guest,
            created_by=actor.user if actor.user is not None else case.consumer,
            email=email,
            created_at=now,
            expires_at=now + timedelta(days=length),
        )
        append_event(
            case,
            actor,
            "invitation_created",
            {
                "invitation": invitation.public_id,
                "guest": guest.public_id,
                "expires_at": chain.timestamp(invitation.expires_at),
            },
            now=now,
        )
        case.save(update_fields=["version", "seq", "head_hash", "updated_at"])
    invitation.emailed, invitation.email_error = False, ""  # type: ignore[attr-defined]
    if email:
        try:
            send_link(invitation, email)
        except (NotAllowed, Forbidden, InvalidInput) as exc:
            invitation.email_error = str(exc.message)  # type: ignore[attr-defined]
        else:
            invitation.emailed = True  # type: ignore[attr-defined]
    return invitation, token_for(invitation)


def revoke(invitation: Invitation, actor: Actor, *, now: datetime | None = None) -> Invitation:
    """Stop the link at once: the guest, even if signed in, loses access on their next request."""
    now = now or timezone.now()
    case = invitation.case
    _may_manage(actor, case)
    with transaction.atomic():
        if not Invitation.objects.filter(pk=invitation.pk, revoked_at__isnull=True).update(revoked_at=now):
            raise NotAllowed("already_revoked", _("This invitation was already revoked."))
        invitation.revoked_at = now
        _claim_fresh(case)
        append_event(case, actor, "invitation_revoked", {"invitation": invitation.public_id}, now=now)
        case.save(update_fields=["version", "seq", "head_hash", "updated_at"])
    return invitation


def redeem(token: str, *, now: datetime | None = None) -> Invitation:
    """The invitation a link names, if it still works, noting that it was used (the link's
    holder is then signed in as its guest)."""
    now = now or timezone.now()
    invitation = check(token, now=now)
    Invitation.objects.filter(pk=invitation.pk).update(last_used_at=now)
    invitation.last_used_at = now
    return invitation


def check(token: str, *, now: datetime | None = None) -> Invitation:
    """The invitation a link names, if it still works; NotFound for a link that was altered or
    names no invitation, Forbidden (``invitation_revoked``, ``invitation_expired``) otherwise."""
    now = now or timezone.now()
    public_id = _unsign(token)
    invitation = (
        Invitation.objects.select_related("case", "guest", "case__outside_merchant")
        .filter(public_id=ids.normalise(public_id))
        .first()
    )
    if invitation is None or not invitation.guest.is_active:
        raise NotFound(
            "invitation_not_found", _("This invitation link is not valid. Check that it was copied whole.")
        )
    if invitation.revoked_at is not None:
        raise Forbidden(
            "invitation_revoked",
            _("The consumer has withdrawn this invitation. Contact them if you still want to answer."),
        )
    if invitation.expires_at <= now:
        raise Forbidden(
            "invitation_expired",
            _("This invitation expired on %(when)s. Ask the consumer for a new link.")
            % {"when": _local(invitation.expires_at)},
        )
    return invitation


def _local(moment: datetime) -> str:
    from gongdao.display import local_time

    return local_time(moment)


# ---- sending the link by email --------------------------------------------------------------


def send_link(invitation: Invitation, to: str) -> str:
    """Email the link to ``to`` now (one message, in the site's language); the server's reply.

    Raises ``NotAllowed`` when email is off or the invitation no longer works, ``InvalidInput``
    for a bad address, ``Forbidden`` when the server would not take the message."""
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string
    from django.utils import translation

    from gongdao.notify import emails, smtp

    to = _email(to)
    if not to:
        raise InvalidInput("required", _("Enter the email address to send the link to."), field="email")
    if not emails.enabled():
        raise NotAllowed(
            "email_off", _("Email is not set up on this site: copy the link and send it yourself.")
        )
    if status_of(invitation) != "active":
        raise NotAllowed("invitation_inactive", _("This invitation no longer works; create a new one."))
    case = invitation.case
    with translation.override(settings.LANGUAGE_CODE), timezone.override(settings.TIME_ZONE):
        context = {
            "case": case,
            "merchant": case.outside_merchant.name if case.outside_merchant else "",
            "issue": codes.ISSUE_TYPES.get(case.issue, case.issue),
            "remedy": codes.REMEDIES.get(case.remedy, case.remedy),
            "link": link_url(invitation),
            "expires": _local(invitation.expires_at),
        }
        subject = str(
            _("[Gongdao] A customer asks you to answer a complaint (case %(case)s)")
            % {"case": case.public_id}
        )
        body = render_to_string("selfhelp/email/invitation.txt", context)
    message = EmailMessage(
        subject, body, settings.DEFAULT_FROM_EMAIL, [to], headers={"Auto-Submitted": "auto-generated"}
    )
    try:
        reply = smtp.deliver(message)
    except smtp.SendError as exc:
        log.warning("invitation %s: email to %s failed: %s", invitation.public_id, to, exc)
        raise Forbidden(
            "email_failed",
            _("The email could not be sent (%(reason)s). Copy the link and send it yourself.")
            % {"reason": exc},
            field="email",
        )
    if invitation.email != to:
        Invitation.objects.filter(pk=invitation.pk).update(email=to)
        invitation.email = to
    return reply
