"""Tampering: a changed byte in a stored file, a missing file or an altered row is named by
``gongdao verify`` and by the per-case verification the API and web show."""

from __future__ import annotations

import io
import os

from click.testing import CliRunner

from gongdao.cases.models import Case
from gongdao.cases.verification import verify_case
from gongdao.cli import main
from gongdao.evidence.actions import add_evidence
from gongdao.evidence.models import EvidenceItem
from tests.evidence.evidence_samples import jpeg_bytes, pdf_bytes


def add(case, actor, data, kind="problem_photo", filename="crack.jpg"):
    return add_evidence(case, actor, kind=kind, source=io.BytesIO(data), filename=filename)


def stored(data_dir, sha):
    return data_dir / "evidence" / sha[:2] / sha[2:4] / sha


def flip_one_byte(path, offset=200):
    os.chmod(path, 0o640)
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def test_an_untouched_case_verifies_on_the_command_line(world, cases):
    case = cases.filed()
    add(case, world.actor("alice"), jpeg_bytes())
    result = CliRunner().invoke(main, ["verify", case.public_id])
    assert result.exit_code == 0, result.output
    assert "ok: 1 case(s) verified" in result.output


def test_one_changed_byte_in_a_stored_file_is_named_by_gongdao_verify(world, cases, data_dir):
    case = cases.filed()
    kept = add(case, world.actor("alice"), pdf_bytes(), kind="logistics_record", filename="waybill.pdf")
    item = add(case, world.actor("alice"), jpeg_bytes(), filename="crack.jpg")
    flip_one_byte(stored(data_dir, item.sha256))
    findings = [f.what for f in verify_case(Case.objects.get(pk=case.pk))]
    assert len(findings) == 1
    assert item.public_id in findings[0] and "crack.jpg" in findings[0] and "changed" in findings[0]
    assert kept.public_id not in findings[0]
    result = CliRunner().invoke(main, ["verify"])
    assert result.exit_code == 1
    assert item.public_id in result.output and "stored file has changed" in result.output


def test_a_missing_stored_file_is_named(world, cases, data_dir):
    case = cases.filed()
    item = add(case, world.actor("alice"), jpeg_bytes())
    stored(data_dir, item.sha256).unlink()
    (finding,) = verify_case(Case.objects.get(pk=case.pk))
    assert item.public_id in finding.what and "missing" in finding.what


def test_a_row_pointed_at_another_file_is_named(world, cases):
    """Someone with database access swaps an item's hash for another stored file: the event that
    recorded the item and the signed receipt both disagree."""
    case = cases.filed()
    item = add(case, world.actor("alice"), jpeg_bytes(seed=1))
    other = add(case, world.actor("alice"), jpeg_bytes(seed=2), filename="other.jpg")
    EvidenceItem.objects.filter(pk=item.pk).update(sha256=other.sha256)
    findings = [f.what for f in verify_case(Case.objects.get(pk=case.pk))]
    assert any(item.public_id in f and "differs from event" in f for f in findings)
    assert any(item.public_id in f and "receipt" in f for f in findings)


def test_a_changed_receive_time_breaks_the_receipt(world, cases):
    case = cases.filed()
    item = add(case, world.actor("alice"), jpeg_bytes())
    EvidenceItem.objects.filter(pk=item.pk).update(received_at=item.received_at.replace(year=2020))
    findings = [f.what for f in verify_case(Case.objects.get(pk=case.pk))]
    assert findings == [
        f"evidence {item.public_id} (crack.jpg): its signed receipt does not match the record"
    ]


def test_the_same_file_twice_is_rehashed_once(world, cases, monkeypatch):
    from gongdao.evidence import integrity

    case = cases.filed()
    add(case, world.actor("alice"), jpeg_bytes(), filename="a.jpg")
    add(case, world.actor("alice"), jpeg_bytes(), filename="b.jpg")
    calls = []
    real = integrity.rehash
    monkeypatch.setattr(integrity, "rehash", lambda store, sha: calls.append(sha) or real(store, sha))
    assert verify_case(Case.objects.get(pk=case.pk)) == []
    assert len(calls) == 1
