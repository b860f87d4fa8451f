"""The demo seeds self-help cases next to the platform's: a Taobao shop invited by link that
answered with an offer, a Pinduoduo case whose 12315 complaint is drafted and ready, and a
consumer association's member case. (One test: seeding takes seconds.)"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone

from gongdao.cases.models import Case
from gongdao.cases.verification import verify_case
from gongdao.demo import seed
from gongdao.dossiers import queries as dossier_queries
from gongdao.selfhelp.models import Invitation


def test_the_demo_seeds_an_answered_invitation_a_case_ready_for_12315_and_a_members_case(
    db: Any, settings: Any, tmp_path: Path
) -> None:
    from gongdao import keys

    settings.DATA_DIR = tmp_path
    keys.create(tmp_path)
    logins = seed()
    assert Case.objects.filter(mode="platform").count() >= 15
    self_help = Case.objects.filter(mode="self_help")
    assert self_help.count() >= 3
    for case in self_help:
        assert case.policy.profile in ("taobao", "pinduoduo", "douyin") and case.outside_merchant is not None
        assert verify_case(case) == [], case.public_id
        assert case.evidence.filter(kind="order_record").exists()
        # nothing the worker would fire at once when the demo starts
        assert not case.deadlines.filter(state="pending", due_at__lte=timezone.now()).exists()

    # Alice invited the Taobao shop by link; its clerk opened it and offered ¥30.
    invitation = Invitation.objects.select_related("case").get(case__consumer__username="alice")
    case = invitation.case
    assert invitation.last_used_at is not None and invitation.is_active(timezone.now())
    assert case.status == "awaiting_consumer" and case.next_actor == "consumer"
    assert case.offer["remedy"] == "partial_refund"
    offer = case.events.get(type="offer")
    assert offer.actor == f"user:{invitation.guest.public_id}" and offer.actor_role == "merchant_guest"
    assert case.evidence.filter(side="merchant").exists()
    asked = case.events.get(type="submit")
    assert asked.occurred_at < asked.recorded_at - timedelta(days=1)

    # Charlie's Pinduoduo shop refused (chat screenshot), the platform sided with it: 12315 is next.
    case = Case.objects.get(mode="self_help", consumer__username="charlie")
    assert (case.status, case.outcome, case.decision["by"]) == (
        "decided",
        "merchant_upheld",
        "outside_platform",
    )
    refusal = case.events.get(type="record_merchant_reply")
    assert refusal.payload["reply"] == "refused"
    (shot,) = refusal.payload["evidence"]
    assert case.evidence.get(public_id=shot).kind == "chat_record"
    steps = [e.payload["step"] for e in case.events.filter(type="record_platform_step").order_by("seq")]
    assert steps == ["applied", "decided"]
    referral = case.referrals.get()
    assert (referral.target, referral.status) == ("12315", "drafted")
    dossier = dossier_queries.build(case, "12315")
    assert dossier.ready, (dossier.missing, dossier.blockers)
    rows = [row for block in dossier.blocks for row in block.rows]
    assert ("名称（店铺）", "惠聚家电百货店") in rows

    # Lin of a consumer association asked the Douyin shop for her member, on the member's behalf.
    case = Case.objects.get(mode="self_help", policy__profile="douyin")
    assert case.status == "awaiting_merchant" and case.consumer.profile.full_name == "周秀兰"
    authorization = case.authorizations.get()
    assert authorization.staff.username == "lin" and authorization.document.kind == "authorization"
    asked = case.events.get(type="submit")
    assert asked.actor == f"user:{authorization.staff.public_id}"
    assert asked.on_behalf_of == case.consumer.public_id
    assert {"association_staff": "lin"}.items() <= {
        login["role"]: login["username"] for login in logins
    }.items()
