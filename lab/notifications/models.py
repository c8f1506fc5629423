"""Follows, notifications (references, not copies) and digest settings."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lab.core.types import UTCDateTime, utcnow
from lab.extensions import Model

FOLLOW_KINDS = ("practice", "topic", "workspace", "thread")
NOTIFICATION_KINDS = (
    "reply",
    "mention",
    "comment",
    "moderation",
    "queue",
    "workspace_added",  # a lead added you to a workspace
    "join_request",  # someone asks to join a workspace you lead
    "join_declined",  # a lead declined your request to join
)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Follow(Model):
    """A user follows a practice, topic or workspace (authors and commenters automatically)."""

    __tablename__ = "follow"
    __table_args__ = (
        UniqueConstraint("user_id", "target_kind", "target_id"),
        Index("ix_follow_target", "target_kind", "target_id"),
        CheckConstraint(_in("target_kind", FOLLOW_KINDS), name="target_kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    target_kind: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Notification(Model):
    """Something happened that a user should know: it points at the thing, visibility is
    checked again when it is shown."""

    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_user_unread", "user_id", "read_at", "created_at"),
        CheckConstraint(_in("kind", NOTIFICATION_KINDS), name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    target_kind: Mapped[str] = mapped_column(String(20))  # comment, topic, practice, flag...
    target_id: Mapped[int]
    thread_id: Mapped[int | None]  # for grouping the digest by thread
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    digested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DigestSetting(Model):
    """A user's daily digest: off by default; the unsubscribe link carries its token."""

    __tablename__ = "digest_setting"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    is_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    unsubscribe_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    last_sent_on: Mapped[date | None] = mapped_column(Date)  # the user's local day
