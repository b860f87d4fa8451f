"""The Chinese font embedded in dossier PDFs.

We embed Noto Sans CJK SC (SIL Open Font License) as Debian's ``fonts-noto-cjk`` installs it: a
``.ttc`` collection, which fpdf2 (2.8.6+) reads face by face and subsets on output. fontconfig
names the file and the face index; without fontconfig the known Debian and Fedora paths are tried
and the face is found by its name. When there is none, ``FontMissing`` says how to install one.

Memory: loading that face (65,535 glyphs) costs fpdf2 about 50 MB, which would take a web worker
past its 150 MB budget while it renders. So a *compact* copy — the same face cut to ASCII,
Latin, punctuation and every character of GBK (about 23,000 glyphs, half the memory) — is built
once per machine in a separate process, into the user's cache folder, and used whenever a
document's characters all lie in it; until it exists, or for a document with rarer characters,
the full face is used. ``python -m gongdao.dossiers.fonts`` builds it in the foreground, and so
does ``gongdao init`` (``setup``) unless told ``--skip-fonts``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

log = logging.getLogger("gongdao.dossiers")

FAMILY = "Noto Sans CJK SC"
KNOWN_PATHS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/noto-cjk/NotoSansCJKsc-Regular.otf",
)
INSTALL_HINT = (
    "no Chinese font found for dossier PDFs: install Noto Sans CJK "
    "(Debian/Ubuntu: `sudo apt-get install fonts-noto-cjk`; Fedora: `sudo dnf install google-noto-sans-cjk-fonts`; "
    "macOS/other: install Noto Sans CJK SC from https://github.com/notofonts/noto-cjk), then try again"
)
COMPACT_VERSION = "1"
STALE_BUILD = 3600  # seconds after which an unfinished build is tried again
_building = threading.Lock()


class FontMissing(RuntimeError):
    pass


@dataclass(frozen=True)
class FontFile:
    path: Path
    index: int  # face in a .ttc/.otc collection (0 for a single font)


def _from_fontconfig() -> FontFile | None:
    if shutil.which("fc-match") is None:
        return None
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}\t%{index}\t%{family}", FAMILY],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    parts = out.split("\t")
    if len(parts) < 3 or "Noto Sans CJK" not in parts[2] or not parts[0]:
        return None  # fontconfig fell back to some other family: not a CJK font we trust
    path = Path(parts[0])
    if not path.exists() or path.suffix.lower() not in (".ttc", ".otc", ".otf", ".ttf"):
        return None
    return FontFile(path, int(parts[1]) if parts[1].isdigit() else 0)


def _face_index(path: Path) -> int | None:
    """The face of FAMILY in a collection, by its name (None when the file has no such face)."""
    from fontTools.ttLib import TTCollection, TTFont

    if path.suffix.lower() not in (".ttc", ".otc"):
        font = TTFont(str(path), lazy=True)
        return 0 if FAMILY in (font["name"].getDebugName(1) or "") or "CJKsc" in path.name else None
    collection = TTCollection(str(path), lazy=True)
    for index, font in enumerate(collection.fonts):
        if font["name"].getDebugName(1) == FAMILY:
            return index
    return None


@lru_cache(maxsize=1)
def find() -> FontFile:
    """The installed Noto Sans CJK SC face."""
    found = _from_fontconfig()
    if found is not None:
        return found
    for candidate in KNOWN_PATHS:
        path = Path(candidate)
        if path.exists():
            index = _face_index(path)
            if index is not None:
                return FontFile(path, index)
    raise FontMissing(INSTALL_HINT)


# ---- the compact copy ------------------------------------------------------------------------


def in_compact(codepoint: int) -> bool:
    """Whether the compact copy keeps this character (when the full face has it)."""
    if codepoint < 0x3000:
        return True
    try:
        chr(codepoint).encode("gbk")
    except UnicodeEncodeError:
        return False
    return True


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    folder = Path(base) / "gongdao" / "fonts"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if os.access(folder, os.W_OK):
            return folder
    except OSError:
        pass
    folder = Path(tempfile.gettempdir()) / f"gongdao-fonts-{os.getuid()}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def compact_path(source: FontFile) -> Path:
    stat = source.path.stat()
    key = hashlib.sha256(
        f"{source.path}|{stat.st_size}|{stat.st_mtime_ns}|{source.index}".encode()
    ).hexdigest()[:16]
    return cache_dir() / f"NotoSansCJKSC-compact-v{COMPACT_VERSION}-{key}.otf"


def build_compact(source: FontFile, dest: Path) -> Path:
    """Cut the face to the compact character set (about 100 s and 250 MB: run it in its own process)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(
        str(source.path), fontNumber=source.index, lazy=True, recalcBBoxes=False, recalcTimestamp=False
    )
    wanted = [cp for cp in font.getBestCmap() if in_compact(cp)]
    options = subset.Options()
    options.layout_features = []  # fpdf2 does not shape CJK text; the features would only cost time
    options.hinting = True  # dropping hints is slower than keeping them
    options.notdef_outline = True
    options.recalc_bounds = False
    options.recalc_timestamp = False
    options.drop_tables += ["vhea", "vmtx", "VORG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(f"{dest.name}.{os.getpid()}.part")
    try:
        font.save(str(partial))
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)
    return dest


