"""What can be flagged and moderated: for each kind, how to load a batch of items (hidden and
deleted ones included), what to show of them in the queue, who may see them, and how to hide and
show them again so that search and thread counts follow.

Moderation sits above practices and discussion, so it names their models directly here; the
features below never learn about moderation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from lab.auth.models import User
from lab.discussion import permissions as discussion_permissions
from lab.discussion import services as discussion
from lab.discussion.models import Comment, Thread, Topic
from lab.extensions import db
from lab.practices import services as practices
from lab.practices.models import Practice
from lab.practices.permissions import can_view_practice

EXCERPT_MAX = 300


@dataclass
class Target:
    """One flaggable item as the queue shows it; ``obj`` is the loaded model."""

    kind: str
    id: int
    obj: Any
    title: str
    excerpt: str
    language: str | None
    url: str | None
    authors: list[User] = field(default_factory=list)
    thread_id: int | None = None

    @property
    def is_hidden(self) -> bool:
        """Whether a moderator (or enough reports) hid it."""
        return self.obj.hidden_at is not None

    @property
    def is_deleted(self) -> bool:
        """Whether its author (or an editor) deleted it."""
        return self.obj.deleted_at is not None

    @property
    def hidden_reason(self) -> str:
        """The reason its author sees."""
        return str(self.obj.hidden_reason or "")

    @property
    def author_ids(self) -> list[int]:
        """The ids of the people who wrote it (they are told about decisions)."""
        return [author.id for author in self.authors]


@dataclass(frozen=True)
class TargetKind:
    """How moderation handles one kind of content."""

    kind: str
    label: Any  # a lazy string: "comment", "topic", "practice"
    load: Callable[[list[int]], dict[int, Target]]  # a constant number of queries per batch
    can_view: Callable[[Any, Any], bool]  # (user, obj): may this person see the item at all
    after_change: Callable[[Any], None]  # called after hiding or showing again


def _excerpt(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= EXCERPT_MAX else text[: EXCERPT_MAX - 1].rstrip() + "…"


def _everything(statement: Any) -> Any:
    return statement.execution_options(include_hidden=True, include_deleted=True)


def comment_url(comment: Comment) -> str:
    """A comment's permalink (it opens the thread at the right page)."""
    try:
        return url_for("discussion.permalink", comment_id=comment.id)
    except RuntimeError:  # outside a request (a command)
        return f"/comments/{comment.id}"


# Comments


def _load_comments(ids: list[int]) -> dict[int, Target]:
    comments = db.session.scalars(_everything(select(Comment).where(Comment.id.in_(ids)))).unique()
    return {
        c.id: Target(
            kind="comment",
            id=c.id,
            obj=c,
            title=_("Comment by %(name)s", name=c.author.display_name),
            excerpt=_excerpt(c.body),
            language=None,
            url=comment_url(c),
            authors=[c.author],
            thread_id=c.thread_id,
        )
        for c in comments
    }


def _can_view_comment(user: Any, comment: Comment) -> bool:
    """Whoever may read the comment's thread (a draft practice's thread stays with its city)."""
    thread = db.session.get(Thread, comment.thread_id)
    return thread is not None and discussion_permissions.can_view_thread(user, thread)


def _visibility_changed(kind: str) -> Callable[[Any], None]:
    def changed(obj: Any) -> None:
        discussion.visibility_changed(kind, obj.id)

    return changed


# Topics


def _load_topics(ids: list[int]) -> dict[int, Target]:
    topics = db.session.scalars(_everything(select(Topic).where(Topic.id.in_(ids)))).unique()
    return {
        t.id: Target(
            kind="topic",
            id=t.id,
            obj=t,
            title=t.title,
            excerpt=_excerpt(t.body),
            language=t.language,
            url=discussion.topic_path(t),
            authors=[t.author],
            thread_id=t.thread_id,
        )
        for t in topics
    }


def _can_view_topic(user: Any, topic: Topic) -> bool:
    """Topics are public; a hidden one is still "there" (to be refused with its own message)."""
    if topic.deleted_at is None and topic.hidden_at is not None:
        return True
    return discussion_permissions.can_view_topic(user, topic)


# Practices


def _load_practices(ids: list[int]) -> dict[int, Target]:
    found = list(
        db.session.scalars(
            _everything(
                select(Practice)
                .where(Practice.id.in_(ids))
                # The queue shows neither: loaded only if a decision reindexes the practice.
                .options(lazyload(Practice.themes), lazyload(Practice.tags))
            )
        ).unique()
    )
    threads = dict(
        db.session.execute(
            select(Thread.owner_id, Thread.id).where(
                Thread.owner_kind == "practice", Thread.owner_id.in_([p.id for p in found])
            )
        ).all()
    )
    return {
        p.id: Target(
            kind="practice",
            id=p.id,
            obj=p,
            title=p.title,
            excerpt=_excerpt(p.summary),
            language=p.language,
            url=practices.practice_path(p),
            authors=[author.user for author in p.authors],
            thread_id=threads.get(p.id),
        )
        for p in found
    }


def _practice_changed(practice: Practice) -> None:
    practices.reindex(practice)
    discussion.visibility_changed("practice", practice.id)  # its comments follow in search


_kinds: dict[str, TargetKind] = {
    "comment": TargetKind(
        "comment", _l("comment"), _load_comments, _can_view_comment, _visibility_changed("comment")
    ),
    "topic": TargetKind(
        "topic", _l("topic"), _load_topics, _can_view_topic, _visibility_changed("topic")
    ),
    "practice": TargetKind(
        "practice", _l("practice"), _load_practices, can_view_practice, _practice_changed
    ),
}


def kinds() -> list[str]:
    """The kinds of content that can be flagged."""
    return list(_kinds)


def target_kind(kind: str) -> TargetKind | None:
    """How to handle this kind, or None for a kind that cannot be flagged."""
    return _kinds.get(kind)


def kind_label(kind: str) -> str:
    """The kind's name for people ("comment"), or the raw kind for others (user, thread)."""
    known = _kinds.get(kind)
    return str(known.label) if known else kind


def load_targets(pairs: Iterable[tuple[str, int]]) -> dict[tuple[str, int], Target]:
    """The items named by (kind, id) pairs, hidden and deleted ones included: one batch per kind."""
    wanted: dict[str, list[int]] = {}
    for kind, target_id in pairs:
        if kind in _kinds:
            wanted.setdefault(kind, []).append(target_id)
    found: dict[tuple[str, int], Target] = {}
    for kind, ids in wanted.items():
        for target_id, target in _kinds[kind].load(sorted(set(ids))).items():
            found[(kind, target_id)] = target
    return found


def load_target(kind: str, target_id: int) -> Target | None:
    """One item, hidden and deleted included; None if it does not exist or cannot be flagged."""
    return load_targets([(kind, target_id)]).get((kind, target_id))
