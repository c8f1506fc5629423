"""Workspaces own threads: registered with the discussion feature (imported by
``lab/workspaces/views.py``, so it runs when the app is made).

A workspace's thread is exactly as visible as the workspace: the discussion blueprint's own
comment, reply, permalink and edit addresses answer 404 to whoever may not see a members-only
workspace. Its members comment; everyone else who can see it reads.
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request, url_for
from sqlalchemy import select

from lab.discussion import owners
from lab.extensions import db
from lab.workspaces import permissions
from lab.workspaces.loading import note_staff_access
from lab.workspaces.models import Workspace


def _workspace(workspace_id: int) -> Workspace | None:
    return db.session.get(Workspace, workspace_id, execution_options={"include_deleted": True})


def _can_view(user: Any, workspace_id: int) -> bool:
    workspace = _workspace(workspace_id)
    if workspace is None or not permissions.can_view_workspace(user, workspace):
        return False
    # The discussion blueprint's own addresses (a permalink, an edit form) open the thread
    # without a workspace URL: a coordinator's reading is logged there too.
    if has_request_context() and (request.endpoint or "").startswith("discussion."):
        note_staff_access(user, workspace)
    return True


def _can_comment(user: Any, workspace_id: int) -> bool:
    workspace = _workspace(workspace_id)
    return workspace is not None and permissions.can_contribute(user, workspace)


def discussion_path(workspace_id: int) -> str:
    """The address of a workspace's thread."""
    try:
        return url_for("workspaces.discussion", workspace_id=workspace_id)
    except RuntimeError:
        return f"/workspaces/{workspace_id}/discussion"


def _describe(ids: list[int]) -> dict[int, tuple[str, str]]:
    rows = db.session.execute(
        select(Workspace.id, Workspace.title)
        .where(Workspace.id.in_(ids))
        .execution_options(include_deleted=True)
    )
    return {row.id: (row.title, discussion_path(row.id)) for row in rows}


def _search_scope(workspace_id: int) -> owners.SearchScope:
    workspace = _workspace(workspace_id)
    if workspace is None:
        return None
    return permissions.search_scope(workspace)


owners.register_owner(
    "workspace",
    can_view=_can_view,
    can_comment=_can_comment,
    describe=_describe,
    search_scope=_search_scope,
)
