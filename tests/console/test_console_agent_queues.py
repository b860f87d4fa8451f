"""The agent workbench: queues, claiming and assigning; appeals go to another senior agent."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.core.flow import State, assert_unchanged


def queue(client, name):
    response = client.get(reverse("console:agent_queue", query={"queue": name}))
    assert response.status_code == 200
    return response


def rows(response) -> list[str]:
    return re.findall(r'<tr data-case="(C-[0-9A-Z]{8})"', response.content.decode())


def claim_buttons(response) -> list[str]:
    return re.findall(r'data-claim="(C-[0-9A-Z]{8})"', response.content.decode())


def tab_counts(response) -> dict[str, int]:
    found = re.findall(r'data-queue="(\w+)">[^<]*<span class="count">(\d+)</span>', response.content.decode())
    return {name: int(n) for name, n in found}


def assign(client, case, assignee, **extra):
    case.refresh_from_db()
    data = {"version": case.version, "assignee": assignee, **extra}
    return client.post(reverse("console:assign", args=[case.public_id]), data)


def test_unassigned_escalations_and_claiming(login, flow, world):
    escalated = flow.escalated()
    other = flow.awaiting_merchant()
    agnes = login("agnes")
    response = queue(agnes, "unassigned")
    assert rows(response) == [escalated.public_id]
    assert claim_buttons(response) == [escalated.public_id]
    assert other.public_id not in response.content.decode()

    here = reverse("console:agent_queue", query={"queue": "unassigned"})
    assert assign(agnes, escalated, "me", next=here)["Location"] == here
    escalated.refresh_from_db()
    assert (escalated.status, escalated.assignee) == ("evidence_period", world.agnes)
    assert rows(queue(agnes, "unassigned")) == []
    assert rows(queue(agnes, "mine")) == [escalated.public_id]


def test_assign_an_escalation_to_another_agent(login, flow, world):
    case = flow.escalated()
    agnes = login("agnes")
    assert f'value="{world.sam.public_id}"' in queue(agnes, "unassigned").content.decode()
    assign(agnes, case, world.sam.public_id)
    case.refresh_from_db()
    assert case.assignee == world.sam
    assert rows(queue(login("sam"), "mine")) == [case.public_id]
    assert rows(queue(agnes, "mine")) == []


def test_assigning_to_someone_who_is_not_an_agent_changes_nothing(login, flow, world):
    case = flow.escalated()
    before = State.of(case)
    agnes = login("agnes")
    response = assign(agnes, case, world.bob.public_id)
    assert response.status_code == 302
    case.refresh_from_db()
    assert_unchanged(case, before)
    page = agnes.get(response["Location"]).content.decode()
    assert "Choose a platform agent." in page


def test_a_stale_claim_is_refused(login, flow, world):
    case = flow.escalated()
    stale = case.version
    assign(login("sara"), case, "me")
    before = State.of(case)
    login("agnes").post(
        reverse("console:assign", args=[case.public_id]), {"version": stale, "assignee": "me"}
    )
    case.refresh_from_db()
    assert_unchanged(case, before)
    assert case.assignee == world.sara


@pytest.fixture
def appeal(flow):
    """Sam decided the case; Alice appealed."""
    return flow.appealed(agent="sam")


def test_only_senior_agents_other_than_the_decider_may_claim_an_appeal(login, appeal):
    assert rows(queue(login("agnes"), "appeals")) == [appeal.public_id]
    assert claim_buttons(queue(login("agnes"), "appeals")) == []
    assert claim_buttons(queue(login("sam"), "appeals")) == []
    assert claim_buttons(queue(login("sara"), "appeals")) == [appeal.public_id]


def test_the_deciding_agent_cannot_claim_the_appeal(login, appeal):
    before = State.of(appeal)
    sam = login("sam")
    response = assign(sam, appeal, "me")
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert_unchanged(appeal, before)
    assert appeal.assignee is None
    assert "other than the one who decided" in sam.get(response["Location"]).content.decode()


def test_a_junior_agent_cannot_claim_an_appeal(login, appeal):
    before = State.of(appeal)
    assign(login("agnes"), appeal, "me")
    appeal.refresh_from_db()
    assert_unchanged(appeal, before)


def test_another_senior_agent_claims_the_appeal(login, appeal, world):
    sara = login("sara")
    assign(sara, appeal, "me")
    appeal.refresh_from_db()
    assert appeal.assignee == world.sara
    assert appeal.status == "appealed"
    assert rows(queue(sara, "mine")) == [appeal.public_id]


def test_an_appeal_can_only_be_given_to_a_senior_agent_who_did_not_decide(login, appeal, world):
    html = queue(login("sara"), "appeals").content.decode()
    options = re.findall(r'<option value="(U-[0-9A-Z]{8})"', html)
    assert options == [world.sara.public_id]
    before = State.of(appeal)
    assign(login("sara"), appeal, world.sam.public_id)
    appeal.refresh_from_db()
    assert_unchanged(appeal, before)


def test_due_soon_lists_platform_cases_with_a_deadline_within_24_hours(login, flow):
    in_evidence = flow.evidence_period()  # evidence period: 3 days
    waiting_for_shop = flow.awaiting_merchant()  # negotiation, not the platform's
    escalated = flow.escalated()  # assignment SLA: 24 hours
    agnes = login("agnes")
    with time_machine.travel(flow.now + timedelta(minutes=1), tick=False):
        assert rows(queue(agnes, "due_soon")) == [escalated.public_id]
    with time_machine.travel(flow.now + timedelta(days=2, hours=12), tick=False):
        listed = rows(queue(agnes, "due_soon"))
    assert set(listed) == {escalated.public_id, in_evidence.public_id}
    assert waiting_for_shop.public_id not in listed
    assert listed[0] == escalated.public_id  # already past due, so first


def test_tab_counts(login, flow, appeal):
    flow.escalated()
    mine = flow.evidence_period(agent="agnes")
    with time_machine.travel(flow.now + timedelta(minutes=1), tick=False):
        counts = tab_counts(queue(login("agnes"), "mine"))
    assert counts == {"unassigned": 1, "mine": 1, "due_soon": 1, "appeals": 1}
    assert mine.public_id in rows(queue(login("agnes"), "mine"))


def test_an_unknown_queue_is_404(login):
    assert login("agnes").get(reverse("console:agent_queue", query={"queue": "all"})).status_code == 404


def _build(flow, queue_name, n):
    for _ in range(n):
        if queue_name == "unassigned":
            flow.escalated()
        elif queue_name == "mine":
            flow.evidence_period(agent="agnes")
        else:
            flow.appealed(agent="sam")


@pytest.mark.parametrize("queue_name", ["unassigned", "mine", "appeals", "due_soon"])
def test_queue_query_count_does_not_grow_with_the_number_of_cases(
    login, flow, queue_name, django_assert_max_num_queries
):
    build = "unassigned" if queue_name == "due_soon" else queue_name
    _build(flow, build, 3)
    client = login("sara")
    if queue_name == "mine":
        client = login("agnes")
    url = reverse("console:agent_queue", query={"queue": queue_name})
    client.get(url)
    with (
        time_machine.travel(flow.now + timedelta(minutes=1), tick=False),
        CaptureQueriesContext(connection) as ctx,
    ):
        response = client.get(url)
    assert len(rows(response)) == 3
    few = len(ctx.captured_queries)
    _build(flow, build, 12)
    with time_machine.travel(flow.now + timedelta(minutes=1), tick=False), django_assert_max_num_queries(few):
        response = client.get(url)
    assert len(rows(response)) == 15
