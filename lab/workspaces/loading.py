"""Loading a workspace for a request: 404 unless the user may see it, and the coordinator's
opening of a members-only workspace written to the moderation log.

Every workspace view starts here, so the visibility rule and the logging live in one place.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, after_this_request, g

from lab.extensions import db
from lab.moderation import services as moderation
from lab.workspaces.models import Workspace
from lab.workspaces.permissions import can_view_workspace, is_staff_reading


def load_workspace(workspace_id: int, user: Any) -> Workspace:
    """The workspace, or 404 when it is missing, deleted, or members-only and not for this user.

    A coordinator opening a members-only workspace they are not a member of is logged once per
    request. The log line is written in its own small transaction once the response is ready
    (whatever it is: a page, a 403 for a change, an error), so committing it does not expire the
    objects the page is being built from.
    """
    workspace = db.session.get(Workspace, workspace_id)
    if workspace is None or not can_view_workspace(user, workspace):
        abort(404)
    note_staff_access(user, workspace)
    return workspace


def note_staff_access(user: Any, workspace: Workspace) -> None:
    """Log, once per request and once the response is ready, that a coordinator who is not a
    member opened a members-only workspace (nothing for anyone else)."""
    if not is_staff_reading(user, workspace):
        return
    logged: set[int] = g.setdefault("workspace_access_logged", set())
    if workspace.id in logged:
        return
    logged.add(workspace.id)
    actor = getattr(user, "_get_current_object", lambda: user)()
    target_id = workspace.id

    @after_this_request
    def _log_access(response: Response) -> Response:
        moderation.log_staff_access(actor, "workspace", target_id)
        return response


def load_child(model: type[Any], object_id: int, workspace: Workspace) -> Any:
    """A task, milestone or document of this workspace, or 404 (never one of another workspace)."""
    item = db.session.get(model, object_id)
    if item is None or item.workspace_id != workspace.id:
        abort(404)
    return item
