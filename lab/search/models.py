"""The one search table every feature writes to.

The full-text index over it is created only by migrations: an FTS5 table ``search_fts`` kept in
sync by triggers on SQLite, a generated ``tsv`` column with a GIN index on PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lab.core.types import UTCDateTime, utcnow
from lab.extensions import Model

VISIBILITIES = ("public", "city", "members", "staff")


class SearchDocument(Model):
    """One searchable thing: a practice, a topic, a comment, a workspace or a task."""

    __tablename__ = "search_document"
    __table_args__ = (
        Index("uq_search_document_kind_object", "kind", "object_id", unique=True),
        Index("ix_search_document_visibility_scope", "visibility", "scope_id"),
        CheckConstraint(f"visibility IN {VISIBILITIES!r}", name="visibility_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # practice, topic, comment, workspace, task
    object_id: Mapped[int]
    # Who may find it: "public"; "city" = delegates of scope_id's city and staff;
    # "members" = members of workspace scope_id; "staff" = coordinators and admins.
    visibility: Mapped[str] = mapped_column(String(10))
    scope_id: Mapped[int | None]
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)  # readable plain text, for snippets
    normalised: Mapped[str] = mapped_column(Text)  # lower-cased, no diacritics: what is indexed
    language: Mapped[str] = mapped_column(String(35), default="en")
    url: Mapped[str] = mapped_column(String(300))
    city_id: Mapped[int | None]
    country_code: Mapped[str | None] = mapped_column(String(2))
    theme_id: Mapped[int | None]
    status: Mapped[str | None] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
