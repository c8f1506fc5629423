"""Task and milestone use cases: create, edit, move, delete tasks; create and edit milestones.

Each commits once, writes its activity line in the same transaction, and keeps the search index
and the milestones' "reached" mark in step.

Order on the board: a task's ``position`` is its place in its status column, and every column of
a workspace holds 0..n-1 without gaps or duplicates. Every change that touches positions (create,
move, a status change in an edit, delete) first locks the workspace row (PostgreSQL: ``SELECT ...
FOR UPDATE``; SQLite: a writing request already holds the database's write lock from BEGIN
IMMEDIATE), then reads the columns afresh and renumbers them: two members moving the same task at
once are served one after the other, and the second one's stale version is refused.

Renumbering the neighbours of a moved task does not change their version: their content did not
change, and a member who opened another card may still move it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from flask_babel import gettext as _
from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.orm import attributes
from sqlalchemy.orm.exc import StaleDataError

from lab.core.database import transaction
from lab.core.errors import ConflictError, DomainError, PermissionDeniedError
from lab.core.markdown import render_markdown
from lab.core.types import utcnow
from lab.extensions import db
from lab.workspaces import activity, permissions, task_search
from lab.workspaces.models import Milestone, Task, Workspace
from lab.workspaces.vocabulary import TASK_STATUSES

TITLE_MAX = 200
DESCRIPTION_MAX = 20_000
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class TaskInput:
    """What a member sets on a task. ``due_on`` is the date as typed (YYYY-MM-DD) or a date."""

    title: str
    city_id: int | None
    description: str = ""
    assignee_id: int | None = None
    due_on: str | date | None = None
    status: str = "todo"
    milestone_id: int | None = None


@dataclass
class MilestoneInput:
    """What a member sets on a milestone."""

    title: str
    due_on: str | date | None
    description: str = ""


def parse_date(
    value: str | date | None, field: str = "due_on", required: bool = False
) -> date | None:
    """A calendar day from the form's text (YYYY-MM-DD, what a date input sends), or a clear
    DomainError: "tomorrow", "31/12/2026" and 2024-02-30 are refused, not guessed."""
    if isinstance(value, date):
        return value
    text = (value or "").strip()
    if not text:
        if required:
            raise DomainError(_("Give a date."), field)
        return None
    if not _ISO_DATE.match(text):
        raise DomainError(
            _("Give the date as year-month-day, for example 2026-05-31 (not “%(text)s”).",
              text=text[:40]),
            field,
        )  # fmt: skip
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DomainError(
            _("There is no such day as %(text)s: check the month and the day.", text=text), field
        ) from None


def _allowed(actor: Any, workspace: Workspace) -> None:
    if not permissions.can_contribute(actor, workspace):
        raise PermissionDeniedError(_("Only members of this workspace can change its tasks."))


def _clean_task(workspace: Workspace, data: TaskInput) -> tuple[TaskInput, date | None]:
    """Validate a task's input against the workspace, raising DomainError on the first problem."""
    data.title = " ".join((data.title or "").split())
    if not data.title or len(data.title) > TITLE_MAX:
        raise DomainError(_("Give a title of at most %(n)d characters.", n=TITLE_MAX), "title")
    data.description = (data.description or "").replace("\r\n", "\n")
    if len(data.description) > DESCRIPTION_MAX:
        raise DomainError(
            _("The description is limited to %(n)d characters.", n=DESCRIPTION_MAX), "description"
        )
    if data.city_id not in {c.city_id for c in workspace.cities}:
        raise DomainError(
            _("Choose the city that owns the task among the workspace's member cities."), "city_id"
        )
    if data.assignee_id is not None and data.assignee_id not in {
        m.user_id for m in workspace.members
    }:
        raise DomainError(
            _("A task can only be assigned to a member of this workspace."), "assignee_id"
        )
    if data.status not in TASK_STATUSES:
        raise DomainError(_("Choose a status from the list."), "status")
    if data.milestone_id is not None:
        milestone = db.session.get(Milestone, data.milestone_id)
        if milestone is None or milestone.workspace_id != workspace.id:
            raise DomainError(_("Choose a milestone of this workspace."), "milestone_id")
    return data, parse_date(data.due_on)


