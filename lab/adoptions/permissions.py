"""Who may record, see and change adoptions. Pure predicates: views, services and templates ask
the same questions.
"""

from __future__ import annotations

from typing import Any

from lab.adoptions.models import Adoption
from lab.auth.models import DELEGATE
from lab.auth.permissions import can_write, is_staff
from lab.practices.models import Practice
from lab.practices.permissions import PUBLIC_STATUSES, can_view_practice


def can_record_for_any_city(user: Any) -> bool:
    """Coordinators and admins record on behalf of a city they choose (audited)."""
    return can_write(user) and is_staff(user)


def can_record_adoption(user: Any, practice: Practice) -> bool:
    """A delegate records that their own city adopts another city's published or archived
    practice; coordinators and admins may record it for any other city.
    """
    if not can_write(user) or practice.deleted_at is not None:
        return False
    if practice.status not in PUBLIC_STATUSES:
        return False
    if is_staff(user):
        return True
    return user.role == DELEGATE and user.city_id is not None and user.city_id != practice.city_id


def can_view_adoption(user: Any, adoption: Adoption) -> bool:
    """Whoever may see the practice sees its adoptions: a draft's adoptions stay private."""
    return adoption.deleted_at is None and can_view_practice(user, adoption.practice)


def can_edit_adoption(user: Any, adoption: Adoption) -> bool:
    """Delegates of the adopting city, and coordinators and admins (add updates, withdraw too)."""
    if not can_write(user) or not can_view_adoption(user, adoption):
        return False
    if is_staff(user):
        return True
    return user.role == DELEGATE and user.city_id == adoption.city_id
