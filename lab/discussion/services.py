"""Discussion use cases: threads, comments (post, reply, edit, delete), topics, and keeping the
search index and thread counts in step. Each use case commits once; ``thread_for`` joins the
caller's transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from lab.auth.models import User
from lab.auth.permissions import can_write
from lab.cities.models import City
from lab.core.database import transaction
from lab.core.errors import DomainError, NotFoundError, PermissionDeniedError
from lab.core.languages import normalise_language_tag
from lab.core.types import utcnow
from lab.discussion import owners, permissions
from lab.discussion.mentions import render_with_mentions
from lab.discussion.models import MAX_DEPTH, Comment, CommentVersion, Mention, Thread, Topic
from lab.extensions import db
from lab.notifications import services as notifications
from lab.search import services as search
from lab.search.models import SearchDocument
from lab.taxonomy.models import Theme

COMMENT_MAX = 10_000
TITLE_MAX = 200
OPENING_MAX = 20_000
PER_PAGE = 50  # top-level comments per page of a thread
SUBMISSION_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")

_ANY_STATE = {"include_deleted": True, "include_hidden": True}


# Threads


def thread_for(owner_kind: str, owner_id: int) -> Thread:
    """The thread of a record, made on first use (in the caller's transaction)."""
    if not owners.is_registered(owner_kind):
        raise NotFoundError(_("Nothing can be discussed here."))
    thread = db.session.scalar(
        select(Thread).where(Thread.owner_kind == owner_kind, Thread.owner_id == owner_id)
    )
    if thread is not None:
        return thread
    try:
        with db.session.begin_nested():
            thread = Thread(owner_kind=owner_kind, owner_id=owner_id)
            db.session.add(thread)
    except IntegrityError:
        # Another request made it at the same moment: use theirs.
        thread = db.session.scalar(
            select(Thread).where(Thread.owner_kind == owner_kind, Thread.owner_id == owner_id)
        )
        if thread is None:
            raise
    return thread


def find_thread(owner_kind: str, owner_id: int) -> Thread | None:
    """The thread of a record if it has one (reading never makes one)."""
    return db.session.scalar(
        select(Thread).where(Thread.owner_kind == owner_kind, Thread.owner_id == owner_id)
    )


def load_comment(comment_id: int) -> Comment | None:
    """A comment in any state (deleted and hidden ones keep their place in the thread)."""
    return db.session.scalar(
        select(Comment).where(Comment.id == comment_id).execution_options(**_ANY_STATE)
    )


def _count_live(thread: Thread) -> None:
    """Set the thread's count of live, visible comments (one query)."""
    thread.comment_count = (
        db.session.scalar(
            select(func.count()).select_from(Comment).where(Comment.thread_id == thread.id)
        )
        or 0
    )


# Writing comments


def _refuse_unless_writer(actor: User) -> None:
    if not can_write(actor):
        if actor is not None and getattr(actor, "is_suspended", False):
            raise PermissionDeniedError(
                _("Your account is suspended: you can read but not write until it ends.")
            )
        raise PermissionDeniedError(_("Please sign in with a confirmed account to comment."))


def _clean_body(body: str, limit: int = COMMENT_MAX) -> str:
    text = (body or "").replace("\r\n", "\n").strip()
    if not text:
        raise DomainError(_("Write something first."), "body")
    if len(text) > limit:
        raise DomainError(_("A comment is limited to %(n)d characters.", n=limit), "body")
    return text


def _check_may_post(actor: User, thread: Thread) -> None:
    """Who may post here, with a clear message for each refusal (lock, slow mode...)."""
    _refuse_unless_writer(actor)
    if not permissions.can_view_thread(actor, thread):
        raise NotFoundError(_("This discussion does not exist."))
    if thread.is_locked:
        raise PermissionDeniedError(
            _("This discussion is locked by a moderator: no new comments can be added.")
        )
    if not permissions.can_comment(actor, thread):
        raise PermissionDeniedError(_("You may not comment here."))
    if thread.slow_mode_seconds > 0:
        since = utcnow() - timedelta(seconds=thread.slow_mode_seconds)
        last = db.session.scalar(
            select(func.max(Comment.created_at))
            .where(Comment.thread_id == thread.id, Comment.author_id == actor.id)
            .execution_options(**_ANY_STATE)
        )
        if last is not None and last > since:
            wait = int((last - since).total_seconds()) + 1
            raise DomainError(
                _(
                    "Slow mode is on in this discussion: one comment every %(every)s. "
                    "You can comment again in %(wait)s.",
                    every=_duration(thread.slow_mode_seconds),
                    wait=_duration(wait),
                ),
                "body",
            )


def _duration(seconds: int) -> str:
    if seconds < 120:
        return _("%(n)d seconds", n=seconds)
    if seconds < 7200:
        return _("%(n)d minutes", n=-(-seconds // 60))
    return _("%(n)d hours", n=-(-seconds // 3600))


def _existing(actor: User, submission_key: str) -> Comment | None:
    return db.session.scalar(
        select(Comment)
        .where(Comment.author_id == actor.id, Comment.submission_key == submission_key)
        .execution_options(**_ANY_STATE)
    )


def post_comment(
    actor: User, thread: Thread, body: str, *, parent_id: int | None, submission_key: str
) -> Comment:
    """Post a comment or a reply; the same form (``submission_key``) posted again returns the
    first comment instead of making another.

    Replies nest to MAX_DEPTH; a reply to a comment at that depth stays at that depth (flat).
    """
    _refuse_unless_writer(actor)
    if not SUBMISSION_KEY.match(submission_key or ""):
        raise DomainError(_("This form has expired. Please reload the page and try again."))
    first = _existing(actor, submission_key)
    if first is not None:
        return first
    text = _clean_body(body)
    _check_may_post(actor, thread)
    parent: Comment | None = None
    if parent_id is not None:
        parent = load_comment(parent_id)
        if parent is None or parent.thread_id != thread.id:
            raise DomainError(_("You can only reply to a comment of this discussion."))
        if parent.deleted_at is not None:
            raise DomainError(_("This comment was deleted: it can no longer be replied to."))
    rendered = render_with_mentions(text)
    now = utcnow()
    with transaction():
        try:
            with db.session.begin_nested():
                comment = Comment(
                    thread_id=thread.id,
                    parent_id=parent.id if parent else None,
                    root_id=(parent.root_id or parent.id) if parent else None,
                    depth=min(parent.depth + 1, MAX_DEPTH) if parent else 0,
                    author_id=actor.id,
                    body=text,
                    body_html=rendered.html,
                    created_at=now,
                    submission_key=submission_key,
                )
                db.session.add(comment)
                db.session.flush()
        except IntegrityError:
            # The same form was posted at the same moment by another request: keep the first.
            first = _existing(actor, submission_key)
            if first is None:
                raise
            return first
        if comment.root_id is None:
            comment.root_id = comment.id
        db.session.execute(
            update(Thread)
            .where(Thread.id == thread.id)
            .values(comment_count=Thread.comment_count + 1, last_comment_at=now)
        )
        for user_id in rendered.mentioned_ids:
            if user_id != actor.id:
                db.session.add(Mention(comment_id=comment.id, user_id=user_id))
        db.session.flush()
        db.session.refresh(thread)
        _index_comment(comment, thread)
        _notify_about(comment, thread, actor, parent, rendered.mentioned_ids)
        notifications.follow(actor.id, thread.owner_kind, thread.owner_id)
    return comment


def _notify_about(
    comment: Comment,
    thread: Thread,
    actor: User,
    parent: Comment | None,
    mentioned_ids: list[int],
) -> None:
    """Tell the person replied to, those mentioned, and the owner's followers (in this order:
    one notification each, the most specific kind)."""

    def tell(user_ids: list[int], kind: str) -> None:
        notifications.notify(
            user_ids,
            kind,
            actor_id=actor.id,
            target_kind="comment",
            target_id=comment.id,
            thread_id=thread.id,
        )

    if parent is not None:
        tell([parent.author_id], "reply")
    if mentioned_ids:
        tell(mentioned_ids, "mention")
    tell(notifications.follower_ids(thread.owner_kind, thread.owner_id), "comment")


def comment_on(
    actor: User,
    owner_kind: str,
    owner_id: int,
    body: str,
    *,
    parent_id: int | None,
    submission_key: str,
) -> Comment:
    """Post in the thread of a record, making the thread on the first comment."""
    _refuse_unless_writer(actor)
    with transaction():
        thread = thread_for(owner_kind, owner_id)
        return post_comment(actor, thread, body, parent_id=parent_id, submission_key=submission_key)


def edit_comment(actor: User, comment: Comment, body: str) -> Comment:
    """Change one's own comment; the earlier text is kept as a version and it shows "edited"."""
    _refuse_unless_writer(actor)
    if not permissions.can_edit_comment(actor, comment):
        raise PermissionDeniedError(_("You may only edit your own comments."))
    text = _clean_body(body)
    if text == comment.body:
        return comment
    rendered = render_with_mentions(text)
    with transaction():
        db.session.add(
            CommentVersion(
                comment_id=comment.id,
                body=comment.body,
                written_at=comment.edited_at or comment.created_at,
            )
        )
        comment.body = text
        comment.body_html = rendered.html
        comment.edited_at = utcnow()
        already = set(
            db.session.scalars(select(Mention.user_id).where(Mention.comment_id == comment.id))
        )
        newly = [i for i in rendered.mentioned_ids if i != actor.id and i not in already]
        for user_id in newly:
            db.session.add(Mention(comment_id=comment.id, user_id=user_id))
        notifications.notify(
            newly,
            "mention",
            actor_id=actor.id,
            target_kind="comment",
            target_id=comment.id,
            thread_id=comment.thread_id,
        )
        db.session.flush()
        thread = db.session.get(Thread, comment.thread_id)
        assert thread is not None
        _index_comment(comment, thread)
    return comment


def delete_comment(actor: User, comment: Comment) -> None:
    """Delete one's own comment: "comment deleted" stays in its place, the record is kept."""
    _refuse_unless_writer(actor)
    if not permissions.can_delete_comment(actor, comment):
        raise PermissionDeniedError(_("You may only delete your own comments."))
    with transaction():
        comment.mark_deleted()
        db.session.flush()
        thread = db.session.get(Thread, comment.thread_id)
        assert thread is not None
        _count_live(thread)
        search.remove("comment", comment.id)


def comment_versions(comment: Comment) -> list[CommentVersion]:
    """The earlier texts of a comment, oldest first."""
    return list(
        db.session.scalars(
            select(CommentVersion)
            .where(CommentVersion.comment_id == comment.id)
            .order_by(CommentVersion.replaced_at, CommentVersion.id)
        )
    )


def comment_page_for(comment: Comment) -> int:
    """The page of its thread a comment is shown on (pages of PER_PAGE top-level comments)."""
    root = comment if comment.root_id in (None, comment.id) else load_comment(comment.root_id)
    assert root is not None
    before = (
        db.session.scalar(
            select(func.count())
            .select_from(Comment)
            .where(
                Comment.thread_id == root.thread_id,
                Comment.parent_id.is_(None),
                or_(
                    Comment.created_at < root.created_at,
                    and_(Comment.created_at == root.created_at, Comment.id < root.id),
                ),
            )
            .execution_options(**_ANY_STATE)
        )
        or 0
    )
    return before // PER_PAGE + 1


# Search and visibility


def _index_comment(comment: Comment, thread: Thread) -> None:
    """Put a comment in the search index as it is now, or take it out."""
    scope = owners.owner(thread.owner_kind).search_scope(thread.owner_id)
    if scope is None or comment.deleted_at is not None or comment.hidden_at is not None:
        search.remove("comment", comment.id)
        return
    title, _url = (
        owners.owner(thread.owner_kind).describe([thread.owner_id]).get(thread.owner_id, ("", ""))
    )
    visibility, scope_id = scope
    search.index(
        search.Entry(
            kind="comment",
            object_id=comment.id,
            title=title,
            text=comment.body,
            url=f"/comments/{comment.id}",
            visibility=visibility,
            scope_id=scope_id,
        )
    )


def reindex_thread(thread: Thread) -> None:
    """Give every comment of a thread its owner's visibility in the index (after the owner's
    visibility changed: a practice back to draft, a topic hidden, a workspace made private)."""
    scope = owners.owner(thread.owner_kind).search_scope(thread.owner_id)
    in_thread = select(Comment.id).where(Comment.thread_id == thread.id)
    if scope is None:
        db.session.execute(
            delete(SearchDocument).where(
                SearchDocument.kind == "comment",
                SearchDocument.object_id.in_(in_thread.execution_options(**_ANY_STATE)),
            )
        )
        return
    visibility, scope_id = scope
    db.session.execute(
        update(SearchDocument)
        .where(SearchDocument.kind == "comment", SearchDocument.object_id.in_(in_thread))
        .values(visibility=visibility, scope_id=scope_id)
        .execution_options(synchronize_session=False)
    )
    indexed = select(SearchDocument.object_id).where(SearchDocument.kind == "comment")
    missing = db.session.scalars(
        select(Comment).where(Comment.thread_id == thread.id, Comment.id.not_in(indexed))
    ).all()
    for comment in missing:
        _index_comment(comment, thread)


def visibility_changed(target_kind: str, target_id: int) -> None:
    """Bring the index and the thread counts in step after a moderator hid or restored something,
    or after a thread owner's visibility changed ("comment", "topic", "practice", "workspace")."""
    with transaction():
        if target_kind == "comment":
            comment = load_comment(target_id)
            if comment is None:
                return
            thread = db.session.get(Thread, comment.thread_id)
            assert thread is not None
            _count_live(thread)
            _index_comment(comment, thread)
            return
        if target_kind == "topic":
            topic = load_topic(target_id)
            if topic is not None:
                _index_topic(topic)
        thread = find_thread(target_kind, target_id)
        if thread is not None and owners.is_registered(target_kind):
            reindex_thread(thread)


def reindex_comments(batch: int = 500) -> int:
    """Index every live comment again (``flask search reindex``); returns how many."""
    count, last_id = 0, 0
    threads: dict[int, Thread] = {}
    while True:
        chunk = list(
            db.session.scalars(
                select(Comment).where(Comment.id > last_id).order_by(Comment.id).limit(batch)
            )
        )
        if not chunk:
            return count
        for comment in chunk:
            thread = threads.get(comment.thread_id) or db.session.get(Thread, comment.thread_id)
            assert thread is not None
            threads[thread.id] = thread
            if owners.is_registered(thread.owner_kind):
                _index_comment(comment, thread)
                count += 1
        last_id = chunk[-1].id
        db.session.flush()


# Topics


@dataclass
class TopicInput:
    """What an author sets on a topic."""

    title: str
    body: str
    language: str = "en"
    theme_id: int | None = None
    city_id: int | None = None  # None: Lab-wide


def _clean_topic(data: TopicInput) -> TopicInput:
    data.title = " ".join((data.title or "").split())
    if not data.title or len(data.title) > TITLE_MAX:
        raise DomainError(_("Give a title of at most %(n)d characters.", n=TITLE_MAX), "title")
    data.body = _clean_body(data.body, OPENING_MAX)
    language = normalise_language_tag(data.language or "")
    if language is None:
        raise DomainError(_("Choose the language the topic is written in."), "language")
    data.language = language
    if data.theme_id is not None and db.session.get(Theme, data.theme_id) is None:
        raise DomainError(_("Choose a theme from the list."), "theme_id")
    if data.city_id is not None and db.session.get(City, data.city_id) is None:
        raise DomainError(_("Choose a city from the list, or the whole Lab."), "city_id")
    return data


def create_topic(actor: User, data: TopicInput) -> Topic:
    """Open a discussion topic (with its thread)."""
    _refuse_unless_writer(actor)
    if not permissions.can_create_topic(actor):
        raise PermissionDeniedError(_("You may not open discussion topics."))
    data = _clean_topic(data)
    rendered = render_with_mentions(data.body)
    with transaction():
        topic = Topic(
            title=data.title,
            body=data.body,
            body_html=rendered.html,
            language=data.language,
            theme_id=data.theme_id,
            city_id=data.city_id,
            author_id=actor.id,
        )
        db.session.add(topic)
        db.session.flush()
        thread = thread_for("topic", topic.id)
        db.session.flush()
        topic.thread_id = thread.id
        thread.last_comment_at = utcnow()
        db.session.flush()
        _index_topic(topic)
        notifications.follow(actor.id, "topic", topic.id)
        notifications.notify(
            rendered.mentioned_ids,
            "mention",
            actor_id=actor.id,
            target_kind="topic",
            target_id=topic.id,
            thread_id=thread.id,
        )
    return topic


def edit_topic(actor: User, topic: Topic, data: TopicInput) -> Topic:
    """Change one's own topic: title, opening post, language, theme and city."""
    _refuse_unless_writer(actor)
    if not permissions.can_edit_topic(actor, topic):
        raise PermissionDeniedError(_("You may only edit your own topics."))
    data = _clean_topic(data)
    rendered = render_with_mentions(data.body)
    with transaction():
        topic.title = data.title
        topic.body = data.body
        topic.body_html = rendered.html
        topic.language = data.language
        topic.theme_id = data.theme_id
        topic.city_id = data.city_id
        topic.edited_at = utcnow()
        db.session.flush()
        db.session.refresh(topic)
        _index_topic(topic)
    return topic


def load_topic(topic_id: int) -> Topic | None:
    """A live topic, hidden or not (the view decides who may see a hidden one)."""
    return db.session.scalar(
        select(Topic).where(Topic.id == topic_id).execution_options(include_hidden=True)
    )


def topic_path(topic: Topic) -> str:
    """The topic's stable address: ``/discussions/<id>-<slug>``."""
    return f"/discussions/{topic.id}-{topic_slug(topic.title)}"


def topic_slug(title: str) -> str:
    """The readable part of a topic's address."""
    from slugify import slugify

    return slugify(title, max_length=70) or "topic"


def topic_search_scope(topic: Topic | None) -> owners.SearchScope:
    """Public, staff only while hidden, out of the index once deleted."""
    if topic is None or topic.deleted_at is not None:
        return None
    if topic.hidden_at is not None:
        return ("staff", None)
    return ("public", None)


def _index_topic(topic: Topic) -> None:
    scope = topic_search_scope(topic)
    if scope is None:
        search.remove("topic", topic.id)
        return
    search.index(
        search.Entry(
            kind="topic",
            object_id=topic.id,
            title=topic.title,
            text=topic.body + ("\n\n" + topic.city.name if topic.city else ""),
            url=topic_path(topic),
            visibility=scope[0],
            scope_id=scope[1],
            language=topic.language,
            city_id=topic.city_id,
            country_code=topic.city.country_code if topic.city else None,
            theme_id=topic.theme_id,
        )
    )


def reindex_topics(batch: int = 500) -> int:
    """Index every topic again (``flask search reindex``); returns how many."""
    count, last_id = 0, 0
    while True:
        chunk = list(
            db.session.scalars(
                select(Topic)
                .where(Topic.id > last_id)
                .order_by(Topic.id)
                .limit(batch)
                .execution_options(include_hidden=True)
            )
        )
        if not chunk:
            return count
        for topic in chunk:
            _index_topic(topic)
        count += len(chunk)
        last_id = chunk[-1].id
        db.session.flush()
