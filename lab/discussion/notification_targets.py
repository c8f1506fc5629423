"""Comments and topics as targets of notifications (see lab/notifications/targets.py).

Imported by lab/discussion/views.py. A notification about a comment is shown only while the
viewer may still read it: deleted, hidden, or in a thread they can no longer see, it is left out.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select

from lab.auth.permissions import is_staff
from lab.discussion import owners, permissions, services
from lab.discussion.models import Comment, Thread, Topic
from lab.extensions import db
from lab.notifications.targets import register_target


def _comment_rows(ids: list[int], include_hidden: bool) -> list[Any]:
    return list(
        db.session.execute(
            select(
                Comment.id,
                Comment.author_id,
                Comment.hidden_at,
                Thread.owner_kind,
                Thread.owner_id,
            )
            .join(Thread, Thread.id == Comment.thread_id)
            .where(Comment.id.in_(ids))
            .execution_options(include_hidden=include_hidden)
        )
    )


def _can_view_comment(user: Any, comment_id: int) -> bool:
    comment = services.load_comment(comment_id)
    if comment is None or not permissions.can_read_comment_text(user, comment):
        return False
    thread = db.session.get(Thread, comment.thread_id)
    return thread is not None and permissions.can_view_thread(user, thread)


def _visible_comment_ids(user: Any, ids: list[int]) -> set[int]:
    """One query for the comments, then one check per distinct thread owner."""
    user_id = user.id if getattr(user, "is_authenticated", False) else None
    staff = is_staff(user)
    rows = [
        row
        for row in _comment_rows(ids, include_hidden=True)
        if row.hidden_at is None or staff or row.author_id == user_id
    ]
    seen: dict[tuple[str, int], bool] = {}
    visible = set()
    for row in rows:
        key = (row.owner_kind, row.owner_id)
        if key not in seen:
            seen[key] = owners.is_registered(row.owner_kind) and owners.owner(
                row.owner_kind
            ).can_view(user, row.owner_id)
        if seen[key]:
            visible.add(row.id)
    return visible


def _describe_comments(ids: list[int]) -> dict[int, tuple[str, str]]:
    """(the thread owner's title, the comment's permalink) of live, visible comments."""
    rows = _comment_rows(ids, include_hidden=False)
    by_kind: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        by_kind[row.owner_kind].append(row.owner_id)
    titles = {
        kind: owners.owner(kind).describe(owner_ids)
        for kind, owner_ids in by_kind.items()
        if owners.is_registered(kind)
    }
    return {
        row.id: (titles[row.owner_kind][row.owner_id][0], f"/comments/{row.id}")
        for row in rows
        if row.owner_id in titles.get(row.owner_kind, {})
    }


def _can_view_topic(user: Any, topic_id: int) -> bool:
    topic = services.load_topic(topic_id)
    return topic is not None and topic.hidden_at is None


def _visible_topic_ids(_user: Any, ids: list[int]) -> set[int]:
    return set(db.session.scalars(select(Topic.id).where(Topic.id.in_(ids))))


def _describe_topics(ids: list[int]) -> dict[int, tuple[str, str]]:
    topics = db.session.execute(select(Topic.id, Topic.title).where(Topic.id.in_(ids)))
    return {
        row.id: (row.title, f"/discussions/{row.id}-{services.topic_slug(row.title)}")
        for row in topics
    }


register_target("comment", _can_view_comment, _describe_comments, visible_ids=_visible_comment_ids)
register_target("topic", _can_view_topic, _describe_topics, visible_ids=_visible_topic_ids)
