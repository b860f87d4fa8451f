"""``gongdao evidence add`` and ``gongdao storage gc``."""

from __future__ import annotations

import json
import os
import time

from click.testing import CliRunner

from gongdao import keys
from gongdao.cli import main
from gongdao.evidence import receipts
from gongdao.evidence.models import EvidenceItem
from gongdao.evidence.storage import TEMP_PREFIX, TEMP_SUFFIX
from tests.evidence.conftest import files_under
from tests.evidence.evidence_samples import jpeg_bytes, pdf_bytes


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_evidence_add_acts_as_the_consumer_by_default(world, cases, tmp_path):
    case = cases.filed()
    photo = tmp_path / "裂缝.jpg"
    photo.write_bytes(jpeg_bytes())
    receipt = tmp_path / "receipt.json"
    result = run(
        "evidence",
        "add",
        case.public_id,
        photo,
        "--kind",
        "problem_photo",
        "--description",
        "左耳",
        "--receipt",
        receipt,
    )
    assert result.exit_code == 0, result.output
    item = EvidenceItem.objects.get(case=case)
    assert (item.side, item.uploaded_by, item.original_name, item.description) == (
        "consumer",
        world.alice,
        "裂缝.jpg",
        "左耳",
    )
    assert item.public_id in result.output and item.sha256 in result.output
    assert receipts.verify(
        json.loads(receipt.read_text(encoding="utf-8")), keys.public_raw(keys.private_key())
    )


def test_evidence_add_as_the_merchant_with_json(world, cases, tmp_path):
    case = cases.filed()
    waybill = tmp_path / "waybill.pdf"
    waybill.write_bytes(pdf_bytes())
    result = run(
        "evidence", "add", case.public_id, waybill, "--kind", "logistics_record", "--as", "bob", "--json"
    )
    assert result.exit_code == 0, result.output
    obj = json.loads(result.output)
    assert obj["side"] == "merchant" and obj["content_type"] == "application/pdf"


def test_evidence_add_fails_with_one_line_and_keeps_nothing(world, cases, tmp_path, data_dir):
    case = cases.under_review()
    photo = tmp_path / "a.jpg"
    photo.write_bytes(jpeg_bytes())
    for args, words in [
        (("--kind", "problem_photo"), "evidence_window_closed"),
        (("--kind", "selfie"), "unknown kind"),
        (("--kind", "problem_photo", "--as", "nobody"), "no such user"),
        (("--kind", "problem_photo", "--as", "charlie"), "case_not_found"),
    ]:
        result = run("evidence", "add", case.public_id, photo, *args)
        assert result.exit_code == 1 and words in result.output, result.output
    assert run("evidence", "add", "C-00000000", photo, "--kind", "problem_photo").exit_code == 1
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    result = run(
        "evidence", "add", cases.filed(order=_order(world)).public_id, empty, "--kind", "problem_photo"
    )
    assert result.exit_code == 1 and "empty_file" in result.output
    assert EvidenceItem.objects.count() == 0 and files_under(data_dir / "evidence") == []


def _order(world):
    from tests.factories import OrderFactory

    return OrderFactory(shop=world.shop, consumer=world.alice)


def test_evidence_list_shows_the_items(world, cases, tmp_path):
    case = cases.filed()
    photo = tmp_path / "a.jpg"
    photo.write_bytes(jpeg_bytes())
    run("evidence", "add", case.public_id, photo, "--kind", "problem_photo")
    result = run("evidence", "list", case.public_id, "--json")
    assert result.exit_code == 0
    (obj,) = json.loads(result.output)
    assert obj["name"] == "a.jpg" and obj["reuse_flags"] == []


def test_storage_gc_removes_old_temp_files_and_reports_unreferenced_files(world, cases, tmp_path, data_dir):
    case = cases.filed()
    photo = tmp_path / "a.jpg"
    photo.write_bytes(jpeg_bytes())
    assert run("evidence", "add", case.public_id, photo, "--kind", "problem_photo").exit_code == 0
    tmp = data_dir / "tmp"
    old = tmp / f"{TEMP_PREFIX}old{TEMP_SUFFIX}"
    fresh = tmp / f"{TEMP_PREFIX}fresh{TEMP_SUFFIX}"
    old.write_bytes(b"half an upload")
    fresh.write_bytes(b"an upload under way")
    week_ago = time.time() - 7 * 24 * 3600
    os.utime(old, (week_ago, week_ago))
    orphan = "ab" * 32
    (data_dir / "evidence" / "ab" / "ab").mkdir(parents=True)
    (data_dir / "evidence" / "ab" / "ab" / orphan).write_bytes(b"stored, never recorded")

    result = run("storage", "gc", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert (
        report["temp_removed"] == [str(old)] and report["unreferenced"] == [orphan] and report["stored"] == 2
    )
    assert not old.exists() and fresh.exists()  # an upload under way is left alone
    assert (data_dir / "evidence" / "ab" / "ab" / orphan).exists()  # reported, never deleted
    text = run("storage", "gc").output
    assert f"unreferenced {orphan}" in text and "2 stored file(s)" in text
