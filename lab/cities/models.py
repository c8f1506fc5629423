"""Cities, twin links and agreements."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, Column, Date, ForeignKey, Numeric, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lab.core.mixins import SoftDeleteMixin, TimestampMixin, unique_among_live
from lab.extensions import Model, db

agreement_signatory = Table(
    "agreement_signatory",
    db.metadata,
    Column("agreement_id", ForeignKey("agreement.id", ondelete="CASCADE"), primary_key=True),
    Column("city_id", ForeignKey("city.id", ondelete="CASCADE"), primary_key=True),
)


class City(SoftDeleteMixin, TimestampMixin, Model):
    """A municipality: a Lab member (``member_since`` set) or a partner that takes part."""

    __tablename__ = "city"
    __table_args__ = (
        unique_among_live("uq_city_slug_live", "slug"),
        CheckConstraint("length(country_code) = 2", name="country_code_iso3166"),
        CheckConstraint("latitude IS NULL OR (latitude BETWEEN -90 AND 90)", name="latitude_range"),
        CheckConstraint(
            "longitude IS NULL OR (longitude BETWEEN -180 AND 180)", name="longitude_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(120))
    official_name: Mapped[str] = mapped_column(String(200), default="")
    country_code: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)  # BCP 47 tags, main first
    time_zone: Mapped[str] = mapped_column(String(64))  # IANA name, e.g. Europe/Rome
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown source
    description_html: Mapped[str] = mapped_column(Text, default="")  # sanitised at write time
    member_since: Mapped[date | None] = mapped_column(Date)

    agreements: Mapped[list[Agreement]] = relationship(
        secondary=agreement_signatory, back_populates="signatories", order_by="Agreement.signed_on"
    )

    @property
    def is_member(self) -> bool:
        """Whether the city is a member of the Lab (not only a partner)."""
        return self.member_since is not None

    def __repr__(self) -> str:
        return f"<City {self.slug}>"


class TwinLink(Model):
    """Two cities twinned since a year; stored once, shown from both sides."""

    __tablename__ = "twin_link"
    __table_args__ = (
        CheckConstraint("city_a_id < city_b_id", name="ordered_pair"),
        CheckConstraint("since_year BETWEEN 1900 AND 2200", name="since_year_range"),
        db.UniqueConstraint("city_a_id", "city_b_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    city_a_id: Mapped[int] = mapped_column(ForeignKey("city.id"), index=True)
    city_b_id: Mapped[int] = mapped_column(ForeignKey("city.id"), index=True)
    since_year: Mapped[int]
    city_a: Mapped[City] = relationship(foreign_keys=[city_a_id])
    city_b: Mapped[City] = relationship(foreign_keys=[city_b_id])

    def partner_of(self, city: City) -> City:
        """The other city of the link, seen from ``city``."""
        return self.city_b if city.id == self.city_a_id else self.city_a


class Agreement(SoftDeleteMixin, TimestampMixin, Model):
    """An agreement of the Lab (e.g. the CultCities Friendship Agreement) and who signed it."""

    __tablename__ = "agreement"
    __table_args__ = (unique_among_live("uq_agreement_slug_live", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    signed_on: Mapped[date] = mapped_column(Date)
    signatories: Mapped[list[City]] = relationship(
        secondary=agreement_signatory, back_populates="agreements", order_by="City.name"
    )
