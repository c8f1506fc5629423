"""Reading workspaces for pages: the list (constant queries), the overview, the members page and
the search inside one workspace. Nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import and_, exists, literal_column, or_, select

from lab.extensions import db
from lab.practices.models import Practice
from lab.practices.permissions import visible_practices
from lab.search import services as search
from lab.search.models import SearchDocument
from lab.search.text import query_words, snippet
from lab.search.viewer import viewer_for
from lab.workspaces.models import (
    Activity,
    JoinRequest,
    Task,
    Workspace,
    WorkspaceCity,
    WorkspaceMember,
    WorkspacePractice,
)
from lab.workspaces.permissions import visible_workspaces
from lab.workspaces.search_hooks import thread_comment_ids
from lab.workspaces.vocabulary import STATUSES

PER_PAGE = 20
MINE_LIMIT = 50
RECENT_ACTIVITY = 8


@dataclass
class ListFilters:
    """The list's filters from the address."""

    status: str = ""
    city_id: int | None = None
    page: int = 1

    @property
    def active(self) -> bool:
        """Whether any filter narrows the list."""
        return bool(self.status or self.city_id)


def _filtered(statement: Any, filters: ListFilters) -> Any:
    if filters.status in STATUSES:
        statement = statement.where(Workspace.status == filters.status)
    else:
        statement = statement.where(Workspace.status != "archived")
    if filters.city_id is not None:
        statement = statement.where(
            exists(
                select(WorkspaceCity.city_id).where(
                    WorkspaceCity.workspace_id == Workspace.id,
                    WorkspaceCity.city_id == filters.city_id,
                )
            )
        )
    return statement


def workspace_page(user: Any, filters: ListFilters, per_page: int = PER_PAGE) -> Pagination:
    """The workspaces the user may see in lists, newest first; cities and members come with them
    in one query each (selectin), whatever the number of workspaces."""
    statement = _filtered(select(Workspace).where(visible_workspaces(user)), filters).order_by(
        Workspace.created_at.desc(), Workspace.id.desc()
    )
    return db.paginate(statement, page=filters.page, per_page=per_page, error_out=False)


def my_workspaces(user: Any) -> list[Workspace]:
    """The workspaces the user is a member of (any visibility), not archived first."""
    if not getattr(user, "is_authenticated", False):
        return []
    member = exists(
        select(WorkspaceMember.id).where(
            WorkspaceMember.workspace_id == Workspace.id, WorkspaceMember.user_id == user.id
        )
    )
    return list(
        db.session.scalars(
            select(Workspace)
            .where(member)
            .order_by(Workspace.status == "archived", Workspace.created_at.desc(), Workspace.id)
            .limit(MINE_LIMIT)
        )
    )


def linked_practices(workspace: Workspace, user: Any) -> list[Practice]:
    """The practices linked to the workspace that the viewer may see (one query)."""
    return list(
        db.session.scalars(
            select(Practice)
            .join(WorkspacePractice, WorkspacePractice.practice_id == Practice.id)
            .where(WorkspacePractice.workspace_id == workspace.id, visible_practices(user))
            .order_by(WorkspacePractice.linked_at, Practice.id)
        )
    )


def linkable_practices(workspace: Workspace, user: Any, limit: int = 300) -> list[Any]:
    """(id, title) of practices the lead may see and that are not linked yet."""
    linked = select(WorkspacePractice.practice_id).where(
        WorkspacePractice.workspace_id == workspace.id
    )
    rows = db.session.execute(
        select(Practice.id, Practice.title)
        .where(visible_practices(user), Practice.id.not_in(linked))
        .order_by(Practice.title, Practice.id)
        .limit(limit)
    )
    return [(row.id, row.title) for row in rows]


def visible_activity(user: Any) -> Any:
    """A condition on feed lines: a line about a practice only for who may see that practice
    (a lead may link a draft of their city; other members must not learn its title)."""
    return or_(
        Activity.subject_kind.is_(None),
        Activity.subject_kind != "practice",
        Activity.subject_id.in_(select(Practice.id).where(visible_practices(user))),
    )


def recent_activity(
    workspace: Workspace, user: Any, limit: int = RECENT_ACTIVITY
) -> list[Activity]:
    """The newest lines of the feed the viewer may read (one query, actors joined)."""
    return list(
        db.session.scalars(
            select(Activity)
            .where(Activity.workspace_id == workspace.id, visible_activity(user))
            .order_by(Activity.id.desc())
            .limit(limit)
        )
    )


def pending_requests(workspace: Workspace) -> list[JoinRequest]:
    """Requests to join that wait for a lead, oldest first."""
    return list(
        db.session.scalars(
            select(JoinRequest)
            .where(JoinRequest.workspace_id == workspace.id, JoinRequest.state == "pending")
            .order_by(JoinRequest.created_at, JoinRequest.id)
        )
    )


def open_task_counts(workspace: Workspace) -> dict[int, int]:
    """Open tasks per member city (a city with open tasks cannot leave)."""
    from sqlalchemy import func

    rows = db.session.execute(
        select(Task.city_id, func.count())
        .where(Task.workspace_id == workspace.id, Task.status != "done")
        .group_by(Task.city_id)
    )
    return {row[0]: int(row[1]) for row in rows}


@dataclass(frozen=True)
class WorkspaceHit:
    """A result of the search inside a workspace."""

    kind: str
    object_id: int
    title: str
    url: str
    snippet: Any


def search_workspace(workspace: Workspace, user: Any, query: str, limit: int = 50) -> list[Any]:
    """The workspace itself, its tasks and its thread's comments matching ``query``.

    The caller has checked that the user may see the workspace; so its members-only documents
    are searched for this viewer too (a coordinator opening it to moderate finds them as well).
    """
    base = viewer_for(user)
    scoped = search.Viewer(
        is_staff=base.is_staff,
        city_id=base.city_id,
        workspace_ids=base.workspace_ids | {workspace.id},
    )
    ranked = search.matching(query, scoped, ("workspace", "task", "comment"))
    if ranked is None:
        return []
    tasks = select(Task.id).where(Task.workspace_id == workspace.id)
    inside = or_(
        and_(SearchDocument.kind == "workspace", SearchDocument.object_id == workspace.id),
        and_(SearchDocument.kind == "task", SearchDocument.object_id.in_(tasks)),
        and_(
            SearchDocument.kind == "comment",
            SearchDocument.object_id.in_(thread_comment_ids(workspace)),
        ),
    )
    rows = db.session.execute(
        ranked.where(inside)
        .add_columns(SearchDocument.title, SearchDocument.text, SearchDocument.url)
        .order_by(literal_column("score").desc(), SearchDocument.id.desc())
        .limit(limit)
    ).all()
    words = query_words(query)
    return [
        WorkspaceHit(row.kind, row.object_id, row.title, row.url, snippet(row.text, words))
        for row in rows
    ]
