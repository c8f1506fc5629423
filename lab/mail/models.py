"""The outbox: every message the Lab sends, kept for admins to read."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lab.core.types import UTCDateTime, utcnow
from lab.extensions import Model

MAIL_STATUSES = ("kept", "sent", "failed")


class OutboxMessage(Model):
    """A message sent (SMTP) or kept in the outbox (no mail server configured)."""

    __tablename__ = "outbox_message"
    __table_args__ = (CheckConstraint(f"status IN {MAIL_STATUSES!r}", name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    recipient: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)  # secrets redacted unless in development
    status: Mapped[str] = mapped_column(String(10), default="kept")
    error: Mapped[str] = mapped_column(String(500), default="")
