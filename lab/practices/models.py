"""Practices, their authors, themes, tags, revisions and attachments."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lab.auth.models import User
from lab.cities.models import City
from lab.core.mixins import SoftDeleteMixin, TimestampMixin
from lab.core.types import UTCDateTime, utcnow
from lab.extensions import Model, db
from lab.practices.facets import FACETS, SECTIONS, STATUSES, check_in
from lab.storage.models import StoredFile
from lab.taxonomy.models import Theme

practice_theme = Table(
    "practice_theme",
    db.metadata,
    Column("practice_id", ForeignKey("practice.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True, index=True),
)

practice_tag = Table(
    "practice_tag",
    db.metadata,
    Column("practice_id", ForeignKey("practice.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class PracticeAuthor(Model):
    """A user credited as an author of a practice, in order."""

    __tablename__ = "practice_author"

    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practice.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    user: Mapped[User] = relationship(lazy="joined")


class Tag(Model):
    """A free tag, stored lower-cased."""

    __tablename__ = "tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)


class Practice(SoftDeleteMixin, TimestampMixin, Model):
    """A structured best practice of a city, comparable with others by its facets."""

    __tablename__ = "practice"
    __table_args__ = (
        CheckConstraint(check_in("status", STATUSES), name="status_known"),
        *(CheckConstraint(check_in(column, vocabulary), name=f"{column}_known")
          for column, (vocabulary, _label) in FACETS.items()),
        CheckConstraint("period_end IS NULL OR period_start IS NULL OR period_end >= period_start",
                        name="period_in_order"),
        Index("ix_practice_city_status", "city_id", "status"),
        Index("ix_practice_status_published_at", "status", "published_at"),
        # Migration 0007: lists filter, count, facet and sort practices from this index alone,
        # never reading (or sorting) the wide Markdown rows; only a page's rows are then read.
        Index("ix_practice_listing", "status", "deleted_at", "hidden_at", "city_id", "asset_type",
              "reuse_type", "financing_model", "validated_at", "published_at", "created_at",
              "updated_at"),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(300))
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    language: Mapped[str] = mapped_column(String(35), default="en")  # BCP 47 tag of the content
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    is_ongoing: Mapped[bool] = mapped_column(Boolean, default=False)

    challenge: Mapped[str] = mapped_column(Text, default="")
    challenge_html: Mapped[str] = mapped_column(Text, default="")
    solution: Mapped[str] = mapped_column(Text, default="")
    solution_html: Mapped[str] = mapped_column(Text, default="")
    stakeholders: Mapped[str] = mapped_column(Text, default="")
    stakeholders_html: Mapped[str] = mapped_column(Text, default="")
    resources: Mapped[str] = mapped_column(Text, default="")
    resources_html: Mapped[str] = mapped_column(Text, default="")
    results: Mapped[str] = mapped_column(Text, default="")
    results_html: Mapped[str] = mapped_column(Text, default="")
    transferability: Mapped[str] = mapped_column(Text, default="")
    transferability_html: Mapped[str] = mapped_column(Text, default="")
    lessons: Mapped[str] = mapped_column(Text, default="")
    lessons_html: Mapped[str] = mapped_column(Text, default="")

    asset_type: Mapped[str | None] = mapped_column(String(30))
    protection_status: Mapped[str | None] = mapped_column(String(30))
    reuse_type: Mapped[str | None] = mapped_column(String(30))
    business_model: Mapped[str | None] = mapped_column(String(30))
    financing_model: Mapped[str | None] = mapped_column(String(30))
    governance_model: Mapped[str | None] = mapped_column(String(30))

    cover_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"))
    cover_alt: Mapped[str] = mapped_column(String(300), default="")
    is_illustrative: Mapped[bool] = mapped_column(Boolean, default=False)  # demo content, marked

    validated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    validated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Optimistic locking: every UPDATE checks and bumps it; a stale save raises StaleDataError.
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    city: Mapped[City] = relationship(lazy="joined", innerjoin=True)
    cover: Mapped[StoredFile | None] = relationship(lazy="joined")
    validated_by: Mapped[User | None] = relationship(foreign_keys=[validated_by_id], lazy="select")
    authors: Mapped[list[PracticeAuthor]] = relationship(
        order_by=PracticeAuthor.position, cascade="all, delete-orphan", lazy="selectin"
    )
    themes: Mapped[list[Theme]] = relationship(
        secondary=practice_theme, lazy="selectin", order_by=Theme.position
    )
    tags: Mapped[list[Tag]] = relationship(
        secondary=practice_tag, lazy="selectin", order_by=Tag.name
    )

    @property
    def is_draft(self) -> bool:
        """Whether only its city's delegates and staff can see it."""
        return self.status == "draft"

    @property
    def is_validated(self) -> bool:
        """Whether a coordinator has validated it."""
        return self.validated_at is not None

    def section_html(self, name: str) -> str:
        """The stored sanitised HTML of a section."""
        assert name in SECTIONS
        return str(getattr(self, f"{name}_html"))


class PracticeRevision(Model):
    """A saved state of a practice: who, when, what changed, and everything to restore it."""

    __tablename__ = "practice_revision"
    __table_args__ = (db.UniqueConstraint("practice_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"), index=True)
    number: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    changed_fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(String(300), default="")
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    author: Mapped[User | None] = relationship(lazy="joined")


class Attachment(SoftDeleteMixin, Model):
    """A file attached to a practice; served only through a permission-checking view."""

    __tablename__ = "practice_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"), index=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id"))
    title: Mapped[str] = mapped_column(String(200))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    file: Mapped[StoredFile] = relationship(lazy="joined", innerjoin=True)
