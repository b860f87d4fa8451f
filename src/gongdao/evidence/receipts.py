"""Signed receipts: the platform's Ed25519 signature over what it received and when.

The statement is the RFC 8785 canonical JSON of ``{case, item, sha256, received_at,
event_hash}``; ``event_hash`` ties the file to the case's hash chain. The uploader downloads the
receipt as JSON and can check it later with the platform's public key (``gongdao keys show``),
without trusting this server or its database: a changed row, file or chain no longer matches.
"""

from __future__ import annotations

from typing import Any

from gongdao import keys
from gongdao.cases import chain

ALGORITHM = "Ed25519"
CANONICALIZATION = "RFC 8785 (JSON Canonicalization Scheme)"
STATEMENT_KEYS = ("case", "item", "sha256", "received_at", "event_hash")


def statement(item: Any) -> dict[str, str]:
    """What the receipt says, from the item's row and its event."""
    return {
        "case": item.case.public_id,
        "item": item.public_id,
        "sha256": item.sha256,
        "received_at": chain.timestamp(item.received_at),
        "event_hash": item.event.hash if item.event_id else "",
    }


def sign(item: Any) -> None:
    """Sign the item's statement and keep the signature on the row (the caller saves it)."""
    item.receipt_signature, item.receipt_key = keys.sign(chain.canonical(statement(item)))


def document(item: Any) -> dict[str, Any]:
    """The receipt as the uploader downloads it: the statement, the signature and how to check it."""
    public = keys.public_raw(keys.private_key())
    return {
        "receipt": statement(item),
        "signature": item.receipt_signature,
        "algorithm": ALGORITHM,
        "canonicalization": CANONICALIZATION,
        "public_key": keys.encode_public(public),
        "key_fingerprint": item.receipt_key,
        "file": {
            "name": item.original_name,
            "size": item.size,
            "content_type": item.content_type,
            "kind": item.kind,
        },
        "how_to_verify": (
            "Compute the SHA-256 of the file and compare it with receipt.sha256; then verify the "
            "Ed25519 signature (base64) over the RFC 8785 canonical JSON of the receipt object with "
            "the platform's public key (base64, raw 32 bytes)."
        ),
    }


def verify(doc: dict[str, Any], public_key: bytes) -> bool:
    """Whether a downloaded receipt's signature holds for its statement under ``public_key``."""
    receipt = doc.get("receipt")
    if not isinstance(receipt, dict) or set(receipt) != set(STATEMENT_KEYS):
        return False
    signature = doc.get("signature")
    if not isinstance(signature, str):
        return False
    return keys.verify(public_key, chain.canonical(receipt), signature)


def row_holds(item: Any, public_key: bytes | None = None) -> bool:
    """Whether the signature kept on the row still matches the row (and its event) as they are now."""
    if not item.receipt_signature:
        return False
    key = public_key or keys.public_raw(keys.private_key())
    return keys.verify(key, chain.canonical(statement(item)), item.receipt_signature)
