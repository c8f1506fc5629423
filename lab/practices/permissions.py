"""Who may see and change practices. Visibility is one rule, written twice: for one practice
(:func:`can_view_practice`) and as a query condition (:func:`visible_practices`); a test checks
that the two agree.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, false, or_, true

from lab.auth.models import ADMIN, COORDINATOR, DELEGATE
from lab.auth.permissions import can_write, is_staff
from lab.practices.models import Practice

PUBLIC_STATUSES = ("published", "archived")


def _delegate_city(user: Any) -> int | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.city_id if user.role == DELEGATE else None


def can_view_practice(user: Any, practice: Practice) -> bool:
    """Published and archived practices are public; drafts only for their city and staff.

    Deleted practices are seen only by those who may restore them.
    """
    if practice.deleted_at is not None:
        return can_edit_practice(user, practice, ignore_suspension=True)
    if practice.status in PUBLIC_STATUSES:
        return True
    return is_staff(user) or _delegate_city(user) == practice.city_id


def can_view_hidden_practice(user: Any, practice: Practice) -> bool:
    """A practice hidden by a moderator stays whole for its editors (the delegates of its city),
    its authors, coordinators and admins, who see it with the reason; others see only that it was
    hidden. Outside the rule of :func:`can_view_practice` (a draft stays with its city) nobody
    sees it: lists and search leave hidden practices out altogether.
    """
    if not can_view_practice(user, practice):
        return False
    if practice.hidden_at is None:
        return True
    if can_edit_practice(user, practice, ignore_suspension=True):
        return True
    user_id = getattr(user, "id", None) if getattr(user, "is_authenticated", False) else None
    return user_id is not None and any(a.user_id == user_id for a in practice.authors)


def shows_hidden_placeholder(user: Any, practice: Practice) -> bool:
    """Whether this person, who may not read a hidden practice, is told it was hidden (a public
    one) rather than given the same 404 as a missing practice (a draft, a deleted one)."""
    return (
        practice.hidden_at is not None
        and practice.deleted_at is None
        and practice.status in PUBLIC_STATUSES
        and not can_view_hidden_practice(user, practice)
    )


def visible_practices(user: Any) -> ColumnElement[bool]:
    """The same rule as :func:`can_view_practice`, for lists, search and counts (live rows)."""
    if is_staff(user):
        return true()
    public = Practice.status.in_(PUBLIC_STATUSES)
    city = _delegate_city(user)
    if city is None:
        return public
    return or_(public, Practice.city_id == city)


def visibility_key(user: Any) -> tuple[str, int | None]:
    """Which practices :func:`visible_practices` lets ``user`` see, as a key: users with the same
    key see the same practices (for caching what is counted over them)."""
    if is_staff(user):
        return ("staff", None)
    city = _delegate_city(user)
    return ("city", city) if city is not None else ("public", None)


def can_create_practice(user: Any) -> bool:
    """Delegates write their own city's practices; coordinators and admins may write any."""
    if not can_write(user):
        return False
    return user.role in (ADMIN, COORDINATOR) or (user.role == DELEGATE and user.city_id is not None)


def can_edit_practice(user: Any, practice: Practice, ignore_suspension: bool = False) -> bool:
    """Any delegate of the owning city, and coordinators and admins."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if not ignore_suspension and not can_write(user):
        return False
    if user.role in (ADMIN, COORDINATOR):
        return True
    return user.role == DELEGATE and user.city_id == practice.city_id


def can_validate(user: Any) -> bool:
    """Only coordinators grant or withdraw the "validated" mark."""
    return can_write(user) and user.role == COORDINATOR


def can_choose_city(user: Any) -> bool:
    """Staff choose the owning city; a delegate's practices belong to their own city."""
    return is_staff(user)


def no_practices() -> ColumnElement[bool]:
    """A condition that matches nothing."""
    return false()