def lock_workspace(workspace: Workspace) -> None:
    """Serialise the changes of a workspace's board (a no-op on SQLite, which is locked already).

    ``FOR NO KEY UPDATE``: board changes wait for each other, while rows that merely reference the
    workspace (feed lines, documents: foreign-key checks take ``KEY SHARE``) are not held up."""
    db.session.execute(
        select(Workspace.id).where(Workspace.id == workspace.id).with_for_update(key_share=True)
    ).all()


def _column(workspace_id: int, status: str) -> list[Task]:
    """A status column as it is now in the database, in order."""
    return list(
        db.session.scalars(
            select(Task)
            .where(Task.workspace_id == workspace_id, Task.status == status)
            .order_by(Task.position, Task.id)
            .execution_options(populate_existing=True)
        )
    )


def _renumber(tasks: list[Task], skip: Task | None = None) -> None:
    """Give the tasks of a column the positions 0..n-1 in list order, without touching versions.

    ``skip`` is the task the ORM saves itself (its own version goes up)."""
    changes = []
    for position, task in enumerate(tasks):
        if task is skip:
            task.position = position
            continue
        if task.position != position:
            changes.append({"task_id": task.id, "new_position": position})
            attributes.set_committed_value(task, "position", position)
    if changes:
        table = cast(Table, Task.__table__)
        db.session.execute(
            update(table)
            .where(table.c.id == bindparam("task_id"))
            .values(position=bindparam("new_position")),
            changes,
        )


def _fresh(task: Task) -> Task:
    """The task as saved now (after the lock), not as the request first read it."""
    fresh = db.session.scalars(
        select(Task).where(Task.id == task.id).execution_options(populate_existing=True)
    ).one_or_none()
    if fresh is None:
        raise ConflictError(_("Someone deleted this task meanwhile."))
    return fresh


def _check_version(task: Task, version: int) -> None:
    if version != task.version:
        raise ConflictError(_("Someone else changed this task meanwhile: it was not changed."))


def _update_milestones(workspace: Workspace, actor: Any, milestone_ids: set[int | None]) -> None:
    """Mark a milestone reached when its last task is done; clear the mark when one is reopened.

    The mark is written without changing the milestone's version (its content did not change)."""
    ids = {i for i in milestone_ids if i is not None}
    if not ids:
        return
    db.session.flush()
    counts = {
        row[0]: (row[1], row[2])
        for row in db.session.execute(
            select(
                Task.milestone_id,
                func.count(Task.id),
                func.count(Task.id).filter(Task.status == "done"),
            )
            .where(Task.milestone_id.in_(ids), Task.deleted_at.is_(None))
            .group_by(Task.milestone_id)
        )
    }
    table = cast(Table, Milestone.__table__)
    for milestone in db.session.scalars(select(Milestone).where(Milestone.id.in_(ids))):
        total, done = counts.get(milestone.id, (0, 0))
        reached = total > 0 and done == total
        if reached and milestone.reached_at is None:
            now = utcnow()
            db.session.execute(
                update(table).where(table.c.id == milestone.id).values(reached_at=now)
            )
            attributes.set_committed_value(milestone, "reached_at", now)
            activity.record(workspace, actor, "milestone_reached", milestone, title=milestone.title)
        elif not reached and milestone.reached_at is not None:
            db.session.execute(
                update(table).where(table.c.id == milestone.id).values(reached_at=None)
            )
            attributes.set_committed_value(milestone, "reached_at", None)


def _set_status(task: Task, status: str) -> None:
    if status == "done" and task.status != "done":
        task.completed_at = utcnow()
    elif status != "done":
        task.completed_at = None
    task.status = status


