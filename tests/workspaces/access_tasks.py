"""Deny by default for tasks and milestones (merged by tests/workspaces/access.py).

Two workspaces led by a delegate of the partner city, who is not one of the matrix's users: a
public one and a members-only one, each with a task and a milestone. None of the matrix's users is
a member. Reading pages are tried on the members-only workspace: 404 for everyone but the
coordinator, who may open it to moderate (200, logged). Forms and changes are tried on the public
one: a visitor is sent to sign in, everyone else gets 403 (coordinators are not members: they read
members-only workspaces but change nothing in them, so their POSTs there are 403 too, see
test_tasks_access.py, which tries every endpoint on both workspaces).
"""

from __future__ import annotations

from typing import Any

from lab.workspaces.task_services import MilestoneInput, TaskInput, create_milestone, create_task
from tests.factories import make_user
from tests.test_access_matrix import LOGIN, row
from tests.workspaces.conftest import make_workspace

MY_TASKS = row(LOGIN, 200, 200, 200, 200)
MEMBERS_ONLY_READ = row(404, 404, 404, 200, 404)  # the coordinator opens it to moderate (logged)
PUBLIC_WRITE = row(LOGIN, 403, 403, 403, 403)  # nobody in the matrix is a member

ROWS: dict[str, tuple[str, str, dict[str, int]]] = {
    "workspace_tasks.board": ("GET", "/workspaces/{tasks_secret}/board", MEMBERS_ONLY_READ),
    "workspace_tasks.task_list": ("GET", "/workspaces/{tasks_secret}/tasks", MEMBERS_ONLY_READ),
    "workspace_tasks.show_task": (
        "GET",
        "/workspaces/{tasks_secret}/tasks/{tasks_secret_task}",
        MEMBERS_ONLY_READ,
    ),
    "workspace_tasks.milestones": (
        "GET",
        "/workspaces/{tasks_secret}/milestones",
        MEMBERS_ONLY_READ,
    ),
    "workspace_tasks.rollup": ("GET", "/workspaces/{tasks_secret}/cities", MEMBERS_ONLY_READ),
    "workspace_tasks.my_tasks": ("GET", "/workspaces/my-tasks", MY_TASKS),
    "workspace_tasks.new_task": ("GET", "/workspaces/{tasks_public}/tasks/new", PUBLIC_WRITE),
    "workspace_tasks.edit_task": (
        "GET",
        "/workspaces/{tasks_public}/tasks/{tasks_public_task}/edit",
        PUBLIC_WRITE,
    ),
    "workspace_tasks.move_task": (
        "POST",
        "/workspaces/{tasks_public}/tasks/{tasks_public_task}/move",
        PUBLIC_WRITE,
    ),
    "workspace_tasks.delete_task": (
        "POST",
        "/workspaces/{tasks_public}/tasks/{tasks_public_task}/delete",
        PUBLIC_WRITE,
    ),
    "workspace_tasks.new_milestone": (
        "GET",
        "/workspaces/{tasks_public}/milestones/new",
        PUBLIC_WRITE,
    ),
    "workspace_tasks.edit_milestone": (
        "GET",
        "/workspaces/{tasks_public}/milestones/{tasks_public_milestone}/edit",
        PUBLIC_WRITE,
    ),
}


def setup(context: dict[str, Any]) -> dict[str, object]:
    """A public and a members-only workspace, each with a task and a milestone."""
    lead = make_user("delegate", city=context["partner"])
    placeholders: dict[str, object] = {}
    for name, visibility in (("tasks_public", "public"), ("tasks_secret", "members")):
        workspace = make_workspace(lead, [context["city"]], visibility=visibility,
                                   title=f"Access: {visibility} tasks")  # fmt: skip
        milestone = create_milestone(lead, workspace, MilestoneInput("Opening", "2026-09-01"))
        task = create_task(
            lead,
            workspace,
            TaskInput(title="Hang the drawings", city_id=lead.city_id, milestone_id=milestone.id),
        )
        placeholders[name] = workspace.id
        placeholders[f"{name}_task"] = task.id
        placeholders[f"{name}_milestone"] = milestone.id
    return placeholders
