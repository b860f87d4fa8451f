"""The one place that decides who sees which case and in which capacity ("side") they act.

A side is what the workflow table speaks of: ``consumer`` (the case's consumer), ``merchant``
(staff of the case's shop), ``agent`` (any platform agent), ``senior_agent``, ``assignee`` (the
agent the case is assigned to), ``platform`` (the platform itself: admins and platform keys),
``system`` (the worker). A viewer with no side on a case does not see it: callers answer 404.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

if TYPE_CHECKING:
    from gongdao.cases.actors import Actor
    from gongdao.cases.models import Case

PLATFORM_ROLES = ("agent", "senior_agent", "admin")
MERCHANT_ROLES = ("merchant_staff", "merchant_admin")


def user_sides(user: Any, case: Case) -> set[str]:
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    role = user.role
    if role == "consumer":
        return {"consumer"} if case.consumer_id == user.id else set()
    if role in MERCHANT_ROLES:
        # A draft has not been sent to anyone yet: it is the consumer's alone.
        mine = case.shop_id is not None and case.shop_id == user.shop_id and case.status != "draft"
        return {"merchant"} if mine else set()
    if role in ("agent", "senior_agent"):
        if case.mode != "platform" or case.status == "draft":
            return set()
        sides = {"agent"}
        if role == "senior_agent":
            sides.add("senior_agent")
        if case.assignee_id == user.id:
            sides.add("assignee")
        return sides
    if role == "admin":
        return {"platform", "admin"}
    if role == "association_staff":
        # Acting for a consumer who signed a power of attorney for this case (recorded on_behalf_of).
        return {"consumer"} if _authorized(user, case) or _presenting(user, case.consumer_id) else set()
    if role == "merchant_guest":
        # A merchant's representative invited by a signed link: this case only, while it is valid.
        return {"merchant"} if case.status != "draft" and _invited(user, case) else set()
    return set()


def _authorized(user: Any, case: Case) -> bool:
    from gongdao.parties.models import Authorization

    return Authorization.objects.filter(staff=user, case=case, revoked_at__isnull=True).exists()


# Association intake (parties.associations.start_for_member): the staff member records a member's
# new case with the signed power of attorney in hand, so they act for that member before the
# Authorization row exists; it is written in the same transaction, before this block ends.
_PRESENTING: ContextVar[tuple[int, int] | None] = ContextVar("presenting_authorization", default=None)


@contextmanager
def presenting_authorization(staff: Any, consumer: Any) -> Iterator[None]:
    token = _PRESENTING.set((staff.pk, consumer.pk))
    try:
        yield
    finally:
        _PRESENTING.reset(token)


def _presenting(user: Any, consumer_id: int | None) -> bool:
    return _PRESENTING.get() == (user.pk, consumer_id)


def _invited(user: Any, case: Case) -> bool:
    from gongdao.selfhelp.models import Invitation

    return Invitation.objects.active().filter(guest=user, case=case).exists()


def may_act_for(user: Any, consumer: Any) -> bool:
    """May ``user`` declare purchases and file for ``consumer``: themselves, or association staff
    holding a power of attorney from that consumer."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.pk == consumer.pk:
        return user.role == "consumer"
    if user.role == "association_staff":
        from gongdao.parties.models import Authorization

        if _presenting(user, consumer.pk):
            return True
        return Authorization.objects.filter(staff=user, consumer=consumer, revoked_at__isnull=True).exists()
    return False


def on_behalf_of(user: Any, case: Case) -> str:
    """Whom a user acts for on a case ("" for themselves): association staff act for the consumer."""
    if user is not None and getattr(user, "role", "") == "association_staff":
        return case.consumer.public_id
    return ""


def sides(actor: Actor, case: Case) -> set[str]:
    if actor.kind == "system":
        return {"system"}
    if actor.kind == "operator":
        return {"platform", "admin"}
    if actor.kind == "user":
        return user_sides(actor.user, case)
    if actor.kind == "api_key" and actor.key is not None:
        return actor.key.sides_for(case)
    return set()


def can_view(actor: Actor, case: Case) -> bool:
    return bool(sides(actor, case))


def visible_cases(user: Any) -> QuerySet:
    """Every case query starts here: the cases this user may see, and no others."""
    from gongdao.cases.models import Case

    qs = Case.objects.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.role == "consumer":
        return qs.filter(consumer=user)
    if user.role in MERCHANT_ROLES:
        return qs.filter(shop_id=user.shop_id).exclude(status="draft") if user.shop_id else qs.none()
    if user.role in ("agent", "senior_agent"):
        return qs.filter(mode="platform").exclude(status="draft")
    if user.role == "admin":
        return qs
    if user.role == "association_staff":
        return qs.filter(authorizations__staff=user, authorizations__revoked_at__isnull=True).distinct()
    if user.role == "merchant_guest":
        from gongdao.selfhelp.models import Invitation

        invited = Invitation.objects.active().filter(guest=user).values("case_id")
        return qs.filter(pk__in=invited).exclude(status="draft")
    return qs.none()


def visible_orders(user: Any) -> QuerySet:
    from gongdao.orders.models import Order

    qs = Order.objects.all()
    if user is None or not user.is_authenticated:
        return qs.none()
    if user.role == "consumer":
        return qs.filter(consumer=user)
    if user.role in MERCHANT_ROLES:
        return qs.filter(shop_id=user.shop_id)
    if user.role in PLATFORM_ROLES:
        return qs
    if user.role == "association_staff":
        return qs.filter(
            consumer__authorizations_given__staff=user,
            consumer__authorizations_given__revoked_at__isnull=True,
        ).distinct()
    return qs.none()


def sees_personal_data(sides_: set[str]) -> bool:
    """Merchants see consumers' phone and address masked unless a step needs them."""
    return bool(sides_ & {"consumer", "agent", "platform", "system"})


