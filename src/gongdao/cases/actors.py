"""Who acts: a user, an API key, the system, or an outside party recorded by name."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Actor:
    kind: str  # "user" | "api_key" | "system" | "outside" | "operator" (the CLI, acting as the platform)
    user: Any = None
    key: Any = None  # an API key row (the API issue)
    outside_party: Any = None
    on_behalf_of: str = ""  # public id of the consumer an association acts for
    scopes: frozenset[str] = field(default_factory=frozenset)

    @property
    def label(self) -> str:
        if self.kind == "user":
            return f"user:{self.user.public_id}"
        if self.kind == "api_key":
            return f"api_key:{self.key.public_id}"
        if self.kind == "outside":
            return f"outside:{self.outside_party.public_id}"
        return self.kind  # "system" or "operator"

    @property
    def role(self) -> str:
        if self.user is not None:
            return self.user.role
        return self.kind

    @property
    def user_public_id(self) -> str:
        return self.user.public_id if self.user is not None else ""


SYSTEM = Actor("system")
OPERATOR = Actor("operator")


def of_user(user: Any, on_behalf_of: str = "") -> Actor:
    return Actor("user", user=user, on_behalf_of=on_behalf_of)
