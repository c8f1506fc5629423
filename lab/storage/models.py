"""Stored files: where an upload lives, under a generated name; its original name is display text."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from lab.core.types import UTCDateTime, utcnow
from lab.extensions import Model

FILE_KINDS = ("image", "document")


class StoredFile(Model):
    """One uploaded file (images also keep their resized variants)."""

    __tablename__ = "stored_file"
    __table_args__ = (
        CheckConstraint(f"kind IN {FILE_KINDS!r}", name="kind_known"),
        CheckConstraint("size_bytes >= 0", name="size_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    storage_key: Mapped[str] = mapped_column(
        String(120), unique=True
    )  # generated, never user input
    original_name: Mapped[str] = mapped_column(String(255))  # display text only
    content_type: Mapped[str] = mapped_column(String(100))
    extension: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(10))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int | None]
    height: Mapped[int | None]
    variants: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {"thumb": key, ...}
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
