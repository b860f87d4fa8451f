"""Unsubscribe links that need no login: a token signed with the secret key (HMAC, Django's
``signing``), naming the person and the optional categories. Changing one character of it
breaks the signature, so nobody can make a link for someone else."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongdao.errors import InvalidInput, NotFound
from gongdao.notify.categories import OPTIONAL
from gongdao.parties.models import User

SALT = "gongdao.notify.unsubscribe"


def make_token(user: Any, categories: Iterable[str]) -> str:
    chosen = sorted(set(categories))
    if not chosen or not set(chosen) <= set(OPTIONAL):
        raise ValueError(f"only optional categories can be unsubscribed from: {chosen}")
    return signing.dumps({"u": user.public_id, "c": chosen}, salt=SALT)


def url(user: Any, categories: Iterable[str]) -> str:
    return settings.BASE_URL + reverse("notify:unsubscribe", args=[make_token(user, categories)])


def read_token(token: str) -> tuple[User, list[str]]:
    try:
        value = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise InvalidInput(
            "bad_unsubscribe_link",
            _(
                "This unsubscribe link is not valid. Copy the whole link from the email, or change your "
                "notice settings after logging in."
            ),
        )
    categories = value.get("c") if isinstance(value, dict) else None
    if not isinstance(categories, list) or not categories or not set(categories) <= set(OPTIONAL):
        raise InvalidInput("bad_unsubscribe_link", _("This unsubscribe link is not valid."))
    user = User.objects.filter(public_id=value.get("u"), is_active=True).first()
    if user is None:
        raise NotFound("user_not_found", _("This account no longer exists."))
    return user, categories
