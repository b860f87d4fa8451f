"""Consumer associations acting for consumers (issue 10, item 6).

A consumer association's staff member (role ``association_staff``) acts for a consumer on one
case only under that consumer's power of attorney. The regulator's complaint rules
(市场监督管理投诉举报处理暂行办法 Art. 10) ask someone complaining for another person for the
signed power of attorney — stating the matters entrusted, the powers and the term — and the
agent's proof of identity. Here the power of attorney is the case's ``authorization`` evidence
(hashed, receipted, in the dossiers) and the identity (name, resident ID number) is kept on the
``Authorization`` row, not in the case record: the events name the authorisation by its id.

- ``authorize``: the case's consumer grants a named staff member authority over the case;
- ``revoke_authorization``: the consumer (or the staff member giving it up, or the platform)
  ends it; the staff member loses the case at once;
- ``start_for_member``: association intake — a member comes to the association with a problem;
  the staff member records the member, the purchase, the case and the signed power of attorney
  in one transaction.

While an authorisation is in force ``parties.permissions`` gives the staff member the
``consumer`` side on that case; every event they add records ``on_behalf_of`` = the consumer.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongdao import codes
from gongdao.cases.actions import _claim_fresh, append_event
from gongdao.cases.actors import Actor, of_user
from gongdao.cases.models import Case
from gongdao.errors import Conflict, Forbidden, InvalidInput, NotAllowed, NotFound
from gongdao.parties import permissions
from gongdao.parties.models import Authorization, Profile, User

# GB 11643-1999: 17 digits and a check character (0-9 or X).
ID_NUMBER = re.compile(r"^\d{17}[\dX]$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
PHONE = re.compile(r"^\+?[\d\- ]{7,20}$")
REVOKING_SIDES = {"consumer", "platform"}


def valid_id_number(value: str) -> bool:
    """A resident identity card number with a correct check character (GB 11643-1999)."""
    if not ID_NUMBER.match(value):
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _WEIGHTS, strict=True))
    return _CHECK[total % 11] == value[17]


def _identity(staff_name: str, staff_id_number: str) -> tuple[str, str]:
    name = (staff_name or "").strip()
    number = (staff_id_number or "").strip().upper().replace(" ", "")
    if not name:
        raise InvalidInput(
            "required", _("Enter the staff member's name as on their ID card."), field="staff_name"
        )
    if len(name) > 100:
        raise InvalidInput(
            "too_long", _("Keep this under %(limit)d characters.") % {"limit": 100}, field="staff_name"
        )
    if not valid_id_number(number):
        raise InvalidInput(
            "invalid_id_number",
            _(
                "Enter the 18-character resident ID number (the last character may be X); check it for typing errors."
            ),
            field="staff_id_number",
        )
    return name, number


def _staff(staff: Any) -> User:
    if (
        staff is None
        or not getattr(staff, "is_active", False)
        or staff.role != "association_staff"
        or staff.association_id is None
    ):
        raise InvalidInput(
            "not_association_staff", _("Choose a staff member of a consumer association."), field="staff"
        )
    return staff


def _document(case: Case, document: Any) -> Any:
    if (
        document is None
        or document.case_id != case.pk
        or document.kind != "authorization"
        or document.withdrawn_at is not None
    ):
        raise InvalidInput(
            "authorization_document_required",
            _("Upload the signed power of attorney to this case (kind “Power of attorney”) and choose it."),
            field="document",
        )
    return document


# ---- reads ----------------------------------------------------------------------------------


def for_case(case: Case) -> QuerySet[Authorization]:
    """Every authorisation given on the case, newest first (revoked ones too: they are history)."""
    return (
        Authorization.objects.filter(case=case)
        .select_related("staff", "association", "document")
        .order_by("-granted_at", "-id")
    )


def active_for(staff: Any, case: Case) -> Authorization | None:
    return (
        Authorization.objects.filter(staff=staff, case=case, revoked_at__isnull=True)
        .select_related("association")
        .order_by("-granted_at")
        .first()
    )


def staff_choices() -> QuerySet[User]:
    """Association staff a consumer may name (active, with an association)."""
    return (
        User.objects.filter(role="association_staff", is_active=True, association__isnull=False)
        .select_related("association", "profile")
        .order_by("association__name", "username")
    )


# ---- writes ---------------------------------------------------------------------------------


def _grant(
    case: Case,
    actor: Actor,
    *,
    staff: User,
    document: Any,
    staff_name: str,
    staff_id_number: str,
    now: datetime,
) -> Authorization:
    if Authorization.objects.filter(staff=staff, case=case, revoked_at__isnull=True).exists():
        raise Conflict(
            "already_authorized", _("This staff member may already act on this case."), field="staff"
        )
    association = staff.association
    assert association is not None  # _staff() checked it
    _claim_fresh(case)
    authorization = Authorization.objects.create(
        association=association,
        staff=staff,
        consumer=case.consumer,
        case=case,
        document=document,
        staff_name=staff_name,
        staff_id_number=staff_id_number,
        granted_at=now,
    )
    append_event(
        case,
        actor,
        "authorization_granted",
        {
            "authorization": authorization.public_id,
            "association": association.public_id,
            "staff": staff.public_id,
            "document": document.public_id,
            "document_sha256": document.sha256,
        },
        now=now,
    )
    case.save(update_fields=["version", "seq", "head_hash", "updated_at"])
    return authorization


def authorize(
    case: Case,
    actor: Actor,
    *,
    staff: Any,
    document: Any,
    staff_name: str,
    staff_id_number: str,
    now: datetime | None = None,
) -> Authorization:
    """The case's consumer lets a named association staff member act for them on this case."""
    now = now or timezone.now()
    sides = permissions.sides(actor, case)
    if not sides:
        raise NotFound("case_not_found", _("No such case."))
    if actor.user is None or actor.user.pk != case.consumer_id:
        raise Forbidden("consumer_only", _("Only the consumer of this case can give a power of attorney."))
    staff = _staff(staff)
    document = _document(case, document)
    staff_name, staff_id_number = _identity(staff_name, staff_id_number)
    with transaction.atomic():
        return _grant(
            case,
            actor,
            staff=staff,
            document=document,
            staff_name=staff_name,
            staff_id_number=staff_id_number,
            now=now,
        )


