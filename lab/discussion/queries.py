"""Reading threads and topics with a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import defer, joinedload

from lab.auth.models import User
from lab.discussion.models import MAX_DEPTH, Comment, Thread, Topic
from lab.discussion.services import PER_PAGE
from lab.extensions import db

_ANY_STATE = {"include_deleted": True, "include_hidden": True}
LAB_WIDE = "lab"
# What a thread page shows of a comment and its author: the Markdown source, the form's
# submission key and the author's account details (with their city) are left in the database.
_SHOWN_COMMENT = (
    defer(Comment.body),
    defer(Comment.submission_key),
    joinedload(Comment.author).load_only(User.id, User.display_name).lazyload(User.city),
)


@dataclass
class Node:
    """A comment with the replies shown under it (replies beyond MAX_DEPTH sit flat at it)."""

    comment: Comment
    replies: list[Node] = field(default_factory=list)


@dataclass
class ThreadPage:
    """One page of a thread: up to PER_PAGE top-level comments, each with all its replies."""

    thread: Thread | None
    roots: list[Node]
    page: int
    total: int  # top-level comments in the thread, deleted and hidden placeholders included
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        """How many pages the thread has."""
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        """Whether there is a page before this one."""
        return self.page > 1

    @property
    def has_next(self) -> bool:
        """Whether there is a page after this one."""
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        """The previous page's number."""
        return self.page - 1

    @property
    def next_num(self) -> int:
        """The next page's number."""
        return self.page + 1


def _top_level_count(thread_id: Any) -> Any:
    return (
        select(func.count())
        .select_from(Comment)
        .where(Comment.thread_id == thread_id, Comment.parent_id.is_(None))
    )


def thread_with_total(owner_kind: str, owner_id: int) -> tuple[Thread | None, int]:
    """A record's thread and its number of top-level comments, in one query."""
    row = db.session.execute(
        select(Thread, _top_level_count(Thread.id).scalar_subquery())
        .where(Thread.owner_kind == owner_kind, Thread.owner_id == owner_id)
        .execution_options(**_ANY_STATE)
    ).first()
    return (row[0], int(row[1] or 0)) if row else (None, 0)


def thread_page(thread: Thread | None, page: int = 1, total: int | None = None) -> ThreadPage:
    """A page of a thread: the page's top-level comments and every reply under them (by
    ``root_id``), authors included, in one query (and one more to count, unless ``total`` is
    given)."""
    if thread is None:
        return ThreadPage(None, [], 1, 0)
    top_level = select(Comment.id).where(
        Comment.thread_id == thread.id, Comment.parent_id.is_(None)
    )
    if total is None:
        total = db.session.scalar(_top_level_count(thread.id).execution_options(**_ANY_STATE))
        total = total or 0
    if total == 0:
        return ThreadPage(thread, [], 1, 0)
    pages = max(1, -(-total // PER_PAGE))
    page = max(1, min(page, pages))
    page_roots = (
        top_level.order_by(Comment.created_at, Comment.id)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
        .scalar_subquery()
    )
    comments = db.session.scalars(
        select(Comment)
        .where(Comment.thread_id == thread.id, Comment.root_id.in_(page_roots))
        .order_by(Comment.created_at, Comment.id)
        .options(*_SHOWN_COMMENT)
        .execution_options(**_ANY_STATE)
    ).all()
    return ThreadPage(thread, _tree(list(comments)), page, total)


def _tree(comments: list[Comment]) -> list[Node]:
    """Nest comments under their parents; a reply to a comment at MAX_DEPTH is shown beside it,
    under the same depth-(MAX_DEPTH - 1) comment (flat beyond the fixed depth)."""
    nodes = {c.id: Node(c) for c in comments}
    roots: list[Node] = []
    for comment in comments:  # oldest first, so parents come before their replies
        node = nodes[comment.id]
        parent = nodes.get(comment.parent_id) if comment.parent_id else None
        while parent is not None and parent.comment.depth >= MAX_DEPTH:
            grand = parent.comment.parent_id
            parent = nodes.get(grand) if grand else None
        if parent is None:
            roots.append(node)
        else:
            parent.replies.append(node)
    return roots


def topics_page(
    theme_id: int | None = None, city: int | str | None = None, page: int = 1, per_page: int = 20
) -> Any:
    """Topics, newest activity first, narrowed by theme and by city or Lab-wide (two queries)."""
    activity = func.coalesce(Thread.last_comment_at, Topic.created_at)
    statement = select(Topic).outerjoin(Thread, Thread.id == Topic.thread_id)
    if theme_id is not None:
        statement = statement.where(Topic.theme_id == theme_id)
    if city == LAB_WIDE:
        statement = statement.where(Topic.city_id.is_(None))
    elif isinstance(city, int):
        statement = statement.where(Topic.city_id == city)
    statement = statement.order_by(activity.desc(), Topic.id.desc())
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)
