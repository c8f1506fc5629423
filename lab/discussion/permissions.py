"""Who may read threads and topics, and who may write, change and see what in them."""

from __future__ import annotations

from typing import Any

from lab.auth.models import ADMIN, COORDINATOR, DELEGATE, YOUNG
from lab.auth.permissions import can_write, is_staff
from lab.discussion import owners
from lab.discussion.models import Comment, Thread, Topic

TOPIC_ROLES = (YOUNG, DELEGATE, COORDINATOR, ADMIN)


def _user_id(user: Any) -> int | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return int(user.id)


def can_view_thread(user: Any, thread: Thread) -> bool:
    """Whoever may see the thread's owner may read its thread."""
    if not owners.is_registered(thread.owner_kind):
        return False
    return owners.owner(thread.owner_kind).can_view(user, thread.owner_id)


def can_comment(user: Any, thread: Thread) -> bool:
    """May post in the thread now: may write, the owner allows it, and the thread is not locked.

    Slow mode is a matter of timing, checked by the service with its own message.
    """
    if not can_write(user) or thread.is_locked or not owners.is_registered(thread.owner_kind):
        return False
    owner = owners.owner(thread.owner_kind)
    return owner.can_view(user, thread.owner_id) and owner.can_comment(user, thread.owner_id)


def can_edit_comment(user: Any, comment: Comment) -> bool:
    """Authors edit their own live, visible comments (moderators hide; they never rewrite)."""
    return (
        can_write(user)
        and _user_id(user) == comment.author_id
        and comment.deleted_at is None
        and comment.hidden_at is None
    )


def can_delete_comment(user: Any, comment: Comment) -> bool:
    """Authors delete their own comments (a "comment deleted" placeholder stays)."""
    return can_write(user) and _user_id(user) == comment.author_id and comment.deleted_at is None


def can_see_comment_versions(user: Any) -> bool:
    """Coordinators (and admins) read the earlier versions of edited comments."""
    return is_staff(user)


def can_read_comment_text(user: Any, comment: Comment) -> bool:
    """Hidden comments are read by their author (with the reason) and by moderators only."""
    if comment.deleted_at is not None:
        return False
    if comment.hidden_at is None:
        return True
    return _user_id(user) == comment.author_id or is_staff(user)


def can_view_topic(user: Any, topic: Topic) -> bool:
    """Topics are public; a deleted one is gone, a hidden one stays readable by author and staff."""
    if topic.deleted_at is not None:
        return False
    if topic.hidden_at is None:
        return True
    return _user_id(user) == topic.author_id or is_staff(user)


def shows_hidden_topic_placeholder(user: Any, topic: Topic) -> bool:
    """Whether this person, who may not read a hidden topic, is told it was hidden (instead of
    the same 404 as a missing topic, which a deleted one gives)."""
    return (
        topic.deleted_at is None and topic.hidden_at is not None and not can_view_topic(user, topic)
    )


def can_create_topic(user: Any) -> bool:
    """Young stakeholders, delegates and coordinators (and admins) open topics."""
    return can_write(user) and user.role in TOPIC_ROLES


def can_edit_topic(user: Any, topic: Topic) -> bool:
    """The author edits the title and opening post of a live, visible topic."""
    return can_write(user) and _user_id(user) == topic.author_id and topic.hidden_at is None