def revoke_authorization(
    authorization: Authorization, actor: Actor, *, reason: str = "", now: datetime | None = None
) -> Authorization:
    """End an authorisation: the consumer withdraws it, or the staff member gives it up, or the
    platform ends it. The staff member loses the case at once."""
    now = now or timezone.now()
    case = authorization.case
    own = actor.user is not None and actor.user.pk == authorization.staff_id
    sides = permissions.sides(actor, case)
    if not sides and not own:
        raise NotFound("case_not_found", _("No such case."))
    consumer = actor.user is not None and actor.user.pk == case.consumer_id
    if not (own or consumer or "platform" in sides or actor.kind == "operator"):
        raise Forbidden(
            "consumer_only", _("Only the consumer of this case can withdraw a power of attorney.")
        )
    reason = (reason or "").strip()
    if len(reason) > 300:
        raise InvalidInput(
            "too_long", _("Keep this under %(limit)d characters.") % {"limit": 300}, field="reason"
        )
    with transaction.atomic():
        # The event first: the staff member still acts for the consumer while giving it up.
        _claim_fresh(case)
        payload: dict[str, Any] = {"authorization": authorization.public_id}
        if reason:
            payload["reason"] = reason
        if not Authorization.objects.filter(pk=authorization.pk, revoked_at__isnull=True).update(
            revoked_at=now, revoked_reason=reason
        ):
            raise NotAllowed("already_revoked", _("This power of attorney was already withdrawn."))
        append_event(case, actor, "authorization_revoked", payload, now=now)
        case.save(update_fields=["version", "seq", "head_hash", "updated_at"])
    authorization.revoked_at, authorization.revoked_reason = now, reason
    return authorization


