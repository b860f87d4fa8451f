"""The demo carries real evidence: every case beyond draft has files, all of them verify."""

from __future__ import annotations

from gongdao.cases.models import Case
from gongdao.cases.verification import verify_case
from gongdao.demo import seed
from gongdao.evidence.models import EvidenceFlag, EvidenceItem
from tests.evidence.conftest import files_under


def test_every_filed_demo_case_has_photos_a_chat_and_a_logistics_record(db, data_dir):
    seed()
    cases = list(Case.objects.exclude(status="draft"))
    assert len(cases) >= 15
    for case in cases:
        kinds = [item.kind for item in EvidenceItem.objects.filter(case=case)]
        assert "chat_record" in kinds and "logistics_record" in kinds, case.public_id
        assert any(
            item.content_type == "image/jpeg" and item.captured_at
            for item in EvidenceItem.objects.filter(case=case)
        ), case.public_id
        assert verify_case(case) == [], case.public_id
    product_issues = Case.objects.filter(issue__in=("quality_defect", "damaged_in_transit")).exclude(
        status="draft"
    )
    assert product_issues.count() >= 8
    for case in product_issues:
        assert EvidenceItem.objects.filter(case=case, side="consumer", kind="problem_photo").exists()
    sides = set(EvidenceItem.objects.values_list("side", flat=True))
    assert sides == {"consumer", "merchant", "platform"}
    assert EvidenceItem.objects.filter(
        has_location=True
    ).exists()  # phone photos: the other party sees them without
    # The consumer whose claim was turned down sent a forwarded copy of another consumer's photo.
    flags = EvidenceFlag.objects.filter(kind="similar_image", other_consumer=True)
    assert flags.filter(item__case__decision__outcome="merchant_upheld", item__kind="problem_photo").exists()
    stored = {p.name for p in files_under(data_dir / "evidence")}
    assert stored == set(EvidenceItem.objects.values_list("sha256", flat=True))
    assert files_under(data_dir / "tmp") == []
