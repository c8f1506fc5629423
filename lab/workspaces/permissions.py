"""Who may see and change a workspace. Visibility is one rule, written twice: for one workspace
(:func:`can_view_workspace`) and as a query condition (:func:`visible_workspaces`).

- A public workspace is read by anyone; a members-only one exists only for its members (everyone
  else gets the same 404 as for a missing one: no title, tasks, files, comments, activity or hits).
- Coordinators may open a members-only workspace to moderate it; each opening is logged
  (``lab.moderation.services.log_staff_access``) by :func:`lab.workspaces.loading.load_workspace`.
- Members (who can write) add and move tasks, milestones and documents; leads also manage members,
  cities, linked practices, the workspace's details and status. A workspace keeps one lead.
- An archived workspace is read-only for everyone.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, exists, or_, select, true

from lab.auth.models import COORDINATOR, DELEGATE
from lab.auth.permissions import can_write, is_signed_in
from lab.workspaces.models import Workspace, WorkspaceMember


def _user_id(user: Any) -> int | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return int(user.id)


def membership(user: Any, workspace: Workspace) -> WorkspaceMember | None:
    """The user's membership (from the eagerly loaded members), or None."""
    user_id = _user_id(user)
    if user_id is None:
        return None
    return next((m for m in workspace.members if m.user_id == user_id), None)


def is_member(user: Any, workspace: Workspace) -> bool:
    """A lead or a member."""
    return membership(user, workspace) is not None


def is_lead(user: Any, workspace: Workspace) -> bool:
    """A lead of the workspace."""
    member = membership(user, workspace)
    return member is not None and member.is_lead


def is_moderator(user: Any) -> bool:
    """Coordinators moderate: they may open members-only workspaces (logged)."""
    return is_signed_in(user) and user.role == COORDINATOR


def can_view_workspace(user: Any, workspace: Workspace) -> bool:
    """Public ones for all; members-only ones for members and (logged) coordinators."""
    if workspace.deleted_at is not None:
        return False
    if workspace.visibility == "public":
        return True
    return is_member(user, workspace) or is_moderator(user)


def is_staff_reading(user: Any, workspace: Workspace) -> bool:
    """A coordinator reading a members-only workspace they do not belong to: to be logged."""
    return workspace.is_members_only and is_moderator(user) and not is_member(user, workspace)


def visible_workspaces(user: Any) -> ColumnElement[bool]:
    """The rule of :func:`can_view_workspace` for lists and counts (live rows).

    Coordinators are not given members-only workspaces in lists: they open them on purpose, one at
    a time, and that is logged.
    """
    public = Workspace.visibility == "public"
    user_id = _user_id(user)
    if user_id is None:
        return public
    member = exists(
        select(WorkspaceMember.id).where(
            WorkspaceMember.workspace_id == Workspace.id, WorkspaceMember.user_id == user_id
        )
    )
    return or_(public, member)


def can_create_workspace(user: Any) -> bool:
    """Delegates and coordinators start workspaces."""
    return can_write(user) and user.role in (DELEGATE, COORDINATOR)


def is_open(workspace: Workspace) -> bool:
    """Whether anything may still change inside it (not archived, not deleted)."""
    return workspace.status != "archived" and workspace.deleted_at is None


def can_contribute(user: Any, workspace: Workspace) -> bool:
    """Members add and change tasks, milestones and documents, and comment."""
    return can_write(user) and is_open(workspace) and is_member(user, workspace)


def can_manage(user: Any, workspace: Workspace) -> bool:
    """Leads manage members, cities, linked practices and the workspace's details."""
    return can_write(user) and is_open(workspace) and is_lead(user, workspace)


def can_change_status(user: Any, workspace: Workspace) -> bool:
    """Leads move the status on, archive, and take out of the archive."""
    return can_write(user) and workspace.deleted_at is None and is_lead(user, workspace)


def can_ask_to_join(user: Any, workspace: Workspace) -> bool:
    """Signed-in people who can write may ask to join a public, open workspace."""
    return (
        can_write(user)
        and workspace.visibility == "public"
        and is_open(workspace)
        and not is_member(user, workspace)
    )


def any_workspace() -> ColumnElement[bool]:
    """A condition that holds for every row (staff listings)."""
    return true()


def search_scope(workspace: Workspace) -> tuple[str, int | None] | None:
    """How the workspace and everything in it (tasks, thread) are indexed for search:
    ("public", None) for a public one, ("members", workspace id) for a members-only one (found
    only by its members, see lab.search.viewer.workspace_sources), None for a deleted one."""
    if workspace.deleted_at is not None:
        return None
    if workspace.visibility == "public":
        return ("public", None)
    return ("members", workspace.id)
