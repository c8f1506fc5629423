"""Model mixins shared by every feature: timestamps, soft delete and hiding."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from lab.core.types import UTCDateTime, utcnow


class TimestampMixin:
    """``created_at`` and ``updated_at``, set by the ORM in UTC."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class SoftDeleteMixin:
    """Rows are never deleted, only marked; hidden rows are kept with the reason.

    Every ORM ``SELECT`` leaves out deleted and hidden rows unless it is run with the execution
    option ``include_deleted=True`` or ``include_hidden=True`` (see ``lab.core.database``).
    """

    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    hidden_reason: Mapped[str | None] = mapped_column(String(500), default=None)

    @property
    def is_deleted(self) -> bool:
        """Whether the row has been soft-deleted."""
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        """Whether a moderator has hidden the row."""
        return self.hidden_at is not None

    def mark_deleted(self) -> None:
        """Soft-delete: keep the row, mark the time."""
        self.deleted_at = utcnow()

    def mark_restored(self) -> None:
        """Undo a soft delete."""
        self.deleted_at = None

    def mark_hidden(self, reason: str) -> None:
        """Hide the row with a reason its author will see."""
        self.hidden_at = utcnow()
        self.hidden_reason = reason

    def mark_unhidden(self) -> None:
        """Show a hidden row again."""
        self.hidden_at = None
        self.hidden_reason = None


def unique_among_live(name: str, *columns: str) -> Index:
    """A unique index that ignores soft-deleted rows, on SQLite and PostgreSQL alike."""
    live: Any = text("deleted_at IS NULL")
    return Index(name, *columns, unique=True, sqlite_where=live, postgresql_where=live)
