"""Consumer associations (issue 10, item 6): staff act for a consumer only under that consumer's
power of attorney (uploaded as ``authorization`` evidence, with the staff member's identity), see
only the cases they were authorised for, lose them when the power is withdrawn, and every action
they take records ``on_behalf_of``."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gongdao.api import apikeys
from gongdao.cases.actions import add_message, perform
from gongdao.cases.actors import of_user
from gongdao.cases.models import Case
from gongdao.cases.verification import verify_case
from gongdao.errors import Conflict, Forbidden, InvalidInput, NotFound
from gongdao.orders.models import Order
from gongdao.parties import associations
from gongdao.parties.models import Authorization, User
from gongdao.parties.permissions import may_act_for, visible_cases, visible_orders
from tests.evidence.evidence_samples import jpeg_bytes
from tests.selfhelp.conftest import NOW, attach, purchase
from tests.selfhelp.people import STELLA_ID, filed, stella


@pytest.fixture
def case(world: Any) -> Any:
    return filed(world)


@pytest.fixture
def staff(db: Any) -> Any:
    return stella()


def grant(world: Any, case: Any, staff: Any) -> Authorization:
    alice = world.actor("alice")
    document = attach(case, alice, kind="authorization", seed=5)
    return associations.authorize(
        case, alice, staff=staff, document=document, staff_name="王思琪", staff_id_number=STELLA_ID
    )


def test_valid_id_numbers_have_the_right_check_character() -> None:
    assert associations.valid_id_number("11010519491231002X")
    assert not associations.valid_id_number("110105194912310021")
    assert not associations.valid_id_number("11010519491231002")


def test_the_consumer_authorises_a_staff_member_who_then_sees_that_case_only(
    world: Any, case: Any, staff: Any
) -> None:
    charlies = filed(world, "charlie", order_number="77777")
    alices_other = filed(world, "alice", order_number="88888")
    authorization = grant(world, case, staff)
    assert authorization.association == staff.association and authorization.consumer == world.alice
    event = case.events.order_by("-seq").first()
    assert event.type == "authorization_granted"
    assert event.payload["authorization"] == authorization.public_id
    assert event.payload["document"] == authorization.document.public_id
    assert STELLA_ID not in str(event.payload)  # the identity stays on the authorisation row
    assert list(visible_cases(staff)) == [case]
    client = Client()
    client.force_login(staff)
    assert client.get(f"/cases/{case.public_id}/").status_code == 200
    for other in (charlies, alices_other):
        assert client.get(f"/cases/{other.public_id}/").status_code == 404
    with pytest.raises(NotFound):
        add_message(charlies, of_user(staff), "hello")
    assert verify_case(case) == []


def test_the_api_shows_staff_their_authorised_cases_only(world: Any, case: Any, staff: Any) -> None:
    charlies = filed(world, "charlie", order_number="77777")
    grant(world, case, staff)
    _key, secret = apikeys.create_key("stella's app", "cases:read,cases:write", user=staff)
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    listed = client.get("/api/v1/cases").json()["items"]
    assert [item["id"] for item in listed] == [case.public_id]
    assert client.get(f"/api/v1/cases/{case.public_id}").status_code == 200
    assert client.get(f"/api/v1/cases/{charlies.public_id}").status_code == 404


def test_what_staff_do_is_recorded_on_behalf_of_the_consumer(world: Any, case: Any, staff: Any) -> None:
    grant(world, case, staff)
    actor = of_user(staff)
    message = add_message(case, actor, "我是消协工作人员，代王女士沟通。")
    shot = attach(case, actor, kind="chat_record", seed=3)
    reply = perform(case, "record_merchant_reply", actor, reply="refused", note="商家拒绝退款")
    for event in (message, shot.event, reply):
        assert event.actor == f"user:{staff.public_id}"
        assert event.actor_role == "association_staff"
        assert event.on_behalf_of == world.alice.public_id
        assert event.payload["on_behalf_of"] == world.alice.public_id  # covered by the hash chain
    assert shot.side == "consumer"
    assert verify_case(case) == []


def test_withdrawing_the_power_ends_access_at_once(world: Any, case: Any, staff: Any) -> None:
    authorization = grant(world, case, staff)
    client = Client()
    client.force_login(staff)
    assert client.get(f"/cases/{case.public_id}/").status_code == 200
    associations.revoke_authorization(authorization, world.actor("alice"), reason="自己处理")
    event = case.events.order_by("-seq").first()
    assert (event.type, event.payload["reason"]) == ("authorization_revoked", "自己处理")
    assert list(visible_cases(staff)) == []
    assert not may_act_for(staff, world.alice)
    assert not visible_orders(staff).exists()
    assert client.get(f"/cases/{case.public_id}/").status_code == 404
    with pytest.raises(NotFound):
        perform(case, "record_merchant_reply", of_user(staff), reply="no_answer")
    with pytest.raises(Exception) as err:
        associations.revoke_authorization(authorization, world.actor("alice"))
    assert err.value.code == "already_revoked"


def test_staff_can_give_up_a_case_and_strangers_cannot_withdraw(world: Any, case: Any, staff: Any) -> None:
    authorization = grant(world, case, staff)
    with pytest.raises(NotFound):
        associations.revoke_authorization(authorization, world.actor("charlie"))
    associations.revoke_authorization(authorization, of_user(staff), reason="会员已自行解决")
    event = case.events.order_by("-seq").first()
    assert event.type == "authorization_revoked" and event.on_behalf_of == world.alice.public_id
    assert list(visible_cases(staff)) == []


def test_a_power_of_attorney_needs_the_document_and_the_staff_identity(
    world: Any, case: Any, staff: Any
) -> None:
    alice = world.actor("alice")
    document = attach(case, alice, kind="authorization", seed=5)
    photo = attach(case, alice, kind="problem_photo", seed=6)
    ok = {"staff": staff, "document": document, "staff_name": "王思琪", "staff_id_number": STELLA_ID}
    bad = [
        ({"document": photo}, "document"),
        ({"document": None}, "document"),
        ({"staff": world.bob}, "staff"),
        ({"staff_name": " "}, "staff_name"),
        ({"staff_id_number": "110105194912310021"}, "staff_id_number"),
    ]
    for change, field in bad:
        with pytest.raises(InvalidInput) as err:
            associations.authorize(case, alice, **{**ok, **change})
        assert err.value.field == field
    with pytest.raises(NotFound):
        associations.authorize(case, world.actor("charlie"), **ok)
    associations.authorize(case, alice, **{**ok, "staff_id_number": STELLA_ID.lower()})
    with pytest.raises(Conflict):
        associations.authorize(case, alice, **ok)
    with pytest.raises(Forbidden):  # staff cannot hand the case to a colleague
        associations.authorize(case, of_user(staff), **{**ok, "staff": stella(staff.association, "sam2")})
    assert Authorization.objects.filter(case=case).count() == 1


# ---- association intake ----------------------------------------------------------------------


def intake(staff: Any, **overrides: Any) -> Case:
    arguments: dict[str, Any] = {
        "member": {"name": "王芳", "phone": "13900001111"},
        "purchase": purchase(order_number="4400112233"),
        "issue": "late_delivery",
        "remedy": "refund_only",
        "power_of_attorney": io.BytesIO(jpeg_bytes(seed=11)),
        "filename": "授权委托书.jpg",
        "staff_name": "王思琪",
        "staff_id_number": STELLA_ID,
        "now": NOW,
    }
    arguments.update(overrides)
    return associations.start_for_member(staff, **arguments)


def test_intake_records_the_member_purchase_case_document_and_authorisation(world: Any, staff: Any) -> None:
    case = intake(staff)
    member = case.consumer
    assert member.role == "consumer" and not member.has_usable_password()
    assert member.profile.full_name == "王芳" and member.profile.phone == "13900001111"
    assert case.mode == "self_help" and case.status == "draft"
    assert case.order.outside_shop.name == "优品数码专营店"
    [authorization] = Authorization.objects.filter(case=case)
    assert authorization.staff == staff and authorization.consumer == member
    assert authorization.document.kind == "authorization" and authorization.document.side == "consumer"
    events = list(case.events.order_by("seq"))
    assert [e.type for e in events] == ["case_opened", "evidence_added", "authorization_granted"]
    for event in events:
        assert event.actor == f"user:{staff.public_id}"
        assert event.on_behalf_of == member.public_id
    assert list(visible_cases(staff)) == [case]
    assert verify_case(case) == []
    # the staff member carries on like the consumer: the order record, then asking the merchant
    attach(case, of_user(staff))
    submitted = perform(case, "submit", of_user(staff), now=NOW, channel="phone")
    assert submitted.on_behalf_of == member.public_id and case.status == "awaiting_merchant"


def test_a_returning_member_is_found_by_phone_within_the_association(world: Any, staff: Any) -> None:
    first = intake(staff)
    second = intake(
        staff, purchase=purchase(order_number="4400999"), power_of_attorney=io.BytesIO(jpeg_bytes(seed=12))
    )
    assert second.consumer == first.consumer
    other_association_staff = stella(username="olga")
    third = intake(
        other_association_staff,
        purchase=purchase(order_number="4400777"),
        power_of_attorney=io.BytesIO(jpeg_bytes(seed=13)),
    )
    assert third.consumer != first.consumer  # another association does not reach this member
    assert list(visible_cases(other_association_staff)) == [third]


def test_a_failed_intake_leaves_nothing_behind(world: Any, staff: Any) -> None:
    before = (User.objects.count(), Order.objects.count(), Case.objects.count())
    bad = [
        ({"purchase": purchase(ordered_at="2027-12-01")}, "ordered_at"),
        ({"purchase": purchase(shop={"name": ""})}, "shop.name"),
        ({"member": {"name": "", "phone": "13900001111"}}, "member.name"),
        ({"member": {"name": "王芳", "phone": "x"}}, "member.phone"),
        ({"staff_id_number": "123"}, "staff_id_number"),
        ({"remedy": "exchange", "issue": "late_delivery"}, "remedy"),
        ({"power_of_attorney": None}, "power_of_attorney"),
    ]
    for change, field in bad:
        with pytest.raises(InvalidInput) as err:
            intake(staff, **change)
        assert err.value.field == field, change
    with pytest.raises(InvalidInput):
        intake(world.bob)
    assert (User.objects.count(), Order.objects.count(), Case.objects.count()) == before
    assert not Authorization.objects.exists()


# ---- the web: the association area and the case page -------------------------------------------


def test_the_association_area_lists_authorised_cases_and_starts_one(
    world: Any, case: Any, staff: Any
) -> None:
    filed(world, "charlie", order_number="77777")
    grant(world, case, staff)
    client = Client()
    client.force_login(staff)
    assert client.get("/")["Location"] == "/association/"
    page = client.get("/association/").content.decode()
    assert case.public_id in page and "Alice" in page
    assert page.count("/cases/C-") == 1
    form = client.get("/association/start/")
    assert form.status_code == 200
    data = {
        "member_name": "李雷",
        "member_phone": "13700002222",
        "platform": "jd",
        "shop_name": "京东某店",
        "order_number": "JD-1",
        "ordered_at": "2026-11-01",
        "item_name": "电饭煲",
        "paid": "299.00",
        "issue": "quality_defect",
        "remedy": "repair",
        "statement": "用了三天就坏了",
        "staff_name": "王思琪",
        "staff_id_number": "110105194912310021",  # wrong check character
        "power_of_attorney": SimpleUploadedFile("poa.jpg", jpeg_bytes(seed=21), content_type="image/jpeg"),
    }
    refused = client.post("/association/start/", data)
    assert refused.status_code == 422
    assert 'id="id_staff_id_number-error"' in refused.content.decode()
    data["staff_id_number"] = STELLA_ID
    data["power_of_attorney"] = SimpleUploadedFile("poa.jpg", jpeg_bytes(seed=21), content_type="image/jpeg")
    response = client.post("/association/start/", data)
    assert response.status_code == 302
    started = Case.objects.get(order__external_id="JD-1")
    assert response["Location"] == f"/cases/{started.public_id}/"
    assert started.requested_fen == 0 and started.order.lines.get().paid_fen == 29900
    page = client.get(response["Location"]).content.decode()
    assert "李雷" in page and started.authorizations.get().public_id in page  # acting for … under W-…


def test_only_association_staff_have_the_area(world: Any) -> None:
    for name in ("alice", "bob", "agnes", "ada"):
        client = Client()
        client.force_login(getattr(world, name))
        assert client.get("/association/").status_code == 404, name
        assert client.get("/association/start/").status_code == 404, name


def test_the_consumer_sees_who_may_act_and_withdraws_on_the_case_page(
    world: Any, case: Any, staff: Any
) -> None:
    client = Client()
    client.force_login(world.alice)
    document = attach(case, world.actor("alice"), kind="authorization", seed=5)
    url = f"/cases/{case.public_id}/"
    page = client.get(url).content.decode()
    assert 'id="powers"' in page and staff.public_id in page and document.public_id in page
    response = client.post(
        f"/cases/{case.public_id}/authorizations/",
        {
            "authorize-staff": staff.public_id,
            "authorize-document": document.public_id,
            "authorize-staff_name": "王思琪",
            "authorize-staff_id_number": "110105194912310021",
        },
    )
    assert (
        response.status_code == 422 and 'id="id_authorize-staff_id_number-error"' in response.content.decode()
    )
    response = client.post(
        f"/cases/{case.public_id}/authorizations/",
        {
            "authorize-staff": staff.public_id,
            "authorize-document": document.public_id,
            "authorize-staff_name": "王思琪",
            "authorize-staff_id_number": STELLA_ID,
        },
    )
    assert response.status_code == 302
    authorization = Authorization.objects.get(case=case)
    page = client.get(url).content.decode()
    assert "王思琪" in page and authorization.public_id in page and STELLA_ID not in page  # ID masked
    client.post(f"/cases/{case.public_id}/authorizations/{authorization.public_id}/revoke/", {"reason": ""})
    authorization.refresh_from_db()
    assert authorization.revoked_at is not None
    assert list(visible_cases(staff)) == []


def test_staff_see_whom_they_act_for_on_the_case_page(world: Any, case: Any, staff: Any) -> None:
    authorization = grant(world, case, staff)
    client = Client()
    client.force_login(staff)
    page = client.get(f"/cases/{case.public_id}/").content.decode()
    assert 'id="acting-for"' in page and authorization.public_id in page and "Alice" in page
    assert f'action="/cases/{case.public_id}/act/withdraw/"' in page  # they act as the consumer
    response = client.post(f"/cases/{case.public_id}/message/", {"text": "消协代为沟通"})
    assert response.status_code == 302
    assert case.events.get(type="message_added").on_behalf_of == world.alice.public_id
    response = client.post(f"/cases/{case.public_id}/authorizations/{authorization.public_id}/revoke/")
    assert response["Location"] == "/association/"
    assert client.get(f"/cases/{case.public_id}/").status_code == 404


def test_staff_continue_a_members_draft_on_the_guided_path(world: Any, staff: Any) -> None:
    case = intake(staff)
    client = Client()
    client.force_login(staff)
    page = client.get(f"/cases/{case.public_id}/").content.decode()
    assert f"/file/{case.public_id}/check/" in page  # "Continue filing"
    assert client.get(f"/file/{case.public_id}/check/").status_code == 200
    assert client.get(f"/file/{case.public_id}/evidence/").status_code == 200


def test_the_admin_lists_associations_powers_and_invitations_and_withdraws(
    world: Any, case: Any, staff: Any
) -> None:
    from gongdao.selfhelp import invitations

    authorization = grant(world, case, staff)
    invitation, _token = invitations.invite(case, world.actor("alice"))
    client = Client()
    client.force_login(world.ada)
    for url in (
        "/admin/parties/association/",
        f"/admin/parties/association/{staff.association.pk}/change/",
        "/admin/parties/authorization/",
        f"/admin/parties/authorization/{authorization.pk}/change/",
        "/admin/selfhelp/invitation/",
        f"/admin/selfhelp/invitation/{invitation.pk}/change/",
        f"/admin/parties/user/{staff.pk}/change/",
    ):
        assert client.get(url).status_code == 200, url
    client.post(
        "/admin/parties/authorization/",
        {"action": "withdraw", "_selected_action": [authorization.pk]},
    )
    client.post("/admin/selfhelp/invitation/", {"action": "revoke", "_selected_action": [invitation.pk]})
    authorization.refresh_from_db()
    invitation.refresh_from_db()
    assert authorization.revoked_at is not None and invitation.revoked_at is not None
    assert (
        case.events.filter(
            type__in=("authorization_revoked", "invitation_revoked"), actor_role="admin"
        ).count()
        == 2
    )
