"""Tasks: creating, editing with optimistic locking, deleting, the activity lines, the search, and
refused input (assignee not a member, city not a member city, impossible dates, stale versions,
another workspace's task) with a clear message and nothing changed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from lab.extensions import db
from lab.search.models import SearchDocument
from lab.workspaces import task_search
from lab.workspaces.models import Activity, Task
from lab.workspaces.task_services import TaskInput, create_task
from tests.core.conftest import parse_html
from tests.factories import make_city, make_user, sign_in
from tests.workspaces.conftest import add_member, make_workspace


@pytest.fixture
def world():
    """Perm's delegate leads a workspace with Qingdao; Qingdao's delegate is a member."""
    perm = make_city(name="Perm", country_code="RU", time_zone="Europe/Moscow")
    qingdao = make_city(name="Qingdao", country_code="CN", time_zone="Asia/Shanghai")
    lead = make_user("delegate", city=perm, display_name="Olga")
    partner = make_user("delegate", city=qingdao, display_name="Li")
    workspace = make_workspace(lead, [qingdao], title="Children's art exhibition")
    add_member(workspace, partner)

    class World:
        pass

    w = World()
    w.perm, w.qingdao, w.lead, w.partner, w.workspace = perm, qingdao, lead, partner, workspace
    return w


def task_of(world, title="Choose the drawings", **overrides):
    values = {"title": title, "city_id": world.perm.id}
    values.update(overrides)
    return create_task(world.lead, world.workspace, TaskInput(**values))


def form(world, **overrides):
    data = {
        "title": "Ship the drawings",
        "description": "Pack **carefully**.",
        "city_id": str(world.qingdao.id),
        "assignee_id": str(world.partner.id),
        "due_on": "2026-06-30",
        "status": "todo",
        "milestone_id": "",
    }
    data.update(overrides)
    return data


def tasks_count():
    return db.session.scalar(select(func.count()).select_from(Task))


def verbs():
    return [a.verb for a in db.session.scalars(select(Activity).order_by(Activity.id))]


def test_a_member_adds_a_task_with_markdown_and_the_feed_says_so(client, world):
    sign_in(client, world.partner)
    url = f"/workspaces/{world.workspace.id}/tasks/new"
    assert client.get(url).status_code == 200
    response = client.post(url, data=form(world))
    assert response.status_code == 303
    task = db.session.scalar(select(Task))
    assert task.title == "Ship the drawings"
    assert "<strong>carefully</strong>" in task.description_html
    assert task.due_on == date(2026, 6, 30)
    assert task.assignee_id == world.partner.id
    assert task.position == 0
    assert verbs() == ["task_created", "task_assigned"]
    page = client.get(response.headers["Location"])
    text = parse_html(page.get_data(as_text=True)).text
    assert "Ship the drawings" in text and "Qingdao" in text and "Li" in text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("due_on", "2024-02-30", "There is no such day as 2024-02-30"),
        ("due_on", "tomorrow", "Give the date as year-month-day"),
        ("due_on", "31/12/2026", "Give the date as year-month-day"),
        ("assignee_id", "outsider", "A task can only be assigned to a member of this workspace."),
        ("city_id", "other", "Choose the city that owns the task among the workspace's member"),
        ("title", "", "This field is required."),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_saved(
    client, world, field, value, message
):
    if value == "outsider":
        value = str(make_user("delegate", city=world.perm).id)
    elif value == "other":
        value = str(make_city(name="Pavia").id)
    sign_in(client, world.lead)
    response = client.post(
        f"/workspaces/{world.workspace.id}/tasks/new", data=form(world, **{field: value})
    )
    assert response.status_code == 400
    page = parse_html(response.get_data(as_text=True))
    assert message in page.text
    assert tasks_count() == 0
    assert verbs() == []


def test_a_task_cannot_be_assigned_to_a_former_member_by_editing(client, world):
    task = task_of(world)
    outsider = make_user("delegate", city=world.qingdao)
    sign_in(client, world.lead)
    response = client.post(
        f"/workspaces/{world.workspace.id}/tasks/{task.id}/edit",
        data=form(world, assignee_id=str(outsider.id), version=str(task.version)),
    )
    assert response.status_code == 400
    assert "A task can only be assigned to a member" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Task, task.id).assignee_id is None
    assert db.session.get(Task, task.id).title == "Choose the drawings"


def test_an_edit_made_from_a_stale_version_answers_409_keeping_the_input(client, world):
    task = task_of(world)
    stale = task.version
    # Someone else saves first.
    client2 = client.application.test_client()
    sign_in(client2, world.partner)
    first = client2.post(
        f"/workspaces/{world.workspace.id}/tasks/{task.id}/edit",
        data=form(world, title="Their title", version=str(stale)),
    )
    assert first.status_code == 303
    sign_in(client, world.lead)
    response = client.post(
        f"/workspaces/{world.workspace.id}/tasks/{task.id}/edit",
        data=form(world, title="My title", version=str(stale)),
    )
    assert response.status_code == 409
    page = parse_html(response.get_data(as_text=True))
    assert "someone else changed this task" in page.text
    assert "Their title" in page.text  # what is saved now
    inputs = {
        attrs.get("name"): attrs.get("value") for tag, attrs in page.elements if tag == "input"
    }
    assert inputs["title"] == "My title"  # the input is kept
    db.session.expire_all()
    saved = db.session.get(Task, task.id)
    assert saved.title == "Their title"
    # Saving again after reading goes through.
    again = client.post(
        f"/workspaces/{world.workspace.id}/tasks/{task.id}/edit",
        data=form(world, title="My title", version=inputs["version"]),
    )
    assert again.status_code == 303
    db.session.expire_all()
    assert db.session.get(Task, task.id).title == "My title"


def test_editing_the_status_moves_the_card_and_writes_the_move(client, world):
    first = task_of(world, "One")
    second = task_of(world, "Two")
    sign_in(client, world.lead)
    response = client.post(
        f"/workspaces/{world.workspace.id}/tasks/{first.id}/edit",
        data=form(world, title="One", status="doing", version=str(first.version)),
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Task, first.id).status == "doing"
    assert db.session.get(Task, first.id).position == 0
    assert db.session.get(Task, second.id).position == 0  # the to-do column closed the gap
    moved = db.session.scalar(select(Activity).where(Activity.verb == "task_moved"))
    assert moved.data["from_status"] == "todo" and moved.data["to_status"] == "doing"


def test_deleting_a_task_closes_the_gap_and_takes_it_out_of_search(client, world):
    _first, second, third = (task_of(world, title) for title in ("Alpha", "Beta", "Gamma"))
    assert db.session.scalar(
        select(SearchDocument).where(
            SearchDocument.kind == "task", SearchDocument.object_id == second.id
        )
    )
    sign_in(client, world.partner)
    response = client.post(
        f"/workspaces/{world.workspace.id}/tasks/{second.id}/delete",
        data={"version": str(second.version)},
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.scalar(select(Task).where(Task.id == second.id)) is None
    positions = [t.position for t in db.session.scalars(select(Task).order_by(Task.position))]
    assert positions == [0, 1]
    assert db.session.get(Task, third.id).position == 1
    assert "task_deleted" in verbs()
    assert not db.session.scalar(
        select(SearchDocument).where(
            SearchDocument.kind == "task", SearchDocument.object_id == second.id
        )
    )
    assert client.get(f"/workspaces/{world.workspace.id}/tasks/{second.id}").status_code == 404


def test_a_task_of_another_workspace_is_404_through_this_workspace(client, world):
    other = make_workspace(world.lead, [world.qingdao])
    foreign = create_task(world.lead, other, TaskInput(title="Elsewhere", city_id=world.perm.id))
    sign_in(client, world.lead)
    base = f"/workspaces/{world.workspace.id}/tasks/{foreign.id}"
    assert client.get(base).status_code == 404
    assert client.get(base + "/edit").status_code == 404
    response = client.post(base + "/move", data={"status": "done", "version": str(foreign.version)})
    assert response.status_code == 404
    assert client.post(base + "/delete", data={}).status_code == 404
    db.session.expire_all()
    again = db.session.get(Task, foreign.id)
    assert again.status == "todo" and again.deleted_at is None and again.version == foreign.version


def test_members_only_tasks_are_found_by_members_alone(client, world):
    secret = make_workspace(world.lead, [world.qingdao], visibility="members")
    create_task(
        world.lead, secret, TaskInput(title="Secret samovar logistics", city_id=world.perm.id)
    )
    task_of(world, "Public samovar exhibition")
    outsider = make_user("delegate", city=world.perm)
    sign_in(client, outsider)
    text = parse_html(client.get("/search?q=samovar").get_data(as_text=True)).text
    assert "Public samovar exhibition" in text
    assert "Secret samovar logistics" not in text
    member = client.application.test_client()
    sign_in(member, world.lead)
    text = parse_html(member.get("/search?q=samovar").get_data(as_text=True)).text
    assert "Secret samovar logistics" in text


def test_reindexing_a_workspace_that_became_members_only_hides_its_tasks(world):
    task = task_of(world, "Catalogue printing")
    world.workspace.visibility = "members"
    db.session.commit()
    assert task_search.reindex_workspace_tasks(world.workspace) == 1
    document = db.session.scalar(
        select(SearchDocument).where(
            SearchDocument.kind == "task", SearchDocument.object_id == task.id
        )
    )
    assert document.visibility == "members" and document.scope_id == world.workspace.id


def test_overdue_is_said_in_words_on_the_task_page(client, world):
    late = task_of(world, "Late one", due_on=date.today() - timedelta(days=3))
    sign_in(client, world.lead)
    text = parse_html(
        client.get(f"/workspaces/{world.workspace.id}/tasks/{late.id}").get_data(as_text=True)
    ).text
    assert "Overdue" in text


def test_coordinators_read_a_members_only_workspace_but_cannot_change_its_tasks(client, world):
    secret = make_workspace(world.lead, [world.qingdao], visibility="members")
    task = create_task(world.lead, secret, TaskInput(title="Secret", city_id=world.perm.id))
    coordinator = make_user("coordinator")
    sign_in(client, coordinator)
    assert client.get(f"/workspaces/{secret.id}/board").status_code == 200
    response = client.post(
        f"/workspaces/{secret.id}/tasks/{task.id}/move",
        data={"status": "done", "version": str(task.version)},
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Task, task.id).status == "todo"


def test_the_search_reindex_command_rebuilds_the_tasks(runner, world):
    task_of(world, "Frame the drawings")
    gone = task_of(world, "Gone")
    db.session.execute(SearchDocument.__table__.delete())
    db.session.commit()
    result = runner.invoke(args=["search", "reindex", "--kind", "task"])
    assert result.exit_code == 0, result.output
    assert "task: 2 indexed" in result.output
    from lab.workspaces.task_services import delete_task

    delete_task(world.lead, world.workspace, gone)
    kept = db.session.scalars(
        select(SearchDocument.title).where(SearchDocument.kind == "task")
    ).all()
    assert kept == ["Frame the drawings"]
