"""Who hears what: the party whose move it is, never the other shop's staff, never the actor;
one notice per person per action; senior agents hear of overdue platform steps."""

from __future__ import annotations

from gongdao import worker
from gongdao.cases.actions import add_message
from gongdao.cases.models import Deadline
from gongdao.notify.models import Notification
from tests.notify.helpers import act, file_case, text_of


def notices(user) -> list[tuple[str, str]]:
    return list(Notification.objects.filter(user=user).order_by("id").values_list("type", "category"))


def _full_story(people):
    """Each step is followed by a worker pass, as in production (the worker runs every 2 s)."""
    case = file_case(people)
    for step in (
        lambda: add_message(case, people.actor("alice"), "Photos attached."),
        lambda: act(people, case, "reject", "bob", reason="No defect found."),
        lambda: act(people, case, "escalate", "alice", reason="The shop refuses."),
        lambda: act(people, case, "assign", "agnes"),
        lambda: act(people, case, "close_evidence", "agnes"),
        lambda: act(
            people,
            case,
            "decide",
            "agnes",
            outcome="consumer_upheld",
            remedy="refund_only",
            reasons="Defect shown.",
        ),
    ):
        worker.tick()
        step()
    worker.tick()
    return case


def test_the_merchant_hears_of_a_new_complaint_as_their_move(people):
    file_case(people)
    worker.tick()
    [notice] = Notification.objects.filter(user=people.bob)
    assert (notice.type, notice.category, notice.mandatory) == ("case.filed", "your_move", True)
    assert notice.data["due_at"]
    assert not Notification.objects.filter(user=people.alice).exists()  # she acted herself


def test_another_shops_staff_and_another_consumer_hear_nothing(people):
    _full_story(people)
    assert not Notification.objects.filter(user__in=[people.mallory, people.charlie]).exists()
    assert Notification.objects.filter(user=people.bob).exists()
    assert Notification.objects.filter(user=people.alice).exists()


def test_one_action_is_one_notice_per_person(people):
    _full_story(people)
    assert notices(people.alice) == [
        ("case.status_changed", "your_move"),  # rejected: her move
        ("case.status_changed", "updates"),  # an agent took the case
        ("case.status_changed", "updates"),  # under review
        ("case.decided", "decisions"),
    ]
    assert notices(people.bob) == [
        ("case.filed", "your_move"),
        ("case.message_added", "messages"),
        ("case.escalated", "updates"),
        ("case.status_changed", "updates"),
        ("case.status_changed", "updates"),
        ("case.decided", "decisions"),
    ]


def test_agents_hear_of_an_unassigned_escalation_and_then_only_the_assignee(people):
    case = file_case(people)
    act(people, case, "reject", "bob", reason="No defect found.")
    act(people, case, "escalate", "alice", reason="The shop refuses.")
    worker.tick()
    for agent in (people.agnes, people.sam, people.sara):
        assert notices(agent) == [("case.escalated", "updates")]
    act(people, case, "assign", "agnes")
    add_message(case, people.actor("alice"), "Thank you for looking at this.")
    worker.tick()
    assert notices(people.agnes)[-1] == ("case.message_added", "messages")
    assert notices(people.sam) == [("case.escalated", "updates")]


def test_senior_agents_are_alerted_when_nobody_takes_an_escalation(people, clock, email_on):
    from gongdao.notify import emails

    case = file_case(people)
    act(people, case, "reject", "bob", reason="No defect found.")
    act(people, case, "escalate", "alice", reason="The shop refuses.")
    worker.tick()
    due = Deadline.objects.get(case=case, kind="assignment_sla").due_at
    clock.move_to(due)
    worker.tick()
    clock.shift(emails.BATCH_WINDOW)
    worker.tick()
    for senior in (people.sam, people.sara):
        alert = Notification.objects.get(user=senior, type="deadline.expired")
        assert (alert.category, alert.mandatory, alert.data["deadline"]) == (
            "sla_alerts",
            True,
            "assignment_sla",
        )
        [message] = email_on.mailbox.to(f"{senior.username}@example.com")
        assert case.public_id in text_of(message)
    assert not Notification.objects.filter(
        type="deadline.expired", user__in=[people.agnes, people.bob]
    ).exists()


def test_decision_overdue_alerts_senior_agents(people, clock):
    case = file_case(people)
    act(people, case, "reject", "bob", reason="No defect found.")
    act(people, case, "escalate", "alice", reason="The shop refuses.")
    act(people, case, "assign", "agnes")
    act(people, case, "close_evidence", "agnes")
    clock.move_to(Deadline.objects.get(case=case, kind="decision_sla").due_at)
    worker.tick()
    assert Notification.objects.filter(
        user=people.sam, type="deadline.expired", category="sla_alerts"
    ).exists()
