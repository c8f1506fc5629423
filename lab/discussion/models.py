"""Threads, topics, comments, their earlier versions and mentions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lab.auth.models import User
from lab.cities.models import City
from lab.core.mixins import SoftDeleteMixin, TimestampMixin
from lab.core.types import UTCDateTime, utcnow
from lab.extensions import Model
from lab.taxonomy.models import Theme

OWNER_KINDS = ("practice", "workspace", "topic")
MAX_DEPTH = 3  # replies nest to this depth, then stay flat


class Thread(Model):
    """The comments of one record: a practice, a workspace or a discussion topic."""

    __tablename__ = "thread"
    __table_args__ = (
        UniqueConstraint("owner_kind", "owner_id"),
        CheckConstraint(
            "owner_kind IN (" + ", ".join(repr(k) for k in OWNER_KINDS) + ")",
            name="owner_kind_known",
        ),
        CheckConstraint("slow_mode_seconds >= 0", name="slow_mode_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_kind: Mapped[str] = mapped_column(String(20))
    owner_id: Mapped[int]
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    slow_mode_seconds: Mapped[int] = mapped_column(default=0)
    comment_count: Mapped[int] = mapped_column(default=0)  # live, visible comments
    last_comment_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_locked(self) -> bool:
        """Whether coordinators closed the thread to new comments."""
        return self.locked_at is not None


class Topic(SoftDeleteMixin, TimestampMixin, Model):
    """A stand-alone debate: a title, an opening post, a theme, a city or the whole Lab."""

    __tablename__ = "topic"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(35), default="en")
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("theme.id"), index=True)
    city_id: Mapped[int | None] = mapped_column(ForeignKey("city.id"), index=True)  # None: Lab-wide
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("thread.id"))
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    author: Mapped[User] = relationship(lazy="joined", innerjoin=True)
    theme: Mapped[Theme | None] = relationship(lazy="joined")
    city: Mapped[City | None] = relationship(lazy="joined")
    thread: Mapped[Thread | None] = relationship(lazy="joined")


class Comment(SoftDeleteMixin, Model):
    """A comment in a thread; replies nest to MAX_DEPTH and then stay flat.

    ``deleted_at`` is the author's deletion ("comment deleted" stays in place); ``hidden_at`` is a
    moderator's. ``root_id`` is the top-level comment it belongs under (itself for top-level ones),
    so a page of 50 top-level comments loads their replies in one query.
    """

    __tablename__ = "comment"
    __table_args__ = (
        Index("ix_comment_thread_root_created", "thread_id", "root_id", "created_at"),
        UniqueConstraint("author_id", "submission_key"),
        CheckConstraint(f"depth BETWEEN 0 AND {MAX_DEPTH}", name="depth_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id"))
    root_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id"), index=True)
    depth: Mapped[int] = mapped_column(default=0)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The one-time token of the form that posted it: posting the same form twice makes one comment.
    submission_key: Mapped[str] = mapped_column(String(64))

    author: Mapped[User] = relationship(lazy="joined", innerjoin=True)


class CommentVersion(Model):
    """An earlier text of an edited comment (coordinators can read them)."""

    __tablename__ = "comment_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime)  # when this text was first saved
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Mention(Model):
    """A user @mentioned in a comment or an opening post."""

    __tablename__ = "mention"

    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comment.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id"), primary_key=True, index=True
    )
