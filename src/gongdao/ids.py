"""Public identifiers: a prefix and eight Crockford base-32 characters, e.g. ``C-7KQ2M9XW``.

Non-sequential (random), readable aloud (no I, L, O, U), and the only ids that leave the
database. 32^8 ≈ 1.1e12 values; a collision hits the unique index and the caller retries.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIXES = {
    "case": "C",
    "order": "O",
    "evidence": "E",
    "event": "V",
    "dossier": "D",
    "user": "U",
    "shop": "S",
    "party": "P",
    "key": "K",
    "association": "A",
    "authorization": "W",
    "invitation": "N",
}
_PATTERN = re.compile(r"^[A-Z]-[0-9A-HJKMNP-TV-Z]{8}$")


def new_id(kind: str) -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{PREFIXES[kind]}-{body}"


def looks_like(public_id: str, kind: str) -> bool:
    return bool(_PATTERN.match(public_id)) and public_id[0] == PREFIXES[kind]


def normalise(public_id: str) -> str:
    """Accept lower case and the easily confused letters people type (O→0, I/L→1)."""
    text = public_id.strip().upper()
    if len(text) < 3 or text[1] != "-":
        return text
    body = text[2:].replace("O", "0").replace("I", "1").replace("L", "1")
    return text[:2] + body
