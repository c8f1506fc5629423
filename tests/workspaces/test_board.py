"""The board: columns, cards, overdue tasks in words, moving without JavaScript (a form) and with
it (the same form posted by fetch, answered in JSON), stale versions, order kept 0..n-1, and a
number of queries that does not grow with the number of tasks."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from lab.core.errors import ConflictError
from lab.extensions import db
from lab.workspaces.models import Activity, Task
from lab.workspaces.task_services import (
    MilestoneInput,
    TaskInput,
    create_milestone,
    create_task,
    delete_task,
    move_task,
)
from tests.core.conftest import parse_html
from tests.factories import make_city, make_user, sign_in
from tests.workspaces.conftest import add_member, make_workspace

JSON = {"Accept": "application/json"}


@pytest.fixture
def world():
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


def add(world, title, **overrides):
    values = {"title": title, "city_id": world.perm.id}
    values.update(overrides)
    return create_task(world.lead, world.workspace, TaskInput(**values))


def columns(workspace_id):
    db.session.expire_all()
    found: dict[str, list[str]] = {"todo": [], "doing": [], "done": []}
    for task in db.session.scalars(
        select(Task).where(Task.workspace_id == workspace_id).order_by(Task.status, Task.position)
    ):
        found[task.status].append(task.title)
    return found


def positions_are_dense(workspace_id):
    db.session.expire_all()
    for status in ("todo", "doing", "done"):
        got = db.session.scalars(
            select(Task.position)
            .where(Task.workspace_id == workspace_id, Task.status == status)
            .order_by(Task.position)
        ).all()
        if list(got) != list(range(len(got))):
            return False
    return True


def board_url(world):
    return f"/workspaces/{world.workspace.id}/board"


def move_url(world, task):
    return f"/workspaces/{world.workspace.id}/tasks/{task.id}/move"


def test_the_board_shows_three_columns_of_cards_and_overdue_tasks_in_words(client, world):
    add(world, "Choose the drawings", assignee_id=world.partner.id, due_on=date(2099, 5, 31))
    add(world, "Book the hall", city_id=world.qingdao.id, due_on=date.today() - timedelta(days=2))
    add(world, "Print posters", status="done", due_on=date.today() - timedelta(days=9))
    page = client.get(board_url(world))
    assert page.status_code == 200
    html = parse_html(page.get_data(as_text=True))
    headings = [
        attrs.get("id")
        for tag, attrs in html.elements
        if tag == "h3" and attrs.get("id", "").startswith("column-")
    ]
    assert headings == ["column-todo", "column-doing", "column-done"]
    for label in ("To do", "Doing", "Done", "Choose the drawings", "Qingdao", "Li"):
        assert label in html.text
    # Only the open, late task is overdue, and it says so in text.
    assert html.text.count("Overdue") == 1
    cards = [
        attrs
        for tag, attrs in html.elements
        if tag == "li" and "task-card" in (attrs.get("class") or "")
    ]
    assert len(cards) == 3
    overdue = [c for c in cards if "task-card--overdue" in c["class"]]
    assert len(overdue) == 1
    # A visitor reads the board but gets no move form.
    assert not any(
        tag == "form" for tag, attrs in html.elements if "task-move" in (attrs.get("class") or "")
    )


def test_overdue_follows_the_owning_city_s_calendar(world, monkeypatch):
    """Just after midnight in Qingdao it is still yesterday in Perm."""
    from datetime import UTC, datetime

    from lab.workspaces import task_queries

    now = datetime(2026, 3, 10, 17, 30, tzinfo=UTC)  # 01:30 on the 11th in Qingdao, 20:30 in Perm
    due = date(2026, 3, 10)
    in_perm = add(world, "Perm", due_on=due)
    in_qingdao = add(world, "Qingdao", city_id=world.qingdao.id, due_on=due)
    assert not task_queries.is_overdue(in_perm, now)
    assert task_queries.is_overdue(in_qingdao, now)
    rows = {r.city.name: r for r in task_queries.rollup(world.workspace, now)}
    assert (rows["Perm"].overdue, rows["Qingdao"].overdue) == (0, 1)


def test_a_member_moves_a_card_without_javascript(client, world):
    one, two, three = add(world, "One"), add(world, "Two"), add(world, "Three")
    sign_in(client, world.partner)
    board = parse_html(client.get(board_url(world)).get_data(as_text=True))
    assert any(
        tag == "form" and attrs.get("action") == move_url(world, three)
        for tag, attrs in board.elements
    )
    labels = [attrs.get("for") for tag, attrs in board.elements if tag == "label"]
    assert f"move-{three.id}-status" in labels and f"move-{three.id}-position" in labels

    response = client.post(
        move_url(world, three),
        data={"status": "doing", "position": "1", "version": str(three.version)},
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/board#task-{three.id}")
    assert columns(world.workspace.id) == {"todo": ["One", "Two"], "doing": ["Three"], "done": []}
    page = client.get(response.headers["Location"])
    assert "“Three” is now in Doing, position 1." in parse_html(page.get_data(as_text=True)).text
    line = db.session.scalar(select(Activity).where(Activity.verb == "task_moved"))
    assert (line.data["from_status"], line.data["to_status"]) == ("todo", "doing")
    assert line.actor_id == world.partner.id

    # Up within a column: Two goes to the top.
    db.session.refresh(two)
    client.post(
        move_url(world, two), data={"status": "todo", "position": "1", "version": str(two.version)}
    )
    assert columns(world.workspace.id)["todo"] == ["Two", "One"]
    assert positions_are_dense(world.workspace.id)
    assert one.id  # unchanged task still there


def test_a_move_with_javascript_answers_json_with_the_board(client, world):
    one, two = add(world, "One"), add(world, "Two")
    sign_in(client, world.lead)
    response = client.post(
        move_url(world, one),
        data={"status": "todo", "position": "2", "version": str(one.version)},
        headers=JSON,
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["message"] == "“One” is now in To do, position 2."
    state = {t["id"]: (t["status"], t["position"]) for t in body["tasks"]}
    assert state == {one.id: ("todo", 1), two.id: ("todo", 0)}
    # The moved task's version went up; its neighbour's did not (moving it next still works).
    versions = {t["id"]: t["version"] for t in body["tasks"]}
    assert versions[one.id] == one.version + 1
    assert versions[two.id] == two.version


def test_a_stale_move_answers_409_and_shows_the_task_as_it_is_now(client, world):
    task = add(world, "Frame the drawings")
    stale = task.version
    move_task(world.partner, world.workspace, task, "doing", 0, stale)
    sign_in(client, world.lead)
    response = client.post(move_url(world, task), data={"status": "done", "version": str(stale)})
    assert response.status_code == 409
    page = parse_html(response.get_data(as_text=True))
    assert "Not moved: the task changed meanwhile" in page.text
    assert "“Frame the drawings” is now in Doing, position 1." in page.text
    db.session.expire_all()
    assert db.session.get(Task, task.id).status == "doing"

    with_js = client.post(
        move_url(world, task), data={"status": "done", "version": str(stale)}, headers=JSON
    )
    assert with_js.status_code == 409
    assert "changed this task meanwhile" in with_js.get_json()["message"]
    assert with_js.get_json()["tasks"][0]["status"] == "doing"


@pytest.mark.parametrize("position", ["0", "-3", "first"])
def test_an_impossible_position_is_refused_with_a_message(client, world, position):
    task = add(world, "One")
    sign_in(client, world.lead)
    response = client.post(
        move_url(world, task),
        data={"status": "done", "position": position, "version": str(task.version)},
    )
    assert response.status_code == 400
    assert "a position of 1 or more" in parse_html(response.get_data(as_text=True)).text
    db.session.expire_all()
    assert db.session.get(Task, task.id).status == "todo"


def test_a_position_past_the_end_puts_the_card_last(client, world):
    add(world, "One", status="done")
    task = add(world, "Two")
    sign_in(client, world.lead)
    client.post(
        move_url(world, task),
        data={"status": "done", "position": "99", "version": str(task.version)},
    )
    assert columns(world.workspace.id)["done"] == ["One", "Two"]


def test_any_sequence_of_moves_keeps_every_column_numbered_without_gaps(world):
    tasks = [add(world, f"Task {n}") for n in range(12)]
    chooser = random.Random(6)
    for _ in range(80):
        task = chooser.choice(tasks)
        db.session.refresh(task)
        move_task(
            world.lead,
            world.workspace,
            task,
            chooser.choice(["todo", "doing", "done"]),
            chooser.choice([None, 0, 1, 2, 5, 40]),
            task.version,
        )
        assert positions_are_dense(world.workspace.id)
    assert sum(len(c) for c in columns(world.workspace.id).values()) == 12


def test_moving_twice_from_the_same_version_moves_once(world):
    task = add(world, "One")
    version = task.version
    move_task(world.lead, world.workspace, task, "doing", 0, version)
    with pytest.raises(ConflictError):
        move_task(world.partner, world.workspace, task, "done", 0, version)
    db.session.expire_all()
    assert db.session.get(Task, task.id).status == "doing"


def _bulk_tasks(world, n, milestone_id=None):
    people = [world.lead.id, world.partner.id, None]
    cities = [world.perm.id, world.qingdao.id]
    for i in range(n):
        status = ("todo", "doing", "done")[i % 3]
        db.session.add(
            Task(
                workspace_id=world.workspace.id,
                title=f"Bulk task {i}",
                description_html="",
                assignee_id=people[i % 3],
                city_id=cities[i % 2],
                status=status,
                position=i // 3,
                due_on=date.today() + timedelta(days=(i % 20) - 10) if i % 4 else None,
                milestone_id=milestone_id if i % 2 else None,
            )
        )
    db.session.commit()


@pytest.mark.parametrize(
    "path",
    [
        "/workspaces/{id}/board",
        "/workspaces/{id}/tasks",
        "/workspaces/{id}/tasks?due=overdue&sort=due",
        "/workspaces/my-tasks",
        "/workspaces/{id}/cities",
        "/workspaces/{id}/milestones",
    ],
)
def test_the_number_of_queries_does_not_grow_with_the_tasks(client, world, count_queries, path):
    sign_in(client, world.partner)
    url = path.format(id=world.workspace.id)
    milestone = create_milestone(
        world.lead, world.workspace, MilestoneInput("Opening", "2026-09-01")
    )
    counts = []
    for n in (5, 300):
        db.session.execute(Task.__table__.delete())
        db.session.commit()
        _bulk_tasks(world, n, milestone.id)
        client.get(url)  # warm up (templates compiled)
        with count_queries() as counted:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(counted.n)
    assert counts[0] == counts[1], counts
    assert counts[1] <= 10, counts


def test_moving_a_task_deleted_meanwhile_says_so(client, world):
    task = add(world, "Gone soon")
    version = task.version
    delete_task(world.partner, world.workspace, task)
    sign_in(client, world.lead)
    # Its URL is now a 404, like any missing task.
    response = client.post(move_url(world, task), data={"status": "done", "version": str(version)})
    assert response.status_code == 404


def test_nothing_moves_in_an_archived_workspace(client, world):
    task = add(world, "Frozen")
    world.workspace.status = "archived"
    db.session.commit()
    sign_in(client, world.lead)
    board = parse_html(client.get(board_url(world)).get_data(as_text=True))
    assert "Frozen" in board.text
    assert not any("task-move" in (attrs.get("class") or "") for tag, attrs in board.elements)
    response = client.post(
        move_url(world, task), data={"status": "done", "version": str(task.version)}
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Task, task.id).status == "todo"


@pytest.mark.parametrize("who", ["visitor", "outsider", "coordinator"])
def test_the_board_s_queries_do_not_grow_for_readers_who_are_not_members(
    client, world, count_queries, who
):
    if who == "outsider":
        sign_in(client, make_user("delegate", city=world.perm))
    elif who == "coordinator":
        world.workspace.visibility = "members"  # the coordinator's opening is logged: one write
        db.session.commit()
        sign_in(client, make_user("coordinator"))
    counts = []
    for n in (5, 300):
        db.session.execute(Task.__table__.delete())
        db.session.commit()
        _bulk_tasks(world, n)
        client.get(board_url(world))
        with count_queries() as counted:
            assert client.get(board_url(world)).status_code == 200
        counts.append(counted.n)
    assert counts[0] == counts[1], counts
    if who != "coordinator":
        # A coordinator's page also counts the review queue, and writing the access log commits,
        # which makes the workspace and the user load again (lab/workspaces/loading.py).
        assert counts[1] <= 10, counts
