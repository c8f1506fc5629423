"""Adoptions: a city records that it adopts another city's practice, and how it goes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lab.cities.models import City
from lab.core.mixins import SoftDeleteMixin, TimestampMixin, unique_among_live
from lab.core.types import UTCDateTime, utcnow
from lab.extensions import Model
from lab.practices.models import Practice

HOWS = ("copied", "adapted", "inspired")
STAGES = ("exploring", "adapting", "piloting", "adopted", "abandoned")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Adoption(SoftDeleteMixin, TimestampMixin, Model):
    """City X adopts practice P (of another city): how, at what stage, what it changed."""

    __tablename__ = "adoption"
    __table_args__ = (
        unique_among_live("uq_adoption_practice_city_live", "practice_id", "city_id"),
        CheckConstraint(_in("how", HOWS), name="how_known"),
        CheckConstraint(_in("stage", STAGES), name="stage_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"), index=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id"), index=True)  # the adopting city
    how: Mapped[str] = mapped_column(String(10))
    stage: Mapped[str] = mapped_column(String(10), default="exploring")
    changes: Mapped[str] = mapped_column(Text, default="")  # what they changed and why (Markdown)
    changes_html: Mapped[str] = mapped_column(Text, default="")
    started_on: Mapped[date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    practice: Mapped[Practice] = relationship(lazy="joined", innerjoin=True)
    city: Mapped[City] = relationship(lazy="joined", innerjoin=True)
    updates: Mapped[list[AdoptionUpdate]] = relationship(
        back_populates="adoption", order_by="AdoptionUpdate.happened_on.desc()", lazy="selectin"
    )


class AdoptionUpdate(Model):
    """A dated step of an adoption: the stage reached and the outcome so far."""

    __tablename__ = "adoption_update"
    __table_args__ = (CheckConstraint(_in("stage", STAGES), name="stage_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    adoption_id: Mapped[int] = mapped_column(ForeignKey("adoption.id"), index=True)
    happened_on: Mapped[date] = mapped_column(Date)
    stage: Mapped[str] = mapped_column(String(10))
    outcome: Mapped[str] = mapped_column(Text, default="")
    outcome_html: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    adoption: Mapped[Adoption] = relationship(back_populates="updates")
