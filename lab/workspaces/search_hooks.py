"""Workspaces in the site search: the "workspace" kind, its reindexer, and the workspaces a user
belongs to (so that members find members-only documents).

A public workspace and everything in it (tasks, thread comments) is found by everyone; a
members-only one by its members alone (``visibility="members"``, ``scope_id`` = its id). When the
visibility changes, :func:`rescope_contents` moves its tasks and thread comments along.
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lab.discussion import services as discussion
from lab.discussion.models import Comment, Thread
from lab.extensions import db
from lab.search import kinds, viewer
from lab.search import services as search
from lab.workspaces.models import Workspace, WorkspaceMember
from lab.workspaces.permissions import search_scope
from lab.workspaces.task_search import reindex_workspace_tasks


def _path(workspace: Workspace) -> str:
    try:
        return url_for("workspaces.show", workspace_id=workspace.id)
    except RuntimeError:
        return f"/workspaces/{workspace.id}"


def index_workspace(workspace: Workspace) -> None:
    """Put the workspace in the index as it is now (or take it out once deleted)."""
    scope = search_scope(workspace)
    if scope is None:
        search.remove("workspace", workspace.id)
        return
    visibility, scope_id = scope
    search.index(
        search.Entry(
            kind="workspace",
            object_id=workspace.id,
            title=workspace.title,
            text=workspace.purpose,
            url=_path(workspace),
            visibility=visibility,
            scope_id=scope_id,
            city_id=None,
            status=workspace.status,
        )
    )


def rescope_contents(workspace: Workspace) -> None:
    """Give the workspace's tasks and thread comments its visibility in the index."""
    reindex_workspace_tasks(workspace)
    thread = discussion.find_thread("workspace", workspace.id)
    if thread is not None:
        discussion.reindex_thread(thread)


def thread_comment_ids(workspace: Workspace) -> Any:
    """A subquery: the ids of the comments in the workspace's thread."""
    return (
        select(Comment.id)
        .join(Thread, Thread.id == Comment.thread_id)
        .where(Thread.owner_kind == "workspace", Thread.owner_id == workspace.id)
    )


def reindex_all(batch: int = 500) -> int:
    """Index every live workspace again (``flask search reindex``); returns how many."""
    count, last_id = 0, 0
    while True:
        chunk = list(
            db.session.scalars(
                select(Workspace).where(Workspace.id > last_id).order_by(Workspace.id).limit(batch)
            )
        )
        if not chunk:
            return count
        for workspace in chunk:
            index_workspace(workspace)
        count += len(chunk)
        last_id = chunk[-1].id
        db.session.flush()
        db.session.expunge_all()


def member_workspace_ids(user: Any) -> frozenset[int]:
    """The workspaces the user belongs to (one query)."""
    return frozenset(
        db.session.scalars(
            select(WorkspaceMember.workspace_id).where(WorkspaceMember.user_id == user.id)
        )
    )


kinds.register("workspace", _l("Workspaces"), order=30, one=_l("Workspace"))
kinds.register_reindexer("workspace", reindex_all)
if member_workspace_ids not in viewer.workspace_sources:
    viewer.workspace_sources.append(member_workspace_ids)
