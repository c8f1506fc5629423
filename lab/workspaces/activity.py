"""The activity feed: every change in a workspace is written down with who and when, in the
same transaction as the change (a service calls :func:`record` inside its ``transaction()``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from lab.extensions import db
from lab.workspaces.models import Activity, Workspace
from lab.workspaces.vocabulary import VERBS


def record(
    workspace: Workspace,
    actor: Any,
    verb: str,
    subject: Any = None,
    **data: Any,
) -> Activity:
    """Add a line to the feed (flushed with the caller's change, committed with it).

    ``subject`` is the task, document, milestone or user the line is about; ``data`` keeps what the
    sentence needs even after the subject changes (its title then, statuses before and after).
    """
    assert verb in VERBS, f"unknown activity verb {verb!r}"
    subject_kind = None
    subject_id = None
    if subject is not None:
        subject_kind = _kind(subject)
        subject_id = subject.id
    actor_id = getattr(actor, "id", None) if getattr(actor, "is_authenticated", False) else None
    line = Activity(
        workspace_id=workspace.id,
        actor_id=actor_id,
        verb=verb,
        subject_kind=subject_kind,
        subject_id=subject_id,
        data=data,
    )
    db.session.add(line)
    return line


def _kind(subject: Any) -> str:
    table = str(subject.__tablename__)
    return table.removeprefix("workspace_") if table != "user_account" else "user"


def recent(
    workspace: Workspace,
    limit: int = 50,
    before_id: int | None = None,
    visible: Any = None,
) -> list[Activity]:
    """The newest lines first (one query, actors joined); ``visible`` is the viewer's condition
    on lines (``lab.workspaces.queries.visible_activity``: a line about a draft practice only for
    who may see the draft)."""
    query = select(Activity).where(Activity.workspace_id == workspace.id)
    if visible is not None:
        query = query.where(visible)
    if before_id is not None:
        query = query.where(Activity.id < before_id)
    return list(db.session.scalars(query.order_by(Activity.id.desc()).limit(limit)))
