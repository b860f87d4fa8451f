"""Domain errors: a stable code for machines and a sentence in the user's language.

API, web and CLI all turn these into their own form (problem+json, a message next to the
field, a one-line stderr message). Nothing changes when one is raised inside an action: every
action is one transaction.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400

    def __init__(self, code: str, message: Any, *, field: str | None = None, **extra: Any) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.field = field
        self.extra = extra

    def __str__(self) -> str:
        return str(self.message)


class InvalidInput(DomainError):
    status = 422


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409


class NotAllowed(DomainError):
    """The action exists but not in this status, for this role, or its guard fails."""

    status = 409
