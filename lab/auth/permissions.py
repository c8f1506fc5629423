"""Named permission predicates about accounts, used by views, services and templates alike."""

from __future__ import annotations

from typing import Any

from lab.auth.models import ADMIN, COORDINATOR, DELEGATE, YOUNG, User


def _user(user: Any) -> User | None:
    """The real user behind Flask-Login's proxy, or None for a visitor."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user if isinstance(user, User) else user._get_current_object()


def is_signed_in(user: Any) -> bool:
    """A signed-in, active account."""
    u = _user(user)
    return u is not None and u.is_active


def can_write(user: Any) -> bool:
    """May create or change anything: signed in, active, e-mail verified, not suspended."""
    u = _user(user)
    return u is not None and u.is_active and u.is_verified and not u.is_suspended


def is_staff(user: Any) -> bool:
    """Coordinators and admins."""
    u = _user(user)
    return u is not None and u.role in (ADMIN, COORDINATOR)


def can_invite(user: Any, role: str) -> bool:
    """Coordinators invite delegates and young stakeholders; only admins invite staff."""
    u = _user(user)
    if u is None or not can_write(u):
        return False
    if u.role == ADMIN:
        return True
    return u.role == COORDINATOR and role in (DELEGATE, YOUNG)


def invitable_roles(user: Any) -> list[str]:
    """The roles this user may invite, in the order a form lists them."""
    return [role for role in (DELEGATE, YOUNG, COORDINATOR, ADMIN) if can_invite(user, role)]


def can_manage_invitations(user: Any) -> bool:
    """May see, resend and revoke invitations."""
    return bool(invitable_roles(user))


def can_list_users(user: Any) -> bool:
    """Admins manage accounts; coordinators look users up to suspend them."""
    return is_staff(user) and can_write(user)


def can_change_role(user: Any, target: User) -> bool:
    """Only admins change roles and cities, and never their own (no accidental lock-out)."""
    u = _user(user)
    return u is not None and u.role == ADMIN and can_write(u) and u.id != target.id


def can_deactivate(user: Any, target: User) -> bool:
    """Only admins deactivate or reactivate accounts, and not their own."""
    return can_change_role(user, target)


def can_suspend(user: Any, target: User) -> bool:
    """Coordinators and admins suspend non-staff users (staff are handled by admins)."""
    u = _user(user)
    if u is None or not can_write(u) or u.role not in (ADMIN, COORDINATOR) or u.id == target.id:
        return False
    return u.role == ADMIN or target.role in (DELEGATE, YOUNG)


def can_read_outbox(user: Any) -> bool:
    """Admins read the outbox (invitations and resets on machines without a mail server)."""
    u = _user(user)
    return u is not None and u.role == ADMIN


def can_read_audit_log(user: Any) -> bool:
    """Admins read the audit log."""
    return can_read_outbox(user)


def can_see_email(viewer: Any, owner: User) -> bool:
    """Signed-in people see an e-mail only if its owner chose to show it (admins manage accounts)."""
    u = _user(viewer)
    if u is None:
        return False
    return owner.show_email or u.id == owner.id or u.role == ADMIN
