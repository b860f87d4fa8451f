"""Masking personal data for a summary meant for the public (media and complaint platforms).

Known values (the consumer's name, phone, address and ID number, the order and tracking numbers)
are replaced wherever they occur; free text people typed is scrubbed of anything that looks like
an ID number or a long number (a phone number, an account, a tracking number), also when its
digits are split by spaces or hyphens. Dates written 2025-01-03 or 2025年1月3日 are kept.

Pure: no Django, no database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from gongdao.parties.privacy import mask_address, mask_name, mask_phone

# 18-digit resident ID (last character may be X) and the old 15-digit form.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])|(?<!\d)\d{15}(?!\d)")
# Digits, possibly separated by single spaces, hyphens or dots: 7 digits or more is masked.
_NUMBER_RUN = re.compile(r"\d(?:[ \-.\u00a0]?\d){6,}")
_DATE = re.compile(
    r"(?<!\d)(?:\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?|\d{4}年\d{1,2}月\d{1,2}日)(?!\d)"
)


def mask_number(text: str) -> str:
    """Keep the first 3 and last 2 digits of a long number, hide the rest (separators dropped)."""
    digits = re.sub(r"\D", "", text)
    if len(digits) <= 5:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 5) + digits[-2:]


def mask_code(code: str) -> str:
    """An order or tracking number: keep two characters at each end."""
    code = code.strip()
    if len(code) <= 4:
        return "*" * len(code)
    return code[:2] + "*" * (len(code) - 4) + code[-2:]


def mask_id_number(value: str) -> str:
    value = value.strip()
    if len(value) <= 4:
        return "*" * len(value)
    return value[:2] + "*" * (len(value) - 4) + value[-2:]


def scrub(text: str) -> str:
    """Mask ID numbers and long numbers in free text; keep dates."""
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return _placeholder(len(kept) - 1)

    text = _DATE.sub(keep, text)
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), text)
    text = _NUMBER_RUN.sub(lambda m: mask_number(m.group(0)), text)
    for index, original in enumerate(kept):
        text = text.replace(_placeholder(index), original)
    return text


def _placeholder(index: int) -> str:
    """A digit-free stand-in for a kept date (private-use characters never typed by people)."""
    return "\ue000" + chr(0xE001 + index % 0x1000) + chr(0xE001 + index // 0x1000) + "\ue000"


class Masker:
    """Replaces the known personal values of one case, then scrubs what is left."""

    def __init__(
        self,
        *,
        names: Iterable[str] = (),
        phones: Iterable[str] = (),
        addresses: Iterable[str] = (),
        id_numbers: Iterable[str] = (),
        codes: Iterable[str] = (),
    ) -> None:
        pairs: list[tuple[str, str]] = []
        pairs += [(v, mask_name(v)) for v in names if len(v.strip()) > 1]
        pairs += [(v, mask_phone(v)) for v in phones if v.strip()]
        pairs += [(v, mask_address(v)) for v in addresses if v.strip()]
        pairs += [(v, mask_id_number(v)) for v in id_numbers if v.strip()]
        pairs += [(v, mask_code(v)) for v in codes if len(v.strip()) > 2]
        # Longest first, so an address is replaced before a name it contains.
        self._pairs = sorted({(k.strip(), m) for k, m in pairs}, key=lambda p: -len(p[0]))

    def __call__(self, text: str) -> str:
        for value, masked in self._pairs:
            text = text.replace(value, masked)
        return scrub(text)