def create_task(actor: Any, workspace: Workspace, data: TaskInput) -> Task:
    """Add a task at the end of its status column."""
    _allowed(actor, workspace)
    data, due_on = _clean_task(workspace, data)
    with transaction():
        lock_workspace(workspace)
        column = _column(workspace.id, data.status)
        task = Task(
            workspace_id=workspace.id,
            title=data.title,
            description=data.description,
            description_html=render_markdown(data.description),
            assignee_id=data.assignee_id,
            city_id=data.city_id,
            due_on=due_on,
            milestone_id=data.milestone_id,
            created_by_id=actor.id,
        )
        _set_status(task, data.status)
        task.position = len(column)
        db.session.add(task)
        db.session.flush()
        activity.record(workspace, actor, "task_created", task, title=task.title,
                        status=task.status)  # fmt: skip
        if task.assignee_id is not None:
            activity.record(workspace, actor, "task_assigned", task, title=task.title,
                            assignee_id=task.assignee_id, assignee=_name(workspace, task.assignee_id))  # fmt: skip
        _update_milestones(workspace, actor, {task.milestone_id})
        task_search.reindex_task(task, workspace)
    return task


def _name(workspace: Workspace, user_id: int | None) -> str:
    member = next((m for m in workspace.members if m.user_id == user_id), None)
    return member.user.display_name if member else ""


def update_task(
    actor: Any, workspace: Workspace, task: Task, data: TaskInput, version: int
) -> Task:
    """Save an edit made from ``version``; if someone changed the task since, ConflictError."""
    _allowed(actor, workspace)
    data, due_on = _clean_task(workspace, data)
    if version != task.version:
        raise ConflictError(_("Someone else saved this task while you were editing it."))
    try:
        with transaction():
            lock_workspace(workspace)
            task = _fresh(task)
            if version != task.version:
                raise ConflictError(_("Someone else saved this task while you were editing it."))
            old_status, old_assignee, old_milestone = (
                task.status,
                task.assignee_id,
                task.milestone_id,
            )
            task.title = data.title
            if task.description != data.description or not task.description_html:
                task.description = data.description
                task.description_html = render_markdown(data.description)
            task.city_id = data.city_id  # type: ignore[assignment]
            task.due_on = due_on
            task.assignee_id = data.assignee_id
            task.milestone_id = data.milestone_id
            if data.status != old_status:
                source = [t for t in _column(workspace.id, old_status) if t.id != task.id]
                target = [t for t in _column(workspace.id, data.status) if t.id != task.id]
                _set_status(task, data.status)
                target.append(task)
                _renumber(source)
                _renumber(target, skip=task)
            activity.record(workspace, actor, "task_edited", task, title=task.title)
            if data.status != old_status:
                activity.record(workspace, actor, "task_moved", task, title=task.title,
                                from_status=old_status, to_status=data.status)  # fmt: skip
            if data.assignee_id != old_assignee:
                activity.record(workspace, actor, "task_assigned", task, title=task.title,
                                assignee_id=data.assignee_id, assignee=_name(workspace, data.assignee_id))  # fmt: skip
            _update_milestones(workspace, actor, {old_milestone, task.milestone_id})
            task_search.reindex_task(task, workspace)
    except StaleDataError:
        raise ConflictError(_("Someone else saved this task while you were editing it.")) from None
    return task


