"""The consoles' writes, one transactional function each: canned replies, the shop's staff and
return address, platform agents, and the "seen" mark of the merchant queue. Workflow actions on
cases are not here: they go through cases.actions.perform."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from gongdao.console.models import TEXT_MAX, TITLE_MAX, CannedReply, ShopCaseView
from gongdao.errors import Conflict, DomainError, Forbidden, InvalidInput, NotAllowed
from gongdao.parties import permissions
from gongdao.parties.models import Profile, User

AGENT_ROLES = ("agent", "senior_agent")


def reject_with_evidence(
    case: Any, actor: Any, *, reason: str, files: list[Any], kind: str, expected_version: int | None = None
) -> Any:
    """The shop refuses the request and attaches its evidence. The refusal is checked first (a
    dry run of ``reject``), so a refusal that would fail stores no file; then each file goes
    through the evidence app's one upload function, then the refusal is recorded."""
    from gongdao.cases.actions import perform
    from gongdao.console.preview import dry_run
    from gongdao.evidence.actions import add_evidence

    dry_run(case, "reject", actor, expected_version=expected_version, reason=reason)
    for done, upload in enumerate(files):
        try:
            add_evidence(
                case,
                actor,
                kind=kind,
                source=upload,
                filename=upload.name,
                claimed_type=upload.content_type,
                expected_size=upload.size,
            )
        except DomainError as exc:
            raise InvalidInput(
                exc.code,
                _(
                    "“%(name)s” was not added: %(reason)s Your refusal was not sent (%(done)d earlier files were added)."
                )
                % {"name": upload.name, "reason": exc, "done": done},
                field="evidence",
            )
    return perform(case, "reject", actor, reason=reason)


def record_view(case: Any, user: Any, now: datetime | None = None) -> None:
    """Someone of the shop opened the case: it is no longer "new" in the queue."""
    if not permissions.is_merchant(user) or case.shop_id != user.shop_id:
        return
    ShopCaseView.objects.update_or_create(
        shop_id=user.shop_id, case=case, defaults={"viewed_at": now or timezone.now(), "viewed_by": user}
    )


# ---- canned replies ----------------------------------------------------------------------


def _require_shop_admin(user: Any) -> None:
    if not permissions.is_merchant_admin(user):
        raise Forbidden("shop_admin_only", _("Only an administrator of the shop can do this."))


def _reply_text(title: str, text: str) -> tuple[str, str]:
    title, text = (title or "").strip(), (text or "").strip()
    if not title:
        raise InvalidInput("required", _("Give the reply a short title."), field="title")
    if len(title) > TITLE_MAX:
        raise InvalidInput(
            "too_long", _("Keep the title under %(limit)d characters.") % {"limit": TITLE_MAX}, field="title"
        )
    if not text:
        raise InvalidInput("required", _("Write the text of the reply."), field="text")
    if len(text) > TEXT_MAX:
        raise InvalidInput(
            "too_long", _("Keep the text under %(limit)d characters.") % {"limit": TEXT_MAX}, field="text"
        )
    return title, text


@transaction.atomic
def save_canned_reply(user: Any, *, title: str, text: str, reply: CannedReply | None = None) -> CannedReply:
    _require_shop_admin(user)
    title, text = _reply_text(title, text)
    if reply is not None and reply.shop_id != user.shop_id:
        raise Forbidden("shop_admin_only", _("Only an administrator of the shop can do this."))
    clash = CannedReply.objects.filter(shop_id=user.shop_id, title=title)
    if reply is not None:
        clash = clash.exclude(pk=reply.pk)
    if clash.exists():
        raise Conflict("duplicate_title", _("Your shop already has a reply with this title."), field="title")
    if reply is None:
        reply = CannedReply(shop_id=user.shop_id, created_by=user)
    reply.title, reply.text = title, text
    reply.save()
    return reply


@transaction.atomic
def delete_canned_reply(user: Any, reply: CannedReply) -> None:
    _require_shop_admin(user)
    if reply.shop_id != user.shop_id:
        raise Forbidden("shop_admin_only", _("Only an administrator of the shop can do this."))
    reply.delete()


# ---- people: the shop's staff, platform agents -------------------------------------------


