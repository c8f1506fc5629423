"""Twinning events: host city, dates, agenda, delegations, links to workspaces and practices."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lab.auth.models import User
from lab.cities.models import City
from lab.core.mixins import SoftDeleteMixin, TimestampMixin, unique_among_live
from lab.core.types import UTCDateTime, utcnow
from lab.extensions import Model
from lab.practices.models import Practice
from lab.workspaces.models import Workspace


class Event(SoftDeleteMixin, TimestampMixin, Model):
    """A twinning event hosted by a city, on one or more days (local to the host city)."""

    __tablename__ = "event"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="dates_in_order"),
        unique_among_live("uq_event_slug_live", "slug"),
        Index("ix_event_starts_on", "starts_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    host_city_id: Mapped[int] = mapped_column(ForeignKey("city.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown
    description_html: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    host_city: Mapped[City] = relationship(lazy="joined", innerjoin=True)
    agenda: Mapped[list[AgendaItem]] = relationship(
        back_populates="event", cascade="all, delete-orphan", lazy="selectin",
        order_by="(AgendaItem.day, AgendaItem.starts_at, AgendaItem.position)",
    )  # fmt: skip
    delegations: Mapped[list[Delegation]] = relationship(
        back_populates="event", cascade="all, delete-orphan", lazy="selectin",
        order_by="Delegation.created_at",
    )  # fmt: skip


class AgendaItem(Model):
    """A slot of the programme: day, local time, title, speaker."""

    __tablename__ = "event_agenda_item"
    __table_args__ = (Index("ix_event_agenda_item_event", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    starts_at: Mapped[time | None] = mapped_column(Time)  # local time in the host city
    ends_at: Mapped[time | None] = mapped_column(Time)
    title: Mapped[str] = mapped_column(String(300))
    speaker: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship(back_populates="agenda")


class Delegation(Model):
    """A city's delegation to an event, registered by one of its delegates (or a coordinator)."""

    __tablename__ = "event_delegation"
    __table_args__ = (UniqueConstraint("event_id", "city_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id"), index=True)
    note: Mapped[str] = mapped_column(String(1000), default="")
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship(back_populates="delegations")
    city: Mapped[City] = relationship(lazy="joined", innerjoin=True)
    members: Mapped[list[DelegationMember]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="DelegationMember.position"
    )


class DelegationMember(Model):
    """A delegate travelling with their city's delegation."""

    __tablename__ = "event_delegation_member"

    delegation_id: Mapped[int] = mapped_column(
        ForeignKey("event_delegation.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)


class EventWorkspace(Model):
    """A workspace the event is part of (the festival's planning, an exhibition's team)."""

    __tablename__ = "event_workspace"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspace.id"), primary_key=True, index=True
    )

    workspace: Mapped[Workspace] = relationship(lazy="joined", innerjoin=True)


class EventPractice(Model):
    """A practice presented or discussed at the event."""

    __tablename__ = "event_practice"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practice.id"), primary_key=True, index=True
    )

    practice: Mapped[Practice] = relationship(lazy="joined", innerjoin=True)
