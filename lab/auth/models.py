"""Users, invitations and single-use account tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lab.core.mixins import TimestampMixin
from lab.core.types import UTCDateTime, utcnow
from lab.extensions import Model

ADMIN, COORDINATOR, DELEGATE, YOUNG = "admin", "coordinator", "delegate", "young_stakeholder"
ROLES = (ADMIN, COORDINATOR, DELEGATE, YOUNG)
STAKEHOLDER_KINDS = ("student", "young_artist", "culture_expert")
TOKEN_PURPOSES = ("verify_email", "reset_password")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class User(TimestampMixin, Model):
    """A person with one role; delegates belong to exactly one city."""

    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(_in("role", ROLES), name="role_known"),
        CheckConstraint(
            f"stakeholder_kind IS NULL OR {_in('stakeholder_kind', STAKEHOLDER_KINDS)}",
            name="stakeholder_kind_known",
        ),
        CheckConstraint("role != 'delegate' OR city_id IS NOT NULL", name="delegate_has_city"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-cased
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pending_email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(20), default=YOUNG)
    stakeholder_kind: Mapped[str | None] = mapped_column(String(20))
    city_id: Mapped[int | None] = mapped_column(ForeignKey("city.id"), index=True)
    affiliation: Mapped[str] = mapped_column(String(200), default="")
    preferred_language: Mapped[str | None] = mapped_column(String(35))
    time_zone: Mapped[str | None] = mapped_column(String(64))
    show_email: Mapped[bool] = mapped_column(Boolean, default=False)
    # Bumped to end every existing session of this user (sign-out, password or role change...).
    session_version: Mapped[int] = mapped_column(default=1)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    suspended_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    suspension_reason: Mapped[str] = mapped_column(String(500), default="")
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Loaded with the user (one query per request) so pages can show the city without another.
    # Typed loosely: cities sit above accounts, so this module names the class only as a string.
    city: Mapped[Any] = relationship("City", lazy="joined", innerjoin=False)

    # Flask-Login's interface.
    @property
    def is_authenticated(self) -> bool:
        """Flask-Login: a loaded user is signed in."""
        return True

    @property
    def is_active(self) -> bool:
        """Flask-Login: deactivated accounts cannot sign in at all."""
        return self.deactivated_at is None

    @property
    def is_anonymous(self) -> bool:
        """Flask-Login: a real account."""
        return False

    def get_id(self) -> str:
        """Flask-Login: the id together with the session version, so old cookies stop working."""
        return f"{self.id}:{self.session_version}"

    @property
    def is_verified(self) -> bool:
        """Whether the e-mail address was confirmed (invited accounts are, by their link)."""
        return self.email_verified_at is not None

    @property
    def is_suspended(self) -> bool:
        """Whether a coordinator's suspension is in force now."""
        return self.suspended_until is not None and self.suspended_until > utcnow()

    @property
    def is_admin(self) -> bool:
        """Whether the user is a platform admin."""
        return self.role == ADMIN

    @property
    def is_coordinator(self) -> bool:
        """Whether the user is a Lab coordinator."""
        return self.role == COORDINATOR

    @property
    def is_delegate(self) -> bool:
        """Whether the user is a city delegate."""
        return self.role == DELEGATE

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class Invitation(TimestampMixin, Model):
    """An invitation to join with a role (and city); its link works once, for 7 days."""

    __tablename__ = "invitation"
    __table_args__ = (
        CheckConstraint(_in("role", ROLES), name="role_known"),
        CheckConstraint("role != 'delegate' OR city_id IS NOT NULL", name="delegate_has_city"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[str] = mapped_column(String(20))
    city_id: Mapped[int | None] = mapped_column(ForeignKey("city.id"))
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_count: Mapped[int] = mapped_column(default=1)

    city: Mapped[Any] = relationship("City", lazy="joined")
    invited_by: Mapped[User] = relationship(foreign_keys=[invited_by_id], lazy="joined")

    @property
    def status(self) -> str:
        """pending, accepted, revoked or expired."""
        if self.accepted_at is not None:
            return "accepted"
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= utcnow():
            return "expired"
        return "pending"


class AccountToken(Model):
    """A single-use, expiring token for e-mail verification or a password reset (hash stored)."""

    __tablename__ = "account_token"
    __table_args__ = (CheckConstraint(_in("purpose", TOKEN_PURPOSES), name="purpose_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254))  # the address the link was sent to
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")
