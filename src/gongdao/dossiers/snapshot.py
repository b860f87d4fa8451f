"""The case as a dossier sees it: plain frozen values read once from the database
(``queries.case_record``), so that everything built from them — the content, the narrative, the
masking, the PDF — is pure and testable without a database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class Complainant:
    """The consumer's personal data from their profile ("" where they have not given it)."""

    user_id: str
    full_name: str = ""
    phone: str = ""
    address: str = ""
    id_number: str = ""


@dataclass(frozen=True)
class Respondent:
    """The seller: a shop of this platform, or an outside merchant recorded by name."""

    name: str
    region: str = ""
    address: str = ""
    credit_code: str = ""
    platform: str = ""
    store_url: str = ""
    contact: str = ""


@dataclass(frozen=True)
class Line:
    line_no: int
    name: str
    spec: str
    quantity: int
    unit_price_fen: int
    paid_fen: int
    requested_fen: int


@dataclass(frozen=True)
class Evidence:
    id: str
    kind: str
    description: str
    side: str
    received_at: datetime
    name: str
    size: int
    content_type: str
    sha256: str
    event_id: str = ""
    event_seq: int | None = None


@dataclass(frozen=True)
class Event:
    seq: int
    id: str
    type: str
    recorded_at: datetime
    occurred_at: datetime
    actor_role: str
    visibility: str
    payload: dict[str, Any] | None  # None: withheld from this viewer (platform-only)


@dataclass(frozen=True)
class ReferralInfo:
    number: int
    target: str
    status: str
    filed_on: date | None
    reference: str
    accepted_on: date | None = None


@dataclass(frozen=True)
class CaseRecord:
    case_id: str
    mode: str
    issue: str
    remedy: str
    status: str
    stage: int
    statement: str
    requested_fen: int
    policy: str
    opened_at: datetime
    filed_at: datetime | None
    order: dict[str, Any]  # the order snapshot frozen at filing
    lines: tuple[Line, ...]
    respondent: Respondent
    complainant: Complainant
    events: tuple[Event, ...]
    evidence: tuple[Evidence, ...]
    referrals: tuple[ReferralInfo, ...] = ()
    decision: dict[str, Any] | None = None
    platform: str = ""
    refunded_fen: int = 0
    on_behalf_of: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def paid_fen(self) -> int:
        return sum(line.paid_fen for line in self.lines)

    @property
    def order_number(self) -> str:
        return str(self.order.get("external_id") or "")

    def event(self, seq: int) -> Event | None:
        return next((e for e in self.events if e.seq == seq), None)