# ---- association intake ---------------------------------------------------------------------


def _member(staff: User, member: dict[str, Any]) -> User:
    """The member consumer: a returning member of this association (same phone), or a new
    account (no usable password; a reset link lets them sign in later)."""
    if not isinstance(member, dict):
        raise InvalidInput("required", _("Enter the member's name."), field="member.name")
    name = str(member.get("name") or "").strip()
    phone = str(member.get("phone") or "").strip()
    email = str(member.get("email") or "").strip()
    if not name:
        raise InvalidInput("required", _("Enter the member's name."), field="member.name")
    if len(name) > 100:
        raise InvalidInput(
            "too_long", _("Keep this under %(limit)d characters.") % {"limit": 100}, field="member.name"
        )
    if not PHONE.match(phone):
        raise InvalidInput("invalid_phone", _("Enter the member's phone number."), field="member.phone")
    if email:
        from django.core.exceptions import ValidationError
        from django.core.validators import validate_email

        try:
            validate_email(email)
        except ValidationError:
            raise InvalidInput(
                "invalid_email", _("Enter an email address like name@example.com."), field="member.email"
            )
    returning = (
        User.objects.filter(
            role="consumer",
            is_active=True,
            profile__phone=phone,
            authorizations_given__association=staff.association,
        )
        .distinct()
        .first()
    )
    if returning is not None:
        return returning
    user = User(username=f"member-{secrets.token_hex(5)}", role="consumer", email=email)
    user.set_unusable_password()
    user.save()
    Profile.objects.create(user=user, full_name=name, phone=phone)
    return user


def start_for_member(
    staff: Any,
    *,
    member: dict[str, Any],
    purchase: dict[str, Any],
    issue: str,
    remedy: str,
    power_of_attorney: Any,
    filename: str,
    staff_name: str,
    staff_id_number: str,
    statement: str = "",
    now: datetime | None = None,
) -> Case:
    """Association intake, one transaction: find or create the member, declare the purchase, open
    the draft case, attach the signed power of attorney (``authorization`` evidence) and record
    the authorisation. Every event names the staff member as actor, on behalf of the member."""
    from gongdao.cases.actions import open_case
    from gongdao.evidence.actions import add_evidence
    from gongdao.selfhelp.declare import declare_purchase, validate

    now = now or timezone.now()
    staff = _staff(staff)
    if issue not in codes.ISSUE_TYPES:
        raise InvalidInput("invalid_issue", _("Choose what went wrong."), field="issue")
    staff_name, staff_id_number = _identity(staff_name, staff_id_number)
    validate(purchase, now)  # every field of the purchase checked before anything is written
    if power_of_attorney is None:
        raise InvalidInput(
            "authorization_document_required",
            _("Upload the power of attorney the member signed."),
            field="power_of_attorney",
        )
    with transaction.atomic():
        consumer = _member(staff, member)
        actor = of_user(staff, on_behalf_of=consumer.public_id)
        with permissions.presenting_authorization(staff, consumer):
            order = declare_purchase(staff, purchase, consumer=consumer, now=now)
            case = open_case(order, actor, issue=issue, remedy=remedy, statement=statement, now=now)
            document = add_evidence(
                case,
                actor,
                kind="authorization",
                source=power_of_attorney,
                filename=filename,
                description=str(_("Power of attorney")),
                now=now,
            )
            case.refresh_from_db()
            _grant(
                case,
                actor,
                staff=staff,
                document=document,
                staff_name=staff_name,
                staff_id_number=staff_id_number,
                now=now,
            )
    return case


def members_cases(staff: Any) -> QuerySet[Case]:
    """The cases a staff member may act on now (the association area's list)."""
    return (
        permissions.visible_cases(staff)
        .select_related("consumer", "consumer__profile", "outside_merchant", "shop")
        .order_by("-updated_at")
    )