def _start_background_build(source: FontFile, dest: Path) -> None:
    """Build the compact copy in a child process, waited on by a daemon thread (no zombie); one
    build per machine at a time (an O_EXCL lock file, retried after STALE_BUILD seconds)."""
    lock = dest.with_name(dest.name + ".building")
    try:
        if lock.exists() and time.time() - lock.stat().st_mtime > STALE_BUILD:
            lock.unlink(missing_ok=True)
        os.close(os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError:
        return  # another process is building it

    def run() -> None:
        command = [
            sys.executable,
            "-m",
            "gongdao.dossiers.fonts",
            str(source.path),
            str(source.index),
            str(dest),
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=3 * STALE_BUILD, check=False
            )
            if done.returncode == 0:
                lock.unlink(missing_ok=True)
            else:
                log.error("building the compact dossier font failed: %s", done.stderr[-2000:])
        except (OSError, subprocess.SubprocessError):
            log.exception("building the compact dossier font failed")

    threading.Thread(target=run, name="gongdao-font-build", daemon=True).start()


def for_text(characters: set[str]) -> FontFile:
    """The font to embed for a document with these characters: the compact copy when it exists
    and holds them all, else the full face (starting the compact build if there is none yet)."""
    source = find()
    try:
        compact = compact_path(source)
    except OSError:
        return source
    if compact.exists():
        if all(in_compact(ord(c)) for c in characters):
            return FontFile(compact, 0)
        return source
    with _building:
        _start_background_build(source, compact)
    return source


def setup(say: Callable[[str], object] = print, warn: Callable[[str], object] = print) -> bool:
    """Ready the font on this machine (``gongdao init`` calls it): find the installed face and
    build the compact copy now, in the foreground, unless it is there already (what
    ``python -m gongdao.dossiers.fonts`` does). False, having said how to install a font, when
    there is none: dossiers then fail with the same message, everything else works."""
    try:
        source = find()
    except FontMissing as exc:
        warn(f"dossier font: {exc}")
        return False
    dest = compact_path(source)
    if dest.exists():
        say(f"dossier font: {source.path} (compact copy {dest} is built already)")
        return True
    say(f"dossier font: {source.path}; building its compact copy once for this machine (a minute or two)…")
    started = time.perf_counter()
    build_compact(source, dest)
    say(
        f"dossier font: {dest} ({dest.stat().st_size:,} bytes) built in {time.perf_counter() - started:.0f} s"
    )
    return True


def main(argv: list[str]) -> int:
    """``python -m gongdao.dossiers.fonts [SOURCE INDEX DEST]``: build the compact copy now (of the
    installed face into the cache folder, unless it is there already)."""
    if argv:
        source, dest = FontFile(Path(argv[0]), int(argv[1])), Path(argv[2])
    else:
        source = find()
        dest = compact_path(source)
        if dest.exists():
            print(f"{dest} is built already")
            return 0
    started = time.perf_counter()
    build_compact(source, dest)
    print(f"{dest} ({dest.stat().st_size:,} bytes) built in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
