"""The content type of an upload, from its first bytes; never from its name or the browser's word.

``sniff(head)`` looks at the first ``SNIFF_BYTES`` of a file. JPEG, PNG, WebP and PDF are
recognised by the ``filetype`` library; ISO base media files (HEIC/HEIF photos, MP4 and MOV
videos) by their ``ftyp`` brands here, because phones use more brands than ``filetype`` knows
(``heix``, ``mif1``, ``M4V ``…); plain text is what decodes as UTF-8 without control bytes.
Our own matchers run before ``filetype.guess`` so that text starting with "BM" is not taken
for a bitmap; ``guess`` only names a type we would refuse anyway.
"""

from __future__ import annotations

import codecs
import struct
from collections.abc import Iterable

import filetype
from filetype.types import archive, image

SNIFF_BYTES = 8192
UNKNOWN = "application/octet-stream"

IMAGE_TYPES = ("image/jpeg", "image/png", "image/heic", "image/heif", "image/webp")
VIDEO_TYPES = ("video/mp4", "video/quicktime")
DOCUMENT_TYPES = ("application/pdf", "text/plain")
CATEGORY_TYPES = {"image": IMAGE_TYPES, "video": VIDEO_TYPES, "document": DOCUMENT_TYPES}

_PAPERS = (*IMAGE_TYPES, "application/pdf", "text/plain")
_SCANS = (*IMAGE_TYPES, "application/pdf")
KIND_TYPES: dict[str, tuple[str, ...]] = {
    "order_record": _PAPERS,
    "payment_proof": _PAPERS,
    "product_page": _PAPERS,
    "chat_record": _PAPERS,
    "problem_photo": IMAGE_TYPES,
    "problem_video": VIDEO_TYPES,
    "unboxing_video": VIDEO_TYPES,
    "logistics_record": _PAPERS,
    "test_report": _SCANS,
    "invoice": _SCANS,
    "authorization": _SCANS,
    "other": (*IMAGE_TYPES, *VIDEO_TYPES, *DOCUMENT_TYPES),
}

_MATCHERS = (image.Jpeg(), image.Png(), image.Webp(), archive.Pdf())

# ISO-BMFF brands (major brand first, then compatible brands) → our content type.
_BRANDS = {
    **dict.fromkeys(("heic", "heix", "heim", "heis", "hevc", "hevx"), "image/heic"),
    **dict.fromkeys(("avif", "avis"), "image/avif"),
    **dict.fromkeys(("mif1", "msf1"), "image/heif"),
    "qt  ": "video/quicktime",
    **dict.fromkeys(
        ("isom", "iso2", "iso4", "iso5", "iso6", "mp41", "mp42", "avc1", "M4V ", "mmp4", "MSNV", "dash"),
        "video/mp4",
    ),
}

# What browsers and phones call the types we sniff.
_ALIASES = {
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "image/heic-sequence": "image/heic",
    "image/heif-sequence": "image/heif",
    "video/x-m4v": "video/mp4",
    "application/x-pdf": "application/pdf",
}
# Types that are one family for the claimed-versus-sniffed check.
_FAMILIES = {
    "image/heif": "image/heic",
    "video/quicktime": "video/mp4",
}
_TEXT_CONTROLS_ALLOWED = frozenset("\t\n\r\f\v\x1b")


def sniff(head: bytes, *, complete: bool = False) -> str:
    """The content type of a file starting with ``head``; ``complete`` when head is the whole file."""
    whole = complete and len(head) <= SNIFF_BYTES
    head = bytes(head[:SNIFF_BYTES])
    for matcher in _MATCHERS:
        if matcher.match(head):
            return matcher.mime
    found = _isobmff_type(head)
    if found:
        return found
    if _is_text(head, complete=whole):
        return "text/plain"
    guess = filetype.guess(head)
    return guess.mime if guess else UNKNOWN


def _ftyp_brands(head: bytes) -> list[str]:
    if len(head) < 16 or head[4:8] != b"ftyp":
        return []
    size = struct.unpack(">I", head[:4])[0]
    box = head[8 : min(max(size, 16), len(head))]
    major, compatible = box[:4], box[8:]
    brands = [major] + [compatible[i : i + 4] for i in range(0, len(compatible) - 3, 4)]
    return [b.decode("latin-1") for b in brands]


def _isobmff_type(head: bytes) -> str | None:
    brands = _ftyp_brands(head)
    if brands and brands[0] in _BRANDS:
        return _BRANDS[brands[0]]
    for wanted in ("image/heic", "image/avif", "image/heif", "video/quicktime", "video/mp4"):
        if any(_BRANDS.get(b) == wanted for b in brands[1:]):
            return wanted
    return None


def _is_text(head: bytes, *, complete: bool) -> bool:
    """UTF-8 without NUL or other control bytes; a character cut at the buffer's end is fine."""
    if not head:
        return False
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=complete)
    except UnicodeDecodeError:
        return False
    return not any(ch < " " and ch not in _TEXT_CONTROLS_ALLOWED for ch in text) and "\x7f" not in text


def category_of(content_type: str) -> str | None:
    """``image``, ``video`` or ``document`` for a type we accept at all; None otherwise."""
    for category, types in CATEGORY_TYPES.items():
        if content_type in types:
            return category
    return None


def allowed_types_for(kind: str) -> tuple[str, ...]:
    """The content types an evidence item of ``kind`` may have; KeyError for an unknown kind."""
    return KIND_TYPES[kind]


def normalise(content_type: str | None) -> str | None:
    """A claimed type without parameters, lower-case, with common aliases resolved.

    None, empty and ``application/octet-stream`` (what browsers send when they do not know)
    claim nothing.
    """
    if not content_type:
        return None
    base = content_type.split(";", 1)[0].strip().lower()
    if not base or base == UNKNOWN:
        return None
    return _ALIASES.get(base, base)


def claim_matches(claimed: str | None, sniffed: str) -> bool:
    """Whether a claimed type agrees with the sniffed one (a missing claim always agrees).

    HEIF/HEIC and MP4/MOV count as one family: phones and browsers mix their names. Any
    ``text/*`` claim agrees with plain text (a ``.csv`` or ``.md`` chat export is still text).
    """
    claim = normalise(claimed)
    if claim is None or claim == sniffed:
        return True
    if sniffed == "text/plain":
        return claim.startswith("text/")
    return _FAMILIES.get(claim, claim) == _FAMILIES.get(sniffed, sniffed)


def describe(types: Iterable[str]) -> str:
    """Short names for a message: ``JPEG, PNG, PDF``."""
    return ", ".join(_SHORT_NAMES.get(t, t) for t in types)


_SHORT_NAMES = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/heic": "HEIC",
    "image/heif": "HEIF",
    "image/webp": "WebP",
    "video/mp4": "MP4",
    "video/quicktime": "MOV",
    "application/pdf": "PDF",
    "text/plain": "TXT",
}
