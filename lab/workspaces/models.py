"""Workspaces and everything inside them.

A workspace's members are users (with a role) and cities; tasks belong to a member city and may be
assigned to a member; a milestone groups tasks; a document keeps every uploaded version; the
activity feed is written in the same transaction as the change it records.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lab.auth.models import User
from lab.cities.models import City
from lab.core.mixins import SoftDeleteMixin, TimestampMixin, unique_among_live
from lab.core.types import UTCDateTime, utcnow
from lab.extensions import Model
from lab.practices.models import Practice
from lab.storage.models import StoredFile
from lab.workspaces.vocabulary import (
    JOIN_REQUEST_STATES,
    ROLES,
    STATUSES,
    TASK_STATUSES,
    VISIBILITIES,
    check_in,
)


class Workspace(SoftDeleteMixin, TimestampMixin, Model):
    """A joint initiative of two or more cities."""

    __tablename__ = "workspace"
    __table_args__ = (
        CheckConstraint(check_in("status", STATUSES), name="status_known"),
        CheckConstraint(check_in("visibility", VISIBILITIES), name="visibility_known"),
        CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on",
                        name="dates_in_order"),
        unique_among_live("uq_workspace_slug_live", "slug"),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text, default="")  # Markdown
    purpose_html: Mapped[str] = mapped_column(Text, default="")  # rendered once, sanitised
    status: Mapped[str] = mapped_column(String(10), default="proposed")
    # Where an archived workspace returns when a lead takes it out of the archive.
    status_before_archive: Mapped[str | None] = mapped_column(String(10))
    visibility: Mapped[str] = mapped_column(String(10), default="public")
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    created_by: Mapped[User | None] = relationship(lazy="select")
    cities: Mapped[list[WorkspaceCity]] = relationship(
        back_populates="workspace", cascade="all, delete-orphan", lazy="selectin",
        order_by="WorkspaceCity.added_at",
    )  # fmt: skip
    members: Mapped[list[WorkspaceMember]] = relationship(
        back_populates="workspace", cascade="all, delete-orphan", lazy="selectin",
        order_by="WorkspaceMember.joined_at",
    )  # fmt: skip

    @property
    def is_members_only(self) -> bool:
        """Whether only its members (and coordinators, logged) may learn anything of it."""
        return self.visibility == "members"


class WorkspaceCity(Model):
    """A city taking part in a workspace."""

    __tablename__ = "workspace_city"

    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), primary_key=True
    )
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id"), primary_key=True, index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    workspace: Mapped[Workspace] = relationship(back_populates="cities")
    city: Mapped[City] = relationship(lazy="joined", innerjoin=True)


class WorkspaceMember(Model):
    """A user in a workspace, as a lead or a member. A workspace always keeps one lead."""

    __tablename__ = "workspace_member"
    __table_args__ = (
        UniqueConstraint("workspace_id", "user_id"),
        CheckConstraint(check_in("role", ROLES), name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    role: Mapped[str] = mapped_column(String(10), default="member")
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    workspace: Mapped[Workspace] = relationship(back_populates="members")
    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined", innerjoin=True)

    @property
    def is_lead(self) -> bool:
        """Whether this member leads the workspace."""
        return self.role == "lead"


class JoinRequest(Model):
    """Someone asks to join a public workspace; a lead accepts or declines."""

    __tablename__ = "workspace_join_request"
    __table_args__ = (
        CheckConstraint(check_in("state", JOIN_REQUEST_STATES), name="state_known"),
        Index("ix_workspace_join_request_workspace_state", "workspace_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    message: Mapped[str] = mapped_column(String(1000), default="")
    state: Mapped[str] = mapped_column(String(10), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined", innerjoin=True)


class WorkspacePractice(Model):
    """A practice the workspace builds on or produces."""

    __tablename__ = "workspace_practice"

    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), primary_key=True
    )
    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practice.id"), primary_key=True, index=True
    )
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    practice: Mapped[Practice] = relationship(lazy="joined", innerjoin=True)


class Milestone(SoftDeleteMixin, TimestampMixin, Model):
    """A dated goal; its progress is the share of its tasks that are done."""

    __tablename__ = "workspace_milestone"
    __table_args__ = (Index("ix_workspace_milestone_workspace_due", "workspace_id", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    due_on: Mapped[date] = mapped_column(Date)
    # Set when the last of its tasks is done (and the feed says "milestone reached"); cleared when
    # a task is reopened.
    reached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}


class Task(SoftDeleteMixin, TimestampMixin, Model):
    """Something a member city has committed to do, on the board in a status column."""

    __tablename__ = "workspace_task"
    __table_args__ = (
        CheckConstraint(check_in("status", TASK_STATUSES), name="status_known"),
        Index("ix_workspace_task_board", "workspace_id", "status", "position"),
        Index("ix_workspace_task_assignee_status", "assignee_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown
    description_html: Mapped[str] = mapped_column(Text, default="")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id"), index=True)  # the owning city
    due_on: Mapped[date | None] = mapped_column(Date)  # a day in the owning city's time zone
    status: Mapped[str] = mapped_column(String(10), default="todo")
    position: Mapped[int] = mapped_column(default=0)  # order within its status column
    milestone_id: Mapped[int | None] = mapped_column(
        ForeignKey("workspace_milestone.id"), index=True
    )
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id], lazy="joined")
    city: Mapped[City] = relationship(lazy="joined", innerjoin=True)
    milestone: Mapped[Milestone | None] = relationship(lazy="select")


class Document(SoftDeleteMixin, TimestampMixin, Model):
    """A workspace document; every upload of it is kept as a numbered version."""

    __tablename__ = "workspace_document"
    __table_args__ = (Index("ix_workspace_document_workspace", "workspace_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(1000), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # The latest version (denormalised so lists need no subquery); kept in the upload's transaction.
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("workspace_document_version.id", use_alter=True)
    )
    version_count: Mapped[int] = mapped_column(default=0)

    current_version: Mapped[DocumentVersion | None] = relationship(
        foreign_keys=[current_version_id], lazy="joined", post_update=True
    )


class DocumentVersion(Model):
    """One uploaded file of a document."""

    __tablename__ = "workspace_document_version"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("workspace_document.id"))
    number: Mapped[int]
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id"))
    note: Mapped[str] = mapped_column(String(300), default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    file: Mapped[StoredFile] = relationship(lazy="joined", innerjoin=True)
    uploaded_by: Mapped[User | None] = relationship(lazy="joined")


class Activity(Model):
    """One line of a workspace's feed: who did what, when (written with the change itself)."""

    __tablename__ = "workspace_activity"
    __table_args__ = (Index("ix_workspace_activity_workspace_id", "workspace_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    verb: Mapped[str] = mapped_column(String(40))  # one of vocabulary.VERBS
    subject_kind: Mapped[str | None] = mapped_column(String(20))  # task, document, milestone…
    subject_id: Mapped[int | None]
    # What the sentence needs even after the subject changes: titles, statuses, names.
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship(lazy="joined")
