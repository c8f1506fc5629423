"""What staff do to accounts: change role and city, deactivate, reactivate, suspend."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from lab.audit.services import record
from lab.auth.models import DELEGATE, ROLES, STAKEHOLDER_KINDS, YOUNG, User
from lab.auth.permissions import can_change_role, can_deactivate, can_suspend
from lab.auth.services import city_exists, end_all_sessions
from lab.core.database import transaction
from lab.core.errors import DomainError, PermissionDeniedError
from lab.core.types import utcnow

REASON_MAX = 500


def _reason(reason: str, required: bool = True) -> str:
    reason = " ".join((reason or "").split())
    if required and not reason:
        raise DomainError(_("Give a reason: the person will see it."), "reason")
    if len(reason) > REASON_MAX:
        raise DomainError(_("Use at most %(n)d characters.", n=REASON_MAX), "reason")
    return reason


def change_role(actor: User, target: User, role: str, city_id: int | None) -> None:
    """Give a user another role and/or city; their sessions end so the change applies at once."""
    if not can_change_role(actor, target):
        raise PermissionDeniedError(_("You may not change this account."))
    if role not in ROLES:
        raise DomainError(_("Choose a role from the list."), "role")
    if role == DELEGATE and not city_exists(city_id):
        raise DomainError(_("A delegate belongs to a city: choose one."), "city_id")
    if city_id is not None and not city_exists(city_id):
        raise DomainError(_("Choose a city from the list."), "city_id")
    if role == target.role and city_id == target.city_id:
        return
    with transaction():
        before = (target.role, target.city_id)
        target.role = role
        target.city_id = city_id
        if role == YOUNG and target.stakeholder_kind not in STAKEHOLDER_KINDS:
            target.stakeholder_kind = "culture_expert"
        end_all_sessions(target)
        record(
            "user.role_changed",
            actor=actor,
            target=target,
            target_label=target.email,
            old_role=before[0],
            old_city_id=before[1],
            new_role=role,
            new_city_id=city_id,
        )


def deactivate(actor: User, target: User, reason: str) -> None:
    """Close an account: it cannot sign in at all, and every session ends now."""
    if not can_deactivate(actor, target):
        raise PermissionDeniedError(_("You may not change this account."))
    reason = _reason(reason)
    with transaction():
        target.deactivated_at = utcnow()
        end_all_sessions(target)
        record(
            "user.deactivated", actor=actor, target=target, target_label=target.email, reason=reason
        )


def reactivate(actor: User, target: User) -> None:
    """Open a deactivated account again."""
    if not can_deactivate(actor, target):
        raise PermissionDeniedError(_("You may not change this account."))
    with transaction():
        target.deactivated_at = None
        record("user.reactivated", actor=actor, target=target, target_label=target.email)


def suspend(actor: User, target: User, until: datetime, reason: str) -> None:
    """Suspend until a date: they can still sign in and read, cannot write, and are told why."""
    if not can_suspend(actor, target):
        raise PermissionDeniedError(_("You may not suspend this account."))
    reason = _reason(reason)
    if until.tzinfo is None or until <= utcnow():
        raise DomainError(_("Choose a date in the future."), "until")
    with transaction():
        target.suspended_until = until
        target.suspension_reason = reason
        end_all_sessions(target)
        record(
            "user.suspended",
            actor=actor,
            target=target,
            target_label=target.email,
            reason=reason,
            until=until.isoformat(),
        )


def lift_suspension(actor: User, target: User) -> None:
    """End a suspension early."""
    if not can_suspend(actor, target):
        raise PermissionDeniedError(_("You may not change this account."))
    with transaction():
        target.suspended_until = None
        target.suspension_reason = ""
        record("user.suspension_lifted", actor=actor, target=target, target_label=target.email)
