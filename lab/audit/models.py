"""Audit events."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lab.core.types import UTCDateTime, utcnow
from lab.extensions import Model


class Actor(Protocol):
    """What the log shows of the person who acted (a ``lab.auth.models.User``).

    The audit log sits below accounts, so it names the class only as a string.
    """

    id: int
    display_name: str


class AuditEvent(Model):
    """One security-relevant event; rows are only ever added, never changed from the app."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_action_at", "action", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(60))  # e.g. "auth.sign_in", "user.role_changed"
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[int | None]
    target_label: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(String(500), default="")
    address: Mapped[str] = mapped_column(String(64), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    # Read-only, and never loaded on its own: a list must join it (contains_eager) or selectinload
    # it, so showing actors' names costs no query per row. A relationship needs no migration.
    actor: Mapped[Actor | None] = relationship("User", viewonly=True, lazy="raise")
