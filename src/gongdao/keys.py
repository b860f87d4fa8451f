"""The platform's Ed25519 signing key (created by ``gongdao init``), kept in the data dir."""

from __future__ import annotations

import base64
import hashlib
import os
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

KEY_FILE = "signing_key.pem"


class MissingKey(RuntimeError):
    pass


def key_path(data_dir: Path) -> Path:
    return data_dir / KEY_FILE


def create(data_dir: Path) -> bool:
    """Create the key unless it exists; True when created. Safe against a concurrent creator."""
    path = key_path(data_dir)
    if path.exists():
        return False
    data_dir.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
        fh.flush()
        os.fsync(fh.fileno())
    return True


@lru_cache(maxsize=4)
def _load(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        raise MissingKey(f"no signing key at {path}: run `gongdao init`")
    if not isinstance(key, Ed25519PrivateKey):
        raise MissingKey(f"{path} is not an Ed25519 key")
    return key


def private_key(data_dir: Path | None = None) -> Ed25519PrivateKey:
    if data_dir is None:
        from django.conf import settings

        data_dir = settings.DATA_DIR
    return _load(key_path(data_dir))


def public_raw(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fingerprint(public: bytes) -> str:
    """SHA-256 of the raw 32-byte public key, hex."""
    return hashlib.sha256(public).hexdigest()


def sign(data: bytes, data_dir: Path | None = None) -> tuple[str, str]:
    """Base64 signature and the signer's fingerprint."""
    key = private_key(data_dir)
    return base64.b64encode(key.sign(data)).decode(), fingerprint(public_raw(key))


def verify(public: bytes, data: bytes, signature_b64: str) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(base64.b64decode(signature_b64), data)
    except (InvalidSignature, ValueError):
        return False
    return True


def encode_public(public: bytes) -> str:
    return base64.b64encode(public).decode()


def decode_public(text: str) -> bytes:
    """Accept base64 (as printed by `gongdao keys show`) or hex."""
    text = text.strip()
    try:
        raw = bytes.fromhex(text) if len(text) == 64 else base64.b64decode(text, validate=True)
    except ValueError:
        raise ValueError("not a public key: expected base64 or hex of 32 bytes")
    if len(raw) != 32:
        raise ValueError("not an Ed25519 public key: expected 32 bytes")
    return raw