def move_task(
    actor: Any, workspace: Workspace, task: Task, status: str, position: int | None, version: int
) -> Task:
    """Put a task at ``position`` (0-based; None or too large: the end) of the ``status`` column.

    The columns it leaves and enters are renumbered 0..n-1. A stale ``version`` is refused."""
    _allowed(actor, workspace)
    if status not in TASK_STATUSES:
        raise DomainError(_("Choose a column from the list."), "status")
    if position is not None and position < 0:
        raise DomainError(_("Give a position of 1 or more."), "position")
    _check_version(task, version)
    try:
        with transaction():
            lock_workspace(workspace)
            task = _fresh(task)
            _check_version(task, version)
            old_status, old_position = task.status, task.position
            source = [t for t in _column(workspace.id, old_status) if t.id != task.id]
            target = source if status == old_status else [
                t for t in _column(workspace.id, status) if t.id != task.id
            ]  # fmt: skip
            place = len(target) if position is None else min(position, len(target))
            target.insert(place, task)
            if status == old_status and place == old_position:
                _renumber(target)  # nothing moves (a column with a gap is mended all the same)
                return task
            _set_status(task, status)
            if target is not source:
                _renumber(source)
            _renumber(target, skip=task)
            activity.record(workspace, actor, "task_moved", task, title=task.title,
                            from_status=old_status, to_status=status,
                            from_position=old_position, to_position=place)  # fmt: skip
            if status != old_status:
                _update_milestones(workspace, actor, {task.milestone_id})
                task_search.reindex_task(task, workspace)
    except StaleDataError:
        raise ConflictError(
            _("Someone else changed this task meanwhile: it was not changed.")
        ) from None
    return task


def delete_task(actor: Any, workspace: Workspace, task: Task, version: int | None = None) -> None:
    """Delete a task softly; its column closes the gap."""
    _allowed(actor, workspace)
    with transaction():
        lock_workspace(workspace)
        task = _fresh(task)
        if version is not None:
            _check_version(task, version)
        task.deleted_at = utcnow()
        db.session.flush()
        _renumber([t for t in _column(workspace.id, task.status) if t.id != task.id])
        activity.record(workspace, actor, "task_deleted", task, title=task.title)
        _update_milestones(workspace, actor, {task.milestone_id})
        task_search.remove_task(task)


# Milestones


def _clean_milestone(data: MilestoneInput) -> tuple[MilestoneInput, date]:
    data.title = " ".join((data.title or "").split())
    if not data.title or len(data.title) > TITLE_MAX:
        raise DomainError(_("Give a title of at most %(n)d characters.", n=TITLE_MAX), "title")
    data.description = (data.description or "").replace("\r\n", "\n")
    if len(data.description) > DESCRIPTION_MAX:
        raise DomainError(
            _("The description is limited to %(n)d characters.", n=DESCRIPTION_MAX), "description"
        )
    due_on = parse_date(data.due_on, required=True)
    assert due_on is not None
    return data, due_on


def create_milestone(actor: Any, workspace: Workspace, data: MilestoneInput) -> Milestone:
    """Add a dated milestone to the workspace's timeline."""
    _allowed(actor, workspace)
    data, due_on = _clean_milestone(data)
    with transaction():
        milestone = Milestone(
            workspace_id=workspace.id,
            title=data.title,
            description=data.description,
            due_on=due_on,
            created_by_id=actor.id,
        )
        db.session.add(milestone)
        db.session.flush()
        activity.record(workspace, actor, "milestone_created", milestone, title=milestone.title,
                        due_on=due_on.isoformat())  # fmt: skip
    return milestone


def update_milestone(
    actor: Any, workspace: Workspace, milestone: Milestone, data: MilestoneInput, version: int
) -> Milestone:
    """Save an edit made from ``version``; if someone saved since, ConflictError."""
    _allowed(actor, workspace)
    data, due_on = _clean_milestone(data)
    if version != milestone.version:
        raise ConflictError(_("Someone else saved this milestone while you were editing it."))
    try:
        with transaction():
            milestone.title = data.title
            milestone.description = data.description
            milestone.due_on = due_on
            db.session.flush()
            activity.record(workspace, actor, "milestone_edited", milestone, title=milestone.title,
                            due_on=due_on.isoformat())  # fmt: skip
    except StaleDataError:
        raise ConflictError(
            _("Someone else saved this milestone while you were editing it.")
        ) from None
    return milestone
