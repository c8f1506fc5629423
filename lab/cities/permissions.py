"""Who may change cities, twin links and agreements: named predicates for views, services, templates."""

from __future__ import annotations

from typing import Any

from lab.auth.permissions import can_write, is_staff


def can_manage_network(user: Any) -> bool:
    """Admins create and edit cities, twin links and agreements."""
    return can_write(user) and bool(getattr(user, "is_admin", False))


def can_edit_city(user: Any, city: Any) -> bool:
    """May change the whole profile of a city (name, codes, languages, place...): admins."""
    return can_manage_network(user)


def can_edit_city_description(user: Any, city: Any) -> bool:
    """May change a city's description: coordinators and admins."""
    return is_staff(user) and can_write(user)
