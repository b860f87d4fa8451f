"""``gongdao user …``: accounts from the command line, for operators."""

from __future__ import annotations

import click


@click.group("user")
def user() -> None:
    """User accounts."""


@user.command("reset-link")
@click.argument("username")
def reset_link_command(username: str) -> None:
    """Print a one-time password-reset link for USERNAME (for when email is off)."""
    from gongdao.cli import Failure, setup_django

    setup_django()
    from gongdao.parties.models import User
    from gongdao.web.accounts import reset_link

    account = User.objects.filter(username=username, is_active=True).first()
    if account is None:
        raise Failure(f"no active user named {username!r}")
    click.echo(reset_link(account))
