"""``gongdao notify``: check the email settings by sending a test email."""

from __future__ import annotations

import click

from gongdao.cli import Failure, setup_django


@click.group("notify")
def notify() -> None:
    """Notices: email settings."""


@notify.command("test")
@click.option("--to", "to", required=True, help="Address to send the test email to.")
def test(to: str) -> None:
    """Send a test email with the current GONGDAO_EMAIL_* settings and show the SMTP conversation."""
    setup_django()
    from django.conf import settings
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    from gongdao.notify import compose, smtp

    try:
        validate_email(to)
    except ValidationError:
        raise Failure(f"--to: not an email address: {to!r}")
    if not settings.EMAIL_ENABLED:
        raise Failure(
            "email is off: set GONGDAO_EMAIL_HOST (and GONGDAO_EMAIL_PORT etc.; see docs/settings.md)"
        )
    server = smtp.configured()
    try:
        reply = smtp.deliver(compose.test_email(to), server, log=click.echo)
    except smtp.SendError as exc:
        kind = "refused" if exc.permanent else "failed"
        raise Failure(f"test email {kind}: {exc}")
    click.echo(f"ok: test email to {to} accepted by {server.label}: {reply}")
