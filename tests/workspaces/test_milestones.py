"""Milestones: the timeline (by date, an ordered list), progress from their tasks (a progress
element with its text), linking tasks from the task form, "reached" when the last task is done and
cleared when one is reopened, edits with optimistic locking."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from lab.extensions import db
from lab.workspaces.models import Activity, Milestone, Task
from lab.workspaces.task_services import (
    MilestoneInput,
    TaskInput,
    create_milestone,
    create_task,
    move_task,
)
from tests.core.conftest import parse_html
from tests.factories import make_city, make_user, sign_in
from tests.workspaces.conftest import add_member, make_workspace


@pytest.fixture
def world():
    perm = make_city(name="Perm", time_zone="Europe/Moscow")
    qingdao = make_city(name="Qingdao", time_zone="Asia/Shanghai")
    lead = make_user("delegate", city=perm)
    partner = make_user("delegate", city=qingdao)
    workspace = make_workspace(lead, [qingdao])
    add_member(workspace, partner)

    class World:
        pass

    w = World()
    w.perm, w.qingdao, w.lead, w.partner, w.workspace = perm, qingdao, lead, partner, workspace
    return w


def milestones_url(world):
    return f"/workspaces/{world.workspace.id}/milestones"


def test_a_member_adds_milestones_and_the_timeline_orders_them_by_date(client, world):
    sign_in(client, world.partner)
    for title, day in (("Opening in Qingdao", "2026-09-01"), ("Drawings chosen", "2026-05-15")):
        response = client.post(milestones_url(world) + "/new", data={"title": title, "due_on": day})
        assert response.status_code == 303
    page = parse_html(client.get(milestones_url(world)).get_data(as_text=True))
    assert "ol" in page.tags()
    text = page.text
    assert text.index("Drawings chosen") < text.index("Opening in Qingdao")
    assert [a.verb for a in db.session.scalars(select(Activity))] == ["milestone_created"] * 2


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-02-30", "There is no such day as 2026-02-30"),
        ("next spring", "Give the date as year-month-day"),
        ("", "This field is required."),
    ],
)
def test_a_milestone_with_an_impossible_date_is_refused(client, world, value, message):
    sign_in(client, world.lead)
    response = client.post(milestones_url(world) + "/new", data={"title": "X", "due_on": value})
    assert response.status_code == 400
    assert message in parse_html(response.get_data(as_text=True)).text
    assert db.session.scalar(select(func.count()).select_from(Milestone)) == 0


def test_progress_is_computed_from_the_linked_tasks_and_reached_is_recorded(client, world):
    milestone = create_milestone(
        world.lead, world.workspace, MilestoneInput("Opening", "2026-09-01")
    )
    sign_in(client, world.lead)
    # Tasks are linked from the task form.
    for title in ("Hang the drawings", "Print the catalogue"):
        response = client.post(
            f"/workspaces/{world.workspace.id}/tasks/new",
            data={"title": title, "city_id": str(world.perm.id), "status": "todo",
                  "milestone_id": str(milestone.id)},
        )  # fmt: skip
        assert response.status_code == 303
    first, second = db.session.scalars(select(Task).order_by(Task.id)).all()

    def progress():
        page = parse_html(client.get(milestones_url(world)).get_data(as_text=True))
        bar = next(attrs for tag, attrs in page.elements if tag == "progress")
        return bar["value"], bar["max"], page.text

    value, maximum, text = progress()
    assert (value, maximum) == ("0", "2")
    assert "0 of 2 tasks done (0%)" in text
    assert "Hang the drawings" in text and "Print the catalogue" in text

    move_task(world.lead, world.workspace, first, "done", None, first.version)
    value, _max, text = progress()
    assert value == "1" and "1 of 2 tasks done (50%)" in text
    assert "Reached" not in text

    move_task(world.partner, world.workspace, second, "done", None, second.version)
    value, _max, text = progress()
    assert value == "2" and "2 of 2 tasks done (100%)" in text and "Reached" in text
    db.session.expire_all()
    assert db.session.get(Milestone, milestone.id).reached_at is not None
    reached = db.session.scalars(select(Activity).where(Activity.verb == "milestone_reached")).all()
    assert len(reached) == 1 and reached[0].actor_id == world.partner.id

    # Reopening a task clears the mark.
    db.session.refresh(first)
    move_task(world.lead, world.workspace, first, "doing", None, first.version)
    db.session.expire_all()
    assert db.session.get(Milestone, milestone.id).reached_at is None
    assert "Reached" not in progress()[2]


def test_a_milestone_of_another_workspace_cannot_be_linked(client, world):
    other = make_workspace(world.lead, [world.qingdao])
    foreign = create_milestone(world.lead, other, MilestoneInput("Elsewhere", date(2026, 9, 1)))
    sign_in(client, world.lead)
    response = client.post(
        f"/workspaces/{world.workspace.id}/tasks/new",
        data={"title": "Sneaky", "city_id": str(world.perm.id), "status": "todo",
              "milestone_id": str(foreign.id)},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Choose a milestone of this workspace." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Task)) == 0
    edit = client.get(f"/workspaces/{world.workspace.id}/milestones/{foreign.id}/edit")
    assert edit.status_code == 404


def test_editing_a_milestone_from_a_stale_version_answers_409(client, world):
    milestone = create_milestone(
        world.lead, world.workspace, MilestoneInput("Opening", "2026-09-01")
    )
    create_task(world.lead, world.workspace,
                TaskInput(title="T", city_id=world.perm.id, milestone_id=milestone.id))  # fmt: skip
    stale = milestone.version
    url = f"/workspaces/{world.workspace.id}/milestones/{milestone.id}/edit"
    other = client.application.test_client()
    sign_in(other, world.partner)
    assert other.post(url, data={"title": "Grand opening", "due_on": "2026-09-02",
                                 "version": str(stale)}).status_code == 303  # fmt: skip
    sign_in(client, world.lead)
    response = client.post(url, data={"title": "Opening day", "due_on": "2026-09-01",
                                      "version": str(stale)})  # fmt: skip
    assert response.status_code == 409
    page = parse_html(response.get_data(as_text=True))
    assert "Grand opening" in page.text
    inputs = {a.get("name"): a.get("value") for t, a in page.elements if t == "input"}
    assert inputs["title"] == "Opening day"
    db.session.expire_all()
    assert db.session.get(Milestone, milestone.id).title == "Grand opening"
    assert client.post(url, data={"title": "Opening day", "due_on": "2026-09-01",
                                  "version": inputs["version"]}).status_code == 303  # fmt: skip
