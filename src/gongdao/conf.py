"""Read and validate the GONGDAO_* environment settings.

Every setting of DESIGN.md "Settings" is declared once in ``SETTINGS`` (name, default, parser,
description); docs/settings.md must list each (a test checks it). A bad value raises
``SettingError`` naming the variable, so start-up fails with one clear line. Secrets may be
given as ``<NAME>_FILE`` pointing at a file holding the value.
"""

from __future__ import annotations

import os
import secrets
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse


class SettingError(ValueError):
    """A GONGDAO_* variable holds a value we cannot use; the message names it."""


def _bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise SettingError(f"{name}: expected true or false, got {raw!r}")


def _positive_int(name: str, raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise SettingError(f"{name}: expected a whole number, got {raw!r}")
    if value <= 0:
        raise SettingError(f"{name}: must be greater than 0, got {value}")
    return value


def _seconds(name: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise SettingError(f"{name}: expected a number of seconds, got {raw!r}")
    if not 0 <= value <= 60:
        raise SettingError(f"{name}: must be between 0 and 60 seconds, got {raw}")
    return value


def _port(name: str, raw: str) -> int:
    value = _positive_int(name, raw)
    if value > 65535:
        raise SettingError(f"{name}: a port is at most 65535, got {value}")
    return value


def _choice(*allowed: str) -> Callable[[str, str], str]:
    def parse(name: str, raw: str) -> str:
        value = raw.strip().lower()
        if value not in allowed:
            raise SettingError(f"{name}: expected one of {', '.join(allowed)}, got {raw!r}")
        return value

    return parse


def _url(name: str, raw: str) -> str:
    parsed = urlparse(raw)
    if parsed.scheme not in {"http", "https"} or not parsed.hostname:
        raise SettingError(f"{name}: expected an http(s) URL such as http://127.0.0.1:8000, got {raw!r}")
    return raw.rstrip("/")


def _database_url(name: str, raw: str) -> str:
    scheme = urlparse(raw).scheme
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise SettingError(f"{name}: expected sqlite:///PATH or postgresql://…, got scheme {scheme!r}")
    return raw


def _time_zone(name: str, raw: str) -> str:
    try:
        zoneinfo.ZoneInfo(raw)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise SettingError(f"{name}: unknown time zone {raw!r} (use an IANA name such as Asia/Shanghai)")
    return raw


def _text(name: str, raw: str) -> str:
    return raw


def _hosts(name: str, raw: str) -> list[str]:
    hosts = [h.strip() for h in raw.split(",") if h.strip()]
    if not hosts:
        raise SettingError(f"{name}: give at least one host name")
    return hosts


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | None
    parse: Callable[[str, str], Any]
    description: str
    secret: bool = False


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "GONGDAO_DATA_DIR", "./gongdao-data", _text, "Folder for the SQLite database, evidence files, keys."
    ),
    Setting(
        "GONGDAO_DATABASE_URL", None, _database_url, "Database URL; default SQLite in the data dir.", True
    ),
    Setting(
        "GONGDAO_SECRET_KEY", None, _text, "Django secret key; default generated into the data dir.", True
    ),
    Setting("GONGDAO_BASE_URL", "http://127.0.0.1:8000", _url, "Public URL used in links and emails."),
    Setting(
        "GONGDAO_ALLOWED_HOSTS",
        None,
        _hosts,
        "Comma-separated host names; default localhost, 127.0.0.1 and the base URL's host.",
    ),
    Setting("GONGDAO_TIME_ZONE", "Asia/Shanghai", _time_zone, "Zone in which times are shown."),
    Setting("GONGDAO_LANGUAGE", "zh-hans", _choice("zh-hans", "en"), "Default UI language."),
    Setting("GONGDAO_DEBUG", "false", _bool, "Django debug mode; never in production."),
    Setting("GONGDAO_STORAGE", "local", _choice("local", "s3"), "Evidence storage backend."),
    Setting("GONGDAO_S3_ENDPOINT", None, _url, "S3-compatible endpoint URL."),
    Setting("GONGDAO_S3_BUCKET", None, _text, "S3 bucket name."),
    Setting("GONGDAO_S3_ACCESS_KEY", None, _text, "S3 access key.", True),
    Setting("GONGDAO_S3_SECRET_KEY", None, _text, "S3 secret key.", True),
    Setting("GONGDAO_S3_REGION", "us-east-1", _text, "S3 region name."),
    Setting(
        "GONGDAO_EMAIL_HOST", None, _text, "SMTP host; unset = email off (the in-app inbox still works)."
    ),
    Setting("GONGDAO_EMAIL_PORT", "25", _port, "SMTP port."),
    Setting("GONGDAO_EMAIL_SECURITY", "none", _choice("starttls", "ssl", "none"), "SMTP transport security."),
    Setting("GONGDAO_EMAIL_USER", None, _text, "SMTP user name."),
    Setting("GONGDAO_EMAIL_PASSWORD", None, _text, "SMTP password.", True),
    Setting("GONGDAO_EMAIL_FROM", "Gongdao <noreply@localhost>", _text, "Sender address of emails."),
    Setting("GONGDAO_MAX_IMAGE_MB", "20", _positive_int, "Largest image upload, MB."),
    Setting("GONGDAO_MAX_VIDEO_MB", "500", _positive_int, "Largest video upload, MB."),
    Setting("GONGDAO_MAX_DOCUMENT_MB", "50", _positive_int, "Largest document upload, MB."),
    Setting("GONGDAO_API_RATE_LIMIT", "600", _positive_int, "API requests per minute per API key."),
    Setting(
        "GONGDAO_API_KEY_HOLD_SECONDS",
        "1",
        _seconds,
        "How long a web process may serve an API key from what it last read of it (0: read every time).",
    ),
)


def _raw(setting: Setting, environ: dict[str, str]) -> str | None:
    file_var = f"{setting.name}_FILE"
    if setting.secret and environ.get(file_var):
        path = Path(environ[file_var])
        try:
            return path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise SettingError(f"{file_var}: cannot read {path}: {exc.strerror}")
    value = environ.get(setting.name)
    if value is None or value == "":
        return setting.default
    return value


def load(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Return every setting parsed; raise SettingError naming the first bad one."""
    env = dict(os.environ if environ is None else environ)
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = _raw(setting, env)
        values[setting.name] = None if raw is None else setting.parse(setting.name, raw)
    data_dir = Path(values["GONGDAO_DATA_DIR"]).expanduser().resolve()
    values["GONGDAO_DATA_DIR"] = data_dir
    if values["GONGDAO_DATABASE_URL"] is None:
        values["GONGDAO_DATABASE_URL"] = f"sqlite:///{data_dir / 'gongdao.sqlite3'}"
    if values["GONGDAO_ALLOWED_HOSTS"] is None:
        host = urlparse(values["GONGDAO_BASE_URL"]).hostname
        values["GONGDAO_ALLOWED_HOSTS"] = sorted({"localhost", "127.0.0.1", "[::1]", host or "localhost"})
    if values["GONGDAO_STORAGE"] == "s3":
        for needed in ("GONGDAO_S3_ENDPOINT", "GONGDAO_S3_BUCKET"):
            if not values[needed]:
                raise SettingError(f"{needed}: required when GONGDAO_STORAGE=s3")
    return values


def secret_key(data_dir: Path, given: str | None) -> str:
    """The configured secret key, else the one kept in the data dir (created on first use)."""
    if given:
        return given
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key)
    return key
