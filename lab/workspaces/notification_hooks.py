"""Workspaces as targets of follows and notifications (see lab/notifications/targets.py).

Imported by lab/workspaces/views.py. A notification about a workspace is re-checked whenever it
is shown: someone removed from a members-only workspace no longer sees it (not even its title).
Coordinators are not given members-only workspaces here either: they open them on purpose.
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import select

from lab.extensions import db
from lab.notifications.targets import register_follow_page, register_target
from lab.workspaces.models import Workspace
from lab.workspaces.permissions import visible_workspaces


def _visible_ids(user: Any, workspace_ids: list[int]) -> set[int]:
    """The live workspaces among these that the user may see in lists (one query)."""
    return set(
        db.session.scalars(
            select(Workspace.id).where(Workspace.id.in_(workspace_ids), visible_workspaces(user))
        )
    )


def _can_view(user: Any, workspace_id: int) -> bool:
    return bool(_visible_ids(user, [workspace_id]))


def _describe(workspace_ids: list[int]) -> dict[int, tuple[str, str]]:
    """(title, address) of each live workspace, in one query."""
    rows = db.session.execute(
        select(Workspace.id, Workspace.title).where(Workspace.id.in_(workspace_ids))
    )
    return {row.id: (row.title, url_for("workspaces.show", workspace_id=row.id)) for row in rows}


register_target("workspace", _can_view, _describe, visible_ids=_visible_ids)
register_follow_page("workspaces.show", "workspace", "workspace_id")
