"""The signed ZIP bundle and its offline verification: a fresh bundle verifies (signer unconfirmed
without a key, confirmed with the right one, refused with another); changing one evidence byte,
one manifest field, one event or the signature — or adding a member — fails, naming what."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gongdao import keys
from gongdao.cases import chain
from gongdao.dossiers import export, verify

_CACHE: dict[str, object] = {}


@pytest.fixture
def bundle(request, db, tmp_path) -> Path:
    """One bundle of the disputed case per test process (building the PDF takes seconds); each test
    gets its own copy. ``_CACHE['key']`` is the platform key that signed it."""
    if "zip" not in _CACHE:
        world = request.getfixturevalue("world")
        case = request.getfixturevalue("disputed")
        result = export.prepare(case, world.actor("alice"), "12315")
        _CACHE["zip"] = b"".join(result.zip_chunks())
        _CACHE["key"] = keys.public_raw(keys.private_key())
        _CACHE["evidence"] = {i.public_id: i.sha256 for i in case.evidence.all()}
    path = tmp_path / "dossier.zip"
    path.write_bytes(_CACHE["zip"])  # type: ignore[arg-type]
    return path


def platform_key() -> bytes:
    return _CACHE["key"]  # type: ignore[return-value]


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {info.filename: zf.read(info.filename) for info in zf.infolist()}


def rewrite(path: Path, changed: dict[str, bytes], *, add: dict[str, bytes] | None = None) -> Path:
    data = members(path)
    out = path.with_name("tampered.zip")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in data.items():
            zf.writestr(name, changed.get(name, body))
        for name, body in (add or {}).items():
            zf.writestr(name, body)
    return out


def manifest(path: Path) -> dict:
    return json.loads(members(path)["manifest.json"])


def resign(path: Path, document: dict, key: Ed25519PrivateKey) -> Path:
    """What a forger with their own key would do: rewrite the manifest, name their key, sign it."""
    public = keys.public_raw(key)
    document["signer"] = {
        "algorithm": "Ed25519",
        "public_key": base64.b64encode(public).decode(),
        "fingerprint": keys.fingerprint(public),
    }
    body = chain.canonical(document)
    return rewrite(path, {"manifest.json": body, "manifest.sig": base64.b64encode(key.sign(body))})


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The real command in a bare environment: no settings module, no data dir, no database."""
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(cwd), "LANG": "C.UTF-8"}
    return subprocess.run(
        [sys.executable, "-c", "from gongdao.cli import main; main()", "verify-dossier", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_bundle_layout_lists_every_member_in_canonical_json(bundle):
    data = members(bundle)
    names = list(data)
    assert names[0] == "dossier.pdf" and names[-2:] == ["manifest.json", "manifest.sig"]
    doc = json.loads(data["manifest.json"])
    assert chain.canonical(doc) == data["manifest.json"]
    assert (
        doc["format"] == "gongdao-dossier/1" and doc["target"] == "12315" and doc["dossier"].startswith("D-")
    )
    listed = {f["path"] for f in doc["files"]}
    assert listed == set(names) - {"manifest.json", "manifest.sig"}
    evidence = [f for f in doc["files"] if f["role"] == "evidence"]
    assert {f["item"]: f["sha256"] for f in evidence} == _CACHE["evidence"]
    for f in doc["files"]:
        import hashlib

        assert hashlib.sha256(data[f["path"]]).hexdigest() == f["sha256"]
    note = next(e for e in doc["events"] if e["type"] == "note_added")
    assert note["payload"] is None and len(note["payload_digest"]) == 64
    assert "内部备注" not in data["manifest.json"].decode() and all(
        b"\xe5\x86\x85\xe9\x83\xa8\xe5\xa4\x87" not in v for v in data.values()
    )
    assert doc["checkpoints"][-1]["seq"] == doc["events"][-1]["seq"] == doc["case"]["head"]["seq"]


def test_fresh_bundle_verifies_and_the_signer_is_unconfirmed_without_a_key(bundle):
    verdict = verify.verify(bundle)
    assert verdict.ok and not verdict.confirmed, verdict.problem
    assert verdict.fingerprint == keys.fingerprint(platform_key())
    assert "signer unconfirmed" in verdict.lines()[-1]
    confirmed = verify.verify(bundle, platform_key())
    assert confirmed.ok and confirmed.confirmed


def test_cli_needs_no_database_and_checks_the_key(bundle, tmp_path):
    work = tmp_path / "empty"
    work.mkdir()
    plain = run_cli(str(bundle), cwd=work)
    assert plain.returncode == 0, plain.stdout + plain.stderr
    assert f"signer key fingerprint: {keys.fingerprint(platform_key())}" in plain.stdout
    assert "signer unconfirmed" in plain.stdout
    right = run_cli(str(bundle), "--public-key", keys.encode_public(platform_key()), cwd=work)
    assert right.returncode == 0 and "the signer is the key you gave" in right.stdout
    other = keys.public_raw(Ed25519PrivateKey.generate())
    wrong = run_cli(str(bundle), "--public-key", other.hex(), cwd=work)
    assert wrong.returncode == 1 and "FAILED: signed by a different key" in wrong.stdout
    assert list(work.iterdir()) == []  # no data dir, no database was made


def test_one_changed_evidence_byte_fails_naming_the_file(bundle):
    data = members(bundle)
    name = next(n for n in data if n.startswith("evidence/"))
    body = bytearray(data[name])
    body[len(body) // 2] ^= 0x01
    verdict = verify.verify(rewrite(bundle, {name: bytes(body)}), platform_key())
    assert not verdict.ok
    assert verdict.problem.startswith(f"{name}: SHA-256") and "the file was changed" in verdict.problem


def test_one_changed_manifest_field_fails_the_signature(bundle):
    doc = manifest(bundle)
    doc["case"]["requested_fen"] += 100
    verdict = verify.verify(rewrite(bundle, {"manifest.json": chain.canonical(doc)}))
    assert not verdict.ok
    assert verdict.problem.startswith("manifest.sig: the Ed25519 signature does not match manifest.json")


def test_one_changed_event_fails_naming_the_event(bundle):
    doc = manifest(bundle)
    reject = next(e for e in doc["events"] if e["type"] == "reject")
    reject["payload"]["reason"] = "耳机没有问题。"
    # Left as it is, the signature no longer matches.
    unsigned = verify.verify(rewrite(bundle, {"manifest.json": chain.canonical(doc)}))
    assert unsigned.problem.startswith("manifest.sig: the Ed25519 signature does not match")
    # Re-signed by a forger's key: without --public-key the chain itself names the event...
    forged = resign(bundle, doc, Ed25519PrivateKey.generate())
    verdict = verify.verify(forged)
    assert not verdict.ok
    assert (
        verdict.problem
        == f"event chain: event {reject['seq']} ({reject['id']}): payload does not match its digest"
    )
    # ...and with the platform's key the signer is refused first.
    assert verify.verify(forged, platform_key()).problem.startswith("signed by a different key")


def test_a_recomputed_chain_is_caught_by_the_platforms_checkpoints(bundle):
    doc = manifest(bundle)
    events = doc["events"]
    target = next(e for e in events if e["type"] == "reject")
    target["payload"]["reason"] = "耳机没有问题。"
    prev = chain.GENESIS
    for e in events:  # a forger recomputes every digest and hash after the change
        if e["payload"] is not None:
            e["payload_digest"] = chain.payload_digest(e["payload"])
        fields = {k: e[k] for k in ("seq", "recorded_at", "occurred_at", "actor", "type", "visibility")}
        e["prev_hash"] = prev
        e["hash"] = chain.event_hash(prev_hash=prev, payload_digest=e["payload_digest"], **fields)
        prev = e["hash"]
    doc["case"]["head"] = {"seq": events[-1]["seq"], "hash": events[-1]["hash"]}
    verdict = verify.verify(resign(bundle, doc, Ed25519PrivateKey.generate()))
    assert not verdict.ok
    # The chain holds together now, but the platform signed its checkpoints, not the forger.
    assert verdict.passed[-1].startswith("event chain:")
    assert (
        verdict.problem.startswith("checkpoint at event 1 (")
        and "does not verify with the signer's key" in verdict.problem
    )


def test_a_changed_signature_fails(bundle):
    signature = bytearray(base64.b64decode(members(bundle)["manifest.sig"]))
    signature[0] ^= 0x80
    verdict = verify.verify(rewrite(bundle, {"manifest.sig": base64.b64encode(bytes(signature))}))
    assert not verdict.ok and verdict.problem.startswith("manifest.sig: the Ed25519 signature does not match")


def test_an_unlisted_member_fails(bundle):
    verdict = verify.verify(rewrite(bundle, {}, add={"evidence/99-extra.jpg": b"not on the list"}))
    assert not verdict.ok
    assert (
        verdict.problem
        == "unlisted member evidence/99-extra.jpg: the ZIP holds a file the manifest does not list"
    )


def test_a_missing_member_and_junk_fail_clearly(bundle, tmp_path):
    data = members(bundle)
    name = next(n for n in data if n.startswith("evidence/"))
    out = tmp_path / "missing.zip"
    with zipfile.ZipFile(out, "w") as zf:
        for n, body in data.items():
            if n != name:
                zf.writestr(n, body)
    assert verify.verify(out).problem == f"{name} is listed in manifest.json but missing from the ZIP"
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"PK\x03\x04 not really")
    assert verify.verify(junk).problem.startswith("not a readable ZIP file")


def test_zip_is_streamed_in_small_chunks(world, disputed):
    import io

    from gongdao.evidence.actions import add_evidence
    from tests.evidence.evidence_samples import mp4_bytes

    add_evidence(
        disputed,
        world.actor("alice"),
        kind="problem_video",
        source=io.BytesIO(mp4_bytes(body=3 * 1024 * 1024)),
        filename="left.mp4",
    )
    result = export.prepare(disputed, world.actor("alice"), "12315")
    sizes = [len(chunk) for chunk in result.zip_chunks()]
    assert sum(sizes) > 3 * 1024 * 1024
    assert max(sizes) < 512 * 1024  # never the whole file at once
