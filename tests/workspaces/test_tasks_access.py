"""The IDOR battery for tasks and milestones: every endpoint of workspace_tasks on a public and on a
members-only workspace, for a visitor, a signed-in non-member of each role and the coordinator.

Members-only: 404 for everyone (the same answer as a missing workspace) except the coordinator,
who reads it (200) and changes nothing (403). Public: everyone reads; every change is refused
(403, or the sign-in page for a visitor). Nothing changes: no task, milestone or feed line moves.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lab.extensions import db
from lab.workspaces.models import Activity, Milestone, Task
from tests.factories import make_city, make_user, sign_in
from tests.test_access_matrix import LOGIN
from tests.workspaces import access_tasks

READS = ("board", "task_list", "show_task", "milestones", "rollup")
FORMS_AND_CHANGES = (
    "new_task",
    "edit_task",
    "move_task",
    "delete_task",
    "new_milestone",
    "edit_milestone",
)
ROLES = ("visitor", "young_stakeholder", "delegate", "coordinator", "admin")


def _expected(endpoint: str, workspace: str, role: str) -> int:
    if workspace == "tasks_secret":
        if role != "coordinator":
            return 404
        return 200 if endpoint in READS else 403
    if endpoint in READS:
        return 200
    return LOGIN if role == "visitor" else 403


def _state():
    tasks = db.session.execute(
        select(Task.id, Task.status, Task.position, Task.version, Task.deleted_at).order_by(Task.id)
    ).all()
    milestones = db.session.execute(select(Milestone.id, Milestone.version)).all()
    lines = db.session.scalar(select(func.count()).select_from(Activity))
    return tasks, milestones, lines


@pytest.mark.parametrize("role", ROLES)
def test_non_members_get_404_in_a_members_only_workspace_and_change_nothing_in_a_public_one(
    app, client, role
):
    context = {"city": make_city(name="Pavia"), "partner": make_city(name="Perm")}
    placeholders = access_tasks.setup(context)
    if role != "visitor":
        city = context["city"] if role == "delegate" else None
        sign_in(client, make_user(role, city=city))
    before = _state()
    failures = []
    for name in (*READS, *FORMS_AND_CHANGES):
        method, template, _row = access_tasks.ROWS[f"workspace_tasks.{name}"]
        for workspace in ("tasks_public", "tasks_secret"):
            path = template.replace("tasks_public", workspace).replace("tasks_secret", workspace)
            url = path.format(**placeholders)
            data = {"status": "done", "position": "1", "version": "1", "title": "Changed",
                    "city_id": str(context["partner"].id), "due_on": "2026-01-01"}  # fmt: skip
            response = client.get(url) if method == "GET" else client.post(url, data=data)
            expected = _expected(name, workspace, role)
            if response.status_code != expected:
                failures.append(f"{method} {url}: {response.status_code}, expected {expected}")
            if method == "GET" and name in FORMS_AND_CHANGES:
                # The form's POST is refused the same way.
                posted = client.post(url, data=data)
                if posted.status_code != expected:
                    failures.append(f"POST {url}: {posted.status_code}, expected {expected}")
    assert not failures, "\n".join(failures)
    db.session.expire_all()
    assert _state() == before


def test_a_visitor_learns_nothing_of_a_members_only_workspace_s_tasks(client):
    context = {"city": make_city(name="Pavia"), "partner": make_city(name="Perm")}
    placeholders = access_tasks.setup(context)
    secret = placeholders["tasks_secret"]
    for path in (f"/workspaces/{secret}/board", f"/workspaces/{secret}/tasks"):
        page = client.get(path)
        assert page.status_code == 404
        assert "Access: members tasks" not in page.get_data(as_text=True)
        assert "Hang the drawings" not in page.get_data(as_text=True)


def test_a_coordinator_opening_a_members_only_board_is_logged(client):
    from lab.moderation.models import ModerationLogEntry

    context = {"city": make_city(name="Pavia"), "partner": make_city(name="Perm")}
    secret = access_tasks.setup(context)["tasks_secret"]
    coordinator = make_user("coordinator")
    sign_in(client, coordinator)
    for path in ("board", "tasks", "milestones", "cities"):
        assert client.get(f"/workspaces/{secret}/{path}").status_code == 200
    entries = db.session.scalars(
        select(ModerationLogEntry).where(ModerationLogEntry.action == "staff_access")
    ).all()
    assert [(e.actor_id, e.target_kind, e.target_id) for e in entries] == [
        (coordinator.id, "workspace", secret)
    ] * 4
