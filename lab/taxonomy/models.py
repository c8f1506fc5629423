"""Themes: one list, managed by admins, shared by practices and discussion topics."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from lab.core.mixins import SoftDeleteMixin, TimestampMixin, unique_among_live
from lab.extensions import Model


class Theme(SoftDeleteMixin, TimestampMixin, Model):
    """A theme such as "Circular business models" or "Financing"."""

    __tablename__ = "theme"
    __table_args__ = (unique_among_live("uq_theme_slug_live", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(500), default="")
    position: Mapped[int] = mapped_column(default=0)
