"""``gongdao invitation …``: an operator's view of the links that let outside merchants answer
self-help cases, and the way to cut one off (a link that leaked, a guest who misbehaves). Thin:
read through gongdao.selfhelp.invitations, act as the platform (``OPERATOR``), print."""

from __future__ import annotations

from typing import Any

import click


def _setup() -> Any:
    from gongdao import cli as main_cli

    main_cli.setup_django()
    return main_cli


def _row(invitation: Any) -> dict[str, Any]:
    from gongdao.selfhelp import invitations

    return {
        "id": invitation.public_id,
        "case": invitation.case.public_id,
        "status": invitations.status_of(invitation),
        "name": invitation.guest.first_name,
        "email": invitation.email,
        "guest": invitation.guest.public_id,
        "created_by": invitation.created_by.public_id,
        "created_at": invitation.created_at.isoformat(),
        "expires_at": invitation.expires_at.isoformat(),
        "revoked_at": invitation.revoked_at.isoformat() if invitation.revoked_at else None,
        "last_used_at": invitation.last_used_at.isoformat() if invitation.last_used_at else None,
    }


@click.group("invitation")
def invitation() -> None:
    """Merchant invitations of self-help cases (signed links). See docs/self-help.md."""


@invitation.command("list")
@click.argument("case_id", required=False)
@click.option("--active", is_flag=True, help="Only links that work now.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
def list_command(case_id: str | None, active: bool, as_json: bool) -> None:
    """List invitations (of one case, or all), newest first."""
    main_cli = _setup()
    from django.utils import timezone

    from gongdao import ids
    from gongdao.cases.models import Case
    from gongdao.selfhelp.models import Invitation

    qs = Invitation.objects.select_related("case", "guest", "created_by").order_by("-created_at", "-id")
    if case_id:
        case = Case.objects.filter(public_id=ids.normalise(case_id)).first()
        if case is None:
            raise main_cli.Failure(f"no such case: {case_id}")
        qs = qs.filter(case=case)
    if active:
        qs = qs.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
    rows = [_row(item) for item in qs]
    if as_json:
        main_cli.echo_json(rows)
        return
    for row in rows:
        click.echo(
            f"{row['id']}  {row['case']}  {row['status']:<8} expires {row['expires_at'][:16]}  "
            f"last used {(row['last_used_at'] or '-')[:16]:<16}  {row['name']} {row['email']}".rstrip()
        )


@invitation.command("revoke")
@click.argument("invitation_id")
def revoke_command(invitation_id: str) -> None:
    """Revoke an invitation: its link stops working at once (recorded on the case)."""
    main_cli = _setup()
    from gongdao import ids
    from gongdao.cases.actors import OPERATOR
    from gongdao.errors import DomainError
    from gongdao.selfhelp import invitations
    from gongdao.selfhelp.models import Invitation

    found = Invitation.objects.select_related("case").filter(public_id=ids.normalise(invitation_id)).first()
    if found is None:
        raise main_cli.Failure(f"no such invitation: {invitation_id}")
    try:
        invitations.revoke(found, OPERATOR)
    except DomainError as exc:
        raise main_cli.Failure(f"{found.public_id}: {exc.message}")
    click.echo(f"revoked {found.public_id} (case {found.case.public_id}); the link no longer works")