# ---- roles for the consoles (merchant console, agent workbench, admin overview) -------------


def _active(user: Any) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def is_merchant(user: Any) -> bool:
    """Staff or admin of a shop: may use the merchant console for that shop."""
    return _active(user) and user.role in MERCHANT_ROLES and user.shop_id is not None


def is_merchant_admin(user: Any) -> bool:
    """Manages the shop's staff, return address and canned replies."""
    return is_merchant(user) and user.role == "merchant_admin"


def is_agent(user: Any) -> bool:
    """A platform agent (senior agents included): may use the agent workbench."""
    return _active(user) and user.role in ("agent", "senior_agent")


def is_senior_agent(user: Any) -> bool:
    return _active(user) and user.role == "senior_agent"


def is_admin(user: Any) -> bool:
    """A platform administrator: the overview page and the management of agents."""
    return _active(user) and user.role == "admin"


def manages_member(user: Any, member: Any) -> bool:
    """A merchant admin may manage the other members of their own shop, never themselves."""
    return (
        is_merchant_admin(user)
        and member.role in MERCHANT_ROLES
        and member.shop_id == user.shop_id
        and member.pk != user.pk
    )


def may_claim_appeal(user: Any, case: Case) -> bool:
    """An appeal goes to a senior agent other than the one who decided the case."""
    return (
        is_senior_agent(user)
        and case.status == "appealed"
        and case.mode == "platform"
        and case.decided_by_id != user.id
        and case.assignee_id != user.id
    )


# ---- callers of the API: users, API keys, the operator (issue 6) ---------------------------


def visible_cases_of(actor: Actor) -> QuerySet:
    """``visible_cases`` for any actor: a user, an API key (``ApiKey.visible_cases``), the operator."""
    from gongdao.cases.models import Case

    if actor.kind == "user":
        return visible_cases(actor.user)
    if actor.kind == "api_key" and actor.key is not None:
        return actor.key.visible_cases()
    if actor.kind in ("operator", "system"):
        return Case.objects.all()
    return Case.objects.none()


def visible_orders_of(actor: Actor) -> QuerySet:
    from gongdao.orders.models import Order

    if actor.kind == "user":
        return visible_orders(actor.user)
    if actor.kind == "api_key" and actor.key is not None:
        return actor.key.visible_orders()
    if actor.kind in ("operator", "system"):
        return Order.objects.all()
    return Order.objects.none()


def user_shop_sides(user: Any, shop: Any) -> set[str]:
    """In which capacity a user sees a shop's account (its ledger, its webhook endpoints):
    ``platform`` (admins), ``agent`` (agents: read only), ``merchant`` (+ ``merchant_admin``)."""
    if not _active(user):
        return set()
    if user.role == "admin":
        return {"platform"}
    if user.role in ("agent", "senior_agent"):
        return {"agent"}
    if user.role in MERCHANT_ROLES and user.shop_id == shop.pk:
        return {"merchant", "merchant_admin"} if user.role == "merchant_admin" else {"merchant"}
    return set()


def shop_sides(actor: Actor, shop: Any) -> set[str]:
    """``user_shop_sides`` for any actor (an API key answers through ``ApiKey.shop_sides``)."""
    if actor.kind in ("operator", "system"):
        return {"platform"}
    if actor.kind == "user":
        return user_shop_sides(actor.user, shop)
    if actor.kind == "api_key" and actor.key is not None:
        return actor.key.shop_sides(shop)
    return set()


def is_platform_operator(actor: Actor) -> bool:
    """Acts for the whole platform (platform-wide webhooks, any shop): admins, the operator, and
    platform keys with the ``platform`` scope."""
    if actor.kind == "operator":
        return True
    if actor.kind == "user":
        return _active(actor.user) and actor.user.role == "admin"
    if actor.kind == "api_key" and actor.key is not None:
        key = actor.key
        if not key.is_active or not key.has_scope("platform"):
            return False
        return key.kind == "platform" or (key.kind == "personal" and key.user.role == "admin")
    return False


def visible_shops_of(actor: Actor) -> QuerySet:
    """The shops whose account (ledger, webhooks) the actor may see: all of them for the
    platform (admins, agents, platform keys), a merchant's or shop key's own shop otherwise."""
    from gongdao.parties.models import Shop

    qs = Shop.objects.all()
    if actor.kind in ("operator", "system"):
        return qs
    if actor.kind == "api_key" and actor.key is not None:
        key = actor.key
        if not key.is_active:
            return qs.none()
        if key.kind == "platform":
            return qs
        if key.kind == "shop":
            return qs.filter(pk=key.shop_id)
        user = key.user
    else:
        user = actor.user
    if not _active(user):
        return qs.none()
    if user.role in PLATFORM_ROLES:
        return qs
    if user.role in MERCHANT_ROLES and user.shop_id:
        return qs.filter(pk=user.shop_id)
    return qs.none()


# ---- the law advisor's panel on the case page (issue 8) -------------------------------------


def sees_law_advice(sides_: set[str]) -> bool:
    """The law panel (entitlements, the facts they rest on, the questionnaire) is for the consumer
    and the platform's staff. Merchants do not get it: it is advice to the consumer against
    them; they see the platform's rules, and the answers stay in the shared case record."""
    return bool(sides_ & {"consumer", "agent", "platform"})


def law_standing(sides_: set[str]) -> str:
    """How this viewer's answers to the law questionnaire count: ``found`` for platform staff
    (it overrides the consumer's claim), ``claimed`` for the consumer, "" for anyone else."""
    if sides_ & {"agent", "platform"}:
        return "found"
    if "consumer" in sides_:
        return "claimed"
    return ""
