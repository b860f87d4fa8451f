"""Who may prepare and download dossiers: the consumer and the platform. Another consumer gets
404 (the case's existence is not confirmed), the merchant 403 (a dossier carries the consumer's
personal data in full), a draft is refused until filed."""

from __future__ import annotations

import pytest

from gongdao.dossiers import export, queries
from gongdao.errors import Forbidden, NotAllowed, NotFound


def test_another_consumer_cannot_export_the_case(world, disputed, as_user):
    with pytest.raises(NotFound):
        queries.exportable(world.actor("charlie"), disputed.public_id)
    with pytest.raises(NotFound):
        export.prepare(disputed, world.actor("charlie"), "12315")
    charlie = as_user("charlie")
    base = f"/cases/{disputed.public_id}/outside-help/"
    for url in (
        base,
        base + "12315/",
        base + "12315/download/?format=zip",
        base + "12315/download/?format=pdf",
    ):
        assert charlie.get(url).status_code == 404, url
    assert (
        charlie.post(
            base + "referrals/", {"target": "12315", "status": "filed", "filed_on": "2025-01-01"}
        ).status_code
        == 404
    )
    assert charlie.post(base + "12315/details/", {"phone": "13900000000"}).status_code == 404


def test_merchant_may_not_export(world, disputed, as_user):
    with pytest.raises(Forbidden):
        queries.exportable(world.actor("bob"), disputed.public_id)
    bob = as_user("bob")
    assert bob.get(f"/cases/{disputed.public_id}/outside-help/12315/").status_code == 403
    assert bob.get(f"/cases/{disputed.public_id}/outside-help/12315/download/?format=zip").status_code == 403
    assert as_user("mallory").get(f"/cases/{disputed.public_id}/outside-help/").status_code == 404


def test_the_platform_may_prepare_a_dossier(world, disputed, as_user):
    assert queries.exportable(world.actor("agnes"), disputed.public_id) == disputed
    assert as_user("agnes").get(f"/cases/{disputed.public_id}/outside-help/12315/").status_code == 200


def test_a_draft_case_has_no_dossier_yet(world, cases):
    draft = cases.draft()
    with pytest.raises(NotAllowed) as exc:
        queries.exportable(world.actor("alice"), draft.public_id)
    assert exc.value.code == "not_filed"
