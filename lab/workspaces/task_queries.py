"""Reading tasks and milestones for the pages: a constant number of queries whatever their count.

"Overdue" means: not done, and due before today in the owning city's time zone. In SQL it is one
condition per time zone (the dates of "today" differ by at most a day around the world), so lists,
counts and the rollup filter and count overdue tasks in the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select
from sqlalchemy.orm import joinedload, load_only

from lab.auth.models import User
from lab.cities.models import City
from lab.core.types import utcnow
from lab.extensions import db
from lab.workspaces.models import Milestone, Task, Workspace, WorkspaceMember
from lab.workspaces.vocabulary import TASK_STATUSES

PER_PAGE = 50
MY_TASKS_LIMIT = 500


def today_in(zone: str, now: datetime | None = None) -> date:
    """Today's date in a time zone."""
    return (now or utcnow()).astimezone(ZoneInfo(zone)).date()


def is_overdue(task: Task, now: datetime | None = None) -> bool:
    """Not done, and due before today in its owning city's zone (its city is loaded with it)."""
    if task.status == "done" or task.due_on is None:
        return False
    return task.due_on < today_in(task.city.time_zone, now)


def overdue_condition(cities: Iterable[City], now: datetime | None = None) -> ColumnElement[bool]:
    """SQL: the task is overdue, for tasks owned by these cities."""
    by_zone: dict[date, list[int]] = {}
    for city in cities:
        by_zone.setdefault(today_in(city.time_zone, now), []).append(city.id)
    if not by_zone:
        return false()
    return and_(
        Task.status != "done",
        Task.due_on.is_not(None),
        or_(*(and_(Task.city_id.in_(ids), Task.due_on < day) for day, ids in by_zone.items())),
    )


def _member_cities(workspace: Workspace) -> list[City]:
    return [c.city for c in workspace.cities]


def board(workspace: Workspace) -> dict[str, list[Task]]:
    """The columns of the board, each in order (one query: assignee and city joined).

    Only what a card shows (and a move needs: the version) is loaded, for boards of hundreds of
    tasks; another attribute read later is loaded on first use, as with any deferred column."""
    columns: dict[str, list[Task]] = {status: [] for status in TASK_STATUSES}
    tasks = db.session.scalars(
        select(Task)
        .where(Task.workspace_id == workspace.id)
        .options(
            load_only(
                Task.workspace_id,
                Task.title,
                Task.city_id,
                Task.assignee_id,
                Task.due_on,
                Task.status,
                Task.position,
                Task.version,
            ),
            joinedload(Task.city).load_only(City.name, City.time_zone),
            # The assignee's name only: not their city, which a user otherwise brings along.
            joinedload(Task.assignee).load_only(User.display_name).lazyload(User.city),
        )
        .order_by(Task.status, Task.position, Task.id)
    )
    for task in tasks:
        columns.setdefault(task.status, []).append(task)
    return columns


@dataclass
class TaskFilters:
    """The list's filters, from the query string (invalid values are ignored, and said so)."""

    city_id: int | None = None
    assignee_id: int | None = None  # 0: nobody
    status: str | None = None
    due: str | None = None  # "overdue", "none", "before"
    due_before: date | None = None
    sort: str = "due"  # "due" or "board"
    problems: list[str] = field(default_factory=list)


def task_list_query(workspace: Workspace, filters: TaskFilters) -> Select[Any]:
    """The tasks of the list page, filtered and sorted (paginated by the caller)."""
    query = select(Task).where(Task.workspace_id == workspace.id)
    if filters.city_id is not None:
        query = query.where(Task.city_id == filters.city_id)
    if filters.assignee_id == 0:
        query = query.where(Task.assignee_id.is_(None))
    elif filters.assignee_id is not None:
        query = query.where(Task.assignee_id == filters.assignee_id)
    if filters.status is not None:
        query = query.where(Task.status == filters.status)
    if filters.due == "overdue":
        query = query.where(overdue_condition(_member_cities(workspace)))
    elif filters.due == "none":
        query = query.where(Task.due_on.is_(None))
    elif filters.due == "before" and filters.due_before is not None:
        query = query.where(Task.due_on < filters.due_before)
    if filters.sort == "board":
        return query.order_by(Task.status, Task.position, Task.id)
    # Due date first (tasks without one last), then the board's order.
    return query.order_by(Task.due_on.is_(None), Task.due_on, Task.position, Task.id)


