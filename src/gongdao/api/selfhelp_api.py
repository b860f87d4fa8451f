"""Self-help mode in the API (DESIGN.md "Two ways a case is run"):

* ``POST /purchases`` — declare a purchase made elsewhere (Taobao, JD, a small web shop …);
  the case is then filed on it with ``POST /cases`` like any order.
* ``POST /cases/{case_id}/invitations``, ``GET …/invitations``, ``POST …/invitations/{id}/revoke``
  — the signed link that lets the outside merchant answer this one case.

The recorded steps themselves (``record_merchant_reply``, ``record_platform_step``) are workflow
actions: ``POST /cases/{case_id}/actions/{action}`` (cases_api). Thin: parse, call
gongdao.selfhelp, render. A purchase belongs to a person, so it is declared with a personal
token or a signed-in session (scope ``cases:write``), never a platform or shop key.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from gongdao import ids
from gongdao.api.auth import READ, WRITE, actor_of, needs
from gongdao.api.common import load_case, order_out, responses
from gongdao.api.schemas import FEN, In, OrderOut, When, _enum
from gongdao.cases.actors import Actor
from gongdao.errors import DomainError, Forbidden, NotFound
from gongdao.orders.models import Order
from gongdao.parties import permissions
from gongdao.policy.document import PROFILES
from gongdao.selfhelp import declare

router = Router(tags=["self-help"])
Platform = _enum("Platform", PROFILES)
_INDEX = re.compile(r"\[(\d+)\]")


# ---- declaring a purchase ----------------------------------------------------------------


class OutsideShopIn(In):
    name: str = Field(min_length=1, max_length=200, description="The shop's name as the platform shows it.")
    region: str = Field("", max_length=200, examples=["浙江省杭州市"])
    address: str = Field("", max_length=300)
    credit_code: str = Field("", max_length=18, description="Unified social credit code, if known.")
    contact: str = Field("", max_length=200)
    store_url: str = Field("", max_length=200, description="The shop's address, https://…")


class PurchaseLineIn(In):
    name: str = Field(min_length=1, max_length=300)
    spec: str = Field("", max_length=300)
    quantity: int = Field(1, ge=1, le=1_000_000)
    unit_price_fen: int = Field(ge=0, le=FEN)
    paid_fen: int | None = Field(
        None, ge=0, le=FEN, description="Actually paid for the line; default: price × quantity."
    )


class PurchaseIn(In):
    platform: Platform = Field("other", description="A platform profile (its rules set the deadlines).")
    shop: OutsideShopIn
    order_number: str = Field(min_length=1, max_length=100, description="The platform's order number.")
    ordered_at: When
    paid_at: When | None = None
    shipped_at: When | None = None
    signed_at: When | None = None
    carrier: str = Field("", max_length=100)
    tracking_number: str = Field("", max_length=100)
    logistics_status: str = Field("", max_length=100)
    shipping_fee_fen: int = Field(0, ge=0, le=FEN)
    lines: list[PurchaseLineIn] = Field(min_length=1, max_length=declare.MAX_LINES)


class OutsideShopOut(Schema):
    id: str
    platform: str
    name: str
    region: str
    address: str
    credit_code: str
    contact: str
    store_url: str


class PurchaseOut(OrderOut):
    platform: str = Field(description="The platform profile the purchase was declared under.")
    outside_shop: OutsideShopOut


class ForWhom(Schema):
    consumer: str | None = Field(
        None,
        max_length=12,
        description="Association staff: the member (U-…) whose power of attorney you hold. Default: you.",
    )


@router.post(
    "/purchases",
    response=responses({201: PurchaseOut}, 409),
    summary="Declare a purchase made elsewhere (self-help mode)",
    description=(
        "Records the outside shop, the order and its lines for the caller (or, for association "
        "staff, for a member who authorised them). Dates are a date, a China time "
        "(`2026-11-01T10:00`) or a time with an offset. Then file the case with `POST /cases` "
        "and this order's id: it runs in `self_help` mode under the platform's profile. Needs a "
        "personal token or a session; 409 `order_already_declared` names the earlier order."
    ),
    auth=needs(WRITE),
)
def declare_purchase(
    request: HttpRequest, response: HttpResponse, payload: PurchaseIn, whom: Query[ForWhom]
) -> Any:
    actor = actor_of(request)
    user = _person(actor)
    consumer = _member(user, whom.consumer) if whom.consumer else None
    data = payload.model_dump(exclude_none=True, mode="json")
    try:
        order = declare.declare_purchase(user, data, consumer=consumer)
    except DomainError as exc:
        raise _api_path(exc)
    order = (
        Order.objects.select_related("consumer", "outside_shop").prefetch_related("lines").get(pk=order.pk)
    )
    response["Location"] = f"/api/v1/orders/{order.public_id}"
    return Status(201, purchase_out(order))


def purchase_out(order: Order) -> dict[str, Any]:
    shop = order.outside_shop
    return {
        **order_out(order),
        "platform": shop.platform,
        "outside_shop": {
            "id": shop.public_id,
            "platform": shop.platform,
            "name": shop.name,
            "region": shop.region,
            "address": shop.address,
            "credit_code": shop.credit_code,
            "contact": shop.contact,
            "store_url": shop.store_url,
        },
    }


def _person(actor: Actor) -> Any:
    if actor.user is None:
        raise Forbidden(
            "personal_caller_required",
            _("A purchase belongs to a person: declare it with a personal token or signed in."),
        )
    return actor.user


def _member(user: Any, public_id: str) -> Any:
    from gongdao.parties.models import User

    member = User.objects.filter(public_id=ids.normalise(public_id)).first()
    if member is None or not permissions.may_act_for(user, member):
        raise Forbidden(
            "not_your_member",
            _("You may declare purchases only for yourself or members you act for."),
            field="consumer",
        )
    return member


def _api_path(exc: DomainError) -> DomainError:
    """The API names list items as the request schemas do: ``lines.0.paid_fen``."""
    if exc.field:
        exc.field = _INDEX.sub(r".\1", exc.field)
    return exc


# ---- invitations -------------------------------------------------------------------------


class InvitationIn(In):
    name: str = Field("", max_length=100, description="Who at the merchant it is for (shown to them).")
    email: str = Field("", max_length=254, description="Also email the link there (when email is set up).")
    days: int = Field(14, ge=1, le=30, description="How long the link works, in days.")


class InvitationOut(Schema):
    id: str
    case: str
    name: str = Field(description="Whom the link is for, as the merchant's guest is shown.")
    email: str
    guest: str = Field(description="The guest user (U-…) whose actions are recorded as the merchant's.")
    created_by: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None
    status: Literal["active", "revoked", "expired"]


class InvitationCreatedOut(InvitationOut):
    link: str = Field(description="The signed link: pass it to the merchant.")
    emailed: bool = Field(description="The link was also sent to `email`.")
    email_error: str = Field(description="Why emailing failed (copy the link instead); empty otherwise.")


def invitation_out(invitation: Any) -> dict[str, Any]:
    from gongdao.selfhelp import invitations

    return {
        "id": invitation.public_id,
        "case": invitation.case.public_id,
        "name": invitation.guest.first_name,
        "email": invitation.email,
        "guest": invitation.guest.public_id,
        "created_by": invitation.created_by.public_id,
        "created_at": invitation.created_at,
        "expires_at": invitation.expires_at,
        "revoked_at": invitation.revoked_at,
        "last_used_at": invitation.last_used_at,
        "status": invitations.status_of(invitation),
    }


@router.post(
    "/cases/{case_id}/invitations",
    response=responses({201: InvitationCreatedOut}, 404, 409),
    summary="Invite the outside merchant to answer this self-help case by a signed link",
    description=(
        "The link signs its holder in as the merchant's guest for this case only (reply, offer, "
        "upload evidence) until it expires or is revoked; everything done through it is recorded "
        "as the merchant's. Only for a filed self-help case (409 `not_self_help`, `not_filed`, "
        "`case_ended`); the consumer (or who acts for them) and the platform invite."
    ),
    auth=needs(WRITE),
)
def create_invitation(request: HttpRequest, case_id: str, payload: InvitationIn) -> Any:
    from gongdao.selfhelp import invitations

    actor = actor_of(request)
    case = load_case(actor, case_id)
    invitation, token = invitations.invite(
        case, actor, name=payload.name, email=payload.email, days=payload.days
    )
    return Status(
        201,
        {
            **invitation_out(invitation),
            "link": settings.BASE_URL.rstrip("/") + invitations.link_path(token),
            "emailed": getattr(invitation, "emailed", False),
            "email_error": getattr(invitation, "email_error", ""),
        },
    )


def _managed(actor: Actor, case_id: str) -> Any:
    """The case, if this caller manages its invitations (parties.permissions gives the sides)."""
    from gongdao.selfhelp import invitations

    case = load_case(actor, case_id)
    if not permissions.sides(actor, case) & invitations.MANAGING_SIDES:
        raise Forbidden("consumer_only", _("Only the consumer of this case can do this."))
    return case


@router.get(
    "/cases/{case_id}/invitations",
    response=responses({200: list[InvitationOut]}, 404),
    summary="The case's merchant invitations, newest first (the links are not shown again)",
    auth=needs(READ),
)
def list_invitations(request: HttpRequest, case_id: str) -> Any:
    from gongdao.selfhelp import invitations

    case = _managed(actor_of(request), case_id)
    return [invitation_out(row) for row in invitations.for_case(case).select_related("case")]


@router.post(
    "/cases/{case_id}/invitations/{invitation_id}/revoke",
    response=responses({200: InvitationOut}, 404, 409),
    summary="Revoke a merchant invitation: its link stops working at once",
    description="409 `already_revoked` when it was.",
    auth=needs(WRITE),
)
def revoke_invitation(request: HttpRequest, case_id: str, invitation_id: str) -> Any:
    from gongdao.selfhelp import invitations

    actor = actor_of(request)
    case = _managed(actor, case_id)
    invitation = (
        invitations.for_case(case)
        .select_related("case")
        .filter(public_id=ids.normalise(invitation_id))
        .first()
    )
    if invitation is None:
        raise NotFound("invitation_not_found", _("No such invitation."))
    return invitation_out(invitations.revoke(invitation, actor))