def set_password_link(user: User) -> str:
    """A one-time link to choose a password (it stops working once a password is set)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("console:set_password", kwargs={"uidb64": uid, "token": token})
    return settings.BASE_URL.rstrip("/") + path


def _new_user(*, username: str, full_name: str, email: str, role: str, shop_id: int | None) -> User:
    username = (username or "").strip()
    if not username:
        raise InvalidInput("required", _("Choose a user name."), field="username")
    try:
        User.username_validator(username)
    except Exception:
        raise InvalidInput(
            "invalid_username",
            _("Use letters, digits and @ . + - _ only in the user name."),
            field="username",
        )
    if len(username) > 150:
        raise InvalidInput("too_long", _("Keep the user name under 150 characters."), field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict("username_taken", _("This user name is taken; choose another."), field="username")
    full_name = (full_name or "").strip()
    if not full_name:
        raise InvalidInput("required", _("Give the person's name."), field="full_name")
    user = User(username=username, email=(email or "").strip(), role=role, shop_id=shop_id)
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise Conflict("username_taken", _("This user name is taken; choose another."), field="username")
    Profile.objects.create(user=user, full_name=full_name[:100])
    return user


@transaction.atomic
def invite_staff(admin: Any, *, username: str, full_name: str, email: str = "") -> tuple[User, str]:
    """A new member of the admin's shop (merchant staff) and their set-password link."""
    _require_shop_admin(admin)
    member = _new_user(
        username=username, full_name=full_name, email=email, role="merchant_staff", shop_id=admin.shop_id
    )
    return member, set_password_link(member)


def new_link_for_member(admin: Any, member: User) -> str:
    if not permissions.manages_member(admin, member):
        raise Forbidden("not_your_staff", _("You can only manage the other members of your own shop."))
    if not member.is_active:
        raise NotAllowed("inactive", _("This person was removed; they cannot get a new link."))
    return set_password_link(member)


@transaction.atomic
def remove_member(admin: Any, member: User) -> None:
    """Removes a member from the shop's console: the account is deactivated, its history kept."""
    if not permissions.manages_member(admin, member):
        raise Forbidden("not_your_staff", _("You can only manage the other members of your own shop."))
    member.is_active = False
    member.save(update_fields=["is_active"])


@transaction.atomic
def set_return_address(admin: Any, address: str) -> None:
    _require_shop_admin(admin)
    address = (address or "").strip()
    if not address:
        raise InvalidInput(
            "required", _("Give the full address returns should be sent to."), field="return_address"
        )
    if len(address) > 300:
        raise InvalidInput("too_long", _("Keep the address under 300 characters."), field="return_address")
    shop = admin.shop
    shop.return_address = address
    shop.save(update_fields=["return_address"])


def _require_admin(user: Any) -> None:
    if not permissions.is_admin(user):
        raise Forbidden("admin_only", _("Only a platform administrator can do this."))


@transaction.atomic
def create_agent(
    admin: Any, *, username: str, full_name: str, email: str = "", role: str = "agent"
) -> tuple[User, str]:
    _require_admin(admin)
    if role not in AGENT_ROLES:
        raise InvalidInput("invalid_choice", _("Choose one of the options offered."), field="role")
    agent = _new_user(username=username, full_name=full_name, email=email, role=role, shop_id=None)
    return agent, set_password_link(agent)


def new_link_for_agent(admin: Any, agent: User) -> str:
    _require_admin(admin)
    if agent.role not in AGENT_ROLES or not agent.is_active:
        raise NotAllowed("inactive", _("This person was removed; they cannot get a new link."))
    return set_password_link(agent)


@transaction.atomic
def deactivate_agent(admin: Any, agent: User) -> None:
    """An agent leaves: refused while open cases are still assigned to them."""
    _require_admin(admin)
    if agent.role not in AGENT_ROLES:
        raise InvalidInput("not_an_agent", _("This person is not a platform agent."))
    from gongdao.cases.models import Case
    from gongdao.codes import ENDED_STATUSES

    open_cases = Case.objects.filter(assignee=agent).exclude(status__in=ENDED_STATUSES).count()
    if open_cases:
        raise NotAllowed(
            "has_open_cases",
            _("Give this agent's %(count)d open cases to other agents first.") % {"count": open_cases},
        )
    agent.is_active = False
    agent.save(update_fields=["is_active"])
