"""The only code that writes evidence. ``add_evidence`` is THE upload function: the web, the CLI
and the API all call it.

An upload goes in this order, so that nothing is left behind by a refusal and no row ever points
at a missing or partial file:

1. who may add evidence to this case now (404 for a stranger, a sentence for a closed window),
   the kind, the description and the file name — before a byte is stored;
2. the bytes are streamed to a temporary file while hashed, sniffed and size-checked
   (storage.receive); images are checked for bombs and damage, and give their capture time,
   location flag and pHash (media) — a refusal removes the temporary file;
3. the file is moved to its content address in the store (durable on return);
4. one transaction: claim the case, check the window again (it may have closed meanwhile), the
   row, the ``evidence_added`` event carrying the SHA-256, the signed receipt, the outbox row and
   the reuse flags.

A crash before 3 leaves a temporary file (``gongdao storage gc`` removes it); between 3 and the
commit, a stored file no row references (gc reports it; the file is never served without a row).
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongdao import codes
from gongdao.cases import chain
from gongdao.cases.actions import append_event, claim, perform, queue_outbox
from gongdao.cases.actors import Actor
from gongdao.cases.models import Case, CaseEvent
from gongdao.errors import InvalidInput
from gongdao.evidence import media, receipts, reuse, serving
from gongdao.evidence.errors import EvidenceRejected
from gongdao.evidence.models import EvidenceItem
from gongdao.evidence.queries import adding_side
from gongdao.evidence.sniff import allowed_types_for, claim_matches, describe, normalise
from gongdao.evidence.storage import (
    CHUNK_SIZE,
    DEFAULT_TEMP_AGE,
    Limits,
    Received,
    get_store,
    get_tmp_dir,
    receive,
)

MAX_NAME = 255
DESCRIPTION_LIMIT = 2000
AUDIENCE = ["consumer", "merchant", "assignee"]
_TEXT_CONTROLS_ALLOWED = frozenset("\t\n\r")


@dataclass(frozen=True)
class _Facts:
    """What the bytes told about themselves (images only)."""

    captured_at: datetime | None = None
    has_location: bool = False
    phash: int | None = None


def add_evidence(
    case: Case,
    actor: Actor,
    *,
    kind: str,
    source: Any,
    filename: str,
    description: str = "",
    claimed_type: str | None = None,
    now: datetime | None = None,
    expected_size: int | None = None,
) -> EvidenceItem:
    """Attach a file to a case; return the committed item (its event and signed receipt included).

    ``source`` is a binary file-like object (read in chunks, never whole), an object with Django's
    ``chunks()``, an iterable of bytes chunks, or a ``Received`` upload already streamed to a
    temporary file (the upload handler's), which this function then owns: it is moved into the
    store or removed. ``claimed_type`` is what the client said the file is; ``expected_size`` a
    declared length (a shorter upload is ``truncated``). Raises a ``DomainError`` and keeps
    nothing when the file may not be added.
    """
    received = source if isinstance(source, Received) else None
    try:
        adding_side(actor, case)
        kind = check_kind(kind)
        description = check_description(description)
        name = clean_name(filename)
        if received is None:
            received = receive(
                _chunks(source),
                kind=kind,
                limits=Limits.from_settings(),
                tmp_dir=get_tmp_dir(),
                claimed_type=claimed_type,
                expected_size=expected_size,
            )
        else:
            _admit(received, kind, claimed_type)
        facts = _inspect(received)
        get_store().put(received)
    except BaseException:
        if received is not None:
            received.temp_path.unlink(missing_ok=True)
        raise
    return _record(case, actor, kind, description, name, received, facts, now or timezone.now())


def add_text_evidence(
    case: Case,
    actor: Actor,
    *,
    text: str,
    kind: str = "chat_record",
    filename: str | None = None,
    description: str = "",
    now: datetime | None = None,
) -> EvidenceItem:
    """Pasted text (a chat log, a tracking history) kept as a UTF-8 ``.txt`` file, through ``add_evidence``."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput("required", _("Paste the text first."), field="text")
    if any(ch < " " and ch not in _TEXT_CONTROLS_ALLOWED for ch in text) or "\x7f" in text:
        raise InvalidInput(
            "invalid_text", _("The text contains control characters; paste plain text."), field="text"
        )
    data = text.encode("utf-8")
    return add_evidence(
        case,
        actor,
        kind=kind,
        source=io.BytesIO(data),
        filename=filename or f"{kind}.txt",
        description=description,
        claimed_type="text/plain",
        now=now,
        expected_size=len(data),
    )


def withdraw_evidence(
    case: Case, actor: Actor, item_id: str, *, reason: str = "", now: datetime | None = None
) -> CaseEvent:
    """Withdraw an item (the workflow's ``withdraw_evidence``): it stays on record, marked withdrawn."""
    return perform(case, "withdraw_evidence", actor, item=item_id, reason=reason, now=now)


# ---- checks ------------------------------------------------------------------------------------


def check_kind(kind: Any) -> str:
    if kind not in codes.EVIDENCE_KINDS:
        raise InvalidInput("unknown_kind", _("Choose what the file shows from the list."), field="kind")
    return str(kind)


def check_description(description: Any) -> str:
    if description is None:
        return ""
    if not isinstance(description, str):
        raise InvalidInput("invalid_text", _("Enter text."), field="description")
    description = description.strip()
    if len(description) > DESCRIPTION_LIMIT:
        raise InvalidInput(
            "too_long",
            _("Keep this under %(limit)d characters.") % {"limit": DESCRIPTION_LIMIT},
            field="description",
        )
    return description


def clean_name(filename: Any) -> str:
    """The uploader's file name, kept as a label only (never part of a path); refused if odd."""
    if not isinstance(filename, str):
        raise EvidenceRejected("bad_filename")
    name = unicodedata.normalize("NFC", filename).strip()
    if len(name) > MAX_NAME:
        raise EvidenceRejected("filename_too_long")
    if name in ("", ".", "..") or "/" in name or "\\" in name or not name.isprintable():
        raise EvidenceRejected("bad_filename")
    return name


def _chunks(source: Any) -> Iterator[bytes]:
    if hasattr(source, "chunks"):
        yield from source.chunks(CHUNK_SIZE)
    elif hasattr(source, "read"):
        while True:
            chunk = source.read(CHUNK_SIZE)
            if not chunk:
                return
            yield chunk
    elif isinstance(source, Iterable) and not isinstance(source, (bytes, bytearray, str)):
        yield from source
    else:
        raise TypeError("source must be a binary file-like object, chunks of bytes, or a Received upload")


def _admit(received: Received, kind: str, claimed_type: str | None) -> None:
    """The type checks ``receive`` makes while streaming, for an upload received before its kind was
    known (the size limit is per category of content, so it was enforced while streaming)."""
    if not claim_matches(claimed_type, received.content_type):
        raise EvidenceRejected(
            "type_mismatch",
            claimed=describe([normalise(claimed_type) or ""]),
            content_type=describe([received.content_type]),
        )
    allowed = allowed_types_for(kind)
    if received.content_type not in allowed:
        raise EvidenceRejected(
            "type_not_allowed", content_type=describe([received.content_type]), allowed=describe(allowed)
        )


def _inspect(received: Received) -> _Facts:
    if received.category != "image":
        return _Facts()
    info = media.check_image(received.temp_path)
    return _Facts(info.captured_at, info.has_location, media.perceptual_hash(received.temp_path))


# ---- the record --------------------------------------------------------------------------------


def _record(
    case: Case,
    actor: Actor,
    kind: str,
    description: str,
    name: str,
    received: Received,
    facts: _Facts,
    now: datetime,
) -> EvidenceItem:
    before = (case.version, case.seq, case.head_hash)
    try:
        with transaction.atomic():
            # Claim the case as cases.actions._claim_fresh does, checking its current status too:
            # the window may have closed while the file arrived.
            fresh = Case.objects.select_for_update().get(pk=case.pk)
            side = adding_side(actor, fresh)
            case.version, case.seq, case.head_hash = fresh.version, fresh.seq, fresh.head_hash
            claim(case)
            item = EvidenceItem(
                case=case,
                kind=kind,
                description=description,
                side=side,
                uploaded_by=actor.user,
                actor=actor.label,
                received_at=now,
                original_name=name,
                size=received.size,
                content_type=received.content_type,
                sha256=received.sha256,
                captured_at=facts.captured_at,
                has_location=facts.has_location,
                phash=facts.phash,
                **reuse.band_fields(facts.phash),
            )
            payload = {
                "item": item.public_id,
                "kind": kind,
                "sha256": received.sha256,
                "size": received.size,
                "content_type": received.content_type,
                "name": name,
                "description": description,
                "captured_at": chain.timestamp(facts.captured_at) if facts.captured_at else None,
            }
            item.event = append_event(case, actor, "evidence_added", payload, now=now)
            receipts.sign(item)
            item.save(force_insert=True)
            if fresh.status != "draft":  # a draft is the consumer's own until it is filed
                queue_outbox(case, item.event, "case.evidence_added", AUDIENCE, actor)
            reuse.flag(item, now)
            case.save(update_fields=["version", "seq", "head_hash", "updated_at"])
            return item
    except BaseException:
        case.version, case.seq, case.head_hash = before
        raise


# ---- maintenance -------------------------------------------------------------------------------


@dataclass
class GcResult:
    temp_removed: list[str] = field(default_factory=list)
    unreferenced: list[str] = field(default_factory=list)
    stored: int = 0


def collect_garbage(older_than: timedelta = DEFAULT_TEMP_AGE, batch: int = 1000) -> GcResult:
    """Remove upload and cache temp files older than ``older_than``; report stored files no
    item references (never deleted: evidence is never deleted). Memory stays flat: the store's
    hashes are checked against the index in batches."""
    store = get_store()
    result = GcResult()
    result.temp_removed = store.delete_temp_leftovers(get_tmp_dir(), older_than)
    result.temp_removed += serving.remove_stale_temp_files(older_than)
    pending: list[str] = []
    for sha in store.iter_hashes():
        result.stored += 1
        pending.append(sha)
        if len(pending) >= batch:
            result.unreferenced += _unreferenced(pending)
            pending = []
    result.unreferenced += _unreferenced(pending)
    return result


def _unreferenced(hashes: list[str]) -> list[str]:
    if not hashes:
        return []
    known = set(EvidenceItem.objects.filter(sha256__in=hashes).values_list("sha256", flat=True))
    return [sha for sha in hashes if sha not in known]
