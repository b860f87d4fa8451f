"""``gongdao association add`` and ``gongdao association staff``: an operator sets up a consumer
association and its staff (who can then be authorised on members' cases)."""

from __future__ import annotations

from typing import Any

from click.testing import CliRunner

from gongdao.cli import main
from gongdao.parties.models import Association, User


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def test_an_operator_adds_an_association_and_its_staff(world: Any) -> None:
    added = run("association", "add", "杭州市消费者协会", "--region", "浙江省杭州市")
    assert added.exit_code == 0, added.output
    association = Association.objects.get(name="杭州市消费者协会")
    assert added.output.startswith(association.public_id) and association.region == "浙江省杭州市"
    made = run(
        "association", "staff", "stella", "--association", association.public_id.lower(), "--name", "王思琪"
    )
    assert made.exit_code == 0, made.output
    stella = User.objects.get(username="stella")
    assert (stella.role, stella.association, stella.display_name) == (
        "association_staff",
        association,
        "王思琪",
    )
    assert not stella.has_usable_password() and "gongdao user reset-link stella" in made.output
    again = run(
        "association", "staff", "stella", "--association", association.public_id, "--email", "s@example.com"
    )
    assert again.exit_code == 0 and "updated" in again.output
    stella.refresh_from_db()
    assert stella.email == "s@example.com"


def test_refusals_name_what_is_wrong(world: Any) -> None:
    association = Association.objects.create(name="上海市消费者权益保护委员会")
    taken = run("association", "staff", "alice", "--association", association.public_id)
    assert taken.exit_code == 1 and "already a user with the role 'consumer'" in taken.output
    assert User.objects.get(username="alice").role == "consumer"
    unknown = run("association", "staff", "sam2", "--association", "A-00000000")
    assert unknown.exit_code == 1 and "no association 'A-00000000'" in unknown.output
    assert run("association", "add", " ").exit_code == 1