def my_tasks(user: Any) -> list[tuple[Task, Workspace]]:
    """The user's open tasks in the workspaces they are still a member of, by due date (overdue
    ones first since they are due earliest; tasks without a date last). One query."""
    member = select(WorkspaceMember.workspace_id).where(WorkspaceMember.user_id == user.id)
    query = (
        select(Task, Workspace)
        .join(Workspace, Workspace.id == Task.workspace_id)
        .where(
            Task.assignee_id == user.id,
            Task.status != "done",
            Task.workspace_id.in_(member),
            Workspace.deleted_at.is_(None),
        )
        .order_by(Task.due_on.is_(None), Task.due_on, Workspace.title, Task.id)
        .limit(MY_TASKS_LIMIT)
    )
    return [(row[0], row[1]) for row in db.session.execute(query)]


@dataclass
class CityCommitments:
    """One row of the rollup."""

    city: City
    open: int = 0
    done: int = 0
    overdue: int = 0


def rollup(workspace: Workspace, now: datetime | None = None) -> list[CityCommitments]:
    """Open, done and overdue task counts for each member city (one GROUP BY query)."""
    cities = _member_cities(workspace)
    overdue = overdue_condition(cities, now)
    rows = db.session.execute(
        select(
            Task.city_id,
            func.count(Task.id).filter(Task.status != "done"),
            func.count(Task.id).filter(Task.status == "done"),
            func.count(Task.id).filter(overdue),
        )
        .where(Task.workspace_id == workspace.id)
        .group_by(Task.city_id)
    )
    counts = {row[0]: (row[1], row[2], row[3]) for row in rows}
    result = []
    for city in sorted(cities, key=lambda c: c.name):
        open_, done, late = counts.get(city.id, (0, 0, 0))
        result.append(CityCommitments(city, open_, done, late))
    return result


@dataclass
class MilestoneProgress:
    """A milestone with its tasks and how far they are done."""

    milestone: Milestone
    tasks: list[Task]

    @property
    def total(self) -> int:
        return len(self.tasks)

    @property
    def done(self) -> int:
        return sum(1 for t in self.tasks if t.status == "done")

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def milestones(workspace: Workspace) -> list[MilestoneProgress]:
    """The timeline: milestones by date, each with its tasks (two queries)."""
    found = list(
        db.session.scalars(
            select(Milestone)
            .where(Milestone.workspace_id == workspace.id)
            .order_by(Milestone.due_on, Milestone.id)
        )
    )
    by_milestone: dict[int, list[Task]] = {m.id: [] for m in found}
    if found:
        tasks = db.session.scalars(
            select(Task)
            .where(Task.workspace_id == workspace.id, Task.milestone_id.is_not(None))
            .order_by(Task.status, Task.position, Task.id)
        )
        for task in tasks:
            if task.milestone_id in by_milestone:
                by_milestone[task.milestone_id].append(task)
    return [MilestoneProgress(m, by_milestone[m.id]) for m in found]


def milestone_choices(workspace: Workspace) -> list[tuple[int, str]]:
    """The workspace's milestones for the task form's select."""
    return [
        (m.id, f"{m.title} ({m.due_on.isoformat()})")
        for m in db.session.scalars(
            select(Milestone)
            .where(Milestone.workspace_id == workspace.id)
            .order_by(Milestone.due_on, Milestone.id)
        )
    ]
