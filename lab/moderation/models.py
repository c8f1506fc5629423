"""Flags and the moderation log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lab.auth.models import User
from lab.core.types import UTCDateTime, utcnow
from lab.extensions import Model

TARGET_KINDS = ("comment", "topic", "practice")
REASONS = ("spam", "offensive", "off_topic", "personal_data", "other")
RESOLUTIONS = ("hidden", "dismissed", "restored")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Flag(Model):
    """One person's report of one item, with a reason; one flag per person per item."""

    __tablename__ = "flag"
    __table_args__ = (
        UniqueConstraint("target_kind", "target_id", "reporter_id"),
        Index("ix_flag_open", "resolved_at", "target_kind", "target_id"),
        CheckConstraint(_in("target_kind", TARGET_KINDS), name="target_kind_known"),
        CheckConstraint(_in("reason", REASONS), name="reason_known"),
        CheckConstraint(
            "resolution IS NULL OR " + _in("resolution", RESOLUTIONS), name="resolution_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_kind: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int]
    reporter_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    resolution: Mapped[str | None] = mapped_column(String(20))

    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id], lazy="joined", innerjoin=True)


class ModerationLogEntry(Model):
    """Who did what to what, when and why; only ever added to, never edited from the app."""

    __tablename__ = "moderation_log"
    __table_args__ = (Index("ix_moderation_log_action_at", "action", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))  # hide, restore, dismiss, lock, slow_mode...
    target_kind: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int]
    reason: Mapped[str] = mapped_column(String(500), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship(lazy="joined")
