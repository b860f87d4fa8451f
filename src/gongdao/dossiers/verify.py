"""Offline verification of a dossier bundle (docs/dossier-format.md): no database, no data dir,
no Django — only the ZIP and, optionally, the platform's public key.

Checked in this order, stopping at the first failure, which the verdict names: the ZIP and its
two manifest members; the signer (when a key is given, it must be that key); the Ed25519
signature over manifest.json; the manifest's form (RFC 8785, format version); no member the
manifest does not list; every listed file's size and SHA-256; the event chain (withheld payloads
verify through their digests); each evidence file against its ``evidence_added`` event; every
checkpoint's hash and signature, and a checkpoint covering the chain's last event.

A key found only inside the ZIP proves nothing about who signed: without ``public_key`` a bundle
that holds together verifies with "signer unconfirmed".
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NoReturn

from gongdao import keys
from gongdao.cases import chain
from gongdao.dossiers.bundle import CHUNK, FORMAT, MANIFEST, SIGNATURE

MAX_MANIFEST_BYTES = 256 * 1024 * 1024


class _Failed(Exception):
    pass


@dataclass
class Verdict:
    ok: bool = False
    problem: str = ""
    fingerprint: str = ""  # of the key that signed the manifest (as the manifest names it)
    confirmed: bool = False  # the signer is the key the caller gave
    dossier: str = ""
    case: str = ""
    target: str = ""
    generated_at: str = ""
    passed: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = []
        if self.dossier:
            out.append(
                f"dossier {self.dossier} of case {self.case} (target {self.target}), generated {self.generated_at}"
            )
        if self.fingerprint:
            out.append(f"signer key fingerprint: {self.fingerprint}")
        out += [f"ok    {line}" for line in self.passed]
        if not self.ok:
            out.append(f"FAILED: {self.problem}")
        elif self.confirmed:
            out.append("VERIFIED: everything checked holds, and the signer is the key you gave.")
        else:
            out.append(
                "VERIFIED, signer unconfirmed: everything checked holds, but a key found inside the file proves "
                "nothing about who signed it. Compare the fingerprint above with the platform's published key "
                "(`gongdao keys show`, or the platform's /.well-known/gongdao-signing-key.json), or pass --public-key."
            )
        return out


def verify(source: str | Path | IO[bytes], public_key: bytes | None = None) -> Verdict:
    verdict = Verdict()
    try:
        with zipfile.ZipFile(source) as zf:
            _Checker(zf, public_key, verdict).run()
    except _Failed as exc:
        verdict.problem = str(exc)
        return verdict
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
        verdict.problem = f"not a readable ZIP file ({exc})"
        return verdict
    verdict.ok = True
    return verdict


def _fail(message: str) -> NoReturn:
    raise _Failed(message)


class _Checker:
    def __init__(self, zf: zipfile.ZipFile, public_key: bytes | None, verdict: Verdict) -> None:
        self.zf, self.given, self.verdict = zf, public_key, verdict
        self.manifest: dict[str, Any] = {}
        self.key = b""

    def run(self) -> None:
        body = self.structure()
        self.signature(body)
        self.form(body)
        self.members()
        self.files()
        self.events()
        self.checkpoints()

    def structure(self) -> bytes:
        names = [info.filename for info in self.zf.infolist()]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            _fail(f"the ZIP holds two members named {duplicates[0]}")
        for required in (MANIFEST, SIGNATURE):
            if required not in names:
                _fail(f"{required} is missing: this is not a Gongdao dossier bundle")
        if self.zf.getinfo(MANIFEST).file_size > MAX_MANIFEST_BYTES:
            _fail(f"{MANIFEST} is larger than {MAX_MANIFEST_BYTES} bytes")
        body = self.read(MANIFEST)
        try:
            manifest = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            _fail(f"{MANIFEST} is not valid JSON ({exc})")
        if not isinstance(manifest, dict):
            _fail(f"{MANIFEST} is not a JSON object")
        self.manifest = manifest
        v = self.verdict
        v.dossier, v.target = str(manifest.get("dossier", "")), str(manifest.get("target", ""))
        v.case = (
            str((manifest.get("case") or {}).get("id", "")) if isinstance(manifest.get("case"), dict) else ""
        )
        v.generated_at = str(manifest.get("generated_at", ""))
        return body

    def read(self, name: str) -> bytes:
        try:
            return self.zf.read(name)
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            _fail(f"{name}: the ZIP member is damaged ({exc})")

    def signature(self, body: bytes) -> None:
        signer = self.manifest.get("signer")
        try:
            assert isinstance(signer, dict)
            named = base64.b64decode(signer["public_key"], validate=True)
            assert len(named) == 32
        except (AssertionError, KeyError, TypeError, binascii.Error):
            _fail(f"{MANIFEST}: signer.public_key is not a base64 Ed25519 public key")
        self.verdict.fingerprint = keys.fingerprint(named)
        if self.given is not None and named != self.given:
            _fail(
                f"signed by a different key: the manifest names fingerprint {keys.fingerprint(named)}, "
                f"the key you gave has fingerprint {keys.fingerprint(self.given)}"
            )
        self.key = self.given or named
        try:
            signature = self.read(SIGNATURE).decode("ascii").strip()
        except UnicodeDecodeError:
            _fail(f"{SIGNATURE} is not base64 text")
        if not keys.verify(self.key, body, signature):
            _fail(
                f"{SIGNATURE}: the Ed25519 signature does not match {MANIFEST} (the manifest was changed, or signed by another key)"
            )
        self.verdict.confirmed = self.given is not None
        self.verdict.passed.append(f"{SIGNATURE}: Ed25519 signature over {MANIFEST}")

    def form(self, body: bytes) -> None:
        if chain.canonical(self.manifest) != body:
            _fail(f"{MANIFEST} is not in RFC 8785 canonical form")
        if self.manifest.get("format") != FORMAT:
            _fail(
                f"{MANIFEST}: unknown format {self.manifest.get('format')!r} (this verifier reads {FORMAT})"
            )
        for key, kind in (("files", list), ("events", list), ("checkpoints", list), ("case", dict)):
            if not isinstance(self.manifest.get(key), kind):
                _fail(f"{MANIFEST}: {key} is missing or malformed")

    def members(self) -> None:
        listed = [f.get("path") for f in self.manifest["files"] if isinstance(f, dict)]
        if len(listed) != len(self.manifest["files"]) or len(set(listed)) != len(listed):
            _fail(f"{MANIFEST}: files must list each path once")
        present = {info.filename for info in self.zf.infolist()} - {MANIFEST, SIGNATURE}
        unlisted = sorted(present - set(listed))
        if unlisted:
            _fail(f"unlisted member {unlisted[0]}: the ZIP holds a file the manifest does not list")
        missing = [p for p in listed if p not in present]
        if missing:
            _fail(f"{missing[0]} is listed in {MANIFEST} but missing from the ZIP")

    def files(self) -> None:
        for entry in self.manifest["files"]:
            path = entry["path"]
            digest, size = hashlib.sha256(), 0
            try:
                with self.zf.open(path) as member:
                    while chunk := member.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
            except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
                _fail(f"{path}: the ZIP member is damaged ({exc}): the file was changed")
            if digest.hexdigest() != entry.get("sha256"):
                _fail(
                    f"{path}: SHA-256 {digest.hexdigest()} differs from the manifest's {entry.get('sha256')} (the file was changed)"
                )
            if size != entry.get("size"):
                _fail(f"{path}: {size} bytes, the manifest says {entry.get('size')}")
        self.verdict.passed.append(
            f"{len(self.manifest['files'])} files: sizes and SHA-256 as listed, no unlisted members"
        )

    def events(self) -> None:
        events = self.manifest["events"]
        try:
            problem = chain.verify(events)
        except (KeyError, TypeError, ValueError) as exc:
            _fail(f"event chain: an event is malformed ({exc})")
        if problem is not None:
            _fail(f"event chain: {problem}")
        head = self.manifest["case"].get("head") or {}
        last = events[-1] if events else {}
        if head.get("seq") != last.get("seq") or head.get("hash") != last.get("hash"):
            _fail("event chain: the case summary's head is not the chain's last event")
        by_id = {e.get("id"): e for e in events}
        for entry in self.manifest["files"]:
            if entry.get("role") != "evidence":
                continue
            event = by_id.get(entry.get("event"))
            if event is None:
                _fail(f"{entry['path']}: its event {entry.get('event')} is not in the chain")
            payload = event.get("payload")
            if payload is not None and payload.get("sha256") != entry.get("sha256"):
                _fail(
                    f"{entry['path']}: not the file its event {event.get('seq')} ({event.get('id')}) recorded"
                )
        withheld = sum(1 for e in events if e.get("payload") is None)
        note = f", {withheld} withheld (digest only)" if withheld else ""
        self.verdict.passed.append(f"event chain: {len(events)} events linked by hash{note}")

    def checkpoints(self) -> None:
        case = self.manifest["case"].get("id")
        hashes = {e["seq"]: e["hash"] for e in self.manifest["events"]}
        points = self.manifest["checkpoints"]
        for cp in points:
            try:
                seq, value, signed_at, signature = cp["seq"], cp["hash"], cp["signed_at"], cp["signature"]
            except (KeyError, TypeError):
                _fail("checkpoints: a checkpoint is malformed")
            if hashes.get(seq) != value:
                _fail(f"checkpoint at event {seq} names a hash the chain does not have")
            statement = chain.canonical({"case": case, "seq": seq, "hash": value, "signed_at": signed_at})
            if not keys.verify(self.key, statement, signature):
                _fail(
                    f"checkpoint at event {seq} ({signed_at}): the signature does not verify with the signer's key"
                )
        last = self.manifest["events"][-1]["seq"] if self.manifest["events"] else None
        if last is not None and not any(cp["seq"] == last for cp in points):
            _fail(f"no signed checkpoint covers the chain's last event {last}")
        self.verdict.passed.append(f"{len(points)} checkpoints of the chain head signed by the same key")
