"""One SMTP conversation with the configured server (the ``GONGDAO_EMAIL_*`` settings),
step by step so that each reply can be logged: the worker records the outcome of every attempt,
and ``gongdao notify test`` prints the whole exchange.

Failures are ``SendError``; ``permanent`` is true for a 5xx refusal (retrying cannot help),
false for anything that may pass later (no connection, timeouts, 4xx, a dropped line).
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    security: str  # starttls | ssl | none
    user: str
    password: str
    timeout: float

    @property
    def label(self) -> str:
        return f"{self.host}:{self.port} ({self.security})"


def configured() -> Server:
    security = "ssl" if settings.EMAIL_USE_SSL else ("starttls" if settings.EMAIL_USE_TLS else "none")
    return Server(
        host=settings.EMAIL_HOST,
        port=int(settings.EMAIL_PORT),
        security=security,
        user=settings.EMAIL_HOST_USER or "",
        password=settings.EMAIL_HOST_PASSWORD or "",
        timeout=float(getattr(settings, "EMAIL_TIMEOUT", None) or 10),
    )


class SendError(Exception):
    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


Log = Callable[[str], None]


def _reply(code: int, text: bytes | str) -> str:
    body = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(body.split())}".strip()


def _expect(log: Log, step: str, code: int, text: bytes | str, ok: tuple[int, ...]) -> str:
    reply = _reply(code, text)
    log(f"<- {reply}")
    if code not in ok:
        raise SendError(f"{step} refused: {reply}", permanent=500 <= code < 600)
    return reply


def deliver(message: Any, server: Server | None = None, log: Log | None = None) -> str:
    """Send a Django ``EmailMessage``; return the server's reply to the message text."""
    server = server or configured()
    say: Log = log or (lambda line: None)
    sender = parseaddr(message.from_email)[1]
    recipients = [parseaddr(a)[1] for a in message.recipients()]
    data = message.message().as_bytes(linesep="\r\n")
    context = ssl.create_default_context()
    smtp: smtplib.SMTP = (
        smtplib.SMTP_SSL(timeout=server.timeout, context=context)
        if server.security == "ssl"
        else smtplib.SMTP(timeout=server.timeout)
    )
    say(f"-- connecting to {server.label}")
    try:
        code, text = smtp.connect(server.host, server.port)
        _expect(say, "greeting", code, text, (220,))
        return _converse(smtp, server, context, sender, recipients, data, say)
    except SendError:
        raise
    except smtplib.SMTPResponseException as exc:
        reply = _reply(exc.smtp_code, exc.smtp_error)
        say(f"<- {reply}")
        raise SendError(f"the server refused: {reply}", permanent=500 <= exc.smtp_code < 600)
    except (smtplib.SMTPException, OSError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__
        say(f"!! {reason}")
        raise SendError(f"cannot talk to {server.label}: {reason}")
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


def _converse(
    smtp: smtplib.SMTP,
    server: Server,
    context: ssl.SSLContext,
    sender: str,
    recipients: list[str],
    data: bytes,
    say: Log,
) -> str:
    say("-> EHLO")
    code, text = smtp.ehlo()
    _expect(say, "EHLO", code, text, (250,))
    if server.security == "starttls":
        say("-> STARTTLS")
        code, text = smtp.starttls(context=context)
        _expect(say, "STARTTLS", code, text, (220,))
        say("-> EHLO")
        code, text = smtp.ehlo()
        _expect(say, "EHLO", code, text, (250,))
    if server.user:
        say(f"-> AUTH as {server.user}")
        code, text = smtp.login(server.user, server.password)
        _expect(say, "AUTH", code, text, (235, 503))
    options = ["BODY=8BITMIME"] if smtp.has_extn("8bitmime") else []
    say(f"-> MAIL FROM:<{sender}>")
    code, text = smtp.mail(sender, options)
    _expect(say, "MAIL FROM", code, text, (250,))
    for address in recipients:
        say(f"-> RCPT TO:<{address}>")
        code, text = smtp.rcpt(address)
        _expect(say, "RCPT TO", code, text, (250, 251))
    say(f"-> DATA ({len(data)} bytes)")
    code, text = smtp.data(data)
    return _expect(say, "DATA", code, text, (250,))
