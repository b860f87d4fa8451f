"""The one place that decides who sees which case and in which capacity ("side") they act.

A side is what the workflow table speaks of: ``consumer`` (the case's consumer), ``merchant``
(staff of the case's shop), ``agent`` (any platform agent), ``senior_agent``, ``assignee`` (the
agent the case is assigned to), ``platform`` (the platform itself: admins and platform keys),
``system`` (the worker). A viewer with no side on a case does not see it: callers answer 404.
"""

from __future__ import annotations

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
        return {"merchant"} if case.shop_id is not None and case.shop_id == user.shop_id else set()
    if role in ("agent", "senior_agent"):
        if case.mode != "platform":
            return set()
        sides = {"agent"}
        if role == "senior_agent":
            sides.add("senior_agent")
        if case.assignee_id == user.id:
            sides.add("assignee")
        return sides
    if role == "admin":
        return {"platform", "admin"}
    return set()


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
        return qs.filter(shop_id=user.shop_id) if user.shop_id else qs.none()
    if user.role in ("agent", "senior_agent"):
        return qs.filter(mode="platform")
    if user.role == "admin":
        return qs
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
    return qs.none()


def sees_personal_data(sides_: set[str]) -> bool:
    """Merchants see consumers' phone and address masked unless a step needs them."""
    return bool(sides_ & {"consumer", "agent", "platform", "system"})
