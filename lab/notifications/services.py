"""Following, notifying, reading notifications and the digest setting.

Features above call :func:`follow`, :func:`unfollow`, :func:`follower_ids` and :func:`notify` inside
their own use case: nothing here commits a transaction the caller opened (``transaction()`` blocks
join the caller's), so a notification is written together with the event that causes it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from lab.auth.models import User
from lab.auth.tokens import token_hash
from lab.core.database import transaction
from lab.core.errors import DomainError
from lab.core.languages import is_time_zone
from lab.core.types import utcnow
from lab.extensions import db
from lab.notifications.models import (
    FOLLOW_KINDS,
    NOTIFICATION_KINDS,
    DigestSetting,
    Follow,
    Notification,
)
from lab.notifications.targets import Description, visible_descriptions

UNREAD_COUNT_CAP = 100  # the bell counts up to here and then shows "99+"


def _check_follow_kind(target_kind: str) -> None:
    if target_kind not in FOLLOW_KINDS:
        raise DomainError(_("This cannot be followed."))


# Following


def follow(user_id: int, target_kind: str, target_id: int) -> None:
    """Follow a practice, topic, workspace or thread; following twice keeps one follow."""
    _check_follow_kind(target_kind)
    with transaction():
        if is_following(user_id, target_kind, target_id):
            return
        try:
            # A savepoint, so that a concurrent identical follow leaves the caller's use case intact.
            with db.session.begin_nested():
                db.session.add(
                    Follow(user_id=user_id, target_kind=target_kind, target_id=target_id)
                )
        except IntegrityError:
            pass  # someone (this user, in another tab) followed it at the same moment


def unfollow(user_id: int, target_kind: str, target_id: int) -> None:
    """Stop following; unfollowing something not followed does nothing."""
    with transaction():
        db.session.execute(
            delete(Follow).where(
                Follow.user_id == user_id,
                Follow.target_kind == target_kind,
                Follow.target_id == target_id,
            )
        )


def is_following(user_id: int, target_kind: str, target_id: int) -> bool:
    """Whether the user follows this target."""
    found = db.session.scalar(
        select(Follow.id).where(
            Follow.user_id == user_id,
            Follow.target_kind == target_kind,
            Follow.target_id == target_id,
        )
    )
    return found is not None


def follower_ids(target_kind: str, target_id: int) -> list[int]:
    """The ids of everyone following a target, in order."""
    return list(
        db.session.scalars(
            select(Follow.user_id)
            .where(Follow.target_kind == target_kind, Follow.target_id == target_id)
            .order_by(Follow.user_id)
        )
    )


# Notifying


def notify(
    user_ids: Iterable[int],
    kind: str,
    *,
    actor_id: int | None,
    target_kind: str,
    target_id: int,
    thread_id: int | None = None,
) -> None:
    """Tell users that something happened to a target, in the caller's transaction (no commit).

    The actor is never told about their own act, each user once per call, and a user who already
    has an unread notification about the same target is not told again (a reply that also mentions
    them is one notification: call with the most specific kind first, e.g. reply, then mention,
    then comment for followers).
    """
    if kind not in NOTIFICATION_KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    recipients = sorted({int(u) for u in user_ids if u is not None and u != actor_id})
    if not recipients:
        return
    already = set(
        db.session.scalars(
            select(Notification.user_id).where(
                Notification.target_kind == target_kind,
                Notification.target_id == target_id,
                Notification.read_at.is_(None),
                Notification.user_id.in_(recipients),
            )
        )
    )
    now = utcnow()
    db.session.add_all(
        Notification(
            user_id=user_id,
            kind=kind,
            actor_id=actor_id,
            target_kind=target_kind,
            target_id=target_id,
            thread_id=thread_id,
            created_at=now,
        )
        for user_id in recipients
        if user_id not in already
    )


# Reading


def unread_count(user_id: int) -> int:
    """How many unread notifications a user has, counted up to UNREAD_COUNT_CAP (one query).

    This is the raw count: it may include notifications whose target has since been hidden or
    become invisible to the user (checking would need every feature's rules); "mark all as read"
    clears them.
    """
    return unread_count_and_following(user_id, None)[0]


def unread_count_and_following(
    user_id: int, target: tuple[str, int] | None
) -> tuple[int, bool | None]:
    """The bell's count and, when a page shows a follow button, whether the user follows its
    target: both in one query (None for the second without a target)."""
    capped = (
        select(Notification.id)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .limit(UNREAD_COUNT_CAP)
        .subquery()
    )
    count = select(func.count()).select_from(capped).scalar_subquery()
    if target is None:
        return int(db.session.scalar(select(count)) or 0), None
    follows = (
        select(Follow.id)
        .where(
            Follow.user_id == user_id,
            Follow.target_kind == target[0],
            Follow.target_id == target[1],
        )
        .exists()
    )
    row = db.session.execute(select(count, follows)).one()
    return int(row[0] or 0), bool(row[1])


@dataclass(frozen=True)
class ShownNotification:
    """A notification as a page or a digest shows it: the target's current title and address."""

    id: int
    kind: str
    actor_name: str | None
    title: str
    url: str
    thread_id: int | None
    created_at: datetime
    is_unread: bool


def shown(user: Any, notifications: list[Notification]) -> list[ShownNotification]:
    """The notifications whose targets still exist and that the user may still see, described.

    A constant number of queries: one per target kind, and one for the actors' names.
    """
    described: dict[tuple[str, int], Description] = visible_descriptions(
        user, [(n.target_kind, n.target_id) for n in notifications]
    )
    actor_ids = {n.actor_id for n in notifications if n.actor_id is not None}
    names: dict[int, str] = {}
    if actor_ids:
        names = {
            row.id: row.display_name
            for row in db.session.execute(
                select(User.id, User.display_name).where(User.id.in_(actor_ids))
            )
        }
    result = []
    for n in notifications:
        description = described.get((n.target_kind, n.target_id))
        if description is None:
            continue
        result.append(
            ShownNotification(
                id=n.id,
                kind=n.kind,
                actor_name=names.get(n.actor_id) if n.actor_id is not None else None,
                title=description[0],
                url=description[1],
                thread_id=n.thread_id,
                created_at=n.created_at,
                is_unread=n.read_at is None,
            )
        )
    return result


def notifications_query(user_id: int) -> Any:
    """A user's notifications, newest first (for pagination)."""
    return (
        select(Notification)
        .where(Notification.user_id == user_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


def load_notification(user_id: int, notification_id: int) -> Notification | None:
    """One of the user's own notifications, or None (someone else's is as good as missing)."""
    return db.session.scalar(
        select(Notification).where(
            Notification.id == notification_id, Notification.user_id == user_id
        )
    )


def mark_read(user_id: int, notification_id: int) -> None:
    """Mark one of the user's notifications read (again is harmless)."""
    with transaction():
        db.session.execute(
            update(Notification)
            .where(
                Notification.id == notification_id,
                Notification.user_id == user_id,
                Notification.read_at.is_(None),
            )
            .values(read_at=utcnow())
        )


def mark_all_read(user_id: int) -> int:
    """Mark every unread notification of the user read; returns how many were."""
    with transaction():
        result = db.session.execute(
            update(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
            .values(read_at=utcnow())
        )
    return int(getattr(result, "rowcount", 0) or 0)


# The daily digest setting


def unsubscribe_token(user_id: int) -> str:
    """The token of a user's unsubscribe link: the same in every digest, so an old mail's link
    still works; derived from the secret key (unguessable), only its hash is stored."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, f"digest-unsubscribe:{user_id}".encode(), hashlib.sha256)
    return digest.hexdigest()


def digest_setting(user_id: int) -> DigestSetting | None:
    """A user's digest setting, or None when they never chose (off)."""
    return db.session.get(DigestSetting, user_id)


def is_digest_enabled(user_id: int) -> bool:
    """Whether the user receives the daily digest (off by default)."""
    setting = digest_setting(user_id)
    return setting is not None and setting.is_enabled


def ensure_digest_setting(user_id: int) -> DigestSetting:
    """The user's setting, made (off) if missing, with the current unsubscribe token's hash."""
    setting = db.session.get(DigestSetting, user_id)
    expected = token_hash(unsubscribe_token(user_id))
    if setting is None:
        setting = DigestSetting(user_id=user_id, is_enabled=False, unsubscribe_token_hash=expected)
        db.session.add(setting)
    elif setting.unsubscribe_token_hash != expected:
        setting.unsubscribe_token_hash = expected  # the secret key changed since
    return setting


def set_digest(user_id: int, enabled: bool) -> None:
    """Turn the daily digest on or off for a user."""
    with transaction():
        ensure_digest_setting(user_id).is_enabled = enabled


def setting_for_unsubscribe_token(token: str) -> DigestSetting | None:
    """The digest setting an unsubscribe link belongs to, or None."""
    if not token or len(token) > 200:
        return None
    return db.session.scalar(
        select(DigestSetting).where(DigestSetting.unsubscribe_token_hash == token_hash(token))
    )


def unsubscribe(token: str) -> None:
    """Turn the digest off from the link in a digest mail (no sign-in needed)."""
    with transaction():
        setting = setting_for_unsubscribe_token(token)
        if setting is None:
            raise DomainError(_("This unsubscribe link is not valid."))
        setting.is_enabled = False


def local_day(zone: str | None, now: datetime | None = None) -> date:
    """Today's date in a time zone (UTC when none or an unknown one)."""
    moment = now or utcnow()
    return moment.astimezone(ZoneInfo(zone if zone and is_time_zone(zone) else "UTC")).date()
