"""Tasks in the site search (kind "task"): title and description, found by whoever may read the
workspace (public ones by everyone, members-only ones by their members alone, see
:func:`lab.workspaces.permissions.search_scope`).

Tasks are indexed when created or edited and removed when deleted; a workspace whose visibility
changes (or that is deleted) calls :func:`reindex_workspace_tasks`.
"""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from lab.extensions import db
from lab.search import services as search
from lab.workspaces.models import Task, Workspace
from lab.workspaces.permissions import search_scope

KIND = "task"


def task_path(task: Task) -> str:
    """The task's page."""
    try:
        return url_for("workspace_tasks.show_task", workspace_id=task.workspace_id, task_id=task.id)
    except RuntimeError:
        return f"/workspaces/{task.workspace_id}/tasks/{task.id}"


def reindex_task(task: Task, workspace: Workspace) -> None:
    """Put the task in the index as it is now (or take it out when it or its workspace is gone)."""
    scope = search_scope(workspace)
    if scope is None or task.deleted_at is not None:
        search.remove(KIND, task.id)
        return
    visibility, scope_id = scope
    city = next((c.city for c in workspace.cities if c.city_id == task.city_id), None)
    body = "\n\n".join([task.description, workspace.title, city.name if city else ""])
    search.index(
        search.Entry(
            kind=KIND,
            object_id=task.id,
            title=task.title,
            text=body,
            url=task_path(task),
            visibility=visibility,
            scope_id=scope_id,
            city_id=task.city_id,
            country_code=city.country_code if city else None,
            status=task.status,
        )
    )


def remove_task(task: Task) -> None:
    """Take a task out of the index."""
    search.remove(KIND, task.id)


def reindex_workspace_tasks(workspace: Workspace) -> int:
    """Index every live task of the workspace again (its visibility changed, or it was deleted:
    then they are all removed). Part of the caller's transaction; returns how many it handled."""
    tasks = list(
        db.session.scalars(
            select(Task)
            .where(Task.workspace_id == workspace.id)
            .execution_options(include_deleted=True)
        )
    )
    for task in tasks:
        reindex_task(task, workspace)
    return len(tasks)


def reindex_all_tasks() -> int:
    """Index every task of every workspace again (``flask search reindex``)."""
    count = 0
    workspaces = db.session.scalars(
        select(Workspace).order_by(Workspace.id).execution_options(include_deleted=True)
    )
    for workspace in workspaces:
        count += reindex_workspace_tasks(workspace)
    return count
