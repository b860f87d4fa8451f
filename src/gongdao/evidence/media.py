"""Images as evidence: safe checks, capture time, location-free copies, thumbnails, pHashes.

Every function opens the image through ``_opened``, which reads the header only and refuses
a decompression bomb (more than ``MAX_PIXELS``) before any pixel is decoded; decoding then
needs at most about ``MAX_PIXELS`` × 4 bytes. JPEGs are decoded at reduced scale where the
result is small (``draft``). HEIC/HEIF come through pillow-heif.

Reuse detection: ``perceptual_hash`` gives a 64-bit pHash as a signed int (fits a
BigIntegerField). Split into ``bands`` equal bands by ``hash_bands``, two hashes that differ
in at most ``bands - 1`` bits share at least one band exactly (pigeonhole: each differing bit
spoils one band), so a database indexes the band values and compares only the candidates that
share one: with 4 bands of 16 bits, near-duplicates within Hamming distance 3 are all found.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import imagehash
import pillow_heif
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from gongdao.evidence.errors import EvidenceRejected

pillow_heif.register_heif_opener()

MAX_PIXELS = 50_000_000
EXIF_ZONE = ZoneInfo("Asia/Shanghai")  # phones write local time; evidence here is taken in China
BITS = 64
_MASK = (1 << BITS) - 1
_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})")
_ROTATED = {5, 6, 7, 8}  # EXIF orientations that swap width and height
_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WEBP"}  # others (HEIF) become JPEG


@dataclass(frozen=True)
class ImageInfo:
    """What an image tells about itself. Width and height as displayed (EXIF orientation applied)."""

    width: int
    height: int
    captured_at: datetime | None  # aware, UTC
    has_location: bool


@contextmanager
def _opened(path: Path | str, max_pixels: int = MAX_PIXELS) -> Iterator[Image.Image]:
    """The image with only its header read; ``image_bomb`` above ``max_pixels``."""
    try:
        img = Image.open(path)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise EvidenceRejected("image_bomb", max_mp=max_pixels // 1_000_000)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
        raise _load_error(exc)
    with img:
        width, height = img.size
        if width * height > max_pixels or width <= 0 or height <= 0:
            raise EvidenceRejected("image_bomb", max_mp=max_pixels // 1_000_000)
        yield img


def _load_error(exc: Exception) -> EvidenceRejected:
    text = str(exc).lower()
    if "truncated" in text or "end of file" in text:
        return EvidenceRejected("truncated")
    return EvidenceRejected("unreadable_image")


def _decode(img: Image.Image, size: tuple[int, int] | None = None) -> None:
    """Decode the pixels (a JPEG at the smallest scale still at least ``size``)."""
    if size and img.format == "JPEG":
        img.draft("RGB", size)
    try:
        img.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise EvidenceRejected("image_bomb", max_mp=MAX_PIXELS // 1_000_000)
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise _load_error(exc)


# --- checking --------------------------------------------------------------------------------


def check_image(path: Path | str, *, max_pixels: int = MAX_PIXELS) -> ImageInfo:
    """Refuse bombs, truncated and unreadable images; return size, capture time and GPS presence."""
    with _opened(path, max_pixels) as img:
        width, height = img.size  # before draft() shrinks it
        _decode(img, (max(1, width // 8), max(1, height // 8)))
        exif = img.getexif()
        if exif.get(ExifTags.Base.Orientation) in _ROTATED:
            width, height = height, width
        return ImageInfo(width, height, captured_at(exif), _has_location(img, exif))


def captured_at(exif: Image.Exif) -> datetime | None:
    """EXIF DateTimeOriginal as an aware UTC datetime, read in its OffsetTimeOriginal or China time."""
    ifd = exif.get_ifd(ExifTags.IFD.Exif)
    raw = _text(ifd.get(ExifTags.Base.DateTimeOriginal))
    try:
        local = datetime.strptime(raw[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    zone = _offset(_text(ifd.get(ExifTags.Base.OffsetTimeOriginal))) or EXIF_ZONE
    return local.replace(tzinfo=zone).astimezone(UTC)


def _text(value: object) -> str:
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    return str(value or "").strip("\x00 ")


def _offset(raw: str) -> timezone | None:
    match = _OFFSET.fullmatch(raw)
    if not match:
        return None
    sign, hours, minutes = match.groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    if delta > timedelta(hours=14):
        return None
    return timezone(-delta if sign == "-" else delta)


def _has_location(img: Image.Image, exif: Image.Exif) -> bool:
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    if ExifTags.GPS.GPSLatitude in gps or ExifTags.GPS.GPSLongitude in gps:
        return True
    xmp = img.info.get("xmp") or img.info.get("XML:com.adobe.xmp") or b""
    return b"GPSLatitude" in (xmp.encode() if isinstance(xmp, str) else xmp)


# --- copies for display ----------------------------------------------------------------------


def without_location(path: Path | str) -> bytes:
    """The image re-encoded without GPS, maker notes or XMP, for the other party to see.

    JPEG, PNG and WebP keep their format (JPEG its quantisation, so no visible loss); HEIC/HEIF
    become JPEG, which every browser shows. The EXIF orientation and capture time are kept.
    Sniff the result to know its type.
    """
    with _opened(path) as img:
        _decode(img)
        exif = _exif_without_location(img.getexif())
        fmt = _FORMATS.get(img.format or "", "JPEG")
        options: dict = {"exif": exif.tobytes()}
        if img.info.get("icc_profile"):
            options["icc_profile"] = img.info["icc_profile"]
        if fmt == "JPEG":
            options.update(_jpeg_options(img))
            img = img if img.format == "JPEG" else _flatten(img)
        return _encode(img, fmt, **options)


def _exif_without_location(exif: Image.Exif) -> Image.Exif:
    exif.get_ifd(ExifTags.IFD.Exif).pop(ExifTags.Base.MakerNote, None)
    exif.pop(ExifTags.IFD.GPSInfo, None)
    return exif


def _jpeg_options(img: Image.Image) -> dict:
    if img.format == "JPEG" and img.mode in ("RGB", "L", "CMYK"):
        return {"quality": "keep", "subsampling": "keep"}
    return {"quality": 90}


def thumbnail(path: Path | str, max_side: int = 320, fmt: str = "JPEG") -> bytes:
    """A small upright copy (no metadata) at most ``max_side`` pixels wide and high: JPEG or WEBP."""
    if fmt not in ("JPEG", "WEBP"):
        raise ValueError(f"thumbnail format must be JPEG or WEBP, not {fmt!r}")
    with _opened(path) as img:
        _decode(img, (max_side, max_side))
        small = ImageOps.exif_transpose(img)
        small.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        return _encode(_flatten(small), fmt, quality=80)


def _flatten(img: Image.Image) -> Image.Image:
    """RGB (or L), with any transparency laid on white."""
    if img.mode in ("RGB", "L"):
        return img
    if img.mode == "P" or img.mode in ("LA", "PA") or "A" in img.getbands():
        rgba = img.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return img.convert("RGB")


def _encode(img: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    img.save(out, fmt, **options)
    return out.getvalue()


# --- perceptual hashes -----------------------------------------------------------------------


def perceptual_hash(path: Path | str) -> int:
    """The image's 64-bit pHash (as displayed, transparency on white) as a signed 64-bit int."""
    with _opened(path) as img:
        _decode(img, (64, 64))
        upright = _flatten(ImageOps.exif_transpose(img))
        return to_signed64(int(str(imagehash.phash(upright)), 16))


def to_signed64(value: int) -> int:
    value &= _MASK
    return value - (1 << BITS) if value >> (BITS - 1) else value


def to_unsigned64(value: int) -> int:
    return value & _MASK


def hamming(a: int, b: int) -> int:
    """Number of differing bits of two 64-bit hashes, signed or not."""
    return ((a ^ b) & _MASK).bit_count()


def hash_bands(h: int, bands: int = 4) -> list[int]:
    """The hash cut into ``bands`` equal bands, lowest bits first; each band is a small unsigned int.

    Compare bands position by position (band 0 with band 0…). Hashes within Hamming distance
    ``bands - 1`` share at least one band.
    """
    if bands <= 0 or BITS % bands:
        raise ValueError(f"bands must divide {BITS}, got {bands}")
    width = BITS // bands
    value = to_unsigned64(h)
    return [(value >> (i * width)) & ((1 << width) - 1) for i in range(bands)]
