"""Reading what arrived at the test SMTP server, and driving cases for notification tests."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message
from typing import Any

from gongdao.cases.actions import open_case, perform
from gongdao.cases.actors import SYSTEM


@dataclass
class Mailbox:
    messages: list[tuple[list[str], Message]]

    def to(self, address: str) -> list[Message]:
        return [m for rcpt, m in self.messages if address in rcpt]

    def __len__(self) -> int:
        return len(self.messages)


def text_of(message: Message, subtype: str = "plain") -> str:
    for part in message.walk():
        if part.get_content_type() == f"text/{subtype}":
            payload = part.get_payload(decode=True)
            return payload.decode(part.get_content_charset() or "utf-8")
    raise AssertionError(f"no text/{subtype} part")


def subject_of(message: Message) -> str:
    from email.header import decode_header, make_header

    unfolded = re.sub(r"\r?\n", "", message["Subject"])  # RFC 5322 unfolding
    return str(make_header(decode_header(unfolded)))


def file_case(world: Any, **kw: Any) -> Any:
    """Alice files a complaint about Bob's shop (sent to the merchant at once)."""
    return open_case(
        kw.pop("order", None) or world.order,
        world.actor("alice"),
        issue=kw.pop("issue", "other"),
        remedy=kw.pop("remedy", "refund_only"),
        statement="The headphones crackle on the left side.",
        submit=True,
        **kw,
    )


def act(world: Any, case: Any, action: str, who: str, **data: Any) -> Any:
    case.refresh_from_db()
    return perform(case, action, SYSTEM if who == "system" else world.actor(who), **data)
